"""The cut's geometry on real numbers, no network: how often true digits meet a rule.

The numbers are those ``bench/read_numbers.py --offline`` writes with the same seed, lengths
and heights (one writer's pen digits side by side, placed on its 1180x640 canvas, pen 18 px);
nothing is read.  Each number's atoms (:func:`digitpad.segments.atoms_of`) are grouped by
the digit each stroke belongs to, and it prints, over the numbers of 2-6 digits:

* how many numbers hold two neighbouring true digits that :func:`digitpad.segments.nested`
  finds nested (the reader would take away the boundary between them);
* how many hold a tall stroke of one digit and a tall stroke of its neighbour (at least
  ``segments.TALL`` of the line) that :func:`digitpad.segments.ring` takes for the two arcs of
  a 0 (a piece holding both would not pay for two tall strokes side by side);
* the candidate pieces (:func:`digitpad.segments.spans`) of a whole number, mean per length;
* the true digits' size against what a candidate may hold: atoms a digit (at most
  ``segments.MAX_ATOMS``), and its width in line heights, of its tall atoms (at most
  ``segments.MAX_WIDTH``) and of all of them, fragments too (``segments.FRAGMENT_WIDTH``).

With ``--singles``, each digit drawn in several strokes, placed as the single-digit bench
places it: how many hold two strokes side by side (:func:`digitpad.segments.two_tall`, the
ring's exception included, as the reader asks it).  Constants: ``--constant``.

    python bench/cut_counts.py --validation --numbers 3000 --lengths 2 3 4 5 6
    python bench/cut_counts.py --validation --numbers 3000 --lengths 2 3 4 5 6 \\
        --constant segments.NESTED=0.05
    python bench/cut_counts.py --numbers 200 --lengths 6          # held-out: pieces a sheet
    python bench/cut_counts.py --training --numbers 0 --singles
    python bench/cut_counts.py --training --numbers 3000 --lengths 2 3 4 5 6   # digits' size
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _env  # noqa: E402  (bench/_env.py)
import numpy as np  # noqa: E402

SIZE, PEN = (1180, 640), 18          # bench/read_numbers.py's offline canvas and pen


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--numbers", type=int, default=3000)
    p.add_argument("--lengths", type=int, nargs="+", default=list(range(1, 7)), metavar="N")
    p.add_argument("--heights", type=float, nargs=2, default=(90, 200), metavar=("LOW", "HIGH"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--validation", action="store_true", help="validation writers")
    p.add_argument("--training", action="store_true", help="every training writer")
    p.add_argument("--singles", action="store_true",
                   help="also the digits drawn in several strokes: two strokes side by side")
    p.add_argument("--constant", action="append", default=[], metavar="MODULE.NAME=VALUE",
                   help=_env.CONSTANT_HELP)
    return p.parse_args(argv)


def strokes_of(arrays):
    from digitpad.strokes import Stroke

    return [Stroke([tuple(p) for p in np.rint(s)], PEN) for s in arrays]


def true_digits(written, strokes):
    """The atoms of a written number, grouped by true digit (left to right), and h."""
    from digitpad import segments

    owner = [k for k, part in enumerate(written.parts) for _ in part]
    atoms = segments.atoms_of(strokes)
    digits = [[a for a in atoms if owner[a.stroke] == k] for k in range(len(written.parts))]
    return atoms, [d for d in digits if d], segments.line_height(atoms)


def rings_between(digits, strokes, h):
    """Whether a tall stroke of a digit and one of its neighbour make a ring."""
    from digitpad import segments

    for left, right in zip(digits, digits[1:]):
        tall = [[a for a in d if a.y1 - a.y0 >= segments.TALL * h] for d in (left, right)]
        if any(segments.ring(a, b, strokes, h) for a in tall[0] for b in tall[1]):
            return True
    return False


def count_numbers(data, groups, args):
    from digitpad import segments
    from digitpad import written_numbers as wn

    rng = np.random.default_rng(args.seed)
    writers = sorted(groups)
    multi = nested = rings = 0
    pieces, sizes = {}, []
    for _ in range(args.numbers):
        w = writers[rng.integers(len(writers))]
        n = int(rng.choice(list(args.lengths)))
        indices = rng.choice(groups[w], n)
        written = wn.fit(wn.compose(data, indices, rng, rng.uniform(*args.heights)),
                         SIZE[0], SIZE[1], PEN / 2 + 2)
        strokes = strokes_of(written.strokes)
        atoms, digits, h = true_digits(written, strokes)
        pieces.setdefault(n, []).append(len(segments.spans(atoms, h)))
        sizes += [digit_size(d, h) for d in digits]
        if n > 1:
            multi += 1
            nested += segments.nested(digits, h) is not None
            rings += rings_between(digits, strokes, h)
    print(f"numbers of 2-6 digits: {multi}")
    print(f"  true neighbours nested (segments.nested): {nested}")
    print(f"  tall strokes of neighbours taken for a ring (segments.ring): {rings}")
    print("candidate pieces (segments.spans) a number, mean: " + ", ".join(
        f"{n} digits {np.mean(v):.1f} of {len(v)}" for n, v in sorted(pieces.items())))
    if sizes:
        print_sizes(np.array(sizes))


def digit_size(atoms, h):
    """A true digit's atoms, the width of its tall ones and of all, in line heights (its
    tall atoms as :func:`digitpad.segments.spans` counts them: at least ``MIN_HEIGHT``)."""
    from digitpad import segments

    tall = [a for a in atoms if a.y1 - a.y0 >= segments.MIN_HEIGHT * h]
    width = (max(a.x1 for a in tall) - min(a.x0 for a in tall)) / h if tall else 0.0
    return len(atoms), width, (max(a.x1 for a in atoms) - min(a.x0 for a in atoms)) / h


def print_sizes(sizes):
    from digitpad import segments

    count = np.bincount(sizes[:, 0].astype(int))
    print(f"true digits: {len(sizes)}; atoms a digit: " + ", ".join(
        f"{k}: {c}" for k, c in enumerate(count) if c) + f" (a candidate at most "
        f"{segments.MAX_ATOMS})")
    for column, name, limit in ((1, "tall atoms", segments.MAX_WIDTH),
                                (2, "all atoms", segments.FRAGMENT_WIDTH)):
        v = sizes[:, column]
        p99, p999 = np.percentile(v, [99, 99.9])
        print(f"  width of its {name}, line heights: median {np.median(v):.2f}, 99% "
              f"{p99:.2f}, 99.9% {p999:.2f}, widest {v.max():.2f} (a candidate at most "
              f"{limit})")


def count_singles(data, seed):
    from digitpad import pendigits, segments

    rng = np.random.default_rng(seed)
    several = np.flatnonzero(np.diff(data.sample_offsets) > 1)
    side = {}
    for i in several:
        placed = pendigits.fit_to_canvas(data.strokes(i), SIZE[0], SIZE[1], rng,
                                         margin=PEN / 2 + 1)
        strokes = strokes_of(placed)
        atoms = segments.atoms_of(strokes)
        hit = segments.two_tall(atoms, segments.line_height(atoms), strokes)
        side.setdefault(int(data.labels[i]), []).append(hit)
    total = sum(sum(v) for v in side.values())
    print(f"digits in several strokes: {len(several)}; two strokes side by side "
          f"(segments.two_tall): {total}; " + ", ".join(
              f"{d}s {sum(v)} of {len(v)}" for d, v in sorted(side.items()) if sum(v)))


def main(argv=None):
    args = parse_args(argv)
    from digitpad import pendigits
    from digitpad import written_numbers as wn

    _env.set_constants(args.constant)
    full = pendigits.load(pendigits.shared_path())
    if args.validation:
        writers = wn.validation_writers(full)
    elif args.training:
        writers = frozenset(map(str, full.writer[~pendigits.is_heldout(full.writer)]))
    else:
        writers = frozenset(pendigits.HELDOUT_WRITERS)
    data = full.subset(np.isin(full.writer, sorted(writers)))
    which = "validation" if args.validation else "training" if args.training else "held-out"
    print(f"{len(writers)} {which} writers, seed {args.seed}, canvas {SIZE[0]}x{SIZE[1]}, "
          f"pen {PEN} px")
    if args.numbers:
        count_numbers(data, wn.by_writer(data, writers), args)
    if args.singles:
        count_singles(data, args.seed)


if __name__ == "__main__":
    main()
