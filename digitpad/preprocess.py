"""From a drawing to the 28x28 image the network reads, the way MNIST was made.

No Qt here: the canvas and the command line both come through this module.
A drawing arrives as an ink image, a float array ``(H, W)`` with ink 1 and
paper 0.  :func:`to_mnist` then follows LeCun et al.: crop to the ink's
bounding box, scale the longer side to 20 pixels keeping the aspect ratio
(antialiased), and place the result in a 28x28 field so that its centre of
mass sits at the centre.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1     # an ink image value above this counts as ink


def to_mnist(ink):
    """``(H, W)`` ink image (ink 1, paper 0) -> ``(28, 28)`` float32, or None if blank."""
    ink = np.asarray(ink, dtype=np.float32)
    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    if rows.size == 0:
        return None
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    factor = BOX / max(h, w)
    new_h = max(1, round(h * factor))
    new_w = max(1, round(w * factor))
    small = np.asarray(Image.fromarray(crop, mode="F").resize((new_w, new_h), Image.BOX),
                       dtype=np.float32)
    small = np.clip(small, 0, 1)
    return _centre_of_mass(small)


def _centre_of_mass(small):
    """Paste ``small`` into 28x28 with its centre of mass at (13.5, 13.5), rounded."""
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    h, w = small.shape
    total = small.sum()
    ys, xs = np.indices(small.shape)
    cy = (ys * small).sum() / total if total > 0 else (h - 1) / 2
    cx = (xs * small).sum() / total if total > 0 else (w - 1) / 2
    top = int(round((SIZE - 1) / 2 - cy))
    left = int(round((SIZE - 1) / 2 - cx))
    top = min(max(top, 0), SIZE - h)
    left = min(max(left, 0), SIZE - w)
    out[top:top + h, left:left + w] = small
    return out


def ink_from_gray(gray):
    """uint8 grey image with dark ink on white paper -> ink image (ink 1, paper 0)."""
    return 1.0 - np.asarray(gray, dtype=np.float32) / 255.0
