"""What a network learns from: MNIST, plus drawings made the way the canvas makes them.

Qt-free; used by ``digitpad train`` and by Retrain in the window alike, so a
model retrained in the app learns what the shipped one learned.

* MNIST's 60,000 training images;
* ``pen_copies`` renderings of each of the 6,815 pen-written digits that ship
  with digitpad (UniPen, training writers only), drawn with random pen widths
  and sizes and brought to 28x28 by the canvas' own preprocessing;
* ``not_digits`` generated drawings that are no digit (scribbles, letters,
  shapes, two digits side by side), labelled -1: the network learns to spread
  its probabilities over them, which is how the app knows to say "not sure".
"""
from __future__ import annotations

import numpy as np

from digitpad.model.train import TrainingStopped

CHUNK = 250          # non-digits drawn between two stop checks


def training_set(mnist, pen_copies=0, not_digits=0, seed=0, limit=None, should_stop=None):
    """``(images uint8 (n, 28, 28), labels int64)``: MNIST's training set and the drawings.

    ``limit`` keeps only the first MNIST images (for quick runs and tests).
    ``should_stop()`` is asked while drawing; a yes raises TrainingStopped.
    """
    images = [mnist.train_images[:limit]]
    labels = [mnist.train_labels[:limit].astype(np.int64)]
    if pen_copies:
        pen_images, pen_labels = pen_digits(pen_copies, seed, should_stop)
        images.append(pen_images)
        labels.append(pen_labels)
    if not_digits:
        images.append(non_digits(not_digits, seed, should_stop))
        labels.append(np.full(not_digits, -1, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def pen_digits(copies, seed=0, should_stop=None):
    """The shipped pen digits, each drawn ``copies`` times: (images, labels)."""
    from . import pendigits
    return pendigits.training_images(np.random.default_rng([seed, 2]), copies=copies,
                                     should_stop=should_stop)


def non_digits(count, seed=0, should_stop=None):
    """``count`` generated non-digit drawings as 28x28 uint8 images."""
    from . import nondigits
    rng = np.random.default_rng([seed, 3])
    out = np.empty((count, 28, 28), dtype=np.uint8)
    for start in range(0, count, CHUNK):
        if should_stop is not None and should_stop():
            raise TrainingStopped("stopped while drawing the non-digits")
        end = min(start + CHUNK, count)
        out[start:end] = nondigits.outlier_images(rng, end - start)
    return out
