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
    drawing = Drawing(size, supersample)
    for stroke in strokes:
        drawing.draw(stroke, tick=tick)
    return drawing.ink()


class Drawing:
    """What :func:`render` draws, kept so a stroke that grows can be drawn further.

    :meth:`draw` with ``start`` draws a stroke's points from ``start`` on (and the
    line into them): every pixel a stroke sets, it sets to the same value wherever its
    drawing was split, so the image is the one :func:`render` gives of the whole
    stroke, pixel for pixel.  :meth:`ink` averages down only what was drawn since it
    was last asked for.
    """

    def __init__(self, size, supersample=4):
        self.size = int(size[0]), int(size[1])
        self.ss = int(supersample)
        self._canvas = Image.new("L", (self.size[0] * self.ss, self.size[1] * self.ss), 0)
        self._draw = ImageDraw.Draw(self._canvas)
        self._ink = None            # the image ink() gave last
        self._changed = None        # the part of the canvas drawn on since: [x0, y0, x1, y1]

    def draw(self, stroke, start=0, tick=None):
        """Draw ``stroke``'s points from index ``start`` on, joined to the one before."""
        ss = self.ss
        r = stroke.width * ss / 2
        fill = 0 if stroke.erase else 255
        # Pixel centres: canvas point (x, y) is at (x * ss + ss/2 - 0.5) when enlarged.
        pts = stroke.array()[max(start - 1, 0):] * ss + (ss - 1) / 2
        if len(pts) == 0:
            return
        if len(pts) > 1:
            self._draw.line(pts.ravel().tolist(), fill=fill, width=max(1, round(2 * r)))
        # Round caps and joins: a disc at every point, its box (x - r, y - r, x + r, y + r)
        # made for all points at once (a Python loop over NumPy scalars cost more than
        # the drawing).
        boxes = np.hstack([pts - r, pts + r])[1 if start > 0 else 0:].tolist()
        for first in range(0, len(boxes), CHECK_POINTS):
            if tick is not None:
                tick()
            for box in boxes[first:first + CHECK_POINTS]:
                self._draw.ellipse(box, fill=fill)
        (x0, y0), (x1, y1) = pts.min(axis=0) - r - 2, pts.max(axis=0) + r + 2
        box = [int(x0), int(y0), int(x1) + 1, int(y1) + 1]
        if self._changed is not None:
            box = [min(box[0], self._changed[0]), min(box[1], self._changed[1]),
                   max(box[2], self._changed[2]), max(box[3], self._changed[3])]
        self._changed = box

    def ink(self):
        """The ink image ``(height, width)`` float32, ink 1 and paper 0 (kept: a copy is
        the caller's to take before drawing on)."""
        if self._ink is None or self.ss == 1:
            canvas = self._canvas.reduce(self.ss) if self.ss > 1 else self._canvas
            self._ink = np.asarray(canvas, dtype=np.float32) * (1 / 255)
        elif self._changed is not None:
            # Only the whole blocks of ss x ss pixels that were drawn on, averaged again.
            ss, (w, h) = self.ss, self.size
            x0, y0 = max(self._changed[0] // ss, 0), max(self._changed[1] // ss, 0)
            x1, y1 = min(-(-self._changed[2] // ss), w), min(-(-self._changed[3] // ss), h)
            if x1 > x0 and y1 > y0:
                part = self._canvas.reduce(ss, (x0 * ss, y0 * ss, x1 * ss, y1 * ss))
                self._ink[y0:y1, x0:x1] = np.asarray(part, dtype=np.float32) * (1 / 255)
        self._changed = None
        return self._ink
