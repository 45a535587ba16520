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
        self._known = {}        # (width, erase, number of points) -> [Kept]
        self._tokens = itertools.count()
        self._seen = set()      # the tokens of the strokes the current read holds
        self._values = {}       # key -> value
        self._naming = {}       # token -> the keys of the values that name it

    def kept(self, strokes):
        """``strokes`` as :class:`Kept` strokes: the one known for the same content (the
        points equal, ``==``; the same pen; eraser or not), else a new one."""
        out = []
        for s in strokes:
            bucket = self._known.setdefault((s.width, s.erase, len(s.points)), [])
            for k in bucket:
                try:
                    if k.points == s.points:
                        break
                except ValueError:          # points that are arrays: not compared, not shared
                    pass
            else:
                k = Kept(s, next(self._tokens))
                bucket.append(k)
            self._seen.add(k.token)
            out.append(k)
        return out

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
        for key in list(self._known):
            bucket = [k for k in self._known[key] if k.token in self._seen]
            if bucket:
                self._known[key] = bucket
            else:
                del self._known[key]
        for token in [t for t in self._naming if t not in self._seen]:
            for key in self._naming.pop(token):
                self._values.pop(key, None)
        self._seen = set()


def worked_out(memo, kind, strokes, atoms, work):
    """``work()``, kept in ``memo`` (a :class:`Memo` that knows ``strokes``) under ``kind``
    and the content of ``atoms`` (:meth:`Memo.atom`), a value that is a function of them
    alone; worked out each time when ``memo`` is None."""
    if memo is None:
        return work()
    keys = [memo.atom(strokes, a) for a in atoms]
    return memo.value((kind, *keys), keys, work)
