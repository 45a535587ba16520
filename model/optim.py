"""Optimisers (SGD with momentum, Adam) and learning-rate schedules.

An optimiser holds a list of parameter arrays and updates them in place from
a matching list of gradients.  Updates use ``out=`` buffers so that a step
allocates nothing: on a 400,000-weight network the optimiser would otherwise
cost as much as the matrix products.
"""
from __future__ import annotations

import math

import numpy as np


class SGD:
    """Stochastic gradient descent with (optionally Nesterov) momentum.

    ``v = momentum * v + g``; plain momentum steps ``p -= lr * v``, Nesterov
    steps ``p -= lr * (g + momentum * v)``.  Weight decay is decoupled, as in
    AdamW: ``p -= lr * weight_decay * p``.
    """

    def __init__(self, params, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.0,
                 decay_mask=None):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.decay_mask = _decay_mask(params, decay_mask)
        self.velocity = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        for p, g, v, tmp, decay in zip(self.params, grads, self.velocity, self.scratch,
                                       self.decay_mask):
            if decay and self.weight_decay:
                p *= 1 - lr * self.weight_decay
            v *= self.momentum
            v += g
            if self.nesterov:
                np.multiply(v, self.momentum, out=tmp)
                tmp += g
            else:
                tmp[...] = v
            tmp *= lr
            p -= tmp


class Adam:
    """Adam (Kingma & Ba, 2015) with decoupled weight decay (AdamW).

    ``m`` and ``v`` are running means of ``g`` and ``g**2``; both start at zero,
    so after ``t`` steps they are too small by ``1 - beta**t``.  The step is
    ``lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - beta1**t)``
    and ``v_hat = v / (1 - beta2**t)``.

    Each step is ten passes over the parameters, not twelve: ``self.m`` and
    ``self.v`` hold the running sums ``beta1 * m + g`` and ``beta2 * v + g**2``,
    which are ``m / (1 - beta1)`` and ``v / (1 - beta2)``, so no pass scales
    ``g`` by ``1 - beta``; those factors and both corrections fold into two
    scalars, the step size and ``eps`` (the same step: only the rounding differs).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 decay_mask=None):
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decay_mask = _decay_mask(params, decay_mask)
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]    # sum of beta1**age * g
        self.v = [np.zeros_like(p) for p in params]    # sum of beta2**age * g**2
        self.scratch = [np.empty_like(p) for p in params]

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # m_hat = m (1 - b1) / (1 - b1**t) and sqrt(v_hat) = sqrt(v) * root, so
        # lr m_hat / (sqrt(v_hat) + eps) = step_size * m / (sqrt(v) + eps / root).
        root = math.sqrt((1 - b2) / (1 - b2 ** self.t))
        step_size = lr * (1 - b1) / (1 - b1 ** self.t) / root
        eps = self.eps / root
        for p, g, m, v, tmp, decay in zip(self.params, grads, self.m, self.v, self.scratch,
                                          self.decay_mask):
            if decay and self.weight_decay:
                p *= 1 - lr * self.weight_decay
            m *= b1                                  # m = b1 m + g
            m += g
            np.multiply(g, g, out=tmp)               # v = b2 v + g^2
            v *= b2
            v += tmp
            np.sqrt(v, out=tmp)                      # p -= step * m / (sqrt(v) + eps)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


def _decay_mask(params, mask):
    """By default decay matrices only, not bias vectors."""
    if mask is None:
        return [p.ndim > 1 for p in params]
    return list(mask)


def make_optimizer(name, params, lr, weight_decay=0.0, momentum=0.9, nesterov=True):
    if name == "adam":
        return Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return SGD(params, lr=lr, momentum=momentum, nesterov=nesterov,
                   weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}: choose adam or sgd")


# Schedules: the learning rate at step t of total, for a peak rate lr.

def constant(t, total, lr):
    return lr


def cosine(t, total, lr, warmup=0.02):
    """Linear warm-up over the first ``warmup`` of training, then a cosine to zero."""
    w = max(1, int(total * warmup))
    if t < w:
        return lr * (t + 1) / w
    progress = (t - w) / max(1, total - w)
    return lr * 0.5 * (1 + math.cos(math.pi * progress))


def one_cycle(t, total, lr, peak_at=0.3, start_div=25.0, end_div=1e4):
    """Smith's one-cycle: cosine up from lr/25 to lr, then cosine down to lr/1e4."""
    up = max(1, int(total * peak_at))
    if t < up:
        lo, hi, progress = lr / start_div, lr, t / up
    else:
        lo, hi, progress = lr / end_div, lr, 1 - (t - up) / max(1, total - up)
    return lo + (hi - lo) * 0.5 * (1 - math.cos(math.pi * progress))


SCHEDULES = {"constant": constant, "cosine": cosine, "onecycle": one_cycle}
