"""A multilayer perceptron in NumPy: ReLU hidden layers, a softmax output.

Images go in as a batch, one row each: ``x`` of shape ``(n, 784)``, float32,
ink 1 and paper 0.  Probabilities come out, ``(n, 10)``.  Every layer ``k``
computes ``a @ weights[k] + biases[k]``; ``weights[k]`` has shape
``(fan_in, fan_out)``, so a batch flows through with plain matrix products.

The gradient is written out by hand in :meth:`MLP.backward` and checked
against finite differences in ``tests/test_network.py``.
"""
from __future__ import annotations

import numpy as np

DTYPE = np.float32
INPUTS = 28 * 28
CLASSES = 10
MOSTLY_INK = 0.9        # a batch with more inked inputs than this is multiplied whole
FEW_ROWS = 64           # and so is a batch of fewer rows: gathering the weights would cost
                        # more than the product saves


def layer_sizes(hidden):
    """The widths of every layer of a network with these hidden layers: 784, ..., 10."""
    return [INPUTS, *map(int, hidden), CLASSES]


class MLP:
    """Layers of ``weights[k]`` (fan_in, fan_out) and ``biases[k]`` (fan_out,)."""

    def __init__(self, weights, biases):
        if len(weights) != len(biases) or not weights:
            raise ValueError("need one bias vector per weight matrix, and at least one layer")
        self.weights = [np.ascontiguousarray(w) for w in weights]
        self.biases = [np.ascontiguousarray(b) for b in biases]
        self._inked_input = None     # (x, its inked columns, x at them): forward to backward

    @classmethod
    def create(cls, sizes=(INPUTS, 512, CLASSES), seed=0, dtype=DTYPE):
        """He initialisation: weights ~ N(0, 2 / fan_in), biases zero."""
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            std = np.sqrt(2.0 / fan_in)
            weights.append((rng.standard_normal((fan_in, fan_out)) * std).astype(dtype))
            biases.append(np.zeros(fan_out, dtype=dtype))
        return cls(weights, biases)

    @property
    def sizes(self):
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    @property
    def params(self):
        """Every array the optimiser updates, in the order gradients come."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def copy(self):
        return MLP([w.copy() for w in self.weights], [b.copy() for b in self.biases])

    def forward(self, x, for_backward=False):
        """Return the activations of every layer: ``[x, h1, ..., logits]``.

        Hidden layers are ReLU; the last entry holds the raw scores (logits),
        which :func:`softmax` turns into probabilities.  With ``for_backward``,
        what :meth:`backward` of this batch needs again is kept until then.
        """
        activations = [x]
        a = x
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ w if k else self._over_ink(a, w, for_backward)
            z += b
            if k < last:
                np.maximum(z, 0, out=z)  # ReLU, in place
            activations.append(z)
            a = z
        return activations

    def _over_ink(self, x, w, for_backward=False):
        """``x @ w``, leaving out the inputs that are zero in every row of ``x``: the
        same sum without its zero terms (its rounding may differ in the last bit: the
        sum is grouped otherwise).  With ``for_backward``, the inked columns and ``x``
        at them are kept for :meth:`backward` of the same batch, which needs them
        again and need not find them twice."""
        inked = _inked(x)
        x_inked = x if inked is None else x[:, inked]
        self._inked_input = (x, inked, x_inked) if for_backward else None
        return x @ w if inked is None else x_inked @ w[inked]

    def logits(self, x):
        return self.forward(x)[-1]

    def predict_proba(self, x):
        """Probabilities ``(n, 10)`` for images ``(n, 784)`` (or one image ``(784,)``)."""
        x = np.asarray(x, dtype=self.weights[0].dtype)
        if x.ndim == 1:
            return softmax(self.logits_of_one(x)[None])[0]
        return softmax(self.logits(x))

    def logits_of_one(self, x):
        """The logits of one image ``(784,)``: :meth:`logits` without BLAS.

        For one image a layer is a vector-matrix product, which BLAS splits
        over its threads; waking them costs more than they save, and on a busy
        machine far more (the window's forward pass took 15 ms instead of 0.2
        on 2 shared cores).  So each layer is NumPy's own sum of products
        (``einsum``), over the inputs that are not zero only: most of a
        drawing's pixels are paper, and ReLU zeroes about half the units.
        """
        a = x
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            active = np.flatnonzero(a)
            z = np.einsum("i,ij->j", a[active], w.take(active, axis=0))
            z += b
            if k < last:
                np.maximum(z, 0, out=z)
            a = z
        return a

    def backward(self, activations, dlogits):
        """Gradients of the loss, given its gradient with respect to the logits.

        Returns ``[dW0, db0, dW1, db1, ...]``, matching :attr:`params`.  For a
        layer ``z = a @ W + b``: ``dW = a.T @ dz``, ``db = sum(dz)``, and the
        error passed down is ``da = dz @ W.T``, masked by ReLU's derivative
        (1 where the unit was active, 0 elsewhere).  The input layer needs no
        ``da``, which saves a third of the work, and its ``dW`` has a row of zeros
        for every input that is paper in every image of the batch
        (:func:`_inked`), left out of the product; which inputs those are, and
        the batch at the others, come from the forward pass of the same batch
        when it was the last one (:meth:`_over_ink`), else are found again.
        """
        grads = []
        dz = dlogits
        for k in range(len(self.weights) - 1, -1, -1):
            a = activations[k]
            grads.append(dz.sum(axis=0))
            inked = a_inked = None
            if k == 0:
                remembered, self._inked_input = self._inked_input, None
                if remembered is not None and remembered[0] is a:    # this batch's
                    _, inked, a_inked = remembered
                else:
                    inked = _inked(a)
                    a_inked = None if inked is None else a[:, inked]
            if inked is None:
                grads.append(a.T @ dz)
            else:
                dw = np.zeros((a.shape[1], dz.shape[1]), dtype=dz.dtype)
                dw[inked] = a_inked.T @ dz
                grads.append(dw)
            if k > 0:
                dz = dz @ self.weights[k].T
                dz *= a > 0
        grads.reverse()
        return grads

    def accuracy(self, x, labels, batch_size=2000):
        """Fraction of ``x`` whose most probable class is its label."""
        return float(np.mean(self.classify(x, batch_size) == labels))

    def classify(self, x, batch_size=2000):
        """The most probable class of each row of ``x``, computed in chunks."""
        out = np.empty(len(x), dtype=np.int64)
        for i in range(0, len(x), batch_size):
            out[i:i + batch_size] = self.logits(as_input(x[i:i + batch_size])).argmax(axis=1)
        return out


def _inked(x):
    """The columns of a batch ``x`` (its inputs) that are not zero in every row, or None
    when they are nearly all (:data:`MOSTLY_INK`) or the batch is small (:data:`FEW_ROWS`).  In a batch of 128 MNIST images a
    third of the pixels are paper in all of them (the margins), and their weights add
    nothing to the products but time."""
    if len(x) < FEW_ROWS:
        return None
    inked = np.flatnonzero(x.any(axis=0))
    return None if len(inked) > MOSTLY_INK * x.shape[1] else inked


def as_input(images, dtype=DTYPE):
    """uint8 images (any shape ``(n, 28, 28)`` or ``(n, 784)``) to floats in [0, 1]."""
    images = np.asarray(images)
    x = images.reshape(len(images), -1).astype(dtype)
    if images.dtype == np.uint8:
        x *= 1 / 255
    return x


def softmax(z):
    """exp(z) / sum(exp(z)) per row, shifted by the row maximum so exp cannot overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


def cross_entropy(logits, labels, teacher=None):
    """Mean cross-entropy and its gradient with respect to the logits.

    ``labels`` holds a class 0-9 per row, or -1 for "not a digit": such a row's
    target is the uniform distribution, which teaches the network to be unsure
    of shapes that are no digit.  With log-sum-exp,
    ``-log p_y = logsumexp(z) - z_y``, stable for any logits, and the gradient
    is ``(softmax(z) - target) / n``.

    ``teacher``, when given, is ``(rows, q, share)``: those rows' target becomes
    ``(1 - share)`` times their label's target plus ``share`` times ``q`` (n_rows,
    classes), another network's probabilities (distillation: the old network's
    answers kept where the new one must not forget them).
    """
    n, classes = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    log_p = shifted - np.log(total)
    grad = exp / total

    target = np.zeros_like(grad)
    known = labels >= 0
    target[np.flatnonzero(known), labels[known]] = 1
    target[~known] = 1 / classes
    if teacher is not None:
        rows, q, share = teacher
        target[rows] = (1 - share) * target[rows] + share * q
    loss = -np.einsum("ij,ij->", target, log_p)
    grad -= target
    grad /= n
    return float(loss / n), grad


def average(networks):
    """One network whose logits are the mean of the given networks' logits.

    Their hidden layers are set side by side: the first layer's weights are
    joined column-wise, deeper hidden layers block-diagonally (each member's
    units see only its own units below), and the output layer row-wise,
    divided by the number of members.  So ``average([a, b]).logits(x)`` equals
    ``(a.logits(x) + b.logits(x)) / 2`` exactly: an ensemble that is still one
    plain MLP, in one weight file, as fast as a network of the summed width.
    """
    networks = list(networks)
    depth = len(networks[0].weights)
    if any(len(n.weights) != depth or n.sizes[0] != networks[0].sizes[0]
           or n.sizes[-1] != networks[0].sizes[-1] for n in networks):
        raise ValueError("networks to average need the same depth, inputs and outputs")
    count = len(networks)
    weights, biases = [], []
    for k in range(depth):
        ws = [n.weights[k] for n in networks]
        bs = [n.biases[k] for n in networks]
        if depth == 1:
            weights.append(sum(ws) / count)
            biases.append(sum(bs) / count)
        elif k == 0:
            weights.append(np.concatenate(ws, axis=1))
            biases.append(np.concatenate(bs))
        elif k == depth - 1:
            weights.append(np.concatenate(ws, axis=0) / count)
            biases.append(sum(bs) / count)
        else:
            weights.append(_block_diagonal(ws))
            biases.append(np.concatenate(bs))
    return MLP([w.astype(networks[0].weights[0].dtype) for w in weights],
               [b.astype(networks[0].biases[0].dtype) for b in biases])


def _block_diagonal(blocks):
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols), dtype=blocks[0].dtype)
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out
