"""The person's corrections as prototypes: an instant complement to fine-tuning.  Qt-free.

The network's last hidden layer describes a drawing by a few hundred features.  The
renderings of each correction (drawn in many ways, :func:`digitpad.teach.correction_images`)
give a small cloud of such descriptions, labelled with the right digit.  Beside them lie
references: descriptions of digits the network already reads (MNIST, the training
writers' pen digits, each with its digit) and of drawings that are no digit (label -1).
A new drawing whose nearest description (cosine similarity) is one of the person's, at
least ``threshold`` close, is read as that digit, whatever the network's output says; any
other is read by the network alone.  It needs no training, so it helps from the first
correction; the references keep it from taking a letter, or another writer's 7, for the
person's 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def features(net, x):
    """The last hidden layer's activations of inputs ``x`` (n, 784), each of unit length."""
    h = net.forward(np.asarray(x, net.weights[0].dtype))[-2]
    norm = np.linalg.norm(h, axis=1, keepdims=True)
    return h / np.maximum(norm, 1e-12)


@dataclass
class Prototypes:
    features: np.ndarray        # (k, d) float32 unit vectors
    labels: np.ndarray          # (k,) int64 digits, -1 for a reference that is no digit
    own: np.ndarray             # (k,) bool: the person's (else a reference)
    threshold: float            # cosine similarity from which a prototype decides

    @classmethod
    def build(cls, net, images, labels, threshold, references=None):
        """From the person's renderings ``images`` (n, 28, 28) and their ``labels``, and
        ``references`` ``(images, labels)`` (or None)."""
        from digitpad.model.network import as_input
        ref_images, ref_labels = references if references is not None else (
            np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64))
        x = as_input(np.concatenate([images, ref_images]))
        return cls(features(net, x).astype(np.float32),
                   np.concatenate([labels, ref_labels]).astype(np.int64),
                   np.arange(len(x)) < len(images), float(threshold))

    def nearest(self, net, x):
        """``(index, similarity)`` of the nearest description of each input row."""
        sim = features(net, x) @ self.features.T
        best = sim.argmax(axis=1)
        return best, sim[np.arange(len(x)), best]

    def adjust(self, net, x, p):
        """Probabilities ``p`` (n, 10) of inputs ``x`` with the prototypes' say: where the
        nearest description is the person's and near enough, all the probability goes to
        its digit."""
        best, sim = self.nearest(net, x)
        label = self.labels[best]
        near = self.own[best] & (sim >= self.threshold)
        p = np.array(p, copy=True)
        p[near] = 0.0
        p[np.flatnonzero(near), label[near]] = 1.0
        return p
