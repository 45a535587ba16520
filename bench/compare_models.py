"""Compare weight files quickly, without the window: the figures of weights/README.md's table.

    python bench/compare_models.py A.npz B.npz ... [--average]

For each file (and, with ``--average``, for the average of all of them,
:func:`model.network.average`): MNIST test accuracy; how often the top guess
is right on the held-out writers' pen digits, drawn offline through the
canvas' preprocessing (:func:`digitpad.pendigits.heldout_images`, random pens);
how many of them the network is not sure of (top probability under 50%);
and how many of 1,000 generated non-digits it is not sure of.  These are the
network's own figures: the window's checks of the ink (a dot, marks side by
side) come on top, in ``bench/pen_digits.py``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digitpad import nondigits, pendigits, reading  # noqa: E402
from digitpad.model.data import load_mnist  # noqa: E402
from digitpad.model.network import as_input, average  # noqa: E402
from digitpad.model.weights import load  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="+", type=Path)
    parser.add_argument("--average", action="store_true", help="also their average")
    parser.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    args = parser.parse_args()

    mnist = load_mnist(args.mnist)
    digits, labels = pendigits.heldout_images(rng=np.random.default_rng(5))
    others, _ = nondigits.nondigit_eval_images(n=1000)
    nets = [(path.name, load(path)[0]) for path in args.weights]
    if args.average:
        nets.append(("average of all", average(net for _, net in nets)))

    print(f"{'model':<28} {'sizes':<14} {'MNIST':>7} {'held-out':>9} {'unsure':>7} "
          f"{'non-digits unsure':>18}")
    for name, net in nets:
        p = net.predict_proba(as_input(digits))
        q = net.predict_proba(as_input(others))
        print(f"{name:<28} {'-'.join(map(str, net.sizes)):<14} "
              f"{net.accuracy(mnist.test_images, mnist.test_labels):>7.2%} "
              f"{np.mean(p.argmax(1) == labels):>9.1%} "
              f"{np.mean(p.max(1) < reading.CONFIDENCE):>7.1%} "
              f"{np.mean(q.max(1) < reading.CONFIDENCE):>18.1%}")


if __name__ == "__main__":
    main()
