"""``digitpad train [options]``: run a recipe (:mod:`digitpad.recipes`) on MNIST, show
its progress, and save the model.  Ctrl-C (or a termination signal) saves nothing."""
from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import textwrap

import numpy as np
from tqdm import tqdm

from digitpad import learning, mnist, paths, recipes, store
from digitpad.model.optim import SCHEDULES
from digitpad.model.train import TrainConfig, TrainingDiverged
from digitpad.recipes import DEFAULT_LR, LIMITS, PRESETS
from digitpad.signals import EXIT_INTERRUPTED

from .common import (EXIT_FAILED, DownloadProgress, UsageError, fail, path_arg,
                     positive_float, positive_int, up_to, whole)


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
    p.add_argument("--data", type=path_arg, metavar="DIR",
                   help="folder holding the four MNIST files (default: the cache, "
                        "downloading them if needed)")
    p.add_argument("--epochs", type=whole(*LIMITS["epochs"]), default=d.epochs, metavar="N",
                   help=f"passes over the training set (default {d.epochs})")
    p.add_argument("--batch-size", type=whole(*LIMITS["batch_size"]), default=d.batch_size,
                   metavar="B",
                   help=f"images per step (default {d.batch_size})")
    p.add_argument("--late-batch-size", type=whole(*LIMITS["late_batch_size"]),
                   default=d.late_batch_size, metavar="B",
                   help="from halfway through training, batches of B images: faster per "
                        "image (default 0: --batch-size throughout)")
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
    p.add_argument("--augment-strength", type=up_to(LIMITS["augment_strength"][1]),
                   default=d.augment_strength,
                   metavar="X", help=f"scales every distortion (default {d.augment_strength:g})")
    p.add_argument("--weight-decay", type=up_to(LIMITS["weight_decay"][1]), default=d.weight_decay,
                   metavar="WD", help=f"decoupled weight decay (default {d.weight_decay:g})")
    p.add_argument("--schedule", choices=tuple(SCHEDULES), default=d.schedule,
                   help=f"learning-rate schedule (default {d.schedule})")
    p.add_argument("--seed", type=whole(*LIMITS["seed"]), default=d.seed, metavar="S",
                   help=f"seeds initialisation, shuffling and augmentation (default {d.seed})")
    p.add_argument("--out", type=path_arg, metavar="PATH",
                   help="where to save the model, a .npz file (default: "
                        "<models folder>/digitpad-<date>-<time>.npz)")
    p.add_argument("--pen-digits", type=whole(*LIMITS["pen_digits"]), default=0, metavar="K",
                   help="also learn from K renderings of each of the 6,800 pen-written "
                        "digits that ship with digitpad (UniPen; default 0)")
    p.add_argument("--not-digits", type=whole(*LIMITS["not_digits"]), default=0, metavar="N",
                   help="also learn that N generated scribbles, letters and shapes are "
                        "no digit (default 0)")
    p.add_argument("--letters", type=whole(*LIMITS["letters"]), default=0, metavar="K",
                   help="also learn that K renderings of each of the 16,800 pen-written "
                        "letters that ship with digitpad are no digit (UniPen; default 0)")
    p.add_argument("--styles", action=argparse.BooleanOptionalAction, default=False,
                   help="restyle some pen digits as other countries write them: slashed 0, "
                        "1 with a long flag (and a base), crossed 7 (default off)")
    p.add_argument("--slant", type=up_to(LIMITS["slant"][1]), default=0.0, metavar="S",
                   help="shear each pen digit's and letter's trajectory by a random slant "
                        "of up to S either way before drawing it (default 0)")
    p.add_argument("--ensemble", type=whole(*LIMITS["ensemble"]), default=1, metavar="N",
                   help="train N networks (seeds S, S+1, ..., all on the drawings of seed S; "
                        "side by side, one per core) and save their average: one network "
                        "with their hidden layers side by side (default 1)")
    # Undocumented: train on the first N MNIST images only, for quick tests.
    p.add_argument("--limit", type=positive_int, help=argparse.SUPPRESS)
    p.set_defaults(run=run_train, **(defaults or {}))


def hidden_sizes(text):
    """"512" -> (512,); "800,300" -> (800, 300): :func:`digitpad.recipes.hidden_layers`."""
    try:
        return recipes.hidden_layers(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def train_options(args):
    """The options of a ``digitpad train`` run, as :func:`digitpad.recipes.recipe` has them."""
    return recipes.recipe(**{k: v for k, v in vars(args).items()
                              if k not in ("run", "argv", "command", "out", "data")})


def run_train(args):
    options = train_options(args)
    try:
        recipes.check(options)
    except ValueError as e:
        raise UsageError(e) from None
    out = output_path(args.out)
    data = mnist.load(args.data, progress=DownloadProgress())
    bar = ProgressBar()
    try:
        with bar, DownloadProgress(unit="image") as drawing, \
                np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            network, meta = learning.make_model(
                options, data, status=bar.write, progress=drawing,
                on_batch=bar.batch, on_epoch=bar.epoch)
    except KeyboardInterrupt:
        print("\ndigitpad: interrupted; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TrainingDiverged as e:
        return fail(f"{e}; nothing was saved", EXIT_FAILED)

    meta["command"] = shlex.join(["digitpad", *args.argv])
    try:
        if args.out is None:               # a name of its own: two runs never share one
            out, _ = store.save_new(out.parent, store.model_name("digitpad"), network, meta)
        else:
            store.save(out, network, meta)
    except OSError as e:
        raise UsageError(f"cannot save the model to {out}: {e.strerror or e}") from None
    members = meta.get("ensemble", {}).get("members", 1)
    what = "" if members == 1 else f" (the average of {members} networks)"
    print(f"MNIST test accuracy {meta['mnist_test_accuracy']:.2%}{what} after "
          f"{_duration(meta['training_seconds'])}; saved {out}")
    return 0


def output_path(out):
    """The file to save to, checked before training starts, not after (without ``--out``,
    a name in the models folder; the run's own is chosen when it is saved)."""
    if out is None:
        out = paths.models_dir() / f"{store.model_name('digitpad')}.npz"
    try:
        return _checked_output(out)
    except OSError as e:                   # a folder on the way that cannot be entered
        raise UsageError(f"cannot use {out}: {e.strerror or e}") from None


def _checked_output(out):
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


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
