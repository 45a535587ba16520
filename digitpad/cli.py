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
call it in-process.
"""
from __future__ import annotations

import argparse
import contextlib
import math
import shlex
import signal
import sys
import tempfile
import textwrap
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from digitpad import weights
from digitpad.model.data import DataError, load_mnist
from digitpad.model.optim import SCHEDULES
from digitpad.model.paths import models_dir
from digitpad.model.train import TrainConfig, TrainingDiverged
from digitpad.model.weights import WeightsError, describe, load

from . import __version__, learning, store
from .learning import DEFAULT_LR, PRESETS

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Bounds of the training options: far beyond any useful run, short of hours of work or
# gigabytes of memory spent before a traceback.
MAX_EPOCHS = 1000
MAX_BATCH = 65_536
MAX_AUGMENT = 3.0           # beyond it, images are distorted past recognition (and overflow)
MAX_PEN_COPIES = 20         # renderings of each of the 6,815 pen digits: 136,300 images
MAX_NOT_DIGITS = 200_000    # 157 MB of images
MAX_ENSEMBLE = 16
MAX_LETTER_COPIES = 8       # renderings of each of the 16,784 pen letters: 134,272 images
MAX_SLANT = 1.0             # a shear of 1: 45 degrees
MAX_SEED = 2 ** 32 - 1


class UsageError(Exception):
    """A bad argument or file: reported in one line, exit status 2."""


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parse_args(argv)
    except SystemExit as e:             # --help, --version, or a usage error already told
        return 0 if e.code is None else e.code if isinstance(e.code, int) else EXIT_USAGE
    args.argv = argv
    try:
        if args.command is None:
            return open_window()
        with _terminate_as_interrupt():
            return args.run(args)
    except KeyboardInterrupt:
        print("\ndigitpad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (UsageError, DataError, WeightsError) as e:
        return fail(e, EXIT_USAGE)


@contextlib.contextmanager
def _terminate_as_interrupt():
    """A termination signal raises KeyboardInterrupt, as Ctrl-C does, so a command's
    clean-up runs: a training run ends its networks' processes and removes its data
    (by default the process would simply vanish, leaving them behind)."""
    if threading.current_thread() is not threading.main_thread():
        yield                           # only the main thread may set signal handlers
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def fail(error, status):
    print(f"digitpad: error: {error}", file=sys.stderr)
    return status


def open_window():
    """``digitpad`` alone: the drawing window (Qt is imported only here).

    From here on Ctrl-C (or a termination signal) only takes note, and the window
    closes as soon as it is up (exit status 130): a KeyboardInterrupt raised inside
    an import or a Qt callback could be swallowed, and the window would stay open.
    """
    interrupted = []
    note = lambda *_: interrupted.append(True)          # noqa: E731
    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        from digitpad.gui.app import main as run_window
        return run_window(interrupted=interrupted)
    except ImportError as e:
        return fail(f"cannot open the window: {e}", EXIT_FAILED)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# Arguments ---------------------------------------------------------------------------

def parse_args(argv):
    """The parsed command line; with ``train --preset NAME``, the preset's values are
    train's defaults, so that every option given overrides them."""
    args = build_parser().parse_args(argv)
    if getattr(args, "preset", None):
        args = build_parser(PRESETS[args.preset].options).parse_args(argv)
    return args


def train_options(args):
    """The options of a ``digitpad train`` run, as :func:`digitpad.learning.recipe` has them."""
    return learning.recipe(**{k: v for k, v in vars(args).items()
                              if k not in ("run", "argv", "command", "out", "data")})


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


def add_train_command(commands, defaults=None):
    d = TrainConfig()
    p = commands.add_parser("train", help="train a network on MNIST and save it",
                            description="Train a network on MNIST, show its test accuracy "
                                        "after every epoch, and save it.",
                            epilog="presets (the Retrain dialog offers the same):\n"
                                   + "\n".join(textwrap.fill(f"{name:<8} {preset.expect}", 78,
                                                              initial_indent="  ",
                                                              subsequent_indent=" " * 11)
                                                for name, preset in PRESETS.items()),
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", choices=tuple(PRESETS), metavar="NAME",
                   help="start from a named recipe: " + ", ".join(PRESETS) + " (the one "
                        "that made the shipped model); the other options given override it")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="folder holding the four MNIST files (default: the cache, "
                        "downloading them if needed)")
    p.add_argument("--epochs", type=whole(1, MAX_EPOCHS), default=d.epochs, metavar="N",
                   help=f"passes over the training set (default {d.epochs})")
    p.add_argument("--batch-size", type=whole(1, MAX_BATCH), default=d.batch_size,
                   metavar="B",
                   help=f"images per step (default {d.batch_size})")
    p.add_argument("--late-batch-size", type=whole(0, MAX_BATCH), default=d.late_batch_size,
                   metavar="B", help="from halfway through training, batches of B images: "
                                     "faster per image (default 0: --batch-size throughout)")
    p.add_argument("--optimizer", choices=("adam", "sgd"), default=d.optimizer,
                   help=f"adam, or sgd with Nesterov momentum (default {d.optimizer})")
    p.add_argument("--lr", type=positive_float, metavar="LR",
                   help="peak learning rate (default "
                        + ", ".join(f"{v:g} for {k}" for k, v in DEFAULT_LR.items()) + ")")
    p.add_argument("--hidden", type=hidden_sizes, default=d.hidden, metavar="SIZES",
                   help="hidden layer widths, e.g. 512 or 800,300 "
                        f"(default {','.join(map(str, d.hidden))})")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=d.augment,
                   help="distort every training image at random: rotation, scale, shear, "
                        "shift, stroke thickness, elastic (default on)")
    p.add_argument("--augment-strength", type=up_to(MAX_AUGMENT),
                   default=d.augment_strength,
                   metavar="X", help=f"scales every distortion (default {d.augment_strength:g})")
    p.add_argument("--weight-decay", type=up_to(1.0), default=d.weight_decay,
                   metavar="WD", help=f"decoupled weight decay (default {d.weight_decay:g})")
    p.add_argument("--schedule", choices=tuple(SCHEDULES), default=d.schedule,
                   help=f"learning-rate schedule (default {d.schedule})")
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=d.seed, metavar="S",
                   help=f"seeds initialisation, shuffling and augmentation (default {d.seed})")
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="where to save the model, a .npz file (default: "
                        "<models folder>/digitpad-<date>-<time>.npz)")
    p.add_argument("--pen-digits", type=whole(0, MAX_PEN_COPIES), default=0, metavar="K",
                   help="also learn from K renderings of each of the 6,800 pen-written "
                        "digits that ship with digitpad (UniPen; default 0)")
    p.add_argument("--not-digits", type=whole(0, MAX_NOT_DIGITS), default=0, metavar="N",
                   help="also learn that N generated scribbles, letters and shapes are "
                        "no digit (default 0)")
    p.add_argument("--letters", type=whole(0, MAX_LETTER_COPIES), default=0, metavar="K",
                   help="also learn that K renderings of each of the 16,800 pen-written "
                        "letters that ship with digitpad are no digit (UniPen; default 0)")
    p.add_argument("--styles", action=argparse.BooleanOptionalAction, default=False,
                   help="restyle some pen digits as other countries write them: slashed 0, "
                        "1 with a long flag (and a base), crossed 7 (default off)")
    p.add_argument("--slant", type=up_to(MAX_SLANT), default=0.0, metavar="S",
                   help="shear each pen digit's and letter's trajectory by a random slant "
                        "of up to S either way before drawing it (default 0)")
    p.add_argument("--ensemble", type=whole(1, MAX_ENSEMBLE), default=1, metavar="N",
                   help="train N networks (seeds S, S+1, ..., all on the drawings of seed S; "
                        "side by side, one per core) and save their average: one network "
                        "with their hidden layers side by side (default 1)")
    # Undocumented: train on the first N MNIST images only, for quick tests.
    p.add_argument("--limit", type=positive_int, help=argparse.SUPPRESS)
    p.set_defaults(run=run_train, **(defaults or {}))


def add_evaluate_command(commands):
    p = commands.add_parser("evaluate", help="measure a model on the MNIST test set",
                            description="Measure a model on the 10,000 MNIST test images: "
                                        "accuracy, accuracy per digit, confusion matrix.")
    p.add_argument("weights", nargs="?", type=Path, metavar="WEIGHTS",
                   help="a .npz weight file (default: the model shipped with digitpad)")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="folder holding the four MNIST files (default: the cache, "
                        "downloading them if needed)")
    p.set_defaults(run=run_evaluate)


def add_predict_command(commands):
    p = commands.add_parser("predict", help="read the digit in image files",
                            description="Read the digit in each image file, as the window "
                                        "would: prints the digit and the ten probabilities.")
    p.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    p.add_argument("--weights", type=Path, metavar="WEIGHTS",
                   help="a .npz weight file (default: the model the window opens with: "
                        "your last trained or loaded one, else the shipped one)")
    p.add_argument("--explain", action="store_true",
                   help="also say why: the margin of the digit read over the runner-up (or "
                        "--against), split into the ink's share and the biases', and save "
                        "a map of each pixel's share beside the image as "
                        "IMAGE-explained.png (red for the digit, blue against; an existing "
                        "file is kept and the map gets a new name)")
    p.add_argument("--against", type=digit_arg, metavar="D",
                   help="with --explain: the digit to explain against (default: the "
                        "runner-up)")
    p.set_defaults(run=run_predict)


def digit_arg(text):
    return _number(text, int, lambda v: 0 <= v <= 9, "a digit 0-9")


def positive_int(text):
    return _number(text, int, lambda v: v >= 1, "a whole number of at least 1")


def whole(low, high):
    """An argparse type: a whole number from ``low`` to ``high``."""
    def parse(text):
        return _number(text, int, lambda v: low <= v <= high,
                       f"a whole number from {low} to {high:,}")
    return parse


def up_to(high):
    """An argparse type: a number from 0 to ``high``."""
    def parse(text):
        return _number(text, float, lambda v: 0 <= v <= high, f"a number from 0 to {high:g}")
    return parse


def positive_float(text):
    return _number(text, float, lambda v: v > 0 and math.isfinite(v), "a number above 0")


def _number(text, kind, ok, wanted):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
    return value


def hidden_sizes(text):
    """"512" -> (512,); "800,300" -> (800, 300): :func:`digitpad.learning.hidden_layers`."""
    try:
        return learning.hidden_layers(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# digitpad train ------------------------------------------------------------------

def run_train(args):
    options = train_options(args)
    try:
        learning.config_from(options).validate()
        learning.check_size(options)
    except ValueError as e:
        raise UsageError(e) from None
    out = output_path(args.out)
    mnist = load_mnist(args.data, progress=DownloadProgress())
    bar = ProgressBar()
    try:
        with bar, DownloadProgress(unit="image") as drawing, \
                np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            network, meta = learning.make_model(
                options, mnist, status=bar.write, progress=drawing,
                on_batch=bar.batch, on_epoch=bar.epoch)
    except KeyboardInterrupt:
        print("\ndigitpad: interrupted; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TrainingDiverged as e:
        return fail(f"{e}; nothing was saved", EXIT_FAILED)

    meta["command"] = shlex.join(["digitpad", *args.argv])
    try:
        store.save(out, network, meta)
    except OSError as e:
        raise UsageError(f"cannot save the model to {out}: {e.strerror or e}") from None
    members = meta.get("ensemble", {}).get("members", 1)
    what = "" if members == 1 else f" (the average of {members} networks)"
    print(f"MNIST test accuracy {meta['mnist_test_accuracy']:.2%}{what} after "
          f"{_duration(meta['training_seconds'])}; saved {out}")
    return 0


def output_path(out):
    """The file to save to, checked before training starts, not after."""
    if out is None:
        out = models_dir() / f"digitpad-{datetime.now():%Y%m%d-%H%M%S}.npz"
    out = out.expanduser()
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; name a .npz file in it")
    if out.suffix != ".npz":
        raise UsageError(f"--out must name a .npz file, got {str(out)!r}")
    if store.is_shipped(out):
        raise UsageError(f"--out {out} is the shipped model, which is never overwritten; "
                         "name another file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create the folder {out.parent}: {e.strerror or e}") from None
    try:
        with tempfile.TemporaryFile(dir=out.parent):
            pass
    except OSError as e:
        raise UsageError(f"cannot write to {out.parent}: {e.strerror or e}") from None
    return out


class ProgressBar:
    """tqdm over every batch of the run (epoch, loss, accuracy, ETA), a line per epoch.

    The bar shows only on a terminal; the epoch lines always print.
    """

    def __init__(self):
        self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()

    def write(self, text):
        tqdm.write(text)
        sys.stdout.flush()

    def batch(self, p):
        if self.bar is None:             # the first batch tells how many there are
            self.bar = tqdm(total=p.batches * p.epochs, unit="batch", disable=None,
                            leave=False, dynamic_ncols=True, desc="starting",
                            bar_format="{desc} |{bar}| {percentage:3.0f}% "
                                       "{elapsed}, ETA {remaining}")
        self.bar.set_description_str(f"epoch {p.epoch}/{p.epochs}  loss {p.loss:.4f}  "
                                     f"accuracy {p.accuracy:6.2%}", refresh=False)
        # By the fraction of the whole run: members trained side by side report in turn.
        self.bar.update(max(0, round(p.fraction * self.bar.total) - self.bar.n))

    def epoch(self, r):
        test = "" if r.val_accuracy is None else f", test accuracy {r.val_accuracy:.2%}"
        tqdm.write(f"epoch {r.epoch}/{r.epochs}: loss {r.loss:.4f}, training accuracy "
                        f"{r.accuracy:.2%}{test} ({r.seconds:.1f} s)")
        sys.stdout.flush()


class DownloadProgress:
    """A tqdm bar per file while MNIST downloads, or per phase while drawing
    (``unit="image"``); only on a terminal."""

    def __init__(self, unit="B"):
        self.bars = {}
        self.unit = unit

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for bar in self.bars.values():
            bar.close()

    def __call__(self, name, done, total):
        if name not in self.bars:
            desc = f"downloading {name}" if self.unit == "B" else name.lower()
            self.bars[name] = tqdm(total=total, desc=desc, unit=self.unit,
                                   unit_scale=self.unit == "B", disable=None, leave=False)
        bar = self.bars[name]
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


# digitpad evaluate ---------------------------------------------------------------

def run_evaluate(args):
    path, net, meta = load_model(args.weights)
    mnist = load_mnist(args.data, progress=DownloadProgress())
    truth = mnist.test_labels.astype(np.int64)
    predicted = net.classify(mnist.test_images)
    confusion = np.bincount(truth * 10 + predicted, minlength=100).reshape(10, 10)
    right = int(np.trace(confusion))

    print(f"model: {path} ({describe(meta)})")
    print(f"MNIST test accuracy: {right / len(truth):.2%} ({right:,} of {len(truth):,} "
          f"right, {len(truth) - right:,} wrong)")
    print()
    print(format_confusion(confusion))
    return 0


def format_confusion(confusion):
    """The confusion matrix, one row per true digit, with each digit's accuracy."""
    lines = ["rows: the true digit; columns: what the network read",
             "digit " + "".join(f"{d:>6}" for d in range(10)) + "   accuracy"]
    for d, row in enumerate(confusion):
        accuracy = f"{row[d] / row.sum():.2%}" if row.sum() else "-"
        lines.append(f"{d:>5} " + "".join(f"{v:>6}" for v in row) + f"{accuracy:>11}")
    return "\n".join(lines)


def load_model(path):
    """``(path, network, meta)`` from ``path``, or from the shipped model when None."""
    if path is None:
        path = weights.SHIPPED
        if not path.exists():
            raise UsageError(f"the shipped model {path} is missing; give a weight file, "
                             f"or make one with digitpad train")
    net, meta = load(path)
    return path, net, meta


# digitpad predict ----------------------------------------------------------------

def run_predict(args):
    from .images import ImageError, load_ink
    from .reading import read

    net = predict_model(args.weights)
    status = 0
    for file in args.images:
        try:
            prediction = read(net, load_ink(file))
        except ImageError as e:
            fail(e, EXIT_USAGE)
            status = EXIT_USAGE
            continue
        print(f"{file}: {format_prediction(prediction)}")
        if args.explain and prediction is not None and not explain(net, prediction, file,
                                                                   args.against):
            status = EXIT_USAGE
    return status


EXPLAINED = "-explained"
MAP_SCALE = 10          # the map's pixels per input pixel


def explain(net, prediction, file, against=None):
    """Print the margin's split and save the pixel map beside ``file``; False if not saved."""
    from PIL import Image

    from . import insight

    digit = prediction.best
    if against is None or against == digit:
        against = insight.runner_up(prediction.probabilities, digit)
    pixel_map, bias = insight.contributions(net, prediction.image, digit, against)
    ink = float(pixel_map.sum())
    print(f"  why {digit}, not {against}: margin {ink + bias:.2f} (logits) = {ink:+.2f} from "
          f"the ink {bias:+.2f} from the biases")
    try:
        out, note = explained_path(file)
        picture = Image.fromarray(insight.tint(prediction.image, pixel_map))
        with open(out, "xb") as f:             # never over a file, even one made just now
            picture.resize((28 * MAP_SCALE, 28 * MAP_SCALE), Image.NEAREST).save(f, "PNG")
    except (UsageError, OSError) as e:
        fail(f"{file}: the map was not saved: {e.strerror if isinstance(e, OSError) else e}",
             EXIT_USAGE)
        return False
    print(f"  map saved to {out} (red: ink for {digit}, blue: ink for {against}){note}")
    return True


def explained_path(file):
    """Where the map of ``file`` goes: beside it, never over a file, never into the
    shipped model's folder.  Returns ``(path, note)``, the note saying when the plain
    name was taken."""
    from . import store

    file = Path(file)
    first = file.with_name(f"{file.stem}{EXPLAINED}.png")
    try:
        shipped = store.shipped_path().parent.resolve()
        inside = first.resolve().parent == shipped
    except OSError:
        inside = False
    if inside:
        raise UsageError(f"{file.parent} holds the shipped model, which digitpad never writes "
                         "beside; copy the image elsewhere")
    path, n = first, 2
    while path.exists():
        path = file.with_name(f"{file.stem}{EXPLAINED}-{n}.png")
        n += 1
    return path, "" if path == first else f"; {first.name} exists and was kept"


def predict_model(path):
    """The network ``predict`` reads with: ``path``, else the model the window would open."""
    if path is not None:
        return load_model(path)[1]
    model, problem = store.startup()
    if problem:
        print(f"digitpad: {problem}", file=sys.stderr)
    if model is None:
        raise UsageError("no model could be loaded; give one with --weights")
    return model.network


def format_prediction(prediction):
    """"7 (98.1%)  0:0.00 1:0.00 ... 9:0.00", "not sure (3? 41.0%) ...", or "blank"."""
    if prediction is None:
        return "blank (no ink found)"
    p = prediction.probabilities
    if prediction.digit is None:
        head = f"not sure ({prediction.best}? {p[prediction.best]:.1%})"
    else:
        head = f"{prediction.digit} ({p[prediction.digit]:.1%})"
    return head + "  " + " ".join(f"{d}:{v:.2f}" for d, v in enumerate(p))


if __name__ == "__main__":
    sys.exit(main())
