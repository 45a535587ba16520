"""Compare weight files quickly, without the window: the figures of weights/README.md's tables.

    python bench/compare_models.py A.npz B.npz ... [--average] [--app-measures]

For each file (and, with ``--average``, for the average of all of them,
:func:`model.network.average`), read as the app reads (the network's top
probability under 50%, or the ink's own checks, decline):

* MNIST test accuracy;
* the held-out writers' pen digits, each drawn twice offline through the
  canvas' preprocessing with random pens: read right, declined, and read right
  among the 0s and the 1s;
* the held-out writers' real letters, drawn once: declined;
* 1,000 generated non-digits: declined.

The drawings are the same for every file.  ``--app-measures`` adds the three
measures the app compares models on (:func:`digitpad.scores.score`).
``bench/pen_digits.py`` measures
the same things through the real window, with mouse events.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digitpad import letters, nondigits, pendigits, preprocess, reading  # noqa: E402
from digitpad.mnist import load as load_mnist  # noqa: E402
from digitpad.model.network import as_input, average  # noqa: E402
from digitpad.model.weights import load  # noqa: E402


def drawn(samples, rng, copies=1, unit=False):
    """(images uint8, declined by the ink checks, index of the sample) of every sample."""
    images, checked, index = [], [], []
    for _ in range(copies):
        for i, strokes in enumerate(samples):
            prepared = preprocess.prepare(pendigits.draw_sample(strokes, rng, unit=unit))
            if prepared is None:
                images.append(np.zeros((28, 28), np.uint8))
                checked.append(True)
            else:
                images.append(preprocess.to_uint8(prepared.image))
                checked.append(reading.input_check(prepared) is not None)
            index.append(i)
    return np.array(images), np.array(checked), np.array(index)


def readings(net, images, checked):
    """The app's reading of each image: the digit, or -1 when it declines."""
    p = net.predict_proba(as_input(images))
    declined = checked | (p.max(axis=1) < reading.CONFIDENCE)
    return np.where(declined, -1, p.argmax(axis=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="+", type=Path)
    parser.add_argument("--average", action="store_true", help="also their average")
    parser.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    parser.add_argument("--app-measures", action="store_true",
                        help="also the three measures the app compares models on "
                             "(digitpad.scores.score)")
    args = parser.parse_args()

    mnist = load_mnist(args.mnist)
    held = pendigits.load_heldout()
    digits = drawn([held.strokes(i) for i in range(len(held))], np.random.default_rng(5), 2)
    labels = held.labels[digits[2]].astype(int)
    written = letters.load_heldout()
    others = drawn([written.strokes(i) for i in range(len(written))], np.random.default_rng(6))
    shapes = nondigits.nondigit_eval_set(np.random.default_rng(2024), 1000, held)
    shapes = drawn([d.strokes for d in shapes], np.random.default_rng(7), unit=True)

    nets = [(path.name, load(path)[0]) for path in args.weights]
    if args.average:
        nets.append(("average of all", average(net for _, net in nets)))
    print(f"held-out writers: {len(labels)} drawings of {len(held)} digits, "
          f"{len(written)} letters; 1,000 generated non-digits")
    print(f"{'model':<28} {'sizes':<14} {'MNIST':>7} {'digits right':>13} {'declined':>9} "
          f"{'0 right':>8} {'1 right':>8} {'letters declined':>17} {'non-digits declined':>20}")
    for name, net in nets:
        read = readings(net, *digits[:2])
        print(f"{name:<28} {'-'.join(map(str, net.sizes)):<14} "
              f"{net.accuracy(mnist.test_images, mnist.test_labels):>7.2%} "
              f"{np.mean(read == labels):>13.1%} {np.mean(read == -1):>9.1%} "
              f"{np.mean(read[labels == 0] == 0):>8.1%} {np.mean(read[labels == 1] == 1):>8.1%} "
              f"{np.mean(readings(net, *others[:2]) == -1):>17.1%} "
              f"{np.mean(readings(net, *shapes[:2]) == -1):>20.1%}")
    if args.app_measures:
        from digitpad import scores
        sets = scores.measure_sets()
        print(f"the app's measures (digitpad.scores.score: {len(sets.non_digits):,} "
              f"generated non-digits" + (f", {len(sets.pen[0]):,} held-out pen digits"
                                         if sets.pen is not None else "") + "):")
        for name, net in nets:
            print(f"  {name}: {scores.score(net, mnist, sets).summary()}")


if __name__ == "__main__":
    main()
