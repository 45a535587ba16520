"""The ``digitpad`` command.

    digitpad                      open the drawing window
    digitpad train [options]      train a network on MNIST and save it
    digitpad evaluate [WEIGHTS]   MNIST test accuracy, per digit, and the confusion matrix
    digitpad predict IMAGE...     read digits from image files

Exit status: 0 done; 1 a run that failed (training diverged, the window could
not start); 2 a bad argument or a bad file, told in one line on stderr,
never with a traceback; 130 stopped by Ctrl-C or a termination signal (``kill``,
a logout), which end a command the same way: its clean-up runs, nothing is left
half-written.  :func:`main` returns the status instead of exiting, so tests can
call it in-process.  Each command is a module of its own: :mod:`.train`,
:mod:`.evaluate`, :mod:`.predict` (what they share: :mod:`.common`).
"""
from __future__ import annotations

import argparse
import sys

from digitpad import __version__, paths
from digitpad.model.data import DataError
from digitpad.model.weights import WeightsError
from digitpad.recipes import PRESETS
from digitpad.signals import EXIT_INTERRUPTED, interrupts_call, interrupts_raise

from .common import EXIT_FAILED, EXIT_USAGE, UsageError, fail
from .evaluate import add_evaluate_command
from .predict import add_predict_command
from .train import add_train_command


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parse_args(argv)
    except SystemExit as e:             # --help, --version, or a usage error already told
        return 0 if e.code is None else e.code if isinstance(e.code, int) else EXIT_USAGE
    args.argv = argv
    try:
        paths.check_home()
        if args.command is None:
            return open_window()
        with interrupts_raise():
            return args.run(args)
    except KeyboardInterrupt:
        print("\ndigitpad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (UsageError, DataError, WeightsError, paths.HomeError) as e:
        return fail(e, EXIT_USAGE)
    except OSError as e:                # a file or folder the checks above did not foresee
        where = f": {e.filename}" if e.filename else ""
        return fail(f"{e.strerror or e}{where}", EXIT_USAGE)


def open_window():
    """``digitpad`` alone: the drawing window (Qt is imported only here).

    From here on Ctrl-C (or a termination signal) only takes note, and the window
    closes as soon as it is up (exit status 130): a KeyboardInterrupt raised inside
    an import or a Qt callback could be swallowed, and the window would stay open.
    """
    interrupted = []
    try:
        with interrupts_call(lambda: interrupted.append(True)):
            from digitpad.gui.app import main as run_window
            return run_window(interrupted=interrupted)
    except ImportError as e:
        return fail(f"cannot open the window: {e}", EXIT_FAILED)


# Arguments ---------------------------------------------------------------------------

def parse_args(argv):
    """The parsed command line; with ``train --preset NAME``, the preset's values are
    train's defaults, so that every option given overrides them."""
    args = build_parser().parse_args(argv)
    if getattr(args, "preset", None):
        args = build_parser(PRESETS[args.preset].options).parse_args(argv)
    return args


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors in one line (exit status 2, as argparse does)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(train_defaults=None):
    """The command line; ``train_defaults`` (a preset's options) replace train's defaults."""
    parser = Parser(prog="digitpad",
                    description="Draw a digit; a from-scratch NumPy neural network reads "
                                "it live. Without a command, opens the window.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_train_command(commands, train_defaults)
    add_evaluate_command(commands)
    add_predict_command(commands)
    return parser


