"""One reading of a drawing: the ten probabilities and the digit, or no digit.

Qt-free.  The window, ``digitpad predict`` and the benchmarks all read through
:func:`read`, so they agree on when the app declines to guess.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import preprocess

# Below this top probability the app says "not sure" instead of a digit.
CONFIDENCE = 0.5


@dataclass(frozen=True)
class Prediction:
    digit: int | None             # None: the app declines to guess
    probabilities: tuple          # ten floats summing to 1
    image: np.ndarray             # the 28x28 input the network saw

    @property
    def best(self):
        """The most probable digit, even when the app declines to name it."""
        return int(np.argmax(self.probabilities))


def read_image(net, image):
    """Read a prepared 28x28 image (ink 1, paper 0)."""
    p = net.predict_proba(np.asarray(image, dtype=np.float32).reshape(-1))
    p = p.astype(np.float64)
    p /= p.sum()
    best = int(np.argmax(p))
    digit = best if p[best] >= CONFIDENCE else None
    return Prediction(digit, tuple(float(v) for v in p), image)


def read(net, ink):
    """Read an ink image of any size (ink 1, paper 0); None when it is blank."""
    image = preprocess.to_mnist(ink)
    if image is None:
        return None
    return read_image(net, image)
