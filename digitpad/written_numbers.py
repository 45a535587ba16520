"""Numbers (and words) composed from real pen-written digits (letters) of one writer.  Qt-free.

What ``bench/read_numbers.py`` and the tests write: a writer's isolated samples
(:mod:`digitpad.pendigits`, :mod:`digitpad.letters`) put side by side, each
scaled to a common height (give or take :data:`HEIGHT_SPREAD`), the gap
between neighbouring boxes a random share of that height in :data:`GAPS`
(negative: the boxes overlap and the ink often touches), the baseline wobbling
by up to :data:`WOBBLE` of it.

Validation writers (:func:`validation_writers`) are a fixed share of the
training writers, chosen by the rule that chose the held-out ones; the
segmentation's constants are set on them, never on the held-out writers.  The
shipped network was trained on every training writer, so figures on the
validation writers flatter the network a little (not the segmentation).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import pendigits

HEIGHT_SPREAD = 0.12
GAPS = (-0.1, 0.6)
WOBBLE = 0.04
VALIDATION_FRACTION = 0.25


@dataclass
class Written:
    """One composed number: its strokes (canvas pixels), the label of each part, the
    strokes of each part, and the smallest gap between neighbours (a share of the height)."""
    strokes: list                # [(m, 2) float64 arrays], part after part
    labels: list                 # per part: the digit (int) or letter (str)
    parts: list                  # per part: its stroke arrays
    smallest_gap: float          # None for one part
    height: float                # the common height, pixels


def validation_writers(data):
    """The validation share of ``data``'s training writers (never a held-out one)."""
    train = ~pendigits.is_heldout(data.writer)
    return pendigits.choose_heldout(data.writer[train], data.site[train], VALIDATION_FRACTION)


def by_writer(data, writers):
    """``{writer: [sample index, ...]}`` for the samples of ``writers``."""
    out = {}
    for i, w in enumerate(map(str, data.writer)):
        if w in writers:
            out.setdefault(w, []).append(i)
    return out


def compose(data, indices, rng, height, origin=(0.0, 0.0), gaps=GAPS):
    """The samples ``indices`` of ``data`` written side by side as one number.

    Each is scaled to ``height`` times a random factor in 1 +- HEIGHT_SPREAD
    (aspect kept), its left edge ``gap * height`` right of its neighbour's right
    edge (gap uniform in ``gaps``), its bottom at the baseline plus a wobble.
    ``origin`` is the top left of the first box.
    """
    strokes, parts, gap_list = [], [], []
    x = origin[0]
    base = origin[1] + height
    for k, i in enumerate(indices):
        sample = [np.asarray(s, np.float64) for s in data.strokes(i)]
        x0, y0, x1, y1 = pendigits.bounds(sample)
        h = height * rng.uniform(1 - HEIGHT_SPREAD, 1 + HEIGHT_SPREAD)
        scale = h / max(y1 - y0, 1e-6)
        if (x1 - x0) * scale > 1.5 * height:     # a long flat stroke: keep it sane
            scale = 1.5 * height / max(x1 - x0, 1e-6)
        if k:
            gap = rng.uniform(*gaps)
            gap_list.append(gap)
            x += gap * height
        bottom = base + rng.uniform(-WOBBLE, WOBBLE) * height
        placed = [(s - (x0, y1)) * scale + (x, bottom) for s in sample]
        parts.append(placed)
        strokes.extend(placed)
        x += (x1 - x0) * scale
    labels = [data.labels[i].item() if hasattr(data.labels[i], "item") else data.labels[i]
              for i in indices]
    return Written(strokes, labels, parts, min(gap_list) if gap_list else None, height)


def fit(written, width, height, margin):
    """Shift (and if need be shrink) a composed number to lie inside a canvas of
    ``width`` x ``height`` pixels, ``margin`` from the edges; centred."""
    pts = np.concatenate(written.strokes)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    scale = min(1.0, (width - 2 * margin) / max(x1 - x0, 1e-6),
                (height - 2 * margin) / max(y1 - y0, 1e-6))
    dx = (width - (x1 - x0) * scale) / 2
    dy = (height - (y1 - y0) * scale) / 2

    def move(s):
        return (s - (x0, y0)) * scale + (dx, dy)

    parts = [[move(s) for s in p] for p in written.parts]
    return Written([s for p in parts for s in p], written.labels, parts,
                   written.smallest_gap, written.height * scale)
