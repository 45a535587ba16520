"""Reading a number: the strokes cut into digits, each digit read as a lone digit.  Qt-free.

A number is written digit after digit, each digit in one or a few strokes (a
4, a 5, a 7 with a bar, a 1 with a base), and neighbours may overlap or touch.
Cutting the ink into connected blobs would break a two-stroke 4 apart and keep
two touching digits together, so the cut is chosen by recognition instead:

1. **Atoms** (:mod:`digitpad.segments`).  Every stroke is an atom; a stroke much
   wider than the line is tall (digits written without lifting the pen) is also
   cut at its low points and where it turns back, into atoms that can be joined
   again (each cut costs a little: a wide 6 is more common than a 10 in one stroke).
2. **Candidates.**  The atoms are ordered left to right (by the centres of
   their extents); a candidate digit is a run of neighbouring atoms, a few of
   them and not too wide (:func:`digitpad.segments.spans`).  Where a clear gap
   separates the pen's path on the left from that on the right, no candidate
   crosses it, unless one side is only a fragment (a detached flag or bar).
3. **Reading.**  Every candidate is drawn on its own, with a pen at most
   :data:`digitpad.pieces.PEN_CAP` of its height (a small digit's loops stay open; ink
   that is a blob as drawn, a dot, stays as drawn: :func:`digitpad.pieces.piece_pen`),
   prepared exactly as a lone digit (:func:`digitpad.preprocess.prepare`) and read as one
   (:func:`digitpad.reading.read_image`: its probabilities are its image's alone, bit for
   bit); what was read once is kept (:class:`NumberReader` reads as the sheet changes
   without reading a piece twice, and keeps what follows from the finished strokes
   alone: :mod:`digitpad.memo`).
4. **Choice.**  A dynamic programme over the cut positions keeps the
   segmentation whose digits the network reads most surely: the sum of the
   log top probabilities, less :data:`PER_DIGIT` a digit.  A fragment (much
   shorter than the line: the bar of a 7, the flag of a 5), a dot or a ring
   round a mark scores :data:`DECLINED` (and, when ``segments.UPWARD`` is set, a lone
   stroke drawn upward: :func:`digitpad.segments.upward`; off, see there); marks side by
   side at most :data:`SEVERAL`; two tall strokes side by side ("11" read as one), a 1
   merged into the digit it overlaps (:data:`EXTRA_ONE`) and cuts through a stroke score
   less (:data:`TWO_TALL`, :data:`CUT`); an unsure piece made of a sure digit and an unsure
   mark beside it scores as declined (:data:`SWALLOW`: "?5" is not read "?"), and a piece
   that reads the same without an end stroke crossing another piece's (or ending on a 1's
   middle) scores less (:data:`ELSEWHERE`: the bar of a 4 stays with its stem); these
   compare a piece with its parts (:mod:`digitpad.parts`).  Where the network reads two
   cuts about as surely, a piece whose end stroke, shorter than a digit, touches none of
   the rest of it and lies nearer to ink outside it scores a little less (:data:`STRAY`: a
   5's flag stays with its 5), and a piece whose end stroke is a bar or a flag reaching out
   beyond the rest of it further than beyond the nearest tall stroke outside it scores less
   (:data:`OVERHANG`: a 5's flag reaching over the next digit stays with its 5).  A piece of
   two strokes as tall as the line, each alone a sure digit, pays for a second digit
   (:data:`TWO_SURE`: where the network reads "13" as an 8 about as surely as apart, the tie
   goes to the two).  No boundary falls between two strokes that cross twice, the narrower
   through the middle of the wider (a slashed 0), or once in the middle of both (an X):
   :func:`digitpad.crossings.crossed`.
   Nor between two digits of which the narrower lies well inside the wider's extent (the
   stem of an R beside its bowl, read "12"): :func:`digitpad.segments.nested`; the
   programme runs again without that boundary.

A digit the network is not sure of is ``"?"`` in :attr:`NumberReading.text`.
The whole is not a number (``text`` None: a word, a scribble, a hash sign) when
more than :data:`UNSURE_SHARE` of its digits are unsure ("2?1" is a number, "2?"
is not), when neighbouring digits lie over each other, when bars of one run across
the whole of the next, or when two neighbouring 1s lean apart, their main axes more
than ``segments.LEAN`` degrees apart
(:func:`digitpad.segments.leaning_apart`: the arms of a V, a W, an A or an N; one
writer's 1s stand about parallel).
One piece holding every stroke is read as the window reads a single digit
(:func:`digitpad.reading.read` of the whole ink, when the caller gives it), so a
single digit gives exactly the same :class:`~digitpad.reading.Prediction` as before,
unless its pen is wider than :data:`digitpad.pieces.PEN_CAP` of its height: then it is
drawn from its strokes with the narrower pen, as every other piece is.

The constants were set on validation writers (``bench/read_numbers.py
--validation``: training writers, never the held-out ones).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import crossings, letterlike, memo, parts, pieces, preprocess, reading, segments
from .pieces import piece_pen, piece_strokes
from .strokes import Stroke

# The score of a piece the reader declines for its shape, or a fragment: as if the
# network gave it this probability.
DECLINED = 0.02
# A piece holding two strokes as tall as the line side by side (segments.two_tall) is
# more likely two digits ("11", "10") than one: it scores as if read this much less surely.
TWO_TALL = 0.5
# A piece of marks side by side (declined as a digit) scores at most this: the surest
# reading of strokes apart beats it, an unsure piece left over does not (the bar of a 4
# drawn apart from its stem).
SEVERAL = 0.3
# Each cut through a stroke scores as if read this much less surely (a wide 6 or 2 is
# more common than two digits written without lifting the pen).
CUT = 0.3
# A piece that reads as the digit its atoms but a tall one at either end read as, that one
# alone a sure 1 (a 1 merged into the digit it overlaps: "16" read "6"), scores as if read
# this much less surely.  None: no such rule.
EXTRA_ONE = 0.5
# An unsure piece (the network's confidence under reading.CONFIDENCE) that holds at either
# end a run of whole strokes read as a sure digit, the rest of it unsure but no fragment,
# scores as declined: an unsure digit does not swallow the sure one beside it ("?5" read "?").
SWALLOW = True      # None: no such rule
# A piece that reads as the digit its atoms but one at an end read as, that one crossing a
# stroke outside the piece through the middle of its height (or ending on it there, a stroke
# that alone is a sure 1), scores as if read this much less surely: the bar of a 4 in two
# strokes taken into the 3 before it ("34" read "31"), while the 4's stem crosses it or the
# bar ends on the stem (a 5's flag reaching over the top of the 1 after it stays: "515").
ELSEWHERE = 0.5     # None: no such rule
# A piece whose end stroke, shorter than a digit, touches none of the rest of it and lies
# nearer to ink outside it (parts.strays: the flag of a 5 taken by the digit after it) scores
# as if read this much less surely: a tie-breaker, for where the network reads the flag with
# either neighbour alike (0.5 and 0.9 overrode the network where it saw a difference: a 5
# whose flag floats apart read "3"; docs/performance.md).  None: no such rule.
STRAY = 0.98
# A piece whose end stroke is a bar or a flag reaching out beyond the rest of the piece
# further than beyond the nearest tall stroke outside it (parts.overhangs: a 5's flag taken by
# the digit after it) scores as if read this much less surely.  None: no such rule.
OVERHANG = 0.5
# A piece that is two runs of whole strokes, each as tall as the line and read alone as a
# sure digit (parts.two_sure: a 1 against the 3 after it read "8"), pays for a second digit
# (PER_DIGIT): where the network reads the one and the two about as surely, the tie goes to
# the two.  None: no such rule.
TWO_SURE = True
# Each digit costs this much log probability: a tie goes to fewer digits.
PER_DIGIT = 0.05
# The whole is not a number when more than this share of its digits are unsure.
UNSURE_SHARE = 1 / 3
CACHE = 512           # pieces remembered by a NumberReader (at least one read's pieces)
# A sheet of more atoms than this (strokes and their cut parts; a 20-digit number written
# in several strokes a digit has about 60) is read as one drawing, as the window read any
# sheet before numbers: the candidates grow with the atoms, and a read must stay bounded.
MAX_ATOMS = 120


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


class NumberReader:
    """Reads numbers with one network, remembering the pieces it has read.

    The window keeps one: as a stroke is added, only the candidates that hold it
    are new, so a read costs a few pieces, not every one on the sheet.
    """

    def __init__(self, net, cache=CACHE):
        self.net = net
        self._cache = OrderedDict()
        self._size = cache
        self._memo = memo.Memo()        # the finished strokes, and what follows from them
        self._inks = pieces.Inks()      # the pieces holding the growing stroke, as drawn

    def read(self, strokes, size=None, whole=None):
        """Read ``strokes`` (:class:`~digitpad.strokes.Stroke`, canvas pixels) as a number.

        ``size``: the canvas' (width, height); ink beyond it is not drawn.
        ``whole``: the ink image of the whole sheet, when the caller has it (the
        window's canvas): a piece holding every stroke is read from it, exactly as
        a single digit is read.  None when nothing is drawn.
        """
        strokes = [s if isinstance(s, Stroke) else Stroke(list(map(tuple, s)))
                   for s in strokes]
        try:
            return self._read(strokes, self._memo.kept(strokes), size, whole)
        finally:
            self._memo.forget()             # what this sheet no longer holds
            self._inks.read_done()

    def _read(self, given, strokes, size, whole):
        """:meth:`read` of ``strokes``, the :class:`~digitpad.memo.Kept` copies of the
        strokes ``given`` (the reading's own strokes are made of these, as they were given)."""
        atoms = segments.atoms_of(strokes, memo=self._memo)
        if not atoms:
            return None
        if len(atoms) > MAX_ATOMS:
            return self._one_drawing(given, atoms, size, whole)
        h = segments.line_height(atoms)
        n = len(atoms)
        spans = segments.spans(atoms, h)
        keys = {span: self._key(strokes, atoms[span[0]:span[1]]) for span in spans}
        if whole is not None:
            whole = preprocess.crop_to_ink(whole)   # what reading.read would crop it to
            if whole is None:
                return None                   # every stroke rubbed out
            if (0, n) in spans and piece_pen(strokes, atoms) is None:
                self._read_whole(keys[(0, n)], whole)   # one digit, maybe: as a lone digit
        self._read_pieces(strokes, atoms, spans, keys, size)
        score = self._scores(spans, keys, atoms, h, strokes)
        # best[j]: the best segmentation of atoms[:j]; back[j]: where its last digit starts.
        joined = crossings.crossed(atoms, strokes, self._memo)
        cuts = _cuts(spans, score, n, joined)
        if cuts is None:                      # no segmentation keeps the crossings whole
            cuts = _cuts(spans, score, n, set())
        # A digit nested in its neighbour's extent (the stem of an R): no boundary there.
        for _ in range(len(cuts)):
            k = segments.nested([atoms[i:j] for i, j in cuts], h)
            if k is None:
                break
            joined = joined | {cuts[k][0]}
            again = _cuts(spans, score, n, joined)
            if again is None:                 # no candidate holds both: keep the cut
                break
            cuts = again
        predictions, drawn = [], []
        for i, j in cuts:
            prediction = self._cache[keys[(i, j)]][0]
            if prediction is not None:          # None: a piece rubbed out entirely
                predictions.append(prediction)
                drawn.append(tuple(piece_strokes(given, atoms[i:j])))
        if not predictions:
            return None
        text = number_text(predictions)
        digits = [atoms[i:j] for i, j in cuts]
        ones = [getattr(self._cache[keys[c]][0], "digit", None) == 1 for c in cuts]
        if segments.interleaved(digits) or segments.barred(digits, h) or \
                segments.leaning_apart(digits, ones, strokes) or \
                letterlike.no_number(digits, ones, strokes, self._memo):
            text = None
        return NumberReading(text, tuple(predictions), tuple(drawn))

    def _one_drawing(self, strokes, atoms, size, whole):
        """Every stroke read together as one drawing (a single "digit", mostly declined)."""
        ink = whole if whole is not None else pieces.ink(strokes, atoms, size)
        prediction = None if ink is None else reading.read(self.net, ink)
        if prediction is None:
            return None
        return NumberReading(number_text([prediction]), (prediction,),
                             (tuple(piece_strokes(strokes, atoms)),))

    # -- pieces ------------------------------------------------------------------------

    def _key(self, strokes, piece):
        """What a piece's reading depends on: its atoms' points and pens (the pen it is
        drawn with follows from them, :func:`digitpad.pieces.piece_pen`), and the erasers
        drawn after its first stroke (:class:`~digitpad.memo.Kept` ``strokes``)."""
        first = min(a.stroke for a in piece)
        parts = tuple(self._part(strokes, a.stroke, a.start, a.stop)
                      for a in sorted(piece, key=lambda a: (a.stroke, a.start)))
        erasers = tuple(self._part(strokes, i, 0, len(s.points))
                        for i, s in enumerate(strokes) if s.erase and i > first)
        return parts, erasers

    def _part(self, strokes, i, start, stop):
        """The share in a piece's key of points ``start:stop`` of stroke ``i``: its pen, the
        points' place in the stroke and their bytes."""
        def work():
            s = strokes[i]
            return s.width, start, stop, s.array()[start:stop].tobytes()
        key = (strokes[i].token, start, stop)
        return self._memo.value(("key", key), [key], work)

    def _read_whole(self, key, whole):
        """Every stroke as one piece, read from the caller's ink exactly as a single digit
        is read (:func:`digitpad.reading.read`)."""
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            self._cache[key] = (reading.read(self.net, whole), None)

    def _read_pieces(self, strokes, atoms, spans, keys, size):
        """Prepare and read every piece not yet read, each as a lone digit is read."""
        for span in spans:
            key = keys[span]
            if key in self._cache:
                self._cache.move_to_end(key)
                continue
            piece = atoms[span[0]:span[1]]
            ink = self._inks.ink(strokes, piece, size, piece_pen(strokes, piece))
            p = None if ink is None else preprocess.prepare(ink)
            # One image at a time, as reading.read does: a piece's probabilities are those
            # of its image alone, bit for bit, whatever else is new (a batch's sums are
            # grouped by its size), and a batch of a few images costs BLAS no less.
            self._cache[key] = (None, None) if p is None else (
                reading.read_image(self.net, p.image, reading.input_check(p)), p.height)
        # Forget the oldest pieces, never one of this read's (they are scored next).
        while len(self._cache) > max(self._size, len(keys)):
            self._cache.popitem(last=False)

    def _scores(self, spans, keys, atoms, h, strokes):
        """Every candidate's score (:meth:`_score`), less where what its parts read as says
        it is no digit of its own (:mod:`digitpad.parts`)."""
        beside = segments.neighbours(atoms)
        score = {span: self._score(keys[span], atoms[span[0]:span[1]], h, beside, strokes)
                 for span in spans}
        readings = {span: self._cache[keys[span]][0] for span in spans}
        crosses = parts.crossing_test(atoms, strokes, self._memo)
        near = parts.distance_test(atoms, strokes, self._memo)
        for span in spans:
            if EXTRA_ONE is not None and parts.extra_one(span, readings, atoms, h):
                score[span] += float(np.log(EXTRA_ONE))
            if ELSEWHERE is not None and parts.crosses_elsewhere(span, readings, atoms, crosses):
                score[span] += float(np.log(ELSEWHERE))
            if STRAY is not None and parts.strays(span, atoms, h, near):
                score[span] += float(np.log(STRAY))
            if OVERHANG is not None and parts.overhangs(span, atoms, h, near):
                score[span] += float(np.log(OVERHANG))
            if TWO_SURE is not None and parts.two_sure(span, readings, atoms, h):
                score[span] -= PER_DIGIT
            if SWALLOW is not None and parts.swallows(span, readings, atoms, h):
                score[span] = min(score[span], float(np.log(DECLINED)) - PER_DIGIT)
        return score

    def _score(self, key, piece, h, beside, strokes):
        prediction, _ = self._cache[key]
        if prediction is None:
            return np.log(DECLINED) * 2 - PER_DIGIT
        fragment = parts.height(piece) < segments.MIN_HEIGHT * h
        lone_up = len(piece) == 1 and segments.upward(piece[0], strokes)
        if fragment or lone_up or prediction.reason in (reading.A_DOT, reading.NESTED):
            p = DECLINED
        elif prediction.reason == reading.SEVERAL:
            p = min(prediction.confidence, SEVERAL)
        else:
            p = max(prediction.confidence, DECLINED)
            if segments.two_tall(piece, h, strokes):
                p *= TWO_TALL
            p *= CUT ** segments.cuts_in(piece, beside)
        return float(np.log(p)) - PER_DIGIT


def _cuts(spans, score, n, joined):
    """The best segmentation's pieces ``[(i, j), ...]`` left to right, None when every
    segmentation puts a boundary at a position in ``joined``."""
    best, back = _best(spans, score, n, joined)
    if not np.isfinite(best[n]):
        return None
    cuts, j = [], n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return cuts[::-1]


def _best(spans, score, n, joined):
    """The dynamic programme: best[j], the best segmentation of atoms[:j] with no digit
    boundary at a position in ``joined``; back[j], where its last digit starts."""
    best = np.full(n + 1, -np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    for (i, j) in sorted(spans, key=lambda s: (s[1], s[0])):
        if j in joined:
            continue
        if best[i] + score[(i, j)] > best[j]:
            best[j], back[j] = best[i] + score[(i, j)], i
    return best, back


def number_text(predictions):
    """The digits as text, "?" for an unsure one; None when more than
    :data:`UNSURE_SHARE` of them are unsure (a word, a scribble) or there are none."""
    if not predictions:
        return None
    unsure = sum(p.digit is None for p in predictions)
    if unsure > UNSURE_SHARE * len(predictions):
        return None
    return "".join("?" if p.digit is None else str(p.digit) for p in predictions)


def read_number(net, strokes, size=None, whole=None):
    """Read ``strokes`` as a number: a :class:`NumberReading`, or None for no ink.

    See :meth:`NumberReader.read`; this one remembers nothing between calls.
    """
    return NumberReader(net).read(strokes, size, whole)
