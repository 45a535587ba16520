"""An ensemble's networks trained one after the other, then side by side, in one run.

    python bench/side_by_side.py [--hidden 512 1024] [--images 60000] [--epochs 2] [--repeats 2]

For each hidden size, two networks (``--ensemble 2``, augmented, as the
shipped preset distorts) are trained for ``--epochs`` epochs on the first
``--images`` MNIST training images by :func:`digitpad.learning.make_model`,
with ``workers=1`` (one after the other, each with its helper thread) and
``workers=2`` (side by side, a process per network), alternating; the medians
of the wall times (starting the processes included) are printed per epoch of
60,000 images.  The two give the same weights (tests/test_learning.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digitpad import learning, recipes  # noqa: E402
from digitpad.mnist import load as load_mnist  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 1024])
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    args = parser.parse_args()
    print(_env.describe())
    mnist = load_mnist(args.mnist)
    scale = 60_000 / args.images / args.epochs
    for hidden in args.hidden:
        options = recipes.recipe(epochs=args.epochs, hidden=(hidden,), augment_strength=0.8,
                                  ensemble=2, limit=args.images)
        times = {1: [], 2: []}
        for _ in range(args.repeats):
            for workers in times:
                start = time.perf_counter()
                learning.make_model(options, mnist, workers=workers)
                times[workers].append((time.perf_counter() - start) * scale)
        apart, together = (statistics.median(times[w]) for w in (1, 2))
        print(f"two 784-{hidden}-10 networks, an augmented epoch of 60,000 images each: "
              f"one after the other {apart:.2f} s, side by side {together:.2f} s "
              f"({apart / together:.2f}x)", flush=True)


if __name__ == "__main__":
    main()
