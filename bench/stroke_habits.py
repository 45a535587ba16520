"""How people draw digits and letters: strokes drawn upward, and how far one writer's 1s lean
apart.  No network.

:func:`digitpad.segments.upward` calls a stroke drawn upward when its last point lies
more than ``segments.UPWARD`` of its height above its first (``--upward``, 0.5 unless
given: the rule is off as shipped): with it set, :mod:`digitpad.numbers` never takes such
a stroke, alone, for a digit of a number (the second half of a V).  This
counts, per digit and per letter, the drawings with a stroke so drawn, not a fragment (at
least ``segments.MIN_HEIGHT`` of the drawing's height; each stroke a whole: the reader also
cuts wide strokes at their low points, whose parts it judges the same way), and the
drawings of one stroke drawn upward.

:func:`digitpad.segments.leaning_apart` calls two neighbouring 1s leaning apart when their
main axes (:func:`digitpad.segments.slant`) differ by more than ``segments.LEAN`` degrees:
this gives, over every pair of 1s by one writer (as a number of that writer's would put
side by side), the share that differ by more than 10-50 degrees.

Training writers only (never the held-out ones), or the validation writers.

    python bench/stroke_habits.py                 # every training writer
    python bench/stroke_habits.py --validation
    python bench/stroke_habits.py --upward 0.3

Data: ``../shared/pen-digits`` and ``../shared/pen-letters`` (CC BY 4.0: Guyon et al.,
UNIPEN project, ICPR 1994; Unipen Consortium, Zenodo, doi 10.5281/zenodo.1195803).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402


def count(data):
    """Per label: (drawings, with a stroke drawn upward, of one stroke drawn upward)."""
    from digitpad import segments
    from digitpad.strokes import Stroke

    out = {}
    for i in range(len(data)):
        strokes = [Stroke([tuple(p) for p in np.asarray(s, np.float64)], 1.0)
                   for s in data.strokes(i)]
        strokes = [s for s in strokes if s.points]
        atoms = [segments._atom(k, s, 0, len(s.points)) for k, s in enumerate(strokes)]
        top, bottom = min(a.y0 for a in atoms), max(a.y1 for a in atoms)
        # The data's y runs down, as the canvas'; a stroke shorter than a fragment (a bar,
        # a flag) is never a digit of its own, whichever way it is drawn.
        ups = [segments.upward(a, strokes)
               and a.y1 - a.y0 >= segments.MIN_HEIGHT * (bottom - top) for a in atoms]
        row = out.setdefault(str(data.labels[i]), [0, 0, 0])
        row[0] += 1
        row[1] += any(ups)
        row[2] += len(strokes) == 1 and ups[0]
    return out


def ones_apart(data):
    """The slant differences (degrees) of every pair of 1s by one writer."""
    from itertools import combinations

    from digitpad import segments
    from digitpad.strokes import Stroke

    by_writer = {}
    for i in np.flatnonzero(np.asarray(data.labels) == 1):
        strokes = [Stroke([tuple(p) for p in np.asarray(s, np.float64)], 1.0)
                   for s in data.strokes(i)]
        piece = [segments._atom(k, s, 0, len(s.points)) for k, s in enumerate(strokes)
                 if s.points]
        by_writer.setdefault(str(data.writer[i]), []).append(segments.slant(piece, strokes))
    return np.array([abs(a - b) for slants in by_writer.values()
                     for a, b in combinations(slants, 2)])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--validation", action="store_true",
                   help="the validation writers (a share of the training writers)")
    p.add_argument("--upward", type=float, default=0.5,
                   help="segments.UPWARD for this run (default 0.5; the reader has it off)")
    args = p.parse_args(argv)
    from digitpad import letters, pendigits, segments
    from digitpad import written_numbers as wn

    segments.UPWARD = args.upward
    print(f"segments.UPWARD = {segments.UPWARD}; "
          f"{'validation' if args.validation else 'every training'} writer")
    for name, module, heldout in (("digits", pendigits, pendigits.is_heldout),
                                  ("letters", letters, letters.is_heldout)):
        path = module.shared_path()
        if not Path(path).exists():
            print(f"(no {name}: {path} is not there)")
            continue
        full = module.load(path)
        mask = ~heldout(full.writer)
        if args.validation:
            mask &= np.isin(full.writer, sorted(wn.validation_writers(full)))
        rows = count(full.subset(mask))
        total = np.sum(list(rows.values()), axis=0)
        print(f"{name}: {total[0]}, with a tall stroke drawn upward {total[1]} "
              f"({100 * total[1] / total[0]:.2f}%), one stroke drawn upward {total[2]} "
              f"({100 * total[2] / total[0]:.2f}%)")
        print("  " + ", ".join(f"{k} {v[1]}/{v[2]} of {v[0]}" for k, v in sorted(rows.items())))
        if name == "digits":
            apart = ones_apart(full.subset(mask))
            print(f"pairs of 1s by one writer: {len(apart)}; their slants differ by more than "
                  + ", ".join(f"{t} degrees: {np.sum(apart > t)} ({100 * np.mean(apart > t):.2f}%)"
                              for t in (10, 20, 30, 40, 50))
                  + f"; at most {apart.max():.1f} degrees")


if __name__ == "__main__":
    main()
