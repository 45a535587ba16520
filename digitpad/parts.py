"""What a candidate digit's parts read as, against the candidate itself.  Qt-free.

:mod:`digitpad.numbers` reads every candidate piece of a number (a run of atoms,
:mod:`digitpad.segments`), and each run inside it.  Here each rule compares a piece with its
parts: a piece that reads as the same digit without a tall end stroke that alone is a sure 1
(:func:`extra_one`: a 1 merged into its neighbour), or without an end stroke that crosses
another piece's (:func:`crosses_elsewhere`: the bar of a 4 taken into the 3 before it), or an
unsure piece made of a sure digit and an unsure mark (:func:`swallows`), or a piece whose end
stroke, shorter than a digit, lies apart from the rest of it and nearer to ink outside it
(:func:`strays`: the flag of a 5 taken by the digit after it), or a piece whose end stroke
is a bar or a flag that reaches out beyond the rest of it further than beyond the nearest
tall stroke outside (:func:`overhangs`: the same flag reaching over the next digit), or a
piece of two runs of strokes as tall as the line, each read as a sure digit
(:func:`two_sure`: a 1 against the 3 after it read as an 8).
``readings`` maps every candidate ``(i, j)`` (the atoms ``atoms[i:j]``) to its reading, None
for one rubbed out.  The scores these rules change are :data:`digitpad.numbers.EXTRA_ONE`,
``ELSEWHERE``, ``SWALLOW``, ``STRAY``, ``OVERHANG`` and ``TWO_SURE``.
"""
from __future__ import annotations

import numpy as np

from . import crossings, reading, segments
from .memo import worked_out


def extra_one(span, readings, atoms, h):
    """Whether the piece ``span`` reads as the digit its atoms but one tall end atom read
    as, and that atom alone reads as a sure 1: a 1 merged into the digit it overlaps."""
    whole = _sure(readings[span])
    if span[1] - span[0] < 2 or whole is None:
        return False
    for one, rest in _ends(span):
        a = atoms[one[0]]
        if a.y1 - a.y0 >= segments.TALL * h and _sure(readings.get(one)) == 1 \
                and _sure(readings.get(rest)) == whole:
            return True
    return False


def crosses_elsewhere(span, readings, atoms, crosses):
    """Whether the piece ``span`` reads as its atoms but one at an end read, surely, and
    that atom crosses an atom of another stroke outside the piece through the middle of its
    height (``crosses(k, m)``: whether atom ``k`` crosses atom ``m`` there,
    :func:`crossing_test`), or ends on it there, that atom alone a sure 1
    (``crosses(k, m, True)``): a 4's stem crosses its bar so, or the bar ends on it; a 1
    whose top a 5's flag reaches over does not."""
    i, j = span
    whole = _sure(readings[span])
    if j - i < 2 or whole is None:
        return False
    inside = {b.stroke for b in atoms[i:j]}
    for end, rest in _ends(span):
        if _sure(readings.get(rest)) == whole and any(
                atoms[k].stroke not in inside and (crosses(end[0], k) or (
                    _sure(readings.get((k, k + 1))) == 1 and crosses(end[0], k, True)))
                for k in crosses.beside(end[0]) if not i <= k < j):
            return True
    return False


def crossing_test(atoms, strokes, memo=None):
    """A :class:`Crossings` of ``atoms`` (of ``strokes``)."""
    return Crossings(atoms, strokes, memo)


class Crossings:
    """``crosses(k, m)``: whether atoms ``k`` and ``m`` cross (not only touch) at a height
    :data:`digitpad.crossings.MIDDLE` of atom ``m``'s height inside it (a 4's bar crosses
    its stem there; a 5's flag reaching over the top of the digit after it, near its top),
    each pair's crossings found once (and kept in ``memo``, a :class:`digitpad.memo.Memo`
    that knows ``strokes``, for the reads after); ``crosses(k, m, True)``: the same where
    they cross or atom ``k`` ends on atom ``m``'s ink (:func:`_meeting`).
    ``crosses.beside(k)``: the atoms ``m`` whose points' horizontal extent comes within atom
    ``k``'s pen width of its own, the only ones either answer can be True for.

    A class, not closures (see :class:`Distances`)."""

    def __init__(self, atoms, strokes, memo=None):
        self.atoms, self.strokes, self.memo = atoms, strokes, memo
        self._known, self._beside = {}, {}

    def __call__(self, k, m, touching=False):
        if (k, m, touching) not in self._known:
            a, b = self.atoms[k], self.atoms[m]
            inset = crossings.MIDDLE * (b.y1 - b.y0)
            points = _meeting(a, b, self.strokes, self.memo) if touching else \
                [] if _apart(a, b) else crossings.pair_crossings(a, b, self.strokes, self.memo)
            self._known[k, m, touching] = any(b.y0 + inset <= y <= b.y1 - inset
                                              for _, y in points)
        return self._known[k, m, touching]

    def beside(self, k):
        if k not in self._beside:
            a = self.atoms[k]
            width = self.strokes[a.stroke].width
            self._beside[k] = [m for m, b in enumerate(self.atoms) if m != k and not (
                a.right < b.left - width or b.right < a.left - width)]
        return self._beside[k]


def _meeting(a, b, strokes, memo=None):
    """Where atom ``a``'s ink meets atom ``b``'s: their crossings, or else ``a``'s last point
    when it lies on ``b``'s ink (within the pen's width: a 4's first stroke ends on its stem)."""
    width = strokes[a.stroke].width
    if a.right < b.left - width or b.right < a.left - width:
        return []
    points = crossings.pair_crossings(a, b, strokes, memo)
    if len(points):
        return points
    last = strokes[a.stroke].array()[a.stop - 1:a.stop]
    q = strokes[b.stroke].array()[b.start:b.stop]
    return last if crossings.distance(last, [q])[0] <= width else []


def swallows(span, readings, atoms, h):
    """Whether the piece ``span``, read unsurely, is two runs of whole strokes, both as tall
    as a digit, one read as a sure digit and the other not."""
    i, j = span
    whole = readings[span]
    if j - i < 2 or whole is None or whole.confidence >= reading.CONFIDENCE:
        return False
    for k in range(i + 1, j):
        if (i, k) not in readings or (k, j) not in readings:
            continue
        if {a.stroke for a in atoms[i:k]} & {a.stroke for a in atoms[k:j]}:
            continue                    # a stroke cut in two: one mark, not two
        if min(height(atoms[i:k]), height(atoms[k:j])) < segments.MIN_HEIGHT * h:
            continue                    # a fragment (a bar, a flag) may join a digit
        if (_sure(readings[(i, k)]) is None) != (_sure(readings[(k, j)]) is None):
            return True
    return False


def two_sure(span, readings, atoms, h):
    """Whether the piece ``span`` is two runs of whole strokes, each as tall as the line
    (:data:`segments.TALL` of ``h``) and read alone as a sure digit: a 1 written against the
    3 after it, the ends of both meeting, reads as an 8 (or a 0) about as surely as the two
    read apart.  A digit's own strokes are not each a digit as tall as the line: a 4's first
    stroke, a 5's flag, the halves of an 8 are shorter, or read unsurely alone."""
    i, j = span
    if j - i < 2:
        return False
    for k in range(i + 1, j):
        left, right = atoms[i:k], atoms[k:j]
        if {a.stroke for a in left} & {a.stroke for a in right}:
            continue                    # a stroke cut in two: one mark, not two
        if min(height(left), height(right)) >= segments.TALL * h and \
                _sure(readings.get((i, k))) is not None and \
                _sure(readings.get((k, j))) is not None:
            return True
    return False


def _apart(a, b):
    """Whether the boxes of atoms ``a`` and ``b``'s points lie apart: they cannot cross."""
    return a.right < b.left or b.right < a.left or a.y1 < b.y0 or b.y1 < a.y0


# The pen paths are compared at most this many points each (a long stroke thinned).
PATH_POINTS = 24


def strays(span, atoms, h, near):
    """Whether an end atom of the piece ``span`` is a whole stroke shorter than a digit
    (:data:`segments.MIN_HEIGHT` of the line ``h``) whose ink touches none of the rest of
    the piece and lies nearer to an atom outside it (``near(k, m)``: the distance between
    atoms ``k`` and ``m``' pen paths, :func:`distance_test`).  A flag or a bar is drawn on
    or beside its own digit: the nearest ink is its own."""
    i, j = span
    if j - i < 2:
        return False
    for end in (i, j - 1):
        a = atoms[end]
        if a.y1 - a.y0 >= segments.MIN_HEIGHT * h or not near.whole(end):
            continue
        rest = [k for k in range(i, j) if k != end]
        if any(near.touches(end, k) for k in rest):
            continue                        # a quick look: its ink meets the rest's
        inside = _nearest(near, end, lambda k: i <= k < j)
        if inside > near.width(end) and \
                _nearest(near, end, lambda k: not i <= k < j, inside) < inside:
            return True
    return False


# A fragment whose points are at least this many times as wide as tall is a bar or a flag
# (parts.overhangs): the first stroke of a 4 is about as wide as tall.
BAR = 2.0


def overhangs(span, atoms, h, near):
    """Whether an end atom of the piece ``span`` is a bar or a flag (a whole-stroke fragment,
    ``near.whole``, :class:`Distances`; shorter than :data:`segments.MIN_HEIGHT` of the line
    ``h`` and at least :data:`BAR` times as wide as tall) that reaches out beyond the
    horizontal extent of the rest of the piece further than beyond that of the nearest tall
    atom outside it, on its side.  A bar or a flag lies over its own digit (the flag of a 5
    from the top of its stem, the bar of a 7 across it); taken by the digit after it, the 5's
    flag sticks out to its left.  (The first stroke of a 4, beside its stem rather than over
    it, is no bar.)"""
    i, j = span
    if j - i < 2:
        return False
    for end, outside in ((i, range(i - 1, -1, -1)), (j - 1, range(j, len(atoms)))):
        a = atoms[end]
        tall = next((atoms[k] for k in outside
                     if atoms[k].y1 - atoms[k].y0 >= segments.MIN_HEIGHT * h), None)
        pen = a.x1 - a.x0 - (a.right - a.left)
        if tall is None or a.y1 - a.y0 >= segments.MIN_HEIGHT * h or \
                a.right - a.left < BAR * (a.y1 - a.y0 - pen) or not near.whole(end):
            continue                        # no bar, or a part of a stroke cut in two
        rest = [atoms[k] for k in range(i, j) if k != end]
        inside = (min(b.left for b in rest), max(b.right for b in rest))
        if _beyond(a, inside) > _beyond(a, (tall.left, tall.right)):
            return True
    return False


def _beyond(a, extent):
    """How far atom ``a``'s points reach out of the horizontal ``extent`` (both sides)."""
    return max(0.0, extent[0] - a.left) + max(0.0, a.right - extent[1])


def _nearest(near, end, among, beyond=float("inf")):
    """The least distance from atom ``end``'s pen path to those of the other atoms ``k``
    for which ``among(k)``, or ``beyond`` when none is nearer (inf: none), the nearest boxes
    tried first and no path whose box lies farther (``near.order(end)``: every other atom,
    nearest box first)."""
    best = beyond
    for gap, k in near.order(end):
        if not among(k):
            continue
        if gap >= best:
            break
        best = min(best, near(end, k))
    return best


def _box_gap(a, b):
    """The distance between two atoms' boxes (pen included): no less than their paths'."""
    dx = max(a.x0 - b.x1, b.x0 - a.x1, 0.0)
    dy = max(a.y0 - b.y1, b.y0 - a.y1, 0.0)
    return (dx * dx + dy * dy) ** 0.5


def distance_test(atoms, strokes, memo=None):
    """A :class:`Distances` between the pen paths of ``atoms`` (of ``strokes``)."""
    return Distances(atoms, strokes, memo)


class Distances:
    """``near(k, m)``: the least distance from the points of atom ``k``'s pen path to atom
    ``m``'s path or back (paths of at most :data:`PATH_POINTS` points,
    :func:`digitpad.crossings.distance`), each pair found once (and kept in ``memo``, as
    :func:`crossing_test`); ``near.whole(k)``: whether atom ``k`` is a whole stroke;
    ``near.width(k)``: its pen's width (inks closer than that touch);
    ``near.touches(k, m)``: a quick look for points of both within that width;
    ``near.order(k)``: ``(box gap, m)`` for every other atom ``m``, nearest first.

    A class, not closures that name each other: those make reference cycles, which only
    the garbage collector frees, and its pauses then land inside a read."""

    def __init__(self, atoms, strokes, memo=None):
        self.atoms, self.strokes, self.memo = atoms, strokes, memo
        self._known, self._paths, self._orders = {}, {}, {}

    def path(self, k):
        """Atom ``k``'s pen path, at most :data:`PATH_POINTS` points."""
        if k not in self._paths:
            a = self.atoms[k]
            self._paths[k] = worked_out(self.memo, "path", self.strokes, (a,), lambda: (
                crossings.at_most(np.asarray(self.strokes[a.stroke].points[a.start:a.stop],
                                             dtype=np.float64).reshape(-1, 2), PATH_POINTS)))
        return self._paths[k]

    def __call__(self, k, m):
        key = (min(k, m), max(k, m))
        if key not in self._known:
            p, q = self.path(key[0]), self.path(key[1])
            pair = (self.atoms[key[0]], self.atoms[key[1]])
            self._known[key] = worked_out(self.memo, "near", self.strokes, pair, lambda: min(
                crossings.distance(p, [q]).min(), crossings.distance(q, [p]).min()))
        return self._known[key]

    def whole(self, k):
        a = self.atoms[k]
        return a.start == 0 and a.stop == len(self.strokes[a.stroke].points)

    def width(self, k):
        return self.strokes[self.atoms[k].stroke].width

    def touches(self, k, m):
        """Whether two of the paths' points lie within atom ``k``'s pen width: the inks
        touch (the paths may meet where no point lies, so False is not sure)."""
        return worked_out(self.memo, "touches", self.strokes, (self.atoms[k], self.atoms[m]),
                          lambda: self._touches(k, m))

    def _touches(self, k, m):
        width = self.width(k)
        if _box_gap(self.atoms[k], self.atoms[m]) > width:
            return False
        p, q = self.path(k), self.path(m)
        d = (p[:, None, 0] - q[:, 0]) ** 2 + (p[:, None, 1] - q[:, 1]) ** 2
        return bool(d.min() <= width ** 2)

    def order(self, k):
        if k not in self._orders:
            self._orders[k] = sorted((_box_gap(self.atoms[k], self.atoms[m]), m)
                                     for m in range(len(self.atoms)) if m != k)
        return self._orders[k]


def height(piece):
    """The height of the atoms' ink."""
    return max(a.y1 for a in piece) - min(a.y0 for a in piece)


def _ends(span):
    """``(end, rest)`` for the first and for the last atom of ``span``."""
    i, j = span
    return (((i, i + 1), (i + 1, j)), ((j - 1, j), (i, j - 1)))


def _sure(prediction):
    """The digit ``prediction`` reads surely, None when none (or no prediction)."""
    return None if prediction is None else prediction.digit
