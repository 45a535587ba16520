"""Handwriting styles the pen digits lack, made from their own strokes.  Qt-free.

The 73 training writers write mostly in one school's style.  Elsewhere people
cross their zeros, give the 1 a long flag and a base, cross the 7, and slant
their writing either way.  Each style here is added to a *real* sample's
strokes (points ``(m, 2)``, y down, any units), so the rest of the digit keeps
its writer's hand:

* :func:`slashed_zero`: a slash through a 0, from below its bowl to above it;
* :func:`flagged_one`: a long flag (20-60 degrees under the horizontal) on a
  plain 1, with a base half the time;
* :func:`crossed_seven`: a short bar across the stem of a 7;
* :func:`slant`: the whole trajectory sheared (italic either way), turned a
  little and stretched, before it is drawn.

:class:`Styler` applies them at random, at rates low enough that most digits
keep their own style (a slashed 0 must not become the usual 0, nor a flagged 1
look like a 7 the network has learned to expect).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pendigits import bounds


def _segment(a, b, rng, points=16):
    """A hand-drawn line from ``a`` to ``b``: slightly bowed, with a little tremor."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t = np.linspace(0, 1, points)[:, None]
    length = max(float(np.hypot(*(b - a))), 1e-9)
    normal = np.array([a[1] - b[1], b[0] - a[0]]) / length
    bow = rng.uniform(-0.06, 0.06) * length * np.sin(np.pi * t)
    return a + (b - a) * t + normal * bow + rng.normal(0, 0.01 * length, (points, 2))


def slashed_zero(strokes, rng):
    """A 0 with a slash through its middle, mostly ``/``, now and then ``\\``."""
    x0, y0, x1, y1 = bounds(strokes)
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    beyond = rng.uniform(-0.1, 0.25) * h          # how far past the bowl it reaches
    half = rng.uniform(0.2, 0.7) * max(w, 0.4 * h)
    if rng.random() < 0.1:
        half = -half
    ends = [(cx - half, y1 + beyond), (cx + half, y0 - beyond)]
    if rng.random() < 0.5:
        ends.reverse()
    return list(strokes) + [_segment(*ends, rng)]


def flagged_one(strokes, rng, base=0.5):
    """A 1 with a long flag down to the left of its top, and with a base (probability
    ``base``) under its foot."""
    pts = np.concatenate(strokes)
    h = bounds(strokes)[3] - bounds(strokes)[1]
    top = pts[np.argmin(pts[:, 1])]
    foot = pts[np.argmax(pts[:, 1])]
    length = rng.uniform(0.25, 0.6) * h
    angle = np.deg2rad(rng.uniform(20, 60))
    start = top + (-length * np.cos(angle), length * np.sin(angle))
    out = [_segment(start, top, rng, 10)] + list(strokes)
    if rng.random() < base:
        width = rng.uniform(0.3, 0.75) * h
        shift = rng.uniform(-0.15, 0.15) * width
        tilt = rng.uniform(-0.04, 0.04) * width
        out.append(_segment(foot + (-width / 2 + shift, -tilt),
                            foot + (width / 2 + shift, tilt), rng, 10))
    return out


def crossed_seven(strokes, rng):
    """A 7 with a short bar across its stem, a little under half its height."""
    pts = np.concatenate(strokes)
    x0, y0, x1, y1 = bounds(strokes)
    w, h = x1 - x0, y1 - y0
    y = y0 + rng.uniform(0.45, 0.62) * h
    near = pts[np.abs(pts[:, 1] - y) < 0.08 * h]
    x = float(np.median(near[:, 0])) if len(near) else (x0 + x1) / 2
    width = rng.uniform(0.3, 0.6) * max(w, 0.5 * h)
    shift = rng.uniform(-0.1, 0.1) * width
    tilt = rng.uniform(-0.05, 0.05) * width
    bar = _segment((x - width / 2 + shift, y + tilt), (x + width / 2 + shift, y - tilt), rng, 10)
    return list(strokes) + [bar]


def is_plain_one(strokes):
    """A 1 that is a plain stick (no flag or base yet): narrow for its height."""
    x0, y0, x1, y1 = bounds(strokes)
    return x1 - x0 < 0.35 * (y1 - y0)


def slant(strokes, rng, shear=0.45, rotate=10.0, aspect=0.2):
    """The whole trajectory sheared by up to ``shear`` (x += s * y, either way), turned by
    up to ``rotate`` degrees and stretched by up to ``exp(aspect)``, about its centre."""
    pts = np.concatenate(strokes)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    a = np.deg2rad(rng.uniform(-rotate, rotate))
    s = rng.uniform(-shear, shear)
    k = np.exp(rng.uniform(-aspect, aspect))
    m = (np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
         @ np.array([[k, s], [0, 1 / k]]))
    return [(np.asarray(st, np.float64) - centre) @ m.T + centre for st in strokes]


@dataclass(frozen=True)
class Styler:
    """``Styler(...)(strokes, label, rng)``: a sample's strokes, maybe restyled, maybe
    slanted.  Rates are the share of 0s slashed, plain 1s flagged and 7s crossed;
    ``shear`` the largest slant (0: none).  Letters (any other label) are only slanted."""
    slash0: float = 0.25
    flag1: float = 0.35
    cross7: float = 0.3
    shear: float = 0.45

    def __call__(self, strokes, label, rng):
        if label == 0 and rng.random() < self.slash0:
            strokes = slashed_zero(strokes, rng)
        elif label == 1 and rng.random() < self.flag1 and is_plain_one(strokes):
            strokes = flagged_one(strokes, rng)
        elif label == 7 and rng.random() < self.cross7:
            strokes = crossed_seven(strokes, rng)
        if self.shear:
            strokes = slant(strokes, rng, shear=self.shear)
        return strokes
