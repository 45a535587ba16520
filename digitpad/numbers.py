"""Reading a number: the strokes cut into digits, each digit read as a lone digit.  Qt-free.

A number is written digit after digit, each digit in one or a few strokes (a
4, a 5, a 7 with a bar, a 1 with a base), and neighbours may overlap or touch.
Cutting the ink into connected blobs would break a two-stroke 4 apart and keep
two touching digits together, so the cut is chosen by recognition instead:

1. **Atoms.**  Every stroke is an atom; a stroke much wider than the line is
   tall (digits written without lifting the pen) is also cut at its low points
   and where it turns back, into several atoms, which can be joined again (each
   cut costs a little: a wide 6 is more common than a 10 in one stroke).
2. **Candidates.**  The atoms are ordered left to right (by the centres of
   their extents); a candidate digit is a run of neighbouring atoms, at most
   :data:`MAX_ATOMS` of them and at most :data:`MAX_WIDTH` line heights wide.
   Where a clear gap separates everything on the left from everything on the
   right, no candidate crosses it.
3. **Reading.**  Every candidate is drawn on its own, prepared exactly as a
   lone digit (:func:`digitpad.preprocess.prepare`) and read by the network;
   all candidates go through the network in one batch, and what was read once
   is kept (:class:`NumberReader` reads as the sheet changes without reading a
   stroke twice).
4. **Choice.**  A dynamic programme over the cut positions keeps the
   segmentation whose digits the network reads most surely: the sum of the
   log top probabilities, a candidate the reader would decline for its shape
   (:func:`digitpad.reading.input_check`: side-by-side marks, a dot, a ring
   round a mark) or one much shorter than the line (the bar of a 7, the flag of
   a 5) counting as barely a digit.

A digit the network is not sure of is ``"?"`` in :attr:`NumberReading.text`;
when too many are, the whole is not a number (a word, a scribble) and ``text``
is None.  One piece holding every stroke is read as the window reads a single
digit today (:func:`digitpad.reading.read` of the whole ink), so a single digit
gives exactly the same :class:`~digitpad.reading.Prediction` as before.

The constants were set on validation writers (``bench/read_numbers.py
--validation``: training writers, never the held-out ones).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import preprocess, reading
from .strokes import Stroke, render

# A candidate digit: at most this many atoms, at most this many line heights wide, not
# counting fragments (the flag of a 5 may reach out further, up to FRAGMENT_WIDTH).
MAX_ATOMS = 5
MAX_WIDTH = 2.1
FRAGMENT_WIDTH = 2.5
# A clear gap, in line heights, between the pen's path on its left and on its right
# (the pen's width not counted): no digit crosses it.
HARD_GAP = 0.25
# A piece shorter than this share of the line's height is a fragment (a bar, a flag).
MIN_HEIGHT = 0.45
# The score of a piece the reader declines for its shape, or a fragment: as if the
# network gave it this probability.
DECLINED = 0.02
# A piece holding two strokes this tall (of the line's height) is more likely two digits
# ("11", "10") than one (a 0 in two halves): it scores as if read this much less surely.
TALL = 0.7
TWO_TALL = 0.5
INSET = 0.15          # "inside": the narrower one's centre this share of the wider's width in
# A piece of marks side by side (declined as a digit) scores at most this: the surest
# reading of strokes apart beats it, an unsure piece left over does not (the bar of a 4
# drawn apart from its stem).
SEVERAL = 0.3
# Each cut through a stroke scores as if read this much less surely (a wide 6 or 2 is
# more common than two digits written without lifting the pen).
CUT = 0.3
# Each digit costs this much log probability: a tie goes to fewer digits.
PER_DIGIT = 0.05
# A stroke wider than this many line heights may hold several digits: cut it.
SPLIT_WIDTH = 0.9
# At most this many cuts through one stroke.
MAX_CUTS = 8
# Neighbouring digits sharing more than this share of the wider one's width lie over
# each other: not a number.
INTERLEAVED = 0.6
# The whole is not a number when at least this share of its digits are unsure.
UNSURE_SHARE = 1 / 3
CACHE = 512           # pieces remembered by a NumberReader

NOT_A_NUMBER = "not a number"


@dataclass(frozen=True)
class NumberReading:
    """A number read from strokes: its text, a Prediction and the strokes of each digit."""
    text: str | None            # digits left to right, "?" for an unsure one; None: no number
    digits: tuple               # a reading.Prediction per digit, left to right
    strokes: tuple              # per digit, the tuple of Strokes it was read from

    def __len__(self):
        return len(self.digits)

    @property
    def least_sure(self):
        """The index of the digit read least surely (0 for a single digit)."""
        return int(np.argmin([p.confidence for p in self.digits])) if self.digits else 0


@dataclass(frozen=True)
class _Atom:
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


def atoms_of(strokes, height=None):
    """The atoms of ``strokes`` (drawing strokes only): each stroke, and the parts of a
    stroke wider than :data:`SPLIT_WIDTH` line heights cut at its low points; ordered
    left to right by their centres."""
    atoms = []
    for i, s in enumerate(strokes):
        if s.erase or not s.points:
            continue
        atoms.append(_atom(i, s, 0, len(s.points)))
    if not atoms:
        return []
    h = line_height(atoms) if height is None else height
    cut = []
    for a in atoms:
        s = strokes[a.stroke]
        if a.x1 - a.x0 > SPLIT_WIDTH * h + s.width:
            cut.extend(_atom(a.stroke, s, b, e) for b, e in _cuts(s.array(), h))
        else:
            cut.append(a)
    return sorted(cut, key=lambda a: (a.centre, a.stroke, a.start))


def _atom(index, stroke, start, stop):
    xy = stroke.array()[start:stop]
    r = stroke.width / 2
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    return _Atom(index, start, stop, float(x0 - r), float(y0 - r), float(x1 + r),
                 float(y1 + r), float(x0), float(x1))


def _cuts(xy, h):
    """``[(start, stop), ...]``: a wide stroke's points cut at its low points (local
    maxima of y, y down) and where it turns back along x, those that lie at least a quarter of a line height inside both ends
    of its extent; neighbouring parts share the point they are cut at."""
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
    heights = np.array([g[3] - g[1] for g in groups])
    return float(np.median(heights[heights >= 0.6 * heights.max()]))


class NumberReader:
    """Reads numbers with one network, remembering the pieces it has read.

    The window keeps one: as a stroke is added, only the candidates that hold it
    are new, so a read costs a few pieces, not every one on the sheet.
    """

    def __init__(self, net, cache=CACHE):
        self.net = net
        self._cache = OrderedDict()
        self._size = cache

    def read(self, strokes, size=None, whole=None):
        """Read ``strokes`` (:class:`~digitpad.strokes.Stroke`, canvas pixels) as a number.

        ``size``: the canvas' (width, height); ink beyond it is not drawn.
        ``whole``: the ink image of the whole sheet, when the caller has it (the
        window's canvas): a piece holding every stroke is read from it, exactly as
        a single digit is read.  None when nothing is drawn.
        """
        strokes = [s if isinstance(s, Stroke) else Stroke(list(map(tuple, s)))
                   for s in strokes]
        atoms = atoms_of(strokes)
        if not atoms:
            return None
        h = line_height(atoms)
        n = len(atoms)
        spans = _spans(atoms, h)
        keys = {span: self._key(strokes, atoms[span[0]:span[1]]) for span in spans}
        self._read_pieces(strokes, atoms, spans, keys, size, h)
        score = {span: self._score(keys[span], atoms[span[0]:span[1]], h, atoms)
                 for span in spans}
        # best[j]: the best segmentation of atoms[:j]; back[j]: where its last digit starts.
        best = np.full(n + 1, -np.inf)
        best[0] = 0.0
        back = np.zeros(n + 1, dtype=int)
        for (i, j) in sorted(spans, key=lambda s: (s[1], s[0])):
            if best[i] + score[(i, j)] > best[j]:
                best[j], back[j] = best[i] + score[(i, j)], i
        cuts, j = [], n
        while j > 0:
            cuts.append((back[j], j))
            j = back[j]
        cuts.reverse()
        predictions, pieces = [], []
        for i, j in cuts:
            piece = atoms[i:j]
            prediction = self._cache[keys[(i, j)]][0]
            if len(cuts) == 1 and whole is not None:
                prediction = reading.read(self.net, whole) or prediction
            predictions.append(prediction)
            pieces.append(tuple(_piece_strokes(strokes, piece)))
        text = number_text(predictions)
        digits = [atoms[i:j] for i, j in cuts]
        if _interleaved(digits) or _barred(digits, h):
            text = None
        return NumberReading(text, tuple(predictions), tuple(pieces))

    # -- pieces ------------------------------------------------------------------------

    @staticmethod
    def _key(strokes, piece):
        """What a piece's reading depends on: its atoms' points and pens, and the
        erasers drawn after its first stroke."""
        first = min(a.stroke for a in piece)
        parts = [(strokes[a.stroke].width, a.start, a.stop,
                  strokes[a.stroke].array()[a.start:a.stop].tobytes())
                 for a in sorted(piece, key=lambda a: (a.stroke, a.start))]
        erasers = [(s.width, s.array().tobytes()) for s in strokes[first + 1:] if s.erase]
        return tuple(parts), tuple(erasers)

    def _read_pieces(self, strokes, atoms, spans, keys, size, h):
        """Prepare every piece not yet read and read them in one batch."""
        todo = []
        for span in spans:
            key = keys[span]
            if key in self._cache:
                self._cache.move_to_end(key)
            elif key not in (k for k, _ in todo):
                todo.append((key, atoms[span[0]:span[1]]))
        prepared = []
        for key, piece in todo:
            ink = _ink(strokes, piece, size)
            prepared.append(None if ink is None else preprocess.prepare(ink))
        images = [p.image.reshape(-1) for p in prepared if p is not None]
        if images:
            probs = np.asarray(self.net.predict_proba(np.stack(images)), dtype=np.float64)
            probs = probs.reshape(len(images), -1)
        k = 0
        for (key, piece), p in zip(todo, prepared):
            if p is None:
                prediction = None
            else:
                prediction = _prediction(probs[k], p.image, reading.input_check(p))
                k += 1
            self._cache[key] = (prediction, None if p is None else p.height)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)

    def _score(self, key, piece, h, atoms):
        prediction, _ = self._cache[key]
        if prediction is None:
            return np.log(DECLINED) * 2 - PER_DIGIT
        height = max(a.y1 for a in piece) - min(a.y0 for a in piece)
        if height < MIN_HEIGHT * h or prediction.reason in (reading.A_DOT, reading.NESTED):
            p = DECLINED
        elif prediction.reason == reading.SEVERAL:
            p = min(prediction.confidence, SEVERAL)
        else:
            p = max(prediction.confidence, DECLINED)
            if _two_tall(piece, h):
                p *= TWO_TALL
            p *= CUT ** _cuts_in(piece, atoms)
        return float(np.log(p)) - PER_DIGIT


def _interleaved(pieces):
    """Whether two neighbouring digits lie over each other, each spanning most of the
    other's width (a hash sign, a cross), as the digits of a number do not."""
    extents = [(min(a.left for a in p), max(a.right for a in p)) for p in pieces]
    for (a0, a1), (b0, b1) in zip(extents, extents[1:]):
        shared = min(a1, b1) - max(a0, b0)
        if shared > INTERLEAVED * max(a1 - a0, b1 - b0, 1e-6):
            return True
    return False


def _barred(pieces, h):
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


def _two_tall(piece, h):
    """Whether two strokes of the piece are both nearly as tall as the line and side by
    side ("11", "10"), not one inside the other (the slash of a slashed 0)."""
    tall = [a for a in piece if a.y1 - a.y0 >= TALL * h]
    for k, a in enumerate(tall):
        for b in tall[k + 1:]:
            narrow, wide = sorted((a, b), key=lambda t: t.right - t.left)
            inset = INSET * (wide.right - wide.left)
            if not wide.left + inset <= (narrow.left + narrow.right) / 2 <= wide.right - inset:
                return True
    return False


def _cuts_in(piece, atoms):
    """How many of the piece's ends cut through a stroke: parts of a stroke cut at a low
    point that this piece holds without their neighbour part."""
    held = {(a.stroke, a.start, a.stop) for a in piece}
    parts = {(a.stroke, a.start, a.stop) for a in atoms}
    count = 0
    for stroke, start, stop in held:
        before = [p for p in parts if p[0] == stroke and p[2] == start + 1]
        after = [p for p in parts if p[0] == stroke and p[1] == stop - 1]
        count += sum(p not in held for p in before + after)
    return count


def _spans(atoms, h):
    """The candidate pieces: ``(i, j)`` for atoms[i:j], neighbours in left-to-right
    order, not too many, not too wide, not across a clear gap."""
    n = len(atoms)
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


def _piece_strokes(strokes, piece):
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


def _ink(strokes, piece, size):
    """A piece drawn on its own, cropped near its ink (canvas pixels shifted by whole
    pixels, so it is drawn exactly as on the sheet)."""
    own = _piece_strokes(strokes, piece)
    x0 = int(np.floor(min(a.x0 for a in piece))) - 2
    y0 = int(np.floor(min(a.y0 for a in piece))) - 2
    x1 = int(np.ceil(max(a.x1 for a in piece))) + 3
    y1 = int(np.ceil(max(a.y1 for a in piece))) + 3
    if size is not None:
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, int(size[0])), min(y1, int(size[1]))
    if x1 <= x0 or y1 <= y0:
        return None
    shifted = [Stroke([(x - x0, y - y0) for x, y in s.points], s.width, s.erase) for s in own]
    return render(shifted, (x1 - x0, y1 - y0))


def _prediction(probabilities, image, reason):
    """A Prediction from the network's probabilities, as :func:`reading.read_image`."""
    p = probabilities / probabilities.sum()
    best = int(np.argmax(p))
    if reason is None and p[best] < reading.CONFIDENCE:
        reason = reading.NOT_SURE
    digit = best if reason is None else None
    return reading.Prediction(digit, tuple(float(v) for v in p), image, reason)


def number_text(predictions):
    """The digits as text, "?" for an unsure one; None when at least
    :data:`UNSURE_SHARE` of them are unsure (a word, a scribble) or there are none."""
    if not predictions:
        return None
    unsure = sum(p.digit is None for p in predictions)
    if unsure >= UNSURE_SHARE * len(predictions):
        return None
    return "".join("?" if p.digit is None else str(p.digit) for p in predictions)


def read_number(net, strokes, size=None, whole=None):
    """Read ``strokes`` as a number: a :class:`NumberReading`, or None for no ink.

    See :meth:`NumberReader.read`; this one remembers nothing between calls.
    """
    return NumberReader(net).read(strokes, size, whole)
