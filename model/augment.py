"""Random distortions of digit images, a whole batch at a time.

Each image gets its own random rotation, scale, aspect, shear, translation,
elastic warp (Simard et al., 2003) and stroke-thickness change.  The
geometric ones combine into one map from every output pixel to a point in
the source image, which is then read with bilinear interpolation: a single
gather per pixel, whatever the number of distortions.

The elastic warp is a smooth random displacement field: random vectors on a
coarse grid of control points, spread over the image by Gaussian weights
(one small matrix product per batch instead of a convolution per image).
"""
from __future__ import annotations

import numpy as np

SIZE = 28


def _control_weights(size=SIZE, points=5, sigma=5.0):
    """(points*points, size*size) Gaussian weights from control points to pixels."""
    centres = np.linspace(-2, size + 1, points)
    cy, cx = np.meshgrid(centres, centres, indexing="ij")
    py, px = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    d2 = ((py.reshape(1, -1) - cy.reshape(-1, 1)) ** 2
          + (px.reshape(1, -1) - cx.reshape(-1, 1)) ** 2)
    w = np.exp(-d2 / (2 * sigma ** 2))
    w /= np.sqrt((w ** 2).sum(axis=0, keepdims=True))  # unit variance at every pixel
    return w.astype(np.float32)


class Distorter:
    """Callable: ``Distorter(rng=...)(images)`` -> distorted float32 images in [0, 1].

    ``strength`` scales every distortion at once (0 gives the images back).
    """

    def __init__(self, strength=1.0, rng=None, *, rotate=12.0, scale=0.12, aspect=0.12,
                 shear=0.25, translate=2.0, elastic=1.6, thickness=0.6):
        self.rng = rng if rng is not None else np.random.default_rng()
        s = float(strength)
        self.rotate = np.deg2rad(rotate) * s
        self.scale, self.aspect, self.shear = scale * s, aspect * s, shear * s
        self.translate, self.elastic, self.thickness = translate * s, elastic * s, thickness * s
        self.control = _control_weights()
        ys, xs = np.meshgrid(np.arange(SIZE), np.arange(SIZE), indexing="ij")
        c = (SIZE - 1) / 2
        self.grid = np.stack([xs.ravel() - c, ys.ravel() - c]).astype(np.float32)  # (2, 784)

    def __call__(self, images):
        images = np.asarray(images)
        n = len(images)
        x = images.reshape(n, SIZE, SIZE).astype(np.float32)
        if images.dtype == np.uint8:
            x *= 1 / 255
        if n == 0:
            return x
        x = self.change_thickness(x)
        return self.warp(x)

    def source_points(self, n):
        """Where each output pixel reads from: (n, 2, 784) x and y, in pixels."""
        r = self.rng
        angle = r.uniform(-self.rotate, self.rotate, n)
        scale = np.exp(r.uniform(-self.scale, self.scale, n))
        aspect = np.exp(r.uniform(-self.aspect, self.aspect, n))
        shear = r.uniform(-self.shear, self.shear, n)
        cos, sin = np.cos(angle), np.sin(angle)
        sx, sy = scale * aspect, scale / aspect
        # Output = R @ Shear @ S @ source, so source = inverse(...) @ output.
        forward = np.empty((n, 2, 2))
        forward[:, 0, 0] = cos * sx
        forward[:, 0, 1] = (cos * shear - sin) * sy
        forward[:, 1, 0] = sin * sx
        forward[:, 1, 1] = (sin * shear + cos) * sy
        inverse = np.linalg.inv(forward).astype(np.float32)
        shift = r.uniform(-self.translate, self.translate, (n, 2, 1)).astype(np.float32)
        pts = inverse @ (self.grid[None] - shift)
        if self.elastic:
            k = self.control.shape[0]
            noise = r.standard_normal((n * 2, k)).astype(np.float32)
            pts += (noise @ self.control).reshape(n, 2, -1) * self.elastic
        pts += (SIZE - 1) / 2
        return pts

    def warp(self, x):
        """Read every image at its own source points, bilinearly; outside is paper."""
        n = len(x)
        pts = self.source_points(n)
        padded = np.zeros((n, SIZE + 2, SIZE + 2), dtype=np.float32)
        padded[:, 1:-1, 1:-1] = x
        flat = padded.reshape(n, -1)
        px = np.clip(pts[:, 0] + 1, 0, SIZE + 0.999)   # +1 for the paper border
        py = np.clip(pts[:, 1] + 1, 0, SIZE + 0.999)
        x0 = px.astype(np.int32)
        y0 = py.astype(np.int32)
        fx = px - x0
        fy = py - y0
        i00 = y0 * (SIZE + 2) + x0
        top = _take(flat, i00)
        top += fx * (_take(flat, i00 + 1) - top)
        bottom = _take(flat, i00 + SIZE + 2)
        bottom += fx * (_take(flat, i00 + SIZE + 3) - bottom)
        top += fy * (bottom - top)
        return top.reshape(n, SIZE, SIZE)

    def change_thickness(self, x):
        """Thicken (dilate) or thin (erode) each image's strokes by a random fraction."""
        if not self.thickness:
            return x
        n = len(x)
        amount = self.rng.uniform(-self.thickness, self.thickness, (n, 1, 1)).astype(np.float32)
        grow = amount > 0
        out = x.copy()
        if grow.any():
            rows = np.flatnonzero(grow.ravel())
            d = _neighbourhood(x[rows], np.maximum)
            out[rows] += amount[rows] * (d - x[rows])
        if (~grow).any():
            rows = np.flatnonzero(~grow.ravel())
            e = _neighbourhood(x[rows], np.minimum)
            out[rows] += -amount[rows] * 0.5 * (e - x[rows])
        return out


def _neighbourhood(x, op):
    """Cross-shaped 3x3 max (dilate) or min (erode) of each image; edges repeat."""
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge")
    out = op(p[:, 1:-1, 1:-1], p[:, :-2, 1:-1])
    op(out, p[:, 2:, 1:-1], out=out)
    op(out, p[:, 1:-1, :-2], out=out)
    op(out, p[:, 1:-1, 2:], out=out)
    return out


def _take(flat, index):
    return np.take_along_axis(flat, index, axis=1)
