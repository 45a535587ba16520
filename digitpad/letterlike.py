"""Letters that the cut into digits would read as a number: what no number looks like.  Qt-free.

:mod:`digitpad.numbers` cuts the strokes into the digits read most surely; some letters fall
apart into sure digits that way.  Here (:func:`no_number`): the stem of an R or a P read as a
1, and its bowl, begun at the stem's top and brought back to the stem, read as a 2, a 7, a 3
or a 0 beside it (:func:`stem_and_bowl`): a digit written after a 1 begins beside the 1, and
where its ink comes near the 1 again it does so at the foot (the base of a 2, the tail of a
3), not half-way down.  And the arms of an E or an F read as a digit beside its stem
(:func:`only_bars`): no digit is drawn as flat bars alone.  And two 1s joined at an end and
leaning apart (:func:`joined_arms`): the arms of a V, a U, an N, an n.  And the bar of an H
drawn with one stem, reaching the other stem, read as a 1, at its middle (:func:`h_bar`).
Constants: chosen on the validation writers and the other training writers
(``bench/read_numbers.py --validation`` and ``--training``; docs/performance.md).
"""
from __future__ import annotations

import statistics

import numpy as np

from . import crossings, segments
from .memo import worked_out

# The bowl of an R or a P: the digit after a 1 begins within STEM_START line heights of the
# 1's ink, no lower than STEM_TOP of the 1's height below its top; goes more than BOWL_AWAY
# line heights farther from it than it began, then comes back within BOWL line heights of
# it between BOWL_MIDDLE of the 1's height (from its top); and ends either on the 1 (within
# BOWL_END[0]: the bowl of a P, closed) or far from it (beyond BOWL_END[1]: the leg of an
# R), not in between (the tail of a 3 curling back under a 1: "13").  On the validation
# writers (1,500 numbers of 2-6 digits, 2,000 letters) it declines 9 more letters (8 of them
# R) and one number (a "19" whose 9 begins at the 1's top and loops back to it); on the
# other training writers (1,500 numbers, 6,000 letters) 20 more letters (13 R, 2 P) and
# no number.  None: no such rule.
BOWL = 0.25
STEM_START = 0.2
STEM_TOP = 0.25
BOWL_AWAY = 0.2
BOWL_MIDDLE = (0.1, 0.75)
BOWL_END = (0.1, 0.45)
# A digit of at least two strokes (or cut parts), each less tall than BARS of the line
# (the median height of the digits, their points), is the arms of an E or an F (read "13",
# "15" beside the stem): no digit is drawn in bars alone.  On the validation writers it
# declines 2 more letters (an E, an F) and no number of 1,500; on the other training
# writers 15 more letters of 6,000 (9 E, 5 F) and no number of 1,500.  (At 0.5 of the line,
# the two halves of a 3 or an 8 drawn in two strokes: 7 numbers.)  None: no such rule.
BARS = 0.3
# Two neighbouring digits read as 1, each one stroke (or a cut part of one), whose top ends
# (or feet) lie within JOINED line heights while their other ends lie more than JOINED_APART
# apart, and whose main axes differ by more than JOINED_LEAN degrees (segments.slant; at
# segments.LEAN's 40 no join is needed): the arms of a V, a U, an N or an n, not "11".  On the
# validation writers (valbase.npz) it declines 3 more letters of 2,000 (a one-stroke u read
# "11", an n and an N in three strokes read "111"), no number of 1,500 and no word more; on
# the other training writers 4 more letters of 6,000 (N, v, U, V) and no number of 1,500; of
# 1,600 validation numbers with two neighbouring digits joined by a pen stroke (101 of them
# read right), none.  Where the letters' arms meet 0-0.13 line heights apart, spread
# 0.39-1.5 apart and lean 22-39 degrees apart, the validation numbers' 1s that come within
# 0.15 spread at most 0.29 apart or lean at most 9 degrees apart.  A cost: of the validation
# writers' 1s composed in pairs (boxes overlapping or apart), 2 of 570 (a slanted 1 beside
# an upright one, the boxes touching: drawn as a V is); other training writers 8 of 1,590.
# None: no such rule.
JOINED = 0.15
JOINED_APART = 0.35
JOINED_LEAN = 18.0
# The bar of an H: a flat atom (less tall than BAR_FLAT of the line, as BARS; at least
# BAR_WIDTH line heights wide) of a digit of several atoms, whose end nearer a neighbouring 1
# lies within BAR_TOUCH line heights of the 1's ink, between BAR_MIDDLE of the 1's height
# (from its top); the bar's ink comes within BAR_OWN line heights of the rest of its digit,
# and its far end within BAR_OVER of its length (it ends at its own stem or just past it:
# not the crossbar of a 7 or the bar of a 4 centred on its stem).  On the validation writers
# (valbase.npz) it declines 2 more letters of 2,000 (H read "41", "17"), no number of 1,500
# and one more word of 300; on the other training writers 9 more letters of 6,000 (7 H, a k,
# an A) and no number of 1,500.  The validation numbers' bars that touch a 1 at its middle
# do so 0.11-0.12 line heights off it or centred on their stem (0.43 of the bar past it);
# the letters' 0.01-0.08.  A cost: of the validation writers' 1s composed beside a digit of
# several strokes (boxes overlapping or apart), 1 of 720 (a "41" whose 4's bar reaches the
# 1); other training writers 3 of 2,120 (a "14" drawn as an H, two "71" with a 7's crossbar
# on the 1).  BAR_TOUCH at 0.15 with BAR_MIDDLE from 0.35: 1 more validation letter for 4
# numbers.  None: no such rule.
BAR_TOUCH = 0.1
BAR_FLAT = 0.3
BAR_MIDDLE = (0.4, 0.75)
BAR_WIDTH = 0.2
BAR_OWN = 0.2
BAR_OVER = 0.4
STEP = 0.02          # the bowl's points are taken this many line heights apart,
MAX_POINTS = 400     # at most this many, and of the stem's (a scribble's long stroke is
                     # thinned to them: a read stays bounded)


def no_number(pieces, ones, strokes, memo=None):
    """Whether digits read from the atoms ``pieces`` (left to right; ``ones``: whether each
    was read as a 1) of ``strokes`` are a letter's parts, no number: :func:`stem_and_bowl`,
    :func:`only_bars`, :func:`joined_arms`, :func:`h_bar`.  ``memo``: a
    :class:`digitpad.memo.Memo` that knows ``strokes``, keeping what a bowl is."""
    return stem_and_bowl(pieces, ones, strokes, memo) or only_bars(pieces, strokes) or \
        joined_arms(pieces, ones, strokes) or h_bar(pieces, ones, strokes)


def h_bar(pieces, ones, strokes):
    """Whether a flat atom of a digit reaches from its own stem to the middle of a
    neighbouring 1 (:data:`BAR_TOUCH`): the bar of an H read with one of its stems."""
    h = _line_for(BAR_TOUCH, pieces, strokes)
    if h is None:
        return False
    for k in range(len(pieces)):
        if not ones[k] or len(pieces[k]) != 1:
            continue
        stem = _points(pieces[k][0], strokes)
        for j in (k - 1, k + 1):
            if 0 <= j < len(pieces) and len(pieces[j]) >= 2 and \
                    any(_bar_to(stem, a, pieces[j], strokes, h) for a in pieces[j]):
                return True
    return False


def _bar_to(stem, atom, piece, strokes, h):
    """Whether ``atom`` of ``piece`` is a bar from the rest of the piece to the middle of
    the 1 whose points are ``stem`` (:data:`BAR_TOUCH`)."""
    xy = _points(atom, strokes)
    if np.ptp(xy[:, 1]) >= BAR_FLAT * h or np.ptp(xy[:, 0]) < BAR_WIDTH * h:
        return False
    ends = np.array([xy[0], xy[-1]])
    d = crossings.distance(ends, [_at_most(stem)]) / h
    near = int(np.argmin(d))
    top, bottom = stem[:, 1].min(), stem[:, 1].max()
    middle = (ends[near, 1] - top) / max(bottom - top, 1e-6)
    if d[near] >= BAR_TOUCH or not BAR_MIDDLE[0] < middle < BAR_MIDDLE[1]:
        return False
    rest = [_at_most(_points(b, strokes)) for b in piece if b is not atom]
    far = crossings.distance(ends[1 - near:2 - near], rest)[0]
    return bool(crossings.distance(_at_most(xy), rest).min() < BAR_OWN * h
                and far < BAR_OVER * max(np.hypot(*(ends[1] - ends[0])), 1e-6))


def _points(atom, strokes):
    """The atom's points, an ``(n, 2)`` array."""
    return strokes[atom.stroke].array()[atom.start:atom.stop]


def joined_arms(pieces, ones, strokes):
    """Whether two neighbouring digits read as 1, each one atom, are joined at their tops or
    their feet and spread at the other ends, leaning apart (:data:`JOINED`)."""
    h = _line_for(JOINED, pieces, strokes)
    if h is None:
        return False
    for k in range(len(pieces) - 1):
        if not (ones[k] and ones[k + 1] and len(pieces[k]) == 1 and len(pieces[k + 1]) == 1):
            continue
        (a_top, a_foot), (b_top, b_foot) = (_ends(p[0], strokes) for p in pieces[k:k + 2])
        near, far = sorted([np.hypot(*(a_top - b_top)), np.hypot(*(a_foot - b_foot))])
        if near < JOINED * h and far > JOINED_APART * h and \
                abs(segments.slant(pieces[k], strokes) - segments.slant(pieces[k + 1], strokes)) \
                > JOINED_LEAN:
            return True
    return False


def _ends(atom, strokes):
    """The atom's end points, the upper first (y down)."""
    xy = _points(atom, strokes)
    return sorted([xy[0], xy[-1]], key=lambda p: p[1])


def only_bars(pieces, strokes):
    """Whether a digit of several pieces is drawn in two or more strokes (or cut parts),
    each less tall than :data:`BARS` of the line (see there)."""
    h = _line_for(BARS, pieces, strokes)
    return h is not None and any(
        len(p) >= 2 and all(_height([a], strokes) < BARS * h for a in p) for p in pieces)


def _line_for(rule, pieces, strokes):
    """The line's height (:func:`_line`) for a rule on neighbouring digits; None when the
    rule is off (``rule`` None) or there are no two digits."""
    if rule is None or len(pieces) < 2:
        return None
    h = _line(pieces, strokes)
    return h if h > 0 else None


def _line(pieces, strokes):
    """The line's height: the median of the digits' heights (their points)."""
    return statistics.median(_height(p, strokes) for p in pieces)


def stem_and_bowl(pieces, ones, strokes, memo=None):
    """Whether a digit read as 1 (``ones``: per piece of atoms, left to right) and the digit
    after it are the stem and the bowl of an R or a P (see :data:`BOWL`)."""
    h = _line_for(BOWL, pieces, strokes)
    if h is None:
        return False
    for k in range(len(pieces) - 1):
        if not ones[k]:
            continue
        stem, first = pieces[k], min(pieces[k + 1], key=lambda a: (a.stroke, a.start))
        if worked_out(memo, ("bowl", h), strokes, (*stem, first),
                      lambda: _bowl(stem, first, strokes, h)):
            return True
    return False


def _extent(piece, strokes):
    """``(top, bottom)`` of the piece's points (y down, the pen not counted): its atoms'
    ink extents less half their pen."""
    return (min(a.y0 + strokes[a.stroke].width / 2 for a in piece),
            max(a.y1 - strokes[a.stroke].width / 2 for a in piece))


def _height(piece, strokes):
    """The height of the piece's points (:func:`_extent`)."""
    top, bottom = _extent(piece, strokes)
    return bottom - top


def _bowl(stem, first, strokes, h):
    """Whether the atom ``first`` (the first-drawn of a digit) is a bowl on ``stem``
    (:data:`BOWL`)."""
    path = _resample(_points(first, strokes), STEP * h)
    if len(path) < 3:
        return False
    d = crossings.distance(path, [_at_most(_points(a, strokes)) for a in stem]) / h
    top, bottom = _extent(stem, strokes)
    tall = max(bottom - top, 1e-6)
    if d[0] >= STEM_START or (path[0, 1] - top) / tall >= STEM_TOP:
        return False
    away = np.flatnonzero(d > d[0] + BOWL_AWAY)
    if len(away) == 0:
        return False
    k = away[0] + int(np.argmin(d[away[0]:]))
    middle = (path[k, 1] - top) / tall
    return bool(d[k] < BOWL and BOWL_MIDDLE[0] < middle < BOWL_MIDDLE[1]
                and not BOWL_END[0] <= d[-1] <= BOWL_END[1])


def _resample(xy, step):
    """The polyline ``xy`` as points ``step`` apart along it (its ends kept), at most
    :data:`MAX_POINTS` of them."""
    if len(xy) < 2:
        return xy
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    if along[-1] == 0:
        return xy[:1]
    t = np.linspace(0, along[-1], min(MAX_POINTS, max(2, int(along[-1] / step) + 1)))
    return np.column_stack([np.interp(t, along, xy[:, 0]), np.interp(t, along, xy[:, 1])])


def _at_most(xy):
    """``xy``, or :data:`MAX_POINTS` of its points evenly spread along it, its ends kept."""
    return crossings.at_most(xy, MAX_POINTS)
