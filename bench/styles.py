"""How well a model reads the styles of other countries on writers it never saw.

    python bench/styles.py [A.npz B.npz ...] [--copies 3]

The held-out writers mostly write one school's style.  This bench gives their
own digits the styles :mod:`digitpad.styles` synthesises (a slash through the
0, a long flag on the 1 with and without a base, a bar across the 7, a slant
either way), draws each sample ``--copies`` times offline through the canvas'
preprocessing with random pens (as ``bench/compare_models.py`` does), and
prints for each style: read right, declined, and what the misread ones were
read as.  The first row of each digit is the digit as written, for comparison.

What it measures is whether the model learned a style, not a writer: the
strokes are the held-out writers', only the added mark is synthesised (by the
same code that makes the training set's styles, so it is no test of how well
that code imitates real foreign hands).  Default model: the shipped one.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from compare_models import drawn, readings  # noqa: E402

from digitpad import pendigits, styles  # noqa: E402
from digitpad.model.weights import load  # noqa: E402


def _slanted(direction, strokes, rng):
    """Slanted one way by 0.25 to 0.45 (x += s * y; y down, so s < 0 leans right)."""
    s = direction * rng.uniform(0.25, 0.45)
    pts = np.concatenate(strokes)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    m = np.array([[1.0, s], [0.0, 1.0]])
    return [(np.asarray(st, np.float64) - centre) @ m.T + centre for st in strokes]


# (name, digits it applies to, which samples, how: strokes, rng -> strokes); rows named
# "as written" leave the samples as they are: the 8s and 7s guard against the confusions a
# style risks (a slashed 0 taken for an 8, a flagged 1 for a 7).
STYLES = [
    ("0 as written", (0,), None, None),
    ("0 slashed", (0,), None, styles.slashed_zero),
    ("8 as written", (8,), None, None),
    ("1 as written (plain)", (1,), styles.is_plain_one, None),
    ("1 flagged, no base", (1,), styles.is_plain_one, partial(styles.flagged_one, base=0.0)),
    ("1 flagged, with base", (1,), styles.is_plain_one, partial(styles.flagged_one, base=1.0)),
    ("7 as written", (7,), None, None),
    ("7 crossed", (7,), None, styles.crossed_seven),
    ("all as written", tuple(range(10)), None, None),
    ("all leaning right", tuple(range(10)), None, partial(_slanted, -1)),
    ("all leaning left", tuple(range(10)), None, partial(_slanted, 1)),
]


def style_sets(data, copies=3):
    """For each style of :data:`STYLES`: (name, images, ink-check declines, labels), the
    samples of ``data`` it applies to, restyled and drawn ``copies`` times."""
    out = []
    for name, digits, which, restyle in STYLES:
        index = [i for i in range(len(data)) if data.labels[i] in digits
                 and (which is None or which(data.strokes(i)))]
        rng = np.random.default_rng(11)
        samples = [data.strokes(i) if restyle is None else restyle(data.strokes(i), rng)
                   for i in index]
        images, checked, k = drawn(samples, np.random.default_rng(12), copies)
        out.append((name, images, checked, data.labels[np.asarray(index)[k]].astype(int)))
    return out


def measure(net, sets):
    """{style name: (read right, declined, the two digits it was most often misread as)}."""
    out = {}
    for name, images, checked, truth in sets:
        read = readings(net, images, checked)
        wrong = Counter(int(r) for r, t in zip(read, truth) if r not in (t, -1))
        out[name] = (float(np.mean(read == truth)), float(np.mean(read == -1)),
                     [d for d, _ in wrong.most_common(2)])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="*", type=Path,
                        default=[REPO / "weights" / "digitpad.npz"])
    parser.add_argument("--copies", type=int, default=3, help="drawings of each sample")
    args = parser.parse_args(argv)

    held = pendigits.load_heldout()
    sets = style_sets(held, args.copies)
    results = [(path.name, measure(load(path)[0], sets)) for path in args.weights]
    print(f"held-out writers: {len(held)} digits; each sample drawn {args.copies} times\n")
    print(f"{'style':<22} {'drawings':>8} " + " ".join(f"{n[:24]:>24}" for n, _ in results))
    for name, _, _, truth in sets:
        cells = []
        for _, found in results:
            right, declined, often = found[name]
            often = "as " + ",".join(map(str, often)) if often else "-"
            cells.append(f"{right:6.1%} {declined:5.1%} {often:>9}")
        print(f"{name:<22} {len(truth):>8} " + " ".join(f"{c:>24}" for c in cells))
    print("\neach model: read right, declined, what it misread most as")


if __name__ == "__main__":
    main()
