"""Real pen-written letters (UniPen 1b/1c): what a digit is not.  Qt-free.

22,001 isolated letters written on digitizing tablets by 100 writers at the
six sites of the pen digits (UniPen train_r01_v07, categories 1b and 1c,
CC BY 4.0: I. Guyon, L. Schomaker, R. Plamondon, M. Liberman, S. Janet,
"UNIPEN project of on-line data exchange and recognizer benchmarks",
ICPR 1994; Unipen Consortium, Zenodo, doi 10.5281/zenodo.1195803).  Only
the 28 letters few people write like a digit are in it (:data:`LETTERS`).
The network learns them as "not a digit" (label -1), drawn and prepared
exactly like the pen digits.

The samples are :class:`digitpad.pendigits.PenDigits` whose ``labels`` are
the letters (strings).  x is in the same units as y: at site aga the tablet's
x resolution differs, and :func:`load` scales x to y's.

Writers are split as the pen digits are, so that no one is on both sides:
:func:`is_heldout` holds out every writer of
:data:`digitpad.pendigits.HELDOUT_WRITERS` and, of the 15 writers who wrote
letters but no digits, :data:`HELDOUT_LETTER_ONLY` (the rule of
:func:`choose_heldout`: a quarter of them, by the SHA-256 of their id).
Only the training writers' letters ship, in
``digitpad/data/pen-letters-train.npz``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from . import pendigits
from .pendigits import PenDigits

SHIPPED = Path(__file__).with_name("data") / "pen-letters-train.npz"
SHARED_ENV = "DIGITPAD_PEN_LETTERS"          # overrides where the full set is read
LETTERS = "ACEFHKMNPRUVWXcdefhkmnpruvwx"
LETTER_ONLY_FRACTION = 0.25

# Chosen once by :func:`choose_heldout` from the writers of letters who wrote no
# digits; frozen so that the split never moves.
HELDOUT_LETTER_ONLY = frozenset({
    "apb:Jackie_Schrier", "apb:Lewis_Middaugh", "apb:Marjorie_Olson", "apb:Tom_Thornton",
})
HELDOUT_WRITERS = pendigits.HELDOUT_WRITERS | HELDOUT_LETTER_ONLY


def shared_path():
    """The full set: ``$DIGITPAD_PEN_LETTERS``, else ``../shared/pen-letters`` beside the
    checkout."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV])
    return (Path(__file__).resolve().parents[2] / "shared" / "pen-letters"
            / "unipen-letters-dev.npz")


def load(path=None):
    """Read letters from ``path`` (default: the training writers shipped in the package).

    The shared file's ``points_per_inch`` (when there) bring x to y's scale.
    """
    path = SHIPPED if path is None else Path(path)
    with np.load(path, allow_pickle=False) as d:
        points = d["points"].astype(np.float32)
        strokes, samples = d["stroke_offsets"].astype(np.int64), d["sample_offsets"]
        if "points_per_inch" in d:
            ppi = d["points_per_inch"].astype(np.float64)
            per_point = np.repeat(ppi[:, 1] / ppi[:, 0], np.diff(strokes[samples]))
            points[:, 0] *= per_point.astype(np.float32)
        return PenDigits(points, strokes, samples.astype(np.int64), d["letters"].astype(str),
                         d["writer"].astype(str), d["site"].astype(str))


def save(data, path):
    """Write letters in the shared file's layout (``letters`` for labels, x already in
    y's units)."""
    np.savez_compressed(path, points=data.points, stroke_offsets=data.stroke_offsets,
                        sample_offsets=data.sample_offsets, letters=data.labels,
                        labels=np.full(len(data), -1, np.int16), writer=data.writer,
                        site=data.site)


def is_heldout(writers):
    """Boolean mask: which of ``writers`` are held out (of the digits or the letters)."""
    return np.isin(np.asarray(writers, dtype=str), sorted(HELDOUT_WRITERS))


def load_heldout(path=None):
    """The held-out writers' letters, from the full set (default :func:`shared_path`)."""
    return pendigits.by_writers(load(shared_path() if path is None else path), is_heldout)


def load_training(path=None):
    """The training writers' letters: the shipped copy, or filtered from a full set."""
    return pendigits.by_writers(load(path), is_heldout, held_out=False)


def choose_heldout(letter_writers, letter_sites, digit_writers,
                   fraction=LETTER_ONLY_FRACTION):
    """The rule that made :data:`HELDOUT_LETTER_ONLY`: of the writers who wrote no digits,
    per site, the ``fraction`` whose SHA-256 of the id sorts first
    (:func:`digitpad.pendigits.choose_heldout`)."""
    digit_writers = set(map(str, digit_writers))
    only = [(w, s) for w, s in zip(map(str, letter_writers), map(str, letter_sites))
            if w not in digit_writers]
    return pendigits.choose_heldout([w for w, _ in only], [s for _, s in only], fraction)


def training_images(rng, copies=2, path=None, should_stop=None, progress=None, transform=None):
    """The training writers' letters, ``copies`` renderings each, as 28x28 uint8 and -1s
    (``should_stop``, ``progress`` and ``transform`` as for :func:`pendigits.to_images`)."""
    data = load_training(path)
    images, _ = pendigits.to_images(data, rng, copies, should_stop, progress, transform)
    return images, np.full(len(images), -1, dtype=np.int64)
