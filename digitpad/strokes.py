"""A drawing's strokes: the one type for them, wherever they come from.  Qt-free.

The canvas records what a person draws as :class:`Stroke` objects (points in
canvas pixels, y down, the pen width, whether it erased); corrections keep
them as they were drawn; the pen digits, letters and generated non-digits
are strokes too, drawn with a pen chosen at random.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_PEN_WIDTH = 18
PEN_WIDTHS = {"Thin": 10, "Medium": DEFAULT_PEN_WIDTH, "Thick": 28, "Very thick": 40}


@dataclass
class Stroke:
    """One stroke: the points the pen went through, its width, and whether it erased."""
    points: list = field(default_factory=list)     # [(x, y), ...] floats
    width: float = DEFAULT_PEN_WIDTH
    erase: bool = False

    def array(self):
        """The points as an ``(m, 2)`` float64 array."""
        return np.asarray(self.points, dtype=np.float64).reshape(-1, 2)

    def bounds(self):
        """``(x0, y0, x1, y1)``: the rectangle this stroke can have painted, pen included."""
        xy = self.array()
        r = self.width / 2 + 2
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        return x0 - r, y0 - r, x1 + r, y1 + r
