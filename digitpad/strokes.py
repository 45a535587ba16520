"""A drawing's strokes: the one type for them, wherever they come from.  Qt-free.

The canvas records what a person draws as :class:`Stroke` objects (points in
canvas pixels, y down, the pen width, whether it erased); corrections keep
them as they were drawn; the pen digits, letters and generated non-digits
are strokes too, drawn with a pen chosen at random.  :func:`render` draws any
of them as the canvas does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

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


CHECK_POINTS = 1000     # points drawn between two calls of render's ``tick``


def render(strokes, size, supersample=4, tick=None):
    """Draw strokes as the canvas does: antialiased lines with round caps and joins.

    ``strokes`` are :class:`Stroke` objects in pixels of a canvas of ``size`` =
    (width, height), drawn in order (an eraser stroke takes ink away); returns
    the ink image ``(height, width)`` float32, ink 1 and paper 0.  It is drawn
    ``supersample`` times larger with Pillow, then box-averaged down, which
    gives the same grey edges as an antialiased painter.  ``tick()``, when given,
    is called every :data:`CHECK_POINTS` points (to stop a long drawing by raising).
    """
    width, height = int(size[0]), int(size[1])
    ss = int(supersample)
    canvas = Image.new("L", (width * ss, height * ss), 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        r = stroke.width * ss / 2
        fill = 0 if stroke.erase else 255
        # Pixel centres: canvas point (x, y) is at (x * ss + ss/2 - 0.5) when enlarged.
        pts = stroke.array() * ss + (ss - 1) / 2
        if len(pts) > 1:
            draw.line(pts.ravel().tolist(), fill=fill, width=max(1, round(2 * r)))
        # Round caps and joins: a disc at every point, its box (x - r, y - r, x + r, y + r)
        # made for all points at once (a Python loop over NumPy scalars cost more than
        # the drawing).
        boxes = np.hstack([pts - r, pts + r]).tolist()
        for start in range(0, len(boxes), CHECK_POINTS):
            if tick is not None:
                tick()
            for box in boxes[start:start + CHECK_POINTS]:
                draw.ellipse(box, fill=fill)
    if ss > 1:
        canvas = canvas.reduce(ss)
    return np.asarray(canvas, dtype=np.float32) * (1 / 255)
