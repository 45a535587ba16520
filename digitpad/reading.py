"""One reading of a drawing: the ten probabilities and the digit, or no digit.

Qt-free.  The window, ``digitpad predict`` and the benchmarks all read through
:func:`read`, so they agree on when the app declines to guess.

The app declines ("not sure: looks most like 7", ``digit`` None) when

* the network's top probability is below :data:`CONFIDENCE`: the shipped
  network is trained to spread its probabilities evenly over shapes that are
  no digit (scribbles, letters, shapes; label -1 in ``model.train``), so a
  low top probability is its way of saying so;
* the ink is a blob, its strokes wider than :data:`MAX_STROKE` of its size:
  a lone dot, or a tap of the pen;
* the ink falls into separate groups side by side: several digits, a
  number, not a digit;
* a separate mark sits inside the outline of another: a dot in a ring, the
  eyes of a smiley (no digit is drawn so).

The thresholds were set on held-out writers and generated non-digits
(``bench/pen_digits.py``): at most 2% of real digits declined, at least 90%
of non-digits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import preprocess

# Below this top probability the app says "not sure" instead of a digit.
CONFIDENCE = 0.5
# Stroke width over the ink's longer side above which the ink is a blob, not
# a digit (real digits: at most about 0.13 with the canvas' default pen; a dot: 0.5).
MAX_STROKE = 0.35
# Groups of ink side by side; more than this is several things.
MAX_PARTS = 1

NOT_SURE = "not sure"
A_DOT = "a dot, not a digit"
SEVERAL = "several marks side by side"
NESTED = "a mark inside another"


@dataclass(frozen=True)
class Prediction:
    digit: int | None             # None: the app declines to guess
    probabilities: tuple          # ten floats summing to 1
    image: np.ndarray             # the 28x28 input the network saw
    reason: str | None = None     # why the app declined, None when it names a digit

    @property
    def best(self):
        """The most probable digit, even when the app declines to name it."""
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self):
        """The top probability."""
        return float(max(self.probabilities))


def read_image(net, image, reason=None):
    """Read a prepared 28x28 image (ink 1, paper 0).

    ``reason``: a reason to decline found before the network ran (see :func:`read`).
    """
    p = net.predict_proba(np.asarray(image, dtype=np.float32).reshape(-1))
    p = p.astype(np.float64)
    p /= p.sum()
    best = int(np.argmax(p))
    if reason is None and p[best] < CONFIDENCE:
        reason = NOT_SURE
    digit = best if reason is None else None
    return Prediction(digit, tuple(float(v) for v in p), image, reason)


def input_check(prepared):
    """A reason to decline seen in the ink itself, or None."""
    if prepared.stroke > MAX_STROKE:
        return A_DOT
    if prepared.parts > MAX_PARTS:
        return SEVERAL
    if prepared.nested:
        return NESTED
    return None


def read(net, ink):
    """Read an ink image of any size (ink 1, paper 0); None when it is blank."""
    prepared = preprocess.prepare(ink)
    if prepared is None:
        return None
    return read_image(net, prepared.image, input_check(prepared))


def read_number(net, strokes, size=None, whole=None):
    """Read strokes as a number: a :class:`digitpad.numbers.NumberReading` (its ``text``,
    a :class:`Prediction` per digit and each digit's strokes), or None for no ink.

    See :mod:`digitpad.numbers`, which cuts the strokes into digits and reads each
    one as :func:`read` reads a single digit.
    """
    from . import numbers

    return numbers.read_number(net, strokes, size, whole)
