"""What the commands share: exit statuses, the one-line error, argument types, the
download bars, and the model a command measures or reads with."""
from __future__ import annotations

import argparse
import math
import sys

from tqdm import tqdm

from digitpad import paths, weights
from digitpad.model.weights import load

EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument or file: reported in one line, exit status 2."""


def fail(error, status):
    print(f"digitpad: error: {error}", file=sys.stderr)
    return status


# Argument types ----------------------------------------------------------------------

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


def path_arg(text):
    """An argparse type: a path, ``~`` and ``~user`` expanded, its names not too long."""
    try:
        return paths.user_path(text)
    except paths.HomeError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("the path ")) from None


def _number(text, kind, ok, wanted):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
    return value


# Progress and models -----------------------------------------------------------------

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


def load_model(path):
    """``(path, network, meta)`` from ``path``, or from the shipped model when None."""
    if path is None:
        path = weights.SHIPPED
        if not path.exists():
            raise UsageError(f"the shipped model {path} is missing; give a weight file, "
                             f"or make one with digitpad train")
    net, meta = load(path)
    return path, net, meta
