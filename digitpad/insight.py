"""What the network looks at, which units fire, and where it goes wrong.  Qt-free.

The maths behind the window's insight views, ``digitpad predict --explain``
and the Evaluate results.  Everything takes the network the app uses (a
:class:`digitpad.model.network.MLP`, any number of ReLU hidden layers) and a
28x28 input as the network sees it (floats, ink 1, paper 0).

*Why this, not that* (:func:`contributions`).  A ReLU network is piecewise
linear: with the set of hidden units that fire for an image held fixed, every
logit is a linear function of the pixels.  So the margin of one digit over
another, ``logit[digit] - logit[against]``, splits exactly into one share per
pixel (its ink times its weight along the active paths) plus one share for all
the biases.

*The smallest change that would flip it* (:func:`flip`).  The same weights
say how much a unit of ink at each pixel moves the margin; changing the pixels
with the largest effect per unit of ink first, and checking with the real
network after each round, finds a small edit that makes the other digit win.

*Hidden units* (:func:`top_units`, :func:`units_for`, :func:`exciting`): the
first hidden layer's units, whose incoming weights are 28x28 pictures.

How a model does on a labelled set (accuracy per digit, the confusion matrix)
is :mod:`digitpad.evaluation`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.model.network import CLASSES, INPUTS, as_input

SIDE = 28

# Colours of the maps (RGB): for and against a digit; ink to add and to remove.
FOR = (214, 39, 40)
AGAINST = (31, 119, 180)
ADD = (0, 158, 115)
REMOVE = (230, 140, 0)


def _vector(image, dtype):
    x = np.asarray(image, dtype=dtype).reshape(-1)
    if x.size != INPUTS:
        raise ValueError(f"need a 28x28 image, got {np.shape(image)}")
    return x


def _digit(d):
    if not isinstance(d, (int, np.integer)) or not 0 <= d < CLASSES:
        raise ValueError(f"not a digit: {d!r}")
    return int(d)


def hidden_activations(network, image, dtype=None):
    """The activations of every hidden layer for one image, a list of 1-D arrays."""
    dtype = dtype or network.weights[0].dtype
    a = _vector(image, dtype)
    out = []
    for w, b in zip(network.weights[:-1], network.biases[:-1]):
        a = np.maximum(a @ w.astype(dtype, copy=False) + b.astype(dtype, copy=False), 0)
        out.append(a)
    return out


def logits(network, image):
    """The ten logits of one image, as the network computes them."""
    return network.logits(_vector(image, network.weights[0].dtype)[None])[0].astype(np.float64)


def runner_up(scores, digit):
    """The most likely digit other than ``digit`` (by logits or probabilities)."""
    scores = np.array(scores, dtype=np.float64)
    scores[_digit(digit)] = -np.inf
    return int(np.argmax(scores))


def linear_map(network, image, digit, against, dtype=np.float64):
    """``(weights, bias)``: with the units that fire for ``image`` held fixed,
    ``logit[digit] - logit[against] == image . weights + bias`` exactly.

    ``weights`` (784,) is the gradient of the margin with respect to the
    pixels: the output weights' difference, carried back through every
    hidden layer, where only the active units pass it on.
    """
    digit, against = _digit(digit), _digit(against)
    out_w, out_b = network.weights[-1], network.biases[-1]
    return _backward(network, hidden_activations(network, image, dtype),
                     out_w[:, digit].astype(dtype) - out_w[:, against].astype(dtype),
                     float(out_b[digit]) - float(out_b[against]), dtype)


def _backward(network, hidden, v, bias, dtype):
    """Carry ``v``, a score's weights on the last hidden layer, back to the pixels
    through the units that fire (``hidden``): ``(pixel weights, bias)``."""
    for k in range(len(hidden) - 1, -1, -1):
        v = v * (hidden[k] > 0)
        bias += float(v @ network.biases[k].astype(dtype, copy=False))
        v = network.weights[k].astype(dtype, copy=False) @ v
    return v, bias


def contributions(network, image, digit, against, dtype=np.float64):
    """How much each pixel pushed ``digit`` against ``against``: ``(pixel_map, bias_share)``.

    ``pixel_map`` is (28, 28): positive where the ink there argues for
    ``digit``, negative where it argues for ``against`` (zero on paper, which
    carries no ink); ``pixel_map.sum() + bias_share`` equals
    ``logit[digit] - logit[against]``.  Computed in float64 (``dtype``: the
    live view uses the network's float32, exact to about 1e-5 and faster).
    """
    weights, bias = linear_map(network, image, digit, against, dtype)
    return (_vector(image, np.float64) * weights).reshape(SIDE, SIDE), bias


@dataclass(frozen=True)
class Flip:
    """A small edit of the input after which ``against`` beats ``digit``."""
    digit: int
    against: int
    change: np.ndarray          # (28, 28): ink to add (> 0) or to take away (< 0)
    margin_before: float        # logit[digit] - logit[against], before and after the edit
    margin_after: float
    read_after: int             # the digit the network reads after the edit

    @property
    def flipped(self):
        """``against`` is the digit read after the edit."""
        return self.read_after == self.against

    @property
    def pixels(self):
        return int(np.count_nonzero(self.change))

    @property
    def ink(self):
        """The ink moved, in pixels' worth (a full pixel is 1)."""
        return float(np.abs(self.change).sum())


def suggestion(weights, image):
    """Pixels in the order a change of their ink lowers the margin most per unit of ink.

    Returns ``(order, target)``: pixel indices (only those with room to
    change in the helpful direction) and the value each would be set to: 0
    where the ink argues for the digit (remove it), 1 where it argues
    against (add ink).
    """
    x = _vector(image, np.float64)
    target = (weights < 0).astype(np.float64)
    room = np.abs(target - x)
    order = np.argsort(-np.abs(weights), kind="stable")
    order = order[(room[order] > 0) & (weights[order] != 0)]
    return order, target


def flip(network, image, digit, against, rounds=12):
    """The smallest change the margin's weights suggest for ``against`` to win.

    ``against`` has to beat every other digit, and near the end several often
    lead by a little.  So each round takes the margin of the others' soft
    maximum (log-sum-exp: mostly the leader, partly those close behind) over
    ``against``, and the pixels with the largest effect on it per unit of ink
    (:func:`suggestion`), as many as the linear estimate needs to cross zero;
    sets them to paper or to full ink (:func:`_step`), and re-reads with the
    network (which switches units on and off as the image changes).  Stops
    when ``against`` is read, or after ``rounds``.
    """
    digit, against = _digit(digit), _digit(against)
    dtype = network.weights[0].dtype
    out_w = network.weights[-1].astype(np.float64)
    others = np.arange(CLASSES) != against
    x0 = np.clip(_vector(image, np.float64), 0, 1)
    x = x0.copy()
    before = None
    for _ in range(rounds + 1):
        hidden = hidden_activations(network, x, dtype)
        last = hidden[-1] if hidden else x.astype(dtype)
        scores = (last @ network.weights[-1] + network.biases[-1]).astype(np.float64)
        before = scores[digit] - scores[against] if before is None else before
        if scores[runner_up(scores, against)] < scores[against] or _ == rounds:
            break
        top = scores[others].max()
        share = np.exp(scores[others] - top)
        margin = top + np.log(share.sum()) - scores[against]
        v = out_w[:, others] @ (share / share.sum()) - out_w[:, against]
        weights, _bias = _backward(network, hidden, v, 0.0, np.float64)
        order, target = suggestion(weights, x)
        gain = np.abs(weights[order] * (target[order] - x[order]))
        n = int(np.searchsorted(np.cumsum(gain), margin * 1.05 + 1e-6)) + 1
        step = _step(network, x, order, target, n, dtype)
        if step is None:
            break
        x = step
    return Flip(digit, against, (x - x0).reshape(SIDE, SIDE), float(before),
                float(scores[digit] - scores[against]), int(np.argmax(scores)))


def _step(network, x, order, target, n, dtype, skips=8):
    """``x`` with the first ``n`` pixels of ``order`` set to ``target``, or None.

    A change that silences a whole hidden layer is refused: the network then
    reads its biases alone, and no pixel has any effect left to guide the next
    round.  Fewer pixels are tried then, down to one; then, up to ``skips``
    times, the next pixel instead.
    """
    skipped = 0
    while len(order):
        trial = x.copy()
        trial[order[:n]] = target[order[:n]]
        if all(h.any() for h in hidden_activations(network, trial, dtype)):
            return trial
        if n > 1:
            n //= 2
        elif skipped < skips:
            order, skipped = order[1:], skipped + 1
        else:
            return None
    return None


# -- hidden units ---------------------------------------------------------------

def top_units(network, image, n=12):
    """The ``n`` first-layer units that fire most for ``image``: ``(units, activations)``,
    strongest first (units that do not fire are left out)."""
    a = hidden_activations(network, image)[0] if len(network.weights) > 1 else np.zeros(0)
    order = np.argsort(-a, kind="stable")[:n]
    order = order[a[order] > 0]
    return order, a[order]


def unit_pictures(network, units=None):
    """The incoming weights of first-layer units as (k, 28, 28) pictures."""
    w = network.weights[0]
    w = w if units is None else w[:, np.asarray(units)]
    return np.ascontiguousarray(w.T).reshape(-1, SIDE, SIDE)


def unit_votes(network):
    """(units, 10): how much one unit of a first-layer unit's activation adds to each logit.

    Exact for one hidden layer (the output weights); with more, the product
    of the weight matrices above it, as if every deeper unit were active.
    """
    votes = network.weights[-1].astype(np.float64)
    for w in reversed(network.weights[1:-1]):
        votes = w.astype(np.float64) @ votes
    return votes


def units_for(network, digit, images=None, labels=None):
    """First-layer units by how much they matter to ``digit``: ``(units, scores)``, the
    most for it first, the most against it last.

    With ``images`` and ``labels`` (MNIST's test set, say) a unit's score is
    its average share of the network's case for the digit on the images of
    ``digit``: its activation times how much one unit of it adds to the digit's
    logit over the mean of all ten (softmax ignores what raises every logit
    alike), with the deeper units that fire for each image as they fire.  The
    shares of all units, plus the biases', are the case exactly.  With one
    hidden layer that is the unit's vote (:func:`unit_votes`) times its mean
    activation.  Without images, the vote alone.
    """
    digit = _digit(digit)
    if images is not None:
        mine = images[np.asarray(labels) == digit]
        if len(mine):
            scores = _shares(network, mine, digit)
            order = np.argsort(-scores, kind="stable")
            return order, scores[order]
    votes = unit_votes(network)
    scores = votes[:, digit] - votes.mean(axis=1)
    order = np.argsort(-scores, kind="stable")
    return order, scores[order]


def _shares(network, images, digit, batch_size=2000):
    """Each first-layer unit's mean share of ``logit[digit] - mean(logits)`` on ``images``:
    its activation times the margin's gradient with respect to it (for each image, the
    deeper units that fire pass the gradient on, the others block it)."""
    out = network.weights[-1].astype(np.float64)
    v = out[:, digit] - out.mean(axis=1)
    total = np.zeros(network.sizes[1])
    for i in range(0, len(images), batch_size):
        a = as_input(images[i:i + batch_size], network.weights[0].dtype)
        hidden = []
        for w, b in zip(network.weights[:-1], network.biases[:-1]):
            a = np.maximum(a @ w + b, 0)
            hidden.append(a)
        g = np.broadcast_to(v, (len(a), len(v)))
        for k in range(len(hidden) - 1, 0, -1):
            g = (g * (hidden[k] > 0)) @ network.weights[k].T.astype(np.float64)
        total += (hidden[0] * g).sum(axis=0)
    return total / len(images)


def first_layer(network, images, units=None, batch_size=2000):
    """First-layer activations of ``images`` (uint8 or float, ``(m, 28, 28)``): (m, units)."""
    w, b = network.weights[0], network.biases[0]
    if units is not None:
        w, b = w[:, units], b[units]
    return np.concatenate([np.maximum(as_input(images[i:i + batch_size], w.dtype) @ w + b, 0)
                           for i in range(0, len(images), batch_size)])


def exciting(network, images, unit, n=16):
    """The ``n`` images (uint8 or float, ``(m, 28, 28)``) that excite first-layer
    ``unit`` most: ``(indices, activations)``, strongest first."""
    a = first_layer(network, images, [unit])[:, 0]
    order = np.argsort(-a, kind="stable")[:n]
    return order, a[order]


# -- evaluation ---------------------------------------------------------------------

# -- pictures -------------------------------------------------------------------------

def tint(image, values, positive=FOR, negative=AGAINST, scale=None, fade=0.35):
    """An RGB picture (h, w, 3) uint8: ``image`` faint gray on white, ``values`` in
    colour over it (``positive`` where above zero, ``negative`` below), as strong as
    ``|values| / scale`` (default: the largest ``|values|``)."""
    image = np.zeros(np.shape(values)) if image is None else np.asarray(image, np.float64)
    values = np.asarray(values, np.float64)
    base = np.repeat((255 * (1 - fade * np.clip(image, 0, 1)))[..., None], 3, axis=-1)
    scale = float(np.abs(values).max()) if scale is None else float(scale)
    if not scale > 0:
        return base.astype(np.uint8)
    alpha = np.clip(np.abs(values) / scale, 0, 1)[..., None] ** 0.7
    colour = np.where(values[..., None] >= 0, np.array(positive, np.float64),
                      np.array(negative, np.float64))
    return (base * (1 - alpha) + colour * alpha).round().astype(np.uint8)
