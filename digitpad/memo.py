"""What a :class:`~digitpad.numbers.NumberReader` keeps between reads of a growing sheet.  Qt-free.

The window reads the sheet after every mouse event while a stroke is drawn, and only that
stroke changes: the ones before it are finished.  A :class:`Memo` knows each stroke by its
content (its points equal, its pen, eraser or not: :meth:`Memo.kept`) and hands out a
:class:`Kept` copy whose points' array is made once; and it keeps values worked out from
atoms of known strokes (:meth:`Memo.value`: a pen path, the distance or the crossings of two
atoms), keyed by those atoms' content (:meth:`Memo.atom`), so that a value is never taken for
a stroke that changed.  A value is a function of the atoms it names alone: the same as
working it out again, bit for bit.  What a read did not see is forgotten after it
(:meth:`Memo.forget`): a memo holds at most one sheet's strokes and what follows from them.
"""
from __future__ import annotations

import itertools

import numpy as np

from .strokes import Stroke

# At most this many values are kept: beyond it, all are forgotten (a value whose older
# stroke went while its newer stayed, after an undo, is forgotten only with the newer one).
LIMIT = 100_000


class Kept(Stroke):
    """A stroke a :class:`Memo` knows: a copy of its points, and their array made once
    (read-only: every read shares it).  ``token`` names its content while the memo keeps it."""

    def __init__(self, stroke, token):
        super().__init__(list(stroke.points), stroke.width, stroke.erase)
        self.token = token
        xy = np.asarray(self.points, dtype=np.float64).reshape(-1, 2)   # as Stroke.array
        xy.flags.writeable = False
        self._xy = xy

    def array(self):
        """The points as an ``(m, 2)`` float64 array (the same, read-only, every call)."""
        return self._xy


class Memo:
    """Strokes known by their content, and values worked out from their atoms."""

    def __init__(self):
        self._known = {}        # bucket (pen, eraser, length, ends) -> [Kept]
        self._bucket = {}       # token -> its bucket
        self._tokens = itertools.count()
        self._given = {}        # id of a stroke the last read was given -> (it, its Kept)
        self._now = {}          # the same for the current read
        self._seen = set()      # the tokens of the strokes the current read holds
        self._values = {}       # key -> value
        self._naming = {}       # token -> the keys of the values that name it

    def kept(self, strokes):
        """``strokes`` as :class:`Kept` strokes: the one known for the same content (the
        points equal, ``==``; the same pen; eraser or not), else a new one."""
        out = []
        for s in strokes:
            k = self._find(s)
            self._now[id(s)] = (s, k)
            self._seen.add(k.token)
            out.append(k)
        return out

    def _find(self, stroke):
        """The :class:`Kept` stroke for ``stroke``: the one the last read made of this very
        stroke when it has not changed since (a quick look), else the one known for its
        content, else a new one."""
        given, k = self._given.get(id(stroke), (None, None))
        if given is stroke and _same(k, stroke):
            return k
        bucket = _bucket(stroke)
        for k in self._known.get(bucket, ()):
            if _same(k, stroke):
                return k
        k = Kept(stroke, next(self._tokens))
        self._known.setdefault(bucket, []).append(k)
        self._bucket[k.token] = bucket
        return k

    @staticmethod
    def atom(strokes, atom):
        """What names the content of ``atom`` of :class:`Kept` ``strokes``: the token of its
        stroke and the points it holds."""
        return strokes[atom.stroke].token, atom.start, atom.stop

    def value(self, key, atoms, work):
        """The value kept for ``key``, else ``work()``, kept: ``key`` names it whole (a
        kind and the :meth:`atom` keys it is worked out from, ``atoms``)."""
        try:
            return self._values[key]
        except KeyError:
            pass
        if len(self._values) >= LIMIT:
            self._values.clear()            # bounded, whatever the sheets were
            self._naming.clear()
        value = self._values[key] = work()
        # Filed under its newest stroke: the one drawn last, which changes or goes first.
        self._naming.setdefault(max(a[0] for a in atoms), []).append(key)
        return value

    def forget(self):
        """Forget every stroke the read just done did not hold, and every value naming one;
        the next read starts afresh."""
        for token in [t for t in self._bucket if t not in self._seen]:
            bucket = self._bucket.pop(token)
            self._known[bucket] = [k for k in self._known[bucket] if k.token != token]
            if not self._known[bucket]:
                del self._known[bucket]
        for token in [t for t in self._naming if t not in self._seen]:
            for key in self._naming.pop(token):
                self._values.pop(key, None)
        self._given, self._now, self._seen = self._now, {}, set()


def _same(kept, stroke):
    """Whether ``stroke`` has the content of ``kept``: the same pen, eraser or not, and
    points equal (points that are arrays are not compared: not the same)."""
    try:
        return kept.width == stroke.width and kept.erase == stroke.erase and \
            kept.points == stroke.points
    except ValueError:
        return False


def _bucket(stroke):
    """Where strokes of ``stroke``'s content are looked for: its pen, eraser or not, its
    length and its end points."""
    p = stroke.points
    try:
        return stroke.width, stroke.erase, len(p), tuple(p[0]), tuple(p[-1])
    except (IndexError, TypeError):     # no points, or points that are no pairs
        return stroke.width, stroke.erase, len(p)


def worked_out(memo, kind, strokes, atoms, work):
    """``work()``, kept in ``memo`` (a :class:`Memo` that knows ``strokes``) under ``kind``
    and the content of ``atoms`` (:meth:`Memo.atom`), a value that is a function of them
    alone; worked out each time when ``memo`` is None."""
    if memo is None:
        return work()
    keys = [memo.atom(strokes, a) for a in atoms]
    return memo.value((kind, *keys), keys, work)
