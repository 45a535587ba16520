"""Strokes cut into candidate digits: the geometry behind :mod:`digitpad.numbers`.  Qt-free.

An *atom* is a stroke, or part of a stroke much wider than the line is tall cut
at its low points and where it turns back.  Atoms are ordered left to right;
a candidate digit is a run of neighbouring atoms (:func:`spans`).  The rules
here say what no digit or number looks like: two tall strokes side by side
(:func:`two_tall`) unless they are the arcs of a ring (:func:`ring`), digits lying over
each other (:func:`interleaved`), bars across a neighbour (:func:`barred`), a digit inside
its neighbour's extent (:func:`nested`), a stroke drawn upward (:func:`upward`), two 1s
leaning apart (:func:`leaning_apart`).  Strokes that cross: :mod:`digitpad.crossings`.
Constants: set on validation writers (bench/read_numbers.py).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

# A candidate digit: at most this many atoms, at most this many line heights wide, not
# counting fragments (the flag of a 5 may reach out further, up to FRAGMENT_WIDTH).  Of 24,000
# training writers' digits in numbers, none held more than 5 atoms, none was wider than 1.58
# line heights, fragments included (bench/cut_counts.py --training): a wider candidate is no
# digit, and reading it costs each read time (2.1 and 2.5 until 2026-12-07; the validation
# writers read the same digits with both, and count two numbers more right with these).
MAX_ATOMS = 5
MAX_WIDTH = 1.8
FRAGMENT_WIDTH = 2.0
# A clear gap, in line heights, between the pen's path on its left and on its right
# (the pen's width not counted): no digit crosses it.
HARD_GAP = 0.25
# A piece shorter than this share of the line's height is a fragment (a bar, a flag, the
# bowl of a P): the digits of a number are written about as tall as each other.  0.45
# until 2026-12-06; 0.65 on the validation writers declines more letters (the bowl of a P
# or a p is no digit) and counts digits as well or better (docs/performance.md).
MIN_HEIGHT = 0.65
# In an image (ink_numbers.read_number_ink), a group of ink shorter than this share of the line
# joins its neighbour (not measured again when MIN_HEIGHT changed: kept as it was).
GROUP_MIN_HEIGHT = 0.45
# A stroke wider than this many line heights may hold several digits: cut it.
SPLIT_WIDTH = 0.9
# At most this many cuts through one stroke.
MAX_CUTS = 8
# Neighbouring digits sharing more than this share of the wider one's width lie over
# each other: not a number.
INTERLEAVED = 0.6
# Strokes at least this share of the line's height are tall (segments.two_tall); the
# narrower one's centre this share of the wider's width inside it is inside.
TALL = 0.7
INSET = 0.15
# Two tall strokes whose ends meet pairwise are the two arcs of a ring (a 0 in two strokes),
# not two digits side by side (segments.ring): one pair within RING line heights, the other
# within RING_OPEN (a ring left open at the top; None: RING), the open one's arcs straying
# RING_BOW from their ends' line (not a 1; None: no test).  RING None: no such exception.
RING = 0.15
RING_WIDTH = 0.3
RING_OPEN = 0.35
RING_BOW = 0.05
# A digit whose centre lies more than NESTED of its neighbour's width inside the extent of
# that neighbour, at least NESTED_WIDTH line heights wide, is no digit of its own (the stem
# of an R or a P inside the extent of its bowl): segments.nested.  None: no such rule.
# Chosen on the validation writers (docs/performance.md).
NESTED = 0.1
NESTED_WIDTH = 0.3
# A stroke (or cut part) whose last point lies more than this share of its height above its
# first is drawn upward (segments.upward), and a piece of it alone scores as declined.  None,
# as shipped (at 0.5 the held-out count fell 98.88 -> 97.77%: docs/performance.md).
UPWARD = None
# Two neighbouring digits read as 1 whose main axes differ by more than this many degrees
# lean apart (segments.leaning_apart): the arms of a V, a W, an A or an N, not "11".  Of the
# 9,874 pairs of a training writer's 1s, 1 differs by more than 40 degrees (python
# bench/stroke_habits.py; docs/performance.md).  None: no such rule.
LEAN = 40.0


@dataclass(frozen=True)
class Atom:
    stroke: int                 # index into the strokes
    start: int                  # points [start, stop) of that stroke
    stop: int
    x0: float                   # the ink's extent (pen included)
    y0: float
    x1: float
    y1: float
    left: float                 # the points' horizontal extent (pen not included)
    right: float

    @property
    def centre(self):
        return (self.x0 + self.x1) / 2


def atoms_of(strokes, height=None, memo=None):
    """The atoms of ``strokes`` (drawing strokes only): each stroke, and the parts of a
    stroke wider than :data:`SPLIT_WIDTH` line heights cut at its low points; ordered
    left to right by their centres.  ``memo``: a :class:`digitpad.memo.Memo` that knows
    ``strokes`` (:class:`digitpad.memo.Kept`), keeping their extents and cuts."""
    atoms = []
    for i, s in enumerate(strokes):
        if s.erase or not s.points:
            continue
        atoms.append(_atom(i, s, 0, len(s.points), memo))
    if not atoms:
        return []
    h = line_height(atoms) if height is None else height
    cut = []
    for a in atoms:
        s = strokes[a.stroke]
        if a.x1 - a.x0 > SPLIT_WIDTH * h + s.width:
            whole = [(s.token, a.start, a.stop)] if memo is not None else None
            bounds = _cuts(s.array(), h) if memo is None else \
                memo.value((("cuts", h), *whole), whole, lambda: _cuts(s.array(), h))
            cut.extend(_atom(a.stroke, s, b, e, memo) for b, e in bounds)
        else:
            cut.append(a)
    return sorted(cut, key=lambda a: (a.centre, a.stroke, a.start))


def _atom(index, stroke, start, stop, memo=None):
    """The atom of points ``start:stop`` of ``stroke``, the ``index``-th stroke."""
    def extent():
        xy = stroke.array()[start:stop]
        r = stroke.width / 2
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        return (float(x0 - r), float(y0 - r), float(x1 + r), float(y1 + r), float(x0),
                float(x1))
    if memo is None:
        return Atom(index, start, stop, *extent())
    key = (stroke.token, start, stop)
    return Atom(index, start, stop, *memo.value(("extent", key), [key], extent))


def _cuts(xy, h):
    """``[(start, stop), ...]``: a wide stroke's points cut at its low points (local maxima
    of y, y down) and where it turns back along x, at least a quarter of a line height inside
    both ends of its extent; neighbouring parts share the point they are cut at."""
    n = len(xy)
    x, y = xy[:, 0], xy[:, 1]
    lo, hi = x.min() + 0.25 * h, x.max() - 0.25 * h
    candidates = []
    for k in range(1, n - 1):
        low = y[k] >= y[k - 1] and y[k] > y[k + 1]
        turn = (x[k] - x[k - 1]) * (x[k + 1] - x[k]) < 0    # the pen turns back along x
        if lo <= x[k] <= hi and (low or turn):
            candidates.append(k)
    # Keep the lowest, at least a fifth of a line height apart along x.
    chosen = []
    for k in sorted(candidates, key=lambda k: -y[k]):
        if len(chosen) < MAX_CUTS and all(abs(x[k] - x[c]) > 0.2 * h for c in chosen):
            chosen.append(k)
    bounds = [0] + sorted(chosen) + [n - 1]
    return [(b, e + 1) for b, e in zip(bounds, bounds[1:])]


def line_height(atoms):
    """The height of the line of digits: the median height of the groups of atoms whose
    horizontal extents overlap, among those at least 60% of the tallest."""
    groups = []
    for a in sorted(atoms, key=lambda a: a.x0):
        if groups and a.x0 < groups[-1][2]:
            g = groups[-1]
            groups[-1] = [g[0], min(g[1], a.y0), max(g[2], a.x1), max(g[3], a.y1)]
        else:
            groups.append([a.x0, a.y0, a.x1, a.y1])
    heights = [g[3] - g[1] for g in groups]
    tall = 0.6 * max(heights)
    return float(statistics.median(h for h in heights if h >= tall))   # np.median: 20x dearer


def interleaved(pieces):
    """Whether two neighbouring digits lie over each other, each spanning most of the
    other's width (a hash sign, a cross), as the digits of a number do not."""
    extents = [(min(a.left for a in p), max(a.right for a in p)) for p in pieces]
    for (a0, a1), (b0, b1) in zip(extents, extents[1:]):
        shared = min(a1, b1) - max(a0, b0)
        if shared > INTERLEAVED * max(a1 - a0, b1 - b0, 1e-6):
            return True
    return False


def barred(pieces, h):
    """Whether bars of one digit run across the whole of its neighbour (a hash sign, read
    as "17": two bars of the "7" cross the "1"), as no number is written."""
    for a, b in zip(pieces, pieces[1:]):
        for one, other in ((a, b), (b, a)):
            tall = [t for t in other if t.y1 - t.y0 >= MIN_HEIGHT * h]
            if not tall:
                continue
            lo, hi = min(t.left for t in tall), max(t.right for t in tall)
            bars = [f for f in one if f.y1 - f.y0 < MIN_HEIGHT * h
                    and f.left <= lo + 0.1 * (hi - lo) and f.right >= hi - 0.1 * (hi - lo)]
            if len(bars) >= 2:
                return True
    return False


def nested(pieces, h):
    """The index ``k`` of the first pair of neighbouring digits ``pieces[k - 1]``,
    ``pieces[k]`` of which the narrower's centre lies more than :data:`NESTED` of the
    wider's width inside the wider's extent (the points', pen not counted), the wider
    at least :data:`NESTED_WIDTH` line heights ``h`` wide: the stem of an R or a P read
    as a 1 beside its bowl.  Neighbouring digits of a number stand side by side; where
    their boxes overlap, the narrower's centre stays near the edge.  None when there is
    no such pair."""
    if NESTED is None:
        return None
    extents = [(min(a.left for a in p), max(a.right for a in p)) for p in pieces]
    for k in range(1, len(extents)):
        narrow, wide = sorted(extents[k - 1:k + 1], key=lambda e: e[1] - e[0])
        width = wide[1] - wide[0]
        centre = (narrow[0] + narrow[1]) / 2
        if width >= NESTED_WIDTH * h and min(centre - wide[0], wide[1] - centre) > NESTED * width:
            return k
    return None


def two_tall(piece, h, strokes=None):
    """Whether two strokes of the piece are both nearly as tall as the line and side by
    side ("11", "10"), not one inside the other (the slash of a slashed 0) and, when
    ``strokes`` are given, not the two arcs of a ring (:func:`ring`)."""
    tall = [a for a in piece if a.y1 - a.y0 >= TALL * h]
    for k, a in enumerate(tall):
        for b in tall[k + 1:]:
            narrow, wide = sorted((a, b), key=lambda t: t.right - t.left)
            inset = INSET * (wide.right - wide.left)
            if not wide.left + inset <= (narrow.left + narrow.right) / 2 <= wide.right - inset:
                if strokes is None or not ring(a, b, strokes, h):
                    return True
    return False


def upward(atom, strokes):
    """Whether ``atom`` (a stroke or a part of one) is drawn upward: its last point lies
    more than :data:`UPWARD` of its points' height above its first (y down)."""
    if UPWARD is None:
        return False
    p = strokes[atom.stroke].points
    (_, y0), (_, y1) = p[atom.start], p[atom.stop - 1]
    height = atom.y1 - atom.y0 - strokes[atom.stroke].width
    return y0 - y1 > UPWARD * height


def slant(piece, strokes):
    """The angle in degrees between the vertical and the main axis of the points of
    ``piece`` (atoms): 0 for an upright line, positive when its foot lies right of its top."""
    xy = np.concatenate([strokes[a.stroke].array()[a.start:a.stop] for a in piece])
    xy = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(xy.T @ xy)
    dx, dy = vectors[:, -1]
    return math.degrees(math.atan2(dx, dy) if dy >= 0 else math.atan2(-dx, -dy))


def leaning_apart(pieces, ones, strokes):
    """Whether two neighbouring digits both read as 1 (``ones``: per piece) have main axes
    more than :data:`LEAN` degrees apart (:func:`slant`): the arms of a V, a W, an A or an
    N.  One writer's 1s stand about parallel, however far apart or close."""
    if LEAN is None:
        return False
    for k in range(1, len(pieces)):
        if ones[k - 1] and ones[k] and \
                abs(slant(pieces[k - 1], strokes) - slant(pieces[k], strokes)) > LEAN:
            return True
    return False


def _apart(u, v):
    return math.hypot(u[0] - v[0], u[1] - v[1])


def ring(a, b, strokes, h):
    """Whether atoms ``a`` and ``b`` are the two arcs of one ring (a 0 drawn in two
    strokes): each end of one lies near an end of the other (one pair within :data:`RING`
    line heights ``h``, the other within :data:`RING_OPEN`, and then both arcs curved:
    :func:`_bowed`), the two pairs at least half a line height apart, the arcs' middles at
    least :data:`RING_WIDTH` apart.  Two digits side by side meet at one end at most: the 1
    and the 7 of "17" where the 7 begins."""
    if RING is None:
        return False
    p, q = strokes[a.stroke].points, strokes[b.stroke].points     # no arrays: it runs often
    near, gap = RING * h, (RING if RING_OPEN is None else RING_OPEN) * h
    # A ring is open between its arcs: their middles lie apart, not side by side as two
    # 1s written close together do.
    if _apart(p[(a.start + a.stop) // 2], q[(b.start + b.stop) // 2]) < RING_WIDTH * h:
        return False
    pa, pz, qa, qz = p[a.start], p[a.stop - 1], q[b.start], q[b.stop - 1]
    for (u, v), (w, x) in (((pa, qa), (pz, qz)), ((pa, qz), (pz, qa))):
        close, far = sorted((_apart(u, v), _apart(w, x)))
        if close <= near and far <= gap and _apart(u, w) >= h / 2:
            return far <= near or _bowed(a, b, p, q, h)
    return False


def _bowed(a, b, p, q, h):
    """Whether both arcs (points ``p``, ``q``) stray at least :data:`RING_BOW` line heights
    from the line through their ends: the arcs of a ring, not a straight 1."""
    if RING_BOW is None:
        return True
    for atom, points in ((a, p), (b, q)):
        (x0, y0), (x1, y1) = points[atom.start], points[atom.stop - 1]
        dx, dy = x1 - x0, y1 - y0
        away = max(abs((x - x0) * dy - (y - y0) * dx) for x, y in points[atom.start:atom.stop])
        if away < RING_BOW * h * (math.hypot(dx, dy) or 1.0):
            return False
    return True


def cuts_in(piece, beside):
    """How many of the piece's ends cut through a stroke: parts of a stroke cut at a low
    point that this piece holds without their neighbour part (``beside``: the atoms'
    :func:`neighbours`, found once for every piece)."""
    held = {(a.stroke, a.start, a.stop) for a in piece}
    return sum(p not in held for part in held for p in beside[part])


def neighbours(atoms):
    """``{(stroke, start, stop): [part, ...]}``: for each atom, the parts of its stroke it
    was cut from beside it (the one before it, then the one after it)."""
    parts = {(a.stroke, a.start, a.stop) for a in atoms}
    by_stroke = {}
    for p in parts:
        by_stroke.setdefault(p[0], []).append(p)
    return {(stroke, start, stop):
            [p for p in by_stroke[stroke] if p[2] == start + 1] +
            [p for p in by_stroke[stroke] if p[1] == stop - 1]
            for stroke, start, stop in parts}


def spans(atoms, h):
    """The candidate pieces: ``(i, j)`` for atoms[i:j], neighbours in left-to-right
    order, not too many, not too wide, not across a clear gap."""
    n = len(atoms)
    if n == 1:
        return [(0, 1)]                 # a lone atom (a sheet of one stroke, as it is drawn)
    # A clear gap after position k: the pen's path up to k ends before all after begins.
    right_of = np.minimum.accumulate([a.left for a in atoms][::-1])[::-1]
    left_of = np.maximum.accumulate([a.right for a in atoms])
    cuts = [k + 1 for k in range(n - 1) if right_of[k + 1] - left_of[k] > HARD_GAP * h]
    # A gap that leaves only fragments on one side (a detached flag or bar) does not
    # count: they may join the digit beside them.
    whole = [a.y1 - a.y0 >= MIN_HEIGHT * h for a in atoms]
    bounds = [0] + cuts + [n]
    hard = set()
    for before, at, after in zip(bounds, bounds[1:], bounds[2:]):
        if any(whole[before:at]) and any(whole[at:after]):
            hard.add(at)
    spans = []
    for i in range(n):
        x0, x1, b0, b1 = np.inf, -np.inf, np.inf, -np.inf
        for j in range(i + 1, min(n, i + MAX_ATOMS) + 1):
            a = atoms[j - 1]
            if j - 1 > i and (j - 1) in hard:
                break
            x0, x1 = min(x0, a.x0), max(x1, a.x1)
            if a.y1 - a.y0 >= MIN_HEIGHT * h:
                b0, b1 = min(b0, a.x0), max(b1, a.x1)
            if j - 1 > i and (x1 - x0 > FRAGMENT_WIDTH * h or b1 - b0 > MAX_WIDTH * h):
                break
            spans.append((i, j))
    return spans
