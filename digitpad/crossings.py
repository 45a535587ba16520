"""Where strokes cross: the strokes no digit boundary may fall between.  Qt-free.

Two digits side by side may touch or overlap at their edges; they do not cross through
each other's middle.  So two strokes that cross twice, the narrower through the middle of
the wider (the slash of a 0, a bar through a loop), or once in the middle of both (an X),
belong to one character (:func:`crossed`, used by :mod:`digitpad.numbers`).  The crossings
themselves (:func:`crossing_points`) serve :mod:`digitpad.parts` and
:mod:`digitpad.letterlike` too, as does :func:`distance` (from points to polylines).
Constants: set on validation writers (bench/read_numbers.py).
"""
from __future__ import annotations

import numpy as np

from . import segments
from .memo import worked_out

# Two strokes crossing once at a point this share of both strokes' width and height
# inside them are one character (an X): crossings.crossed.
MIDDLE = 0.2
# Strokes are thinned to this many points before their crossings are sought (crossed tries
# every pair of segments; 99.9% of pen digits' strokes have fewer than 150 points).
CROSSING_POINTS = 128


def crossing_points(p, q):
    """The points where segments of polyline ``p`` cross segments of polyline ``q``, each
    polyline first thinned to at most :data:`CROSSING_POINTS` points (every pair of
    segments is tried: a scribble of long strokes would otherwise cost seconds a read)."""
    p, q = at_most(p, CROSSING_POINTS), at_most(q, CROSSING_POINTS)
    if len(p) < 2 or len(q) < 2:
        return np.zeros((0, 2))
    a, b = p[:-1, None], p[1:, None]
    c, d = q[None, :-1], q[None, 1:]
    r, s = b - a, d - c
    shape = (len(p) - 1, len(q) - 1, 2)
    a, r = np.broadcast_to(a, shape), np.broadcast_to(r, shape)
    denom = r[..., 0] * s[..., 1] - r[..., 1] * s[..., 0]
    ca = c - a
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ca[..., 0] * s[..., 1] - ca[..., 1] * s[..., 0]) / denom
        u = (ca[..., 0] * r[..., 1] - ca[..., 1] * r[..., 0]) / denom
    hit = (denom != 0) & (t > 0) & (t < 1) & (u > 0) & (u < 1)
    return a[hit] + t[hit][:, None] * r[hit]


def at_most(xy, n):
    """``xy``, or ``n`` of its points evenly spread along it, its ends kept."""
    if len(xy) <= n:
        return xy
    return xy[np.linspace(0, len(xy) - 1, n).round().astype(int)]


def _middle_box(atom):
    """``(x0, y0, x1, y1)``: the part of the atom's extent :data:`MIDDLE` inside its edges."""
    w, h = atom.right - atom.left, atom.y1 - atom.y0
    return (atom.left + MIDDLE * w, atom.y0 + MIDDLE * h,
            atom.right - MIDDLE * w, atom.y1 - MIDDLE * h)


def _in_middle(point, atom):
    """Whether ``point`` lies :data:`MIDDLE` of the atom's width and of its height inside
    the atom's extent (the points', pen not counted, across; the ink's up and down)."""
    x0, y0, x1, y1 = _middle_box(atom)
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def crossed(atoms, strokes, memo=None):
    """The positions ``k`` no digit boundary may fall at: an atom before ``k`` and one
    after it cross each other at least twice, the narrower through the middle of the
    wider (the slash of a slashed 0, a bar through a loop), or cross once in the middle of
    both (an X, an x).  Two digits side by side do neither, even when their boxes overlap:
    where their ink meets, it meets near the edge of one of them.  ``memo``: a
    :class:`digitpad.memo.Memo` that knows ``strokes``, keeping each pair's crossings."""
    joined = set()
    for i, a in enumerate(atoms):
        for j in range(i + 1, len(atoms)):
            b = atoms[j]
            if a.right < b.left or b.right < a.left:
                continue            # cannot cross
            narrow, wide = sorted((a, b), key=lambda t: t.right - t.left)
            inset = segments.INSET * (wide.right - wide.left)
            through = wide.left + inset <= (narrow.left + narrow.right) / 2 <= wide.right - inset
            # A crossing in the middle of both lies where their middles' boxes meet.
            ma, mb = _middle_box(a), _middle_box(b)
            meet = (a.stroke != b.stroke and max(ma[0], mb[0]) <= min(ma[2], mb[2])
                    and max(ma[1], mb[1]) <= min(ma[3], mb[3]))
            if not (through or meet):
                continue            # the cheap test first: most neighbours stop here
            points = pair_crossings(a, b, strokes, memo)
            middle = meet and any(_in_middle(x, a) and _in_middle(x, b) for x in points)
            if through and len(points) >= 2 or middle:
                joined.update(range(i + 1, j + 1))
    return joined


def pair_crossings(a, b, strokes, memo=None):
    """:func:`crossing_points` of atoms ``a`` and ``b`` of ``strokes``, kept in ``memo`` (a
    :class:`digitpad.memo.Memo` that knows ``strokes``) for the reads after."""
    return worked_out(memo, "crossings", strokes, (a, b), lambda: crossing_points(
        strokes[a.stroke].array()[a.start:a.stop], strokes[b.stroke].array()[b.start:b.stop]))


def distance(points, polylines):
    """Each point's distance to the nearest of the polylines (to a point, for one of one)."""
    best = np.full(len(points), np.inf)
    for q in polylines:
        if len(q) == 1:
            best = np.minimum(best, np.hypot(*(points - q[0]).T))
            continue
        a, ab = q[:-1], np.diff(q, axis=0)
        length = np.maximum((ab ** 2).sum(axis=1), 1e-9)
        t = np.clip(((points[:, None] - a[None]) * ab[None]).sum(axis=2) / length, 0, 1)
        nearest = a[None] + t[..., None] * ab[None]
        best = np.minimum(best, np.hypot(*(points[:, None] - nearest).transpose(2, 0, 1)).min(1))
    return best
