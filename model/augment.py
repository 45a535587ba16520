"""Random distortions of digit images, a whole batch at a time.

Each image gets its own random rotation, scale, aspect, shear, translation,
elastic warp (Simard et al., 2003) and stroke-thickness change.  The
geometric ones combine into one map from every output pixel to a point in
the source image, which is then read with bilinear interpolation: a single
gather per pixel, whatever the number of distortions.

The elastic warp is a smooth random displacement field: random vectors on a
coarse grid of control points, spread over the image by Gaussian weights.
A bank of such fields is made once; each image draws one for x and one for
y, with a random amplitude and sign (no convolution per image).
"""
from __future__ import annotations

import numpy as np

SIZE = 28


def _smooth_fields(rng, count=2048, size=SIZE, points=5, sigma=5.0):
    """``count`` smooth random fields (count, size*size), unit variance per pixel.

    Random values on a coarse grid of control points, spread over the image
    by Gaussian weights: the smooth displacement of Simard et al. (2003) at
    the cost of one matrix product.  Made once; each batch draws from them
    (drawing costs nothing and keeps BLAS out of the augmentation thread,
    which would otherwise wait for the training thread's matrix products).
    """
    centres = np.linspace(-2, size + 1, points)
    cy, cx = np.meshgrid(centres, centres, indexing="ij")
    py, px = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    d2 = ((py.reshape(1, -1) - cy.reshape(-1, 1)) ** 2
          + (px.reshape(1, -1) - cx.reshape(-1, 1)) ** 2)
    weights = np.exp(-d2 / (2 * sigma ** 2))
    weights /= np.sqrt((weights ** 2).sum(axis=0, keepdims=True))
    noise = rng.standard_normal((count, points * points))
    return (noise @ weights).astype(np.float32)


class Distorter:
    """Callable: ``Distorter(rng=...)(images)`` -> distorted float32 images in [0, 1].

    ``strength`` scales every distortion at once (0 gives the images back).
    """

    def __init__(self, strength=1.0, rng=None, *, rotate=12.0, scale=0.12, aspect=0.12,
                 shear=0.25, translate=2.0, elastic=2.0, thickness=0.6):
        self.rng = rng if rng is not None else np.random.default_rng()
        s = float(strength)
        self.rotate = np.deg2rad(rotate) * s
        self.scale, self.aspect, self.shear = scale * s, aspect * s, shear * s
        self.translate, self.elastic, self.thickness = translate * s, elastic * s, thickness * s
        self.fields = _smooth_fields(self.rng)
        self.ramp = (np.arange(SIZE) - (SIZE - 1) / 2).astype(np.float32)  # pixels from the centre

    def __call__(self, images):
        images = np.asarray(images)
        n = len(images)
        side = SIZE + 2                      # one pixel of paper all around
        # Padded in their own type while uint8 (a quarter of the bytes for the
        # stroke-thickness change, which needs only their order), then as floats.
        raw = np.zeros((n, side, side),
                       dtype=np.uint8 if images.dtype == np.uint8 else np.float32)
        raw[:, 1:-1, 1:-1] = images.reshape(n, SIZE, SIZE)
        padded = _as_float(raw)
        if n == 0:
            return padded[:, 1:-1, 1:-1]
        if self.thickness:
            self.change_thickness(padded, raw)
        return self.warp(padded)

    def source_points(self, n):
        """Where each output pixel reads from: x and y, each (n, 784), in pixels.

        The distortion maps a source point ``p`` (relative to the centre) to
        ``A @ p + shift`` with ``A = rotation @ shear @ scale``; so an output
        pixel ``q`` reads from ``inverse(A) @ (q - shift)``, plus the elastic
        displacement.
        """
        r = self.rng
        angle = r.uniform(-self.rotate, self.rotate, n)
        scale = np.exp(r.uniform(-self.scale, self.scale, n))
        aspect = np.exp(r.uniform(-self.aspect, self.aspect, n))
        shear = r.uniform(-self.shear, self.shear, n)
        shift = r.uniform(-self.translate, self.translate, (2, n))
        cos, sin = np.cos(angle), np.sin(angle)
        sx, sy = scale * aspect, scale / aspect
        a, b = cos * sx, (cos * shear - sin) * sy          # A = [[a, b], [c, d]]
        c, d = sin * sx, (sin * shear + cos) * sy
        det = a * d - b * c
        inverse = np.stack([d, -b, -c, a]) / det            # rows of inverse(A)
        centre = (SIZE - 1) / 2
        offset = centre - np.stack([inverse[0] * shift[0] + inverse[1] * shift[1],
                                    inverse[2] * shift[0] + inverse[3] * shift[1]])
        coef = np.concatenate([inverse, offset]).astype(np.float32)[:, :, None]

        # Elastic: each image takes a random smooth field for x and one for y
        # from the bank, with a random amplitude and sign.
        amplitude = r.uniform(-self.elastic, self.elastic, (2, n, 1)).astype(np.float32)
        picks = r.integers(0, len(self.fields), (2, n))
        px = self.fields[picks[0]]
        px *= amplitude[0]
        py = self.fields[picks[1]]
        py *= amplitude[1]
        # The affine part, c0 x + c1 y + c4: c0 x varies along the columns
        # only and c1 y along the rows, so each is made on (n, 28) and added
        # across the image by broadcasting, in the order of the sum.
        ramp = self.ramp
        for p, (cx, cy, c) in ((px, coef[[0, 1, 4]]), (py, coef[[2, 3, 5]])):
            image = p.reshape(n, SIZE, SIZE)
            image += (cx * ramp)[:, None, :]              # along x: the columns
            image += (cy * ramp)[:, :, None]              # along y: the rows
            image += c[:, :, None]
        return px, py

    def warp(self, padded):
        """Read every image at its own source points, bilinearly; outside is paper.

        ``padded`` holds the images with a one-pixel border of paper, (n, 30, 30).
        """
        n = len(padded)
        px, py = self.source_points(n)
        side = SIZE + 2
        flat = padded.ravel()
        px += 1
        py += 1
        np.clip(px, 0, side - 1.001, out=px)
        np.clip(py, 0, side - 1.001, out=py)
        x0 = np.floor(px)
        y0 = np.floor(py)
        px -= x0                                          # now the fractions
        py -= y0
        y0 *= side                                        # flat index of the top left
        y0 += x0
        y0 += (np.arange(n, dtype=np.float32) * side * side)[:, None]
        i = y0.astype(np.intp)
        top = flat.take(i)
        i += 1
        top_right = flat.take(i)
        i += side
        bottom_right = flat.take(i)
        i -= 1
        bottom = flat.take(i)
        top_right -= top                                  # lerp along x, then y
        top_right *= px
        top += top_right
        bottom_right -= bottom
        bottom_right *= px
        bottom += bottom_right
        bottom -= top
        bottom *= py
        top += bottom
        return top.reshape(n, SIZE, SIZE)

    def change_thickness(self, padded, raw):
        """Thicken or thin each image's strokes by a random amount, in place.

        Each image moves a random fraction of the way towards its dilation
        (3x3 cross maximum: thicker) or its erosion (minimum: thinner).  The
        maxima and minima are taken on ``raw``, the padded images as they came
        (uint8 for pixels: four times fewer bytes than floats, and the same
        pixels, since scaling to [0, 1] keeps their order), the images to
        thicken and those to thin as two groups, each computing only the one
        it needs; ``padded`` (the same as floats) then moves towards them.
        """
        n, side, _ = padded.shape
        amount = self.rng.uniform(-self.thickness, self.thickness, n).astype(np.float32)
        # Rows 1..28 of every image as one flat run per image; its neighbours
        # are the same run shifted by one pixel or one row: contiguous, fast.
        flat = raw.reshape(n, side * side)
        extreme = flat[:, side:-side].copy()          # each pixel's max or min, below
        for grow in (True, False):
            rows = np.flatnonzero(amount > 0 if grow else amount < 0)
            if len(rows) == 0:
                continue
            group = flat[rows]
            maximum_or_minimum = np.maximum if grow else np.minimum
            most = maximum_or_minimum(group[:, side:-side], group[:, :-2 * side])
            for other in (group[:, 2 * side:], group[:, side - 1:-side - 1],
                          group[:, side + 1:-side + 1]):
                maximum_or_minimum(most, other, out=most)
            extreme[rows] = most
        centre = padded.reshape(n, side * side)[:, side:-side]
        change = _as_float(extreme)
        change -= centre
        change *= np.where(amount > 0, amount, -0.5 * amount)[:, None]
        centre += change
        padded[:, :, 0] = 0                  # the paper border stays paper
        padded[:, :, -1] = 0


def _as_float(pixels):
    """Pixels as float32 in [0, 1]: uint8 scaled by 1/255, floats as they are (not copied)."""
    if pixels.dtype == np.uint8:
        return np.multiply(pixels, 1 / 255, dtype=np.float32)
    return pixels
