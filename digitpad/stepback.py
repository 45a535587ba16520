"""Learn's step back: after fine-tuning, how far the weights may move from the network before.
Qt-free.

:func:`held_back` sets aside MNIST and pen digits that Learn does not train on (with
``Recipe.near``, those the network reads right least surely);
:func:`step_back` reads them (and the session's digits) with the weights 1, 3/4, 1/2 and 1/4
of the way from the old network to the fine-tuned one (:func:`interpolate`), and keeps the
farthest that loses at most ``Recipe.tolerance`` of each set's digits read right.  Used by
:func:`digitpad.teach.learn`, which holds the recipe (:class:`digitpad.teach.Recipe`).
"""
from __future__ import annotations

import numpy as np

from digitpad.model.stopping import Stopped

CHECK_PHASE = "Checking that the rest still reads right"


def held_back(mnist, rng, r, drawn, net=None):
    """``(checks, held)``: ``r.check`` MNIST training digits and as many of the ``drawn``
    pen digits (a :class:`digitpad.teach.Replay`, at most half of them) that Learn will not
    train on, as a list of ``(images, labels)``; and which they are (``{"mnist": indices,
    "pens": indices}``, for :func:`digitpad.teach.replay` to leave out).  With ``r.near``
    above 1 (and ``net``), each set is the digits ``net`` reads right least surely among
    ``r.near`` times as many random ones: those a small move of the weights breaks first,
    as it breaks the digits of writers and sets Learn never sees."""
    if not r.check:
        return [], {}
    mnist_pick = _pick(net, mnist.train_images, mnist.train_labels, rng, r.check, r.near)
    pen_pick = _pick(net, drawn.pens, drawn.pen_labels, rng,
                     min(r.check, len(drawn.pens) // 2), r.near)
    checks = [(mnist.train_images[mnist_pick], mnist.train_labels[mnist_pick]),
              (drawn.pens[pen_pick], drawn.pen_labels[pen_pick])]
    return checks, {"mnist": mnist_pick, "pens": pen_pick}


def _pick(net, images, labels, rng, count, near):
    """``count`` indices of ``images``: at random, or (``near`` > 1 and ``net``) the
    ``count`` that ``net`` reads right with the lowest probability of their label among
    ``near * count`` random ones (then the rest, least sure first, if too few read right)."""
    pool = rng.choice(len(images), size=min(len(images), int(round(count * max(near, 1)))),
                      replace=False)
    if near <= 1 or net is None or len(pool) <= count:
        return pool[:count]
    from .teach import decide, probabilities           # teach imports this module

    labels = np.asarray(labels)[pool]
    p = probabilities(net, images[pool])
    sure, right = p[np.arange(len(pool)), labels], decide(p) == labels
    order = np.lexsort((sure, ~right))        # read right first, least sure first
    return pool[order[:count]]


def interpolate(before, after, t):
    """The network whose every weight lies ``t`` of the way from ``before`` to ``after``."""
    from digitpad.model.network import MLP

    return MLP([a + t * (b - a) for a, b in zip(before.weights, after.weights)],
               [a + t * (b - a) for a, b in zip(before.biases, after.biases)])


def step_back(before, after, checks, r, should_stop=None, progress=None):
    """``(network, t)``: the fine-tuned weights moved back towards ``before`` until the
    held-back digits ``checks`` lose at most ``r.tolerance`` of what ``before`` read right
    (each check on its own; with ``r.broken`` a check loses each digit ``before`` read right
    and the moved weights do not, whatever they read right anew), trying ``r.steps``
    farthest first; ``before`` itself (t = 0) when none keeps them.  Learning a style and
    forgetting others pull apart along the same line in weight space (as in WiSE-FT,
    Wortsman et al. 2022): partway along it much of the first is kept for little of the
    second.  No checks: ``after``, t = 1.
    ``should_stop()`` is asked before each step (:class:`Stopped` when it says yes);
    ``progress(CHECK_PHASE, steps tried, steps)`` is told before each."""
    if not checks:
        return after, 1.0
    was = [_read_right(before, images, labels) for images, labels in checks]
    for k, t in enumerate(r.steps):
        if should_stop is not None and should_stop():
            raise Stopped("stopped while choosing how far Learn moves the weights")
        if progress is not None:
            progress(CHECK_PHASE, k, len(r.steps))
        candidate = after if t == 1 else interpolate(before, after, t)
        if all(_lost(right, _read_right(candidate, images, labels), r.broken)
               <= r.tolerance + 1e-9                    # 1 of 1,000 is 0.001, rounded
               for (images, labels), right in zip(checks, was)):
            return candidate, float(t)
    return before.copy(), 0.0


def _read_right(net, images, labels):
    """Whether each of ``images`` is read as its label (declined counts as wrong)."""
    from .teach import read_digits           # teach imports this module
    return read_digits(net, images) == np.asarray(labels)


def _lost(was, now, broken):
    """What a check lost from ``was`` to ``now`` (each digit read right or not): the share
    read right then and not now (``broken``), or the fall in the share read right."""
    return float(np.mean(was & ~now)) if broken else float(np.mean(was) - np.mean(now))
