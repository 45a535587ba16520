"""From a drawing to the 28x28 image the network reads, the way MNIST was made.

No Qt here: the canvas and the command line both come through this module.
A drawing arrives as an ink image, a float array ``(H, W)`` with ink 1 and
paper 0.  :func:`to_mnist` then follows LeCun et al.: crop to the ink's
bounding box, scale the longer side to 20 pixels keeping the aspect ratio
(antialiased), and place the result in a 28x28 field so that its centre of
mass sits at the centre.

One step is added: **stroke-width normalisation**.  MNIST's strokes are
about 0.13 of the digit's longer side wide; a canvas pen is whatever width
the person chose, and a digit drawn small with a thick pen is a blob while a
big one drawn with a thin pen is a hairline.  So before shrinking to 20
pixels the crop is brought to a working size (:data:`WORK` pixels), its
stroke width is estimated (twice the ink area over the boundary length) and
it is grown (grey dilation) or thinned (grey erosion) until the width is
MNIST's.  Thin and thick pens, small and big drawings, then give nearly the
same 28x28 image.  :func:`prepare` also returns the measurements the reader
uses to decline non-digits (a lone dot, two digits side by side, marks
inside a ring).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1     # an ink image value above this counts as ink
WORK = 64               # longer side of the crop while its strokes are normalised
STROKE = 0.13           # target stroke width, a fraction of the longer side (MNIST's median)
COARSE = 32             # longer side at which groups of ink are found
_any_of = np.logical_or.reduce      # x.any(axis=k) without NumPy's Python function around it


@dataclass(frozen=True)
class Prepared:
    """The network's input and what was measured on the way."""
    image: np.ndarray       # (28, 28) float32, ink 1, paper 0
    stroke: float           # stroke width before normalising, a fraction of the longer side
    width: int              # the ink's bounding box on the drawing, pixels
    height: int
    parts: int              # groups of ink side by side (1 for a digit, 2 for "42")
    nested: bool            # a separate mark inside another one's outline (a dot in a ring)


def to_mnist(ink, normalise=True):
    """``(H, W)`` ink image (ink 1, paper 0) -> ``(28, 28)`` float32, or None if blank."""
    normalised = _normalised(ink, normalise)
    return None if normalised is None else _to_field(normalised[0])


def prepare(ink, normalise=True):
    """Like :func:`to_mnist` but returns a :class:`Prepared` (or None if blank)."""
    normalised = _normalised(ink, normalise)
    if normalised is None:
        return None
    work, stroke, (height, width) = normalised
    parts, nested = arrangement(components(_resize_longer(work, COARSE)))
    return Prepared(_to_field(work), float(stroke), width, height, parts, nested)


def _normalised(ink, normalise):
    """``(work, stroke, (height, width))``: the ink cropped, at the working size, its
    strokes normalised; its stroke width before; the crop's size.  None if blank."""
    crop = crop_to_ink(ink)
    if crop is None:
        return None
    work = _padded(_resize_longer(crop, WORK), WORK // 4)
    stroke = stroke_width(work) / WORK
    if normalise:
        best = _best_stroke_width(work, stroke * WORK, STROKE)
        if best is not None:
            work = best.array           # around it is paper, which the crop cuts anyway
    work = crop_to_ink(work)
    if work is None:        # faint ink that did not survive
        return None
    return work, stroke, crop.shape


def _to_field(work):
    """The 28x28 field: ``work`` scaled into a 20-pixel box, centred by its mass."""
    small = np.maximum(_resize_longer(work, BOX, Image.BOX), 0)     # np.clip(..., 0, 1)
    np.minimum(small, 1, out=small)
    return _centre_of_mass(small)


def crop_to_ink(ink):
    """The smallest rectangle holding every pixel above :data:`INK_THRESHOLD`, or None."""
    ink = np.asarray(ink, dtype=np.float32)
    mask = ink > INK_THRESHOLD
    if mask.size and mask[0].any() and mask[-1].any() and mask[:, 0].any() and mask[:, -1].any():
        return ink                      # ink on every edge: cropped already
    rows = _any_of(mask, axis=1).nonzero()[0]
    if rows.size == 0:
        return None
    cols = _any_of(mask[rows[0]:rows[-1] + 1], axis=0).nonzero()[0]
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _resize_longer(image, longer, resample=None):
    """Scale so the longer side is ``longer`` pixels, aspect kept, antialiased.

    Shrinking averages boxes of pixels; enlarging interpolates bilinearly.
    """
    h, w = image.shape
    factor = longer / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    if resample is None:
        resample = Image.BOX if factor <= 1 else Image.BILINEAR
    # In and out of Pillow as they are (fromarray and asarray wrap the same in more Python).
    image = np.ascontiguousarray(image, dtype=np.float32)
    out = Image.frombuffer("F", (w, h), image, "raw", "F", 0, 1).resize(size, resample)
    return np.frombuffer(out.tobytes(), dtype=np.float32).reshape(size[1], size[0])


def stroke_width(image):
    """Estimated stroke width in pixels: ink area over half the boundary length.

    A stroke of width w and length L covers about w*L pixels and has about
    2*L boundary pixels, whatever its shape.  Ink is the image above 0.5.
    """
    ink = image > 0.5
    area = int(np.count_nonzero(ink))
    if area == 0:
        return 0.0
    p = _padded(ink)
    inner = p[:-2, 1:-1] & p[2:, 1:-1]          # ink whose four neighbours are ink
    inner &= p[1:-1, :-2]
    inner &= p[1:-1, 2:]
    inner &= ink
    boundary = area - int(np.count_nonzero(inner))
    return 2.0 * area / max(boundary, 1)


def set_stroke_width(image, width, target=STROKE, rounds=3):
    """Grow or thin the strokes of ``image`` so they are ``target`` of its longer side.

    ``width`` is the present stroke width in pixels.  Growing by r on each
    side also makes the digit 2r longer, so a first radius solves
    ``(width + 2r) = target * (longer + 2r)``.  Neither the width estimate
    nor the octagonal disc is exact, so the radius is then refined by the
    secant method on what the results measure (``rounds`` more passes at
    most).  Thinning never takes a stroke below 2 pixels, and growing stops at
    half the image's longer side (beyond it the ink fills the image anyway), so
    a read costs a few milliseconds even when the secant step overshoots, as it
    does for a dot, whose stroke width is its size whatever the radius.
    """
    best = _best_stroke_width(image, width, target, rounds)
    return image if best is None else best.whole(image.shape)


def _best_stroke_width(image, width, target, rounds=3):
    """The search of :func:`set_stroke_width`: the best dilation or erosion of ``image``
    found (a :class:`_Part`), or None when none is better than ``image`` itself."""
    if width <= 0:
        return None

    def error(w, out):
        return w / max(_ink_extent(out), 1) - target

    lowest, highest = -max(width - 2, 0) / 2, max(image.shape) / 2

    def bounded(radius):
        return min(max(radius, lowest), highest)

    morphology = _Morphology(image)
    extent = _ink_extent(morphology.steps[True][0].array)
    r0, e0 = 0.0, width / max(extent, 1) - target
    r1 = bounded((target * extent - width) / (2 * (1 - target)))
    best, best_error = None, e0
    for _ in range(rounds + 1):
        if abs(r1) < 0.2 and r0 == 0:
            break
        out = morphology(abs(r1), grow=r1 > 0)
        w = stroke_width(out.array)
        if w <= 0:
            break
        e1 = error(w, out.array)
        if abs(e1) < abs(best_error):
            best, best_error = out, e1
        if abs(e1) < 0.005 or e1 == e0:
            break
        r0, e0, r1 = r1, e1, bounded(r1 - e1 * (r1 - r0) / (e1 - e0))
    return best


def _ink_extent(image):
    ink = image > INK_THRESHOLD
    rows = _any_of(ink, axis=1).nonzero()[0]
    if rows.size == 0:
        return 0
    cols = _any_of(ink[rows[0]:rows[-1] + 1], axis=0).nonzero()[0]
    return max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1


@dataclass(frozen=True)
class _Part:
    """``array`` is the part of a larger image at (``top``, ``left``); the rest is paper."""
    array: np.ndarray
    top: int
    left: int

    def whole(self, shape):
        out = np.zeros(shape, dtype=self.array.dtype)
        h, w = self.array.shape
        out[self.top:self.top + h, self.left:self.left + w] = self.array
        return out


class _Morphology:
    """Grey dilations and erosions of one image by discs of any radius (:meth:`__call__`).

    The secant search of :func:`set_stroke_width` asks for several radii of the
    same image; each is a number of whole 3x3 steps and a blend with one
    more, so the steps are made once, in order, and kept.  Ink is never
    negative, so paper stays paper outside the ink's bounding box grown by one
    pixel per dilation step (an erosion only shrinks it): every step works on
    that part of the image only, clipped to the image's own border, which counts
    as paper.  The result is that of the steps on the whole image, pixel for
    pixel.
    """

    def __init__(self, image):
        self.shape = image.shape
        rows = _any_of(image, axis=1).nonzero()[0]
        cols = _any_of(image, axis=0).nonzero()[0]
        if rows.size == 0:
            rows = cols = np.zeros(1, dtype=np.intp)
        self.box = (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)
        first = _Part(image[self.box[0]:self.box[1], self.box[2]:self.box[3]],
                      self.box[0], self.box[2])
        self.steps = {True: [first], False: [first]}

    def __call__(self, radius, grow):
        """Dilation (``grow``) or erosion by a disc of ``radius``: a :class:`_Part`.

        Alternating 3x3 crosses and squares make an octagon close to a disc;
        the fractional part of the radius blends the last two steps.
        """
        steps = int(np.floor(radius))
        frac = radius - steps
        out = self.step(steps, grow)
        if frac > 0:
            nxt = self.step(steps + 1, grow)
            a = self.within(out, nxt)
            out = _Part(a + frac * (nxt.array - a), nxt.top, nxt.left)
        return out

    def step(self, k, grow):
        """The image after ``k`` whole steps."""
        made = self.steps[grow]
        while len(made) <= k:
            last = made[-1]
            square = (len(made) - 1) % 2 == 1
            if not grow:                        # an erosion stays inside the ink's box
                made.append(_Part(_step(last.array, np.minimum, square), last.top, last.left))
                continue
            # The ink reaches one pixel further: the step is taken over the last one's
            # frame grown by a pixel a side, then cut to the image.
            h, w = last.array.shape
            out = _step(last.array, np.maximum, square, grow=True)
            top, left = max(last.top - 1, 0), max(last.left - 1, 0)
            bottom = min(last.top + h + 1, self.shape[0])
            right = min(last.left + w + 1, self.shape[1])
            y, x = top - last.top + 1, left - last.left + 1
            made.append(_Part(out[y:y + bottom - top, x:x + right - left], top, left))
        return made[k]

    @staticmethod
    def within(part, frame, shape=None):
        """``part``'s pixels in the (larger or equal) rectangle of ``frame``."""
        h, w = frame.array.shape if shape is None else shape
        if (part.top, part.left) == (frame.top, frame.left) and part.array.shape == (h, w):
            return part.array
        out = np.zeros((h, w), dtype=part.array.dtype)
        ph, pw = part.array.shape
        y, x = part.top - frame.top, part.left - frame.left
        out[y:y + ph, x:x + pw] = part.array
        return out


def _step(x, op, square, grow=False):
    """One 3x3 (cross or square) max/min filter; the border counts as paper.  With
    ``grow``, the pixels one beyond each edge of ``x`` too (its shape plus 2 each way)."""
    p = _padded(x, 2 if grow else 1)
    if square:                          # a square is a column of 3, then a row of 3
        column = op(p[:-2], p[1:-1])
        op(column, p[2:], out=column)
        out = op(column[:, :-2], column[:, 1:-1])
        op(out, column[:, 2:], out=out)
        return out
    out = op(p[1:-1, 1:-1], p[:-2, 1:-1])
    op(out, p[2:, 1:-1], out=out)
    op(out, p[1:-1, :-2], out=out)
    op(out, p[1:-1, 2:], out=out)
    return out


def _padded(x, border=1):
    """``x`` with a border of paper (``np.pad(x, border)``, without its overhead: this
    runs many times per drawing read)."""
    p = np.zeros((x.shape[0] + 2 * border, x.shape[1] + 2 * border), dtype=x.dtype)
    p[border:-border, border:-border] = x
    return p


def components(image, threshold=0.5):
    """8-connected groups of ink (above ``threshold``): a list of (area, x0, y0, x1, y1).

    Found from the runs of ink in each row, joined with a union-find to the
    runs they touch in the row above (diagonals included).
    """
    mask = np.asarray(image) > threshold
    parent = []

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Every run of ink, row by row: where a row steps up from paper and back down.
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    stops = np.nonzero(steps == -1)[1]                      # ink at [start, stop)
    runs = list(zip(rows.tolist(), starts.tolist(), stops.tolist()))
    above, here, row = [], [], -1
    for k, (y, start, stop) in enumerate(runs):
        if y != row:
            above, here, row = (here if y == row + 1 else []), [], y
        parent.append(k)
        for s0, s1, other in above:
            if s0 <= stop and s1 >= start:
                a, b = root(k), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        here.append((start, stop, k))
    # Each group's area and box, in the order of its first run (its root).
    groups = {}
    for k, (y, start, stop) in enumerate(runs):
        group = groups.get(root(k))
        if group is None:
            groups[root(k)] = [stop - start, start, y, stop - 1, y]
        else:
            group[0] += stop - start
            group[1] = min(group[1], start)
            group[3] = max(group[3], stop - 1)
            group[4] = y                    # runs come row by row
    return [tuple(group) for group in groups.values()]


def arrangement(groups, significant=0.1, overlap=0.25):
    """How the groups of ink sit: ``(parts side by side, nested)``.

    Groups of at least ``significant`` of the ink whose horizontal extents
    overlap by less than ``overlap`` of the narrower one stand side by side,
    like the digits of a number; the flag of a 5 or the bar of a 7 sits over
    the rest and does not count.  ``nested``: a group lies wholly inside the
    outline of another, like a dot in a ring or the eyes of a smiley.
    """
    total = sum(g[0] for g in groups) or 1
    big = sorted((g for g in groups if g[0] >= significant * total),
                 key=lambda g: g[1] + g[3])
    parts = 1 if big else 0
    for a, b in zip(big, big[1:]):
        shared = min(a[3], b[3]) - max(a[1], b[1]) + 1
        narrow = min(a[3] - a[1], b[3] - b[1]) + 1
        parts += shared < overlap * narrow
    nested = any(a[0] < b[0] and b[1] < a[1] and a[3] < b[3] and b[2] < a[2] and a[4] < b[4]
                 for a in groups for b in groups)
    return parts, nested


def _centre_of_mass(small):
    """Paste ``small`` into 28x28 with its centre of mass at (13.5, 13.5), rounded."""
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    h, w = small.shape
    total = small.sum()
    ys, xs = np.arange(h)[:, None], np.arange(w)       # np.indices(small.shape), broadcast
    cy = (ys * small).sum() / total if total > 0 else (h - 1) / 2
    cx = (xs * small).sum() / total if total > 0 else (w - 1) / 2
    top = int(round((SIZE - 1) / 2 - cy))
    left = int(round((SIZE - 1) / 2 - cx))
    top = min(max(top, 0), SIZE - h)
    left = min(max(left, 0), SIZE - w)
    out[top:top + h, left:left + w] = small
    return out


def to_uint8(image):
    """A 28x28 float image (ink 1) as uint8 (ink 255), the way MNIST's images are stored."""
    return np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
