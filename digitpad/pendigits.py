"""Real pen-written digits (UniPen 1a): load them, split by writer, draw them.

No Qt here.  The data are 8,792 isolated digits written on digitizing
tablets by 95 writers at six sites (UniPen train_r01_v07, category 1a,
CC BY 4.0: I. Guyon, L. Schomaker, R. Plamondon, M. Liberman, S. Janet,
"UNIPEN project of on-line data exchange and recognizer benchmarks",
ICPR 1994; Unipen Consortium, Zenodo, doi 10.5281/zenodo.1195803).

A sample is a list of strokes, each an ``(m, 2)`` float array of ``(x, y)``
points with y pointing down, in the order they were written.

Writers, not samples, are the unit of generalisation, so the data are split
by writer: :data:`HELDOUT_WRITERS` (22 of the 95, about a quarter of each
site) are never used for training.  Only the other writers' samples ship
inside the package (``digitpad/data/pen-digits-train.npz``, used by
:func:`training_images` and by Retrain in the app); the held-out writers are
read from the shared copy of the full set (:func:`shared_path`) by the
benchmark and the tests.

:func:`render` draws strokes the way the canvas does (antialiased,
round-capped lines of a given pen width); :func:`fit_to_canvas` scales and
places a sample on a canvas; :func:`training_images` and
:func:`heldout_images` turn samples into 28x28 network inputs through
:func:`digitpad.preprocess.to_mnist`, the canvas' own preprocessing.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.model.stopping import Stopped

from . import preprocess
from .strokes import Stroke, render as render_strokes

SHIPPED = Path(__file__).with_name("data") / "pen-digits-train.npz"
SHARED_ENV = "DIGITPAD_PEN_DIGITS"          # overrides where the full set is read
SITES = ("aga", "apa", "apb", "app", "art", "syn")

# Chosen once by :func:`choose_heldout`: per site, the writers whose SHA-256
# of the id sorts first, round(23%) of them (at least one).  Frozen here so
# that the split never moves, whatever the data's order.
HELDOUT_WRITERS = frozenset({
    "aga:greghunt", "aga:lzbthwht", "aga:nikkshmn",
    "apa:BillRivard", "apa:BobStrong",
    "apb:Bill_Cleveland", "apb:Cyndi_Iwata", "apb:Dennis_Farnden", "apb:Fern_Anderson",
    "apb:Graig_Murphy", "apb:Irene_Castro", "apb:Kevin_Lape", "apb:Patricia_Peek",
    "apb:Todd_Sachs",
    "app:ChrisWilliams", "app:DeanBlackketter", "app:KristynLagae",
    "art:writer03",
    "syn:pm", "syn:sjb-dig20", "syn:zc", "syn:zor-dig22",
})
HELDOUT_FRACTION = 0.23

# How training copies are drawn: pen width as a fraction of the digit's
# longer side, and the digit's longer side on the canvas in pixels.  A
# canvas of 300-500 px with the digit over 40-80% of it and pens of
# 4-30 px give about these ranges.
PEN_FRACTION = (0.025, 0.20)
DIGIT_PIXELS = (60, 200)
CHECK_EVERY = 20        # drawings between two stop checks (about 0.1 s)


@dataclass
class PenDigits:
    """Samples in the npz layout of ``../shared/pen-digits/README.md``."""

    points: np.ndarray          # (P, 2) float32
    stroke_offsets: np.ndarray  # (S + 1,) int64
    sample_offsets: np.ndarray  # (N + 1,) int64
    labels: np.ndarray          # (N,) uint8 digits (str letters: digitpad.letters)
    writer: np.ndarray          # (N,) str
    site: np.ndarray            # (N,) str

    def __len__(self):
        return len(self.labels)

    def strokes(self, i):
        """Sample ``i`` as a list of ``(m, 2)`` float32 arrays."""
        so, sa = self.stroke_offsets, self.sample_offsets
        return [self.points[so[k]:so[k + 1]] for k in range(sa[i], sa[i + 1])]

    def subset(self, keep):
        """The samples where the boolean mask (or index array) ``keep`` holds."""
        index = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep)
        points, strokes, samples = [], [0], [0]
        for i in index:
            for s in self.strokes(i):
                points.append(s)
                strokes.append(strokes[-1] + len(s))
            samples.append(len(strokes) - 1)
        points = np.concatenate(points) if points else np.zeros((0, 2), np.float32)
        return PenDigits(points.astype(np.float32), np.array(strokes, np.int64),
                         np.array(samples, np.int64), self.labels[index],
                         self.writer[index], self.site[index])

    def save(self, path):
        """Write the npz layout (readable with ``allow_pickle=False``)."""
        np.savez_compressed(path, points=self.points, stroke_offsets=self.stroke_offsets,
                            sample_offsets=self.sample_offsets, labels=self.labels,
                            writer=self.writer, site=self.site)


def shared_path():
    """The full set: ``$DIGITPAD_PEN_DIGITS``, else ``../shared/pen-digits`` beside the checkout."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV])
    return Path(__file__).resolve().parents[2] / "shared" / "pen-digits" / "unipen-1a-dev.npz"


def load(path=None):
    """Read samples from ``path`` (default: the training writers shipped in the package)."""
    path = SHIPPED if path is None else Path(path)
    with np.load(path, allow_pickle=False) as d:
        return PenDigits(d["points"].astype(np.float32), d["stroke_offsets"].astype(np.int64),
                         d["sample_offsets"].astype(np.int64), d["labels"].astype(np.uint8),
                         d["writer"].astype(str), d["site"].astype(str))


def is_heldout(writers):
    """Boolean mask: which of ``writers`` belong to the held-out writers."""
    return np.isin(np.asarray(writers, dtype=str), sorted(HELDOUT_WRITERS))


def by_writers(data, is_heldout, held_out=True):
    """The samples of ``data`` by held-out writers (``is_heldout(writers)`` says which), or
    with ``held_out`` false by the others: one rule for the digits and the letters."""
    mask = is_heldout(data.writer)
    return data.subset(mask if held_out else ~mask)


def load_heldout(path=None):
    """The held-out writers' samples, from the full set (default :func:`shared_path`)."""
    return by_writers(load(shared_path() if path is None else path), is_heldout)


def load_training(path=None):
    """The training writers' samples: the shipped copy, or filtered from a full set."""
    return by_writers(load(path), is_heldout, held_out=False)


def choose_heldout(writers, sites, fraction=HELDOUT_FRACTION):
    """The rule that made :data:`HELDOUT_WRITERS`: per site, a hash-ordered share of writers."""
    by_site = {}
    for w, s in zip(map(str, writers), map(str, sites)):
        by_site.setdefault(s, set()).add(w)
    chosen = set()
    for site, names in by_site.items():
        ranked = sorted(names, key=lambda w: hashlib.sha256(w.encode()).hexdigest())
        chosen.update(ranked[:max(1, round(fraction * len(ranked)))])
    return frozenset(chosen)


# --- drawing -------------------------------------------------------------------------

def bounds(strokes):
    """``(x0, y0, x1, y1)`` of all points of ``strokes``."""
    pts = np.concatenate(strokes)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def fit_to_canvas(strokes, width, height, rng, span=(0.4, 0.8), margin=0.0, unit=False):
    """Scale a sample so its longer side spans a random ``span`` of the canvas' shorter
    side, keep its aspect, and put it at a random place inside the canvas.

    ``margin`` (pixels, e.g. half the pen width) keeps the ink off the edges.
    With ``unit``, the strokes are in a unit box and keep their own size in
    it (a dot stays a dot): the box, not the ink, spans ``span``.
    Returns new stroke arrays in canvas pixels (float64).
    """
    x0, y0, x1, y1 = bounds(strokes)
    longer = 1.0 if unit else max(x1 - x0, y1 - y0, 1e-6)
    scale = rng.uniform(*span) * min(width, height) / longer
    w, h = (x1 - x0) * scale, (y1 - y0) * scale
    left = rng.uniform(margin, max(margin, width - margin - w))
    top = rng.uniform(margin, max(margin, height - margin - h))
    return [(np.asarray(s, np.float64) - (x0, y0)) * scale + (left, top) for s in strokes]


def render(strokes, pen_width, size, supersample=4):
    """Point arrays drawn with one pen of ``pen_width`` pixels: :func:`digitpad.strokes.render`."""
    return render_strokes([Stroke(s, pen_width) for s in strokes], size, supersample)


def draw_sample(strokes, rng, pen_fraction=PEN_FRACTION, digit_pixels=DIGIT_PIXELS,
                supersample=2, pen_width=None, unit=False):
    """One random rendering of a sample as an ink image, cropped near the ink.

    The longer side gets a random size in ``digit_pixels``, the pen a random
    width in ``pen_fraction`` of it (log-uniform; or exactly ``pen_width`` pixels
    when given), at a random sub-pixel place.
    Only the ink's neighbourhood is drawn: :func:`~digitpad.preprocess.to_mnist`
    crops to the ink anyway, so the rest of a canvas would change nothing.
    With ``unit``, strokes are in a unit box that gets the random size, so a
    small mark (a dot) stays small next to the pen.
    """
    x0, y0, x1, y1 = bounds(strokes)
    longer = 1.0 if unit else max(x1 - x0, y1 - y0, 1e-6)
    size = rng.uniform(*digit_pixels)
    if pen_width is None:
        pen = size * np.exp(rng.uniform(*np.log(pen_fraction)))
    else:
        pen = float(pen_width)
    scale = size / longer
    pad = pen / 2 + 2
    offset = pad + rng.uniform(0, 1, 2)
    placed = [(np.asarray(s, np.float64) - (x0, y0)) * scale + offset for s in strokes]
    w = int(np.ceil((x1 - x0) * scale + 2 * pad + 1))
    h = int(np.ceil((y1 - y0) * scale + 2 * pad + 1))
    return render(placed, pen, (w, h), supersample)


def to_images(data, rng, copies=1, should_stop=None, progress=None, transform=None,
              **draw_options):
    """Every sample of ``data``, ``copies`` times drawn differently, as 28x28 uint8.

    Returns ``(images (n * copies, 28, 28) uint8, labels (n * copies,))``: labels
    int64 for digits, else as ``data`` has them (letters).  ``transform(strokes,
    label, rng)``, when given, changes each sample's strokes before it is drawn
    (:class:`digitpad.styles.Styler`).  ``should_stop()``, when given, is asked
    every :data:`CHECK_EVERY` drawings (tens of milliseconds); when it says yes,
    :class:`digitpad.model.stopping.Stopped` is raised.  ``progress(done, total)`` is
    told as often.
    """
    n = len(data)
    images = np.zeros((n * copies, 28, 28), dtype=np.uint8)
    kept = np.zeros(n * copies, dtype=np.int64)
    k = 0
    for j in range(n * copies):
        i = j % n
        if j % CHECK_EVERY == 0:
            if should_stop is not None and should_stop():
                raise Stopped("stopped while drawing the pen samples")
            if progress is not None:
                progress(j, n * copies)
        strokes = data.strokes(i)
        if transform is not None:
            strokes = transform(strokes, data.labels[i], rng)
        image = preprocess.to_mnist(draw_sample(strokes, rng, **draw_options))
        if image is not None:
            images[k] = preprocess.to_uint8(image)
            kept[k] = i
            k += 1
    if progress is not None:
        progress(n * copies, n * copies)
    labels = np.asarray(data.labels)[kept[:k]]
    if labels.dtype.kind in "iu":
        labels = labels.astype(np.int64)
    return images[:k], labels


def training_images(rng, copies=4, path=None, should_stop=None, progress=None,
                    transform=None, **draw_options):
    """The training writers' digits (shipped copy by default), ``copies`` renderings each,
    restyled by ``transform`` (see :func:`to_images`)."""
    return to_images(load_training(path), rng, copies, should_stop, progress, transform,
                     **draw_options)


def heldout_images(path=None, rng=None, copies=1, **draw_options):
    """The held-out writers' digits, rendered offline (no Qt): a quick estimate of the bench.

    Returns ``(images uint8 (n, 28, 28), labels int64)``.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    return to_images(load_heldout(path), rng, copies, **draw_options)
