"""A candidate digit drawn on its own for the network: its strokes, and its pen.  Qt-free.

:mod:`digitpad.numbers` reads every candidate piece of a number (a run of atoms,
:mod:`digitpad.segments`) as a lone digit.  Here a piece becomes an ink image: its strokes
(a cut stroke gives its part) and the erasers drawn after them, shifted by whole pixels so
they are drawn exactly as on the sheet, but with a pen at most :data:`PEN_CAP` of the
piece's height.  A number is written smaller than a lone digit and the pen stays as wide:
at 100 px a digit, an 18 px pen fills the loops of a 6 or an 8, which preprocessing (it
thins every digit's strokes to 0.13 of its size) cannot open again.  Ink that is a blob as
drawn (a dot, a dash: the pen over :data:`digitpad.reading.MAX_STROKE` of its height) stays
as drawn, and is declined as a dot.  The cap was chosen on validation writers
(``bench/read_numbers.py --validation``, docs/performance.md).
"""
from __future__ import annotations

import numpy as np

from . import reading
from .strokes import Drawing, Stroke, render

# The widest pen a piece is drawn with for the network, a share of its height (None: the
# canvas' pen).
PEN_CAP = 0.10


def piece_strokes(strokes, piece):
    """The strokes a piece was read from (a cut stroke contributes its part), and the
    erasers drawn after them, in drawing order."""
    by_stroke = sorted(piece, key=lambda a: (a.stroke, a.start))
    out = []
    for a in by_stroke:
        s = strokes[a.stroke]
        out.append((a.stroke, Stroke(list(s.points[a.start:a.stop]), s.width, s.erase)))
    first = min(a.stroke for a in piece)
    out += [(i, s) for i, s in enumerate(strokes) if s.erase and i > first]
    return [s for _, s in sorted(out, key=lambda t: t[0])]


def piece_pen(strokes, piece):
    """The widest pen the atoms ``piece`` of ``strokes`` are drawn with for the network
    (:func:`pen_for` their strokes and their ink's height); a function of the piece alone,
    so a piece read once is never read again as the line grows."""
    height = max(a.y1 for a in piece) - min(a.y0 for a in piece)
    return pen_for([strokes[i] for i in {a.stroke for a in piece}], height)


def pen_for(strokes, h):
    """The widest pen strokes whose ink is ``h`` tall (pen included) are drawn with for the
    network (:data:`PEN_CAP` of ``h``, whole pixels), or None when they are drawn as on the
    sheet: no ink stroke is wider, or the widest is over
    :data:`reading.MAX_STROKE` of ``h`` (the ink is a blob, declined as a dot as drawn: a
    dot, a dash, a digit far smaller than the pen stays one)."""
    widest = max((s.width for s in strokes if not s.erase), default=0.0)
    if PEN_CAP is None or widest > reading.MAX_STROKE * h:
        return None         # a line the pen fills (a dot, a dash) is read as it is drawn
    pen = max(1.0, float(np.floor(PEN_CAP * h)))
    return pen if widest > pen else None


def _width(stroke, pen):
    """The width ``stroke`` is drawn with for the network: its own, at most ``pen`` for ink."""
    return stroke.width if pen is None or stroke.erase else min(stroke.width, pen)


def ink(strokes, piece, size, pen=None):
    """A piece drawn on its own, cropped near its ink (canvas pixels shifted by whole
    pixels, so it is drawn as on the sheet, but with ink strokes at most ``pen`` wide).

    As on the sheet to within a few edge pixels: Pillow does not draw a wide line quite
    the same when it is moved by whole pixels."""
    box = _box(piece, size)
    return None if box is None else render(_shifted(strokes, piece, box, pen), _extent(box))


def _box(piece, size):
    """``(x0, y0, x1, y1)``: the sheet's pixels a piece is drawn in, or None if none."""
    x0 = int(np.floor(min(a.x0 for a in piece))) - 2
    y0 = int(np.floor(min(a.y0 for a in piece))) - 2
    x1 = int(np.ceil(max(a.x1 for a in piece))) + 3
    y1 = int(np.ceil(max(a.y1 for a in piece))) + 3
    if size is not None:
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, int(size[0])), min(y1, int(size[1]))
    return None if x1 <= x0 or y1 <= y0 else (x0, y0, x1, y1)


def _extent(box):
    return box[2] - box[0], box[3] - box[1]


def _shifted(strokes, piece, box, pen):
    """The piece's strokes (:func:`piece_strokes`) in the pixels of its ``box``."""
    x0, y0 = box[:2]
    return [Stroke([(x - x0, y - y0) for x, y in s.points], _width(s, pen), s.erase)
            for s in piece_strokes(strokes, piece)]


class Inks:
    """:func:`ink` for a sheet that is being drawn on: the same images, bit for bit, made
    faster while a stroke grows.

    While a person draws, each mouse event adds a point to the last stroke and every
    piece holding it is drawn again.  A piece whose last stroke is the sheet's last is
    kept, drawn on a canvas :data:`ROOM` pixels larger to the right and below; at the
    next read the same piece, its last stroke grown, is drawn from it: only the new
    points, and only their part averaged down (:class:`digitpad.strokes.Drawing`).
    Only the pieces of the last read are kept.  A piece whose ink grows left or up, or
    whose pen changes (it grew taller), is drawn afresh: its canvas keeps the piece's
    origin, as :func:`ink` draws it, since Pillow draws a line moved by whole pixels a
    little differently.
    """
    ROOM = 24

    def __init__(self):
        self._last, self._now = {}, {}

    def ink(self, strokes, piece, size, pen=None):
        """:func:`ink` of the same arguments."""
        box = _box(piece, size)
        if box is None:
            return None
        own = _shifted(strokes, piece, box, pen)
        w, h = _extent(box)
        if max(a.stroke for a in piece) != len(strokes) - 1 and not strokes[-1].erase:
            return render(own, (w, h))      # it does not end with the sheet's last stroke
        *done, last = own
        key = (box[:2], tuple((tuple(s.points), s.width, s.erase) for s in done),
               last.width, last.erase, tuple(last.points[:1]))
        kept = self._last.pop(key, None)
        if kept is not None and kept[0].size[0] >= w and kept[0].size[1] >= h and \
                last.points[:len(kept[1])] == kept[1]:
            drawing = kept[0]
            drawing.draw(last, start=len(kept[1]))
        else:
            room = (w + self.ROOM, h + self.ROOM) if size is None else \
                (min(box[2] + self.ROOM, int(size[0])) - box[0],
                 min(box[3] + self.ROOM, int(size[1])) - box[1])
            drawing = Drawing(room)
            for s in own:
                drawing.draw(s)
        self._now[key] = (drawing, list(last.points))
        return drawing.ink()[:h, :w].copy()

    def read_done(self):
        """Forget the pieces not drawn since the last call (a read is over)."""
        self._last, self._now = self._now, {}
