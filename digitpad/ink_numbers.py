"""Reading a number in an ink image (a photo or a scan: no strokes).  Qt-free.

The strokes' segmentation (:mod:`digitpad.numbers`) needs strokes; an image has only
ink, so its number is cut at the columns without ink instead.
"""
from __future__ import annotations

import numpy as np

from . import preprocess, reading, segments
from .numbers import NumberReading, number_text


def read_number_ink(net, ink):
    """Read an ink image (a photo or scan: no strokes) as a number; None when blank.

    The ink falls apart into groups at the columns without ink; a group much
    shorter than the line (a detached bar or flag) joins its nearer neighbour, and
    each group is read as a lone digit (:func:`digitpad.reading.read`).  One group
    is read exactly as a single digit.  Digits whose ink touches stay one group
    here: the recognition-driven cut of :class:`~digitpad.numbers.NumberReader` needs
    strokes.
    """
    crop = preprocess.crop_to_ink(ink)
    if crop is None:
        return None
    columns = (crop > preprocess.INK_THRESHOLD).any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], columns.astype(np.int8), [0]])))
    groups = [list(g) for g in zip(edges[::2], edges[1::2])]          # [start, stop)
    rows = [np.flatnonzero((crop[:, a:b] > preprocess.INK_THRESHOLD).any(axis=1))
            for a, b in groups]
    heights = [r[-1] - r[0] + 1 for r in rows]
    line = float(np.median([h for h in heights if h >= 0.6 * max(heights)]))
    k = 0
    while len(groups) > 1 and k < len(groups):
        if heights[k] < segments.GROUP_MIN_HEIGHT * line:
            left = groups[k][0] - groups[k - 1][1] if k > 0 else np.inf
            right = groups[k + 1][0] - groups[k][1] if k + 1 < len(groups) else np.inf
            j = k - 1 if left <= right else k + 1
            lo, hi = min(j, k), max(j, k)
            groups[lo:hi + 1] = [[groups[lo][0], groups[hi][1]]]
            both = np.union1d(rows[lo] , rows[hi])
            rows[lo:hi + 1] = [both]
            heights[lo:hi + 1] = [both[-1] - both[0] + 1]
            k = 0
        else:
            k += 1
    if len(groups) == 1:
        predictions = [reading.read(net, ink)]
    else:
        predictions = [reading.read(net, crop[:, a:b]) for a, b in groups]
    predictions = tuple(p for p in predictions if p is not None)
    if not predictions:
        return None
    return NumberReading(number_text(predictions), predictions, tuple(() for _ in predictions))
