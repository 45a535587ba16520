"""How a model reads a labelled set: accuracy, per digit, the confusion matrix.  Qt-free.

``digitpad evaluate`` and Model > Evaluate measure with the same
:func:`evaluate`; :class:`Evaluation` keeps every reading, so the results
window can show which images sit behind each cell of the confusion matrix.
:func:`corrections_as_seen` gives the person's corrections as the network
sees them, to evaluate on too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.model.network import CLASSES, as_input

SIDE = 28


def confusion(truth, predicted):
    """(10, 10) counts: rows the true digit, columns what the network read."""
    truth = np.asarray(truth, np.int64)
    predicted = np.asarray(predicted, np.int64)
    return np.bincount(truth * CLASSES + predicted, minlength=CLASSES ** 2).reshape(CLASSES,
                                                                                    CLASSES)


@dataclass(frozen=True)
class Evaluation:
    """A network's readings of labelled images."""
    labels: np.ndarray            # (n,) the true digits
    probabilities: np.ndarray     # (n, 10)

    @property
    def predicted(self):
        return self.probabilities.argmax(axis=1)

    @property
    def confidence(self):
        return self.probabilities.max(axis=1)

    def __len__(self):
        return len(self.labels)

    @property
    def confusion(self):
        return confusion(self.labels, self.predicted)

    @property
    def right(self):
        return int(np.sum(self.predicted == self.labels))

    @property
    def accuracy(self):
        return self.right / len(self.labels) if len(self.labels) else float("nan")

    def per_digit(self):
        """Accuracy per true digit, (10,); NaN for a digit with no images."""
        c = self.confusion
        totals = c.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, np.diag(c) / np.maximum(totals, 1), np.nan)

    def cell(self, truth, read):
        """Indices of the images of ``truth`` read as ``read``, the surest reading first."""
        hits = np.flatnonzero((self.labels == truth) & (self.predicted == read))
        return hits[np.argsort(-self.confidence[hits], kind="stable")]

    def mistakes(self):
        """Indices of the misread images, the surest wrong reading first."""
        wrong = np.flatnonzero(self.predicted != self.labels)
        return wrong[np.argsort(-self.confidence[wrong], kind="stable")]


def evaluate(network, images, labels, batch_size=2000, should_stop=None):
    """Read every image (uint8 or float, ``(n, 28, 28)`` or ``(n, 784)``) with ``network``.

    ``should_stop()`` is asked between batches; True raises
    :class:`digitpad.model.stopping.Stopped`.
    """
    from digitpad.model.network import softmax
    from digitpad.model.stopping import Stopped

    labels = np.asarray(labels, np.int64)
    probabilities = np.empty((len(labels), CLASSES), np.float32)
    for i in range(0, len(labels), batch_size):
        if should_stop is not None and should_stop():
            raise Stopped("stopped during the evaluation")
        probabilities[i:i + batch_size] = softmax(network.logits(as_input(
            images[i:i + batch_size], network.weights[0].dtype)))
    return Evaluation(labels, probabilities)


def corrections_as_seen(items):
    """The kept corrections as the network sees them: ``(images (n, 28, 28), labels)``.

    Each drawing is rendered at its own size with its own pens and prepared
    as the window prepares a drawing; one that leaves no ink is left out.
    """
    from . import preprocess
    from .correction_images import render

    images, labels = [], []
    for c in items:
        image = preprocess.to_mnist(render(c))
        if image is not None:
            images.append(image.astype(np.float32))
            labels.append(c.label)
    return np.array(images, np.float32).reshape(-1, SIDE, SIDE), np.array(labels, np.int64)
