"""Teach it your hand: drawings the person corrected, kept, and learnt from.

No Qt here.  When the app misreads a drawing and the person gives the right
digit, the drawing is kept as it was drawn, its strokes in canvas pixels with
their pen widths, with the label and the time: one JSON file per drawing
under ``<DIGITPAD_HOME or the platform data folder>/corrections``, written
atomically, and once: :func:`add` does not store again a drawing already kept as
the same digit, in this session or any before (:func:`find`).  :func:`list_all`,
:func:`delete` and :func:`export` manage the collection;
:func:`digitpad.correction_images.correction_images` draws it for training, many times
through the canvas' own preprocessing (varied pen widths, sizes and small distortions);
:func:`digitpad.learning.fine_tune` adapts a network to it.

A stored file is checked before it is used (:meth:`Correction.from_json`):
a label 0-9; at most :data:`MAX_STROKES` strokes and :data:`MAX_POINTS`
points, none empty; coordinates finite and within :data:`MAX_COORDINATE`;
pen widths from :data:`MIN_WIDTH` to :data:`MAX_WIDTH`.  A file that fails is
skipped and named (:func:`scan`), never the end of the others or of Learn;
and a drawing is rendered at most
:data:`digitpad.correction_images.RENDER_PIXELS` on its longer side,
so even one spanning 20,000 pixels costs what a small one does.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.model import files

from . import paths
# Drawing them as images is its own module; these names are corrections' too.
from .correction_images import (DRAWING_PHASE, RENDER_PIXELS, correction_images,  # noqa: F401
                                render)
from .store import check_not_shipped, write_json
from .strokes import DEFAULT_PEN_WIDTH, Stroke
from .words import count_of

FOLDER = "corrections"
VERSION = 1
# What a kept drawing may be; a file beyond these is damaged, not a drawing.
MAX_STROKES = 500
MAX_POINTS = 200_000            # in all its strokes (a long scribble has 20,000)
MAX_COORDINATE = 100_000.0      # canvas pixels, either way from the origin
MIN_WIDTH, MAX_WIDTH = 0.5, 200.0
MAX_FILE_BYTES = 16 << 20
# A time outside these (seconds since the epoch: 1970 to the year 3000) is no date: the
# drawing is kept, its date unknown (0).
MAX_TIME = 32_503_680_000.0
# Corrections read once are remembered by file (name, inode, size, time changed), up to
# this many points in all, so that counting them again after a keep reads one file.
CACHE_POINTS = 4_000_000


@dataclass
class Correction:
    """One corrected drawing: its strokes as drawn (canvas pixels), and the right digit."""
    strokes: list                   # [Stroke], oldest first
    label: int                      # the right digit
    time: float = 0.0               # seconds since the epoch
    canvas: tuple | None = None     # (width, height) of the canvas, if known
    id: str = ""                    # the file's stem; set when stored

    def __len__(self):
        """Its number of points, in all its strokes."""
        return sum(len(s.points) for s in self.strokes)

    def date(self, form="%d %b %Y %H:%M"):
        """When it was kept, as ``form`` writes it, or "date unknown"."""
        try:
            if self.time > 0:
                return time.strftime(form, time.localtime(self.time))
        except (OverflowError, OSError, ValueError):
            pass
        return "date unknown"

    @functools.cached_property
    def key(self):
        """:func:`drawing_key` of its strokes (worked out once: :func:`scan` keeps it)."""
        return drawing_key(self.strokes)

    @property
    def pen_width(self):
        """The width of the first drawing stroke."""
        drawn = [s.width for s in self.strokes if not s.erase]
        return drawn[0] if drawn else DEFAULT_PEN_WIDTH

    def to_json(self):
        return {"version": VERSION, "label": int(self.label), "time": float(self.time),
                "canvas": list(self.canvas) if self.canvas else None,
                "strokes": [{"points": s.array().round(2).tolist(), "width": float(s.width),
                             "erase": bool(s.erase)} for s in self.strokes]}

    @classmethod
    def from_json(cls, d, id=""):
        """A correction from its stored JSON; ValueError says what is wrong with it."""
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
        if d.get("version") != VERSION:
            raise ValueError(f"unknown corrections format {_short(d.get('version'))}")
        label = d.get("label")
        if type(label) is not int or not 0 <= label <= 9:
            raise ValueError(f"label {_short(label)} is not a digit")
        raw = d.get("strokes")
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise ValueError("'strokes' is not a list of strokes")
        if len(raw) > MAX_STROKES:
            raise ValueError(f"{len(raw):,} strokes, more than {MAX_STROKES}")
        strokes = [Stroke(_points(s.get("points")), s.get("width"), s.get("erase", False))
                   for s in raw]
        when, canvas = d.get("time"), d.get("canvas")
        if not _is_number(when):
            raise ValueError(f"time {_short(when)} is not a number")
        if not 0 <= when <= MAX_TIME:
            when = 0.0                          # no date anyone drew on: unknown
        if canvas is not None and not (isinstance(canvas, list) and len(canvas) == 2 and all(
                _is_number(v) and 0 < v <= MAX_COORDINATE for v in canvas)):
            raise ValueError(f"canvas {_short(canvas)} is not a width and a height")
        check(strokes)
        strokes = [Stroke(s.points, float(s.width), s.erase) for s in strokes]
        return cls(strokes, label, float(when), tuple(canvas) if canvas else None, id)


def check(strokes):
    """Raise ValueError unless these :class:`Stroke` objects make a drawing that may be
    kept (see the module's docstring): bounded, finite, none empty, one at least drawn."""
    if len(strokes) > MAX_STROKES:
        raise ValueError(f"{len(strokes):,} strokes, more than {MAX_STROKES}")
    if sum(len(s.points) for s in strokes) > MAX_POINTS:
        raise ValueError(f"more than {MAX_POINTS:,} points")
    for s in strokes:
        points = s.array()
        if len(points) == 0:
            raise ValueError("a stroke has no points")
        if not (np.isfinite(points).all() and np.abs(points).max() <= MAX_COORDINATE):
            raise ValueError("a point is not a number or lies beyond "
                             f"{MAX_COORDINATE:,.0f} pixels")
        if not (_is_number(s.width) and MIN_WIDTH <= s.width <= MAX_WIDTH):
            raise ValueError(f"pen width {_short(s.width)} is not from {MIN_WIDTH:g} to "
                             f"{MAX_WIDTH:g}")
        if not isinstance(s.erase, bool):
            raise ValueError("'erase' of a stroke is not true or false")
    if all(s.erase for s in strokes):
        raise ValueError("a correction needs at least one drawn stroke")


def _points(value):
    """A stroke's points as an ``(m, 2)`` float array; ValueError if they are not that."""
    try:
        points = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("a stroke's points are not pairs of numbers") from None
    if points.size == 0:
        raise ValueError("a stroke has no points")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError("a stroke's points are not pairs of numbers")
    return points


def _is_number(value):
    return type(value) in (int, float) and math.isfinite(value)


def _short(value):
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


def folder():
    """Where the corrections are kept (not created until one is added)."""
    return paths.data_dir() / FOLDER


def add(strokes, label, pen_width=DEFAULT_PEN_WIDTH, canvas=None, when=None, where=None):
    """Keep a corrected drawing; returns the stored :class:`Correction`.

    ``strokes``: the canvas' :class:`~digitpad.strokes.Stroke` objects, or point
    sequences drawn with ``pen_width``.  ``canvas``: its (width, height), optional.
    The same drawing already kept as the same digit (:func:`find`), in this session or
    any before, is not stored twice: the one kept is returned.
    """
    label = int(label)
    if not 0 <= label <= 9:
        raise ValueError(f"label must be a digit 0-9, got {label}")
    kept = []
    for s in strokes:
        s = s if isinstance(s, Stroke) else Stroke(s, pen_width)
        s = Stroke(s.array(), float(s.width), bool(s.erase))
        if len(s.points):
            kept.append(s)
    check(kept)
    same = [c for c in find(kept, where) if c.label == label]
    if same:
        return same[-1]
    c = Correction(kept, label, time.time() if when is None else when,
                   tuple(canvas) if canvas else None)
    c.id = f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(c.time))}-{label}-" \
           f"{uuid.uuid4().hex[:8]}"
    write_json(Path(where or folder()) / f"{c.id}.json", c.to_json())
    return c


def list_all(where=None):
    """Every stored correction, oldest first.  Damaged files are skipped (:func:`scan`)."""
    return scan(where)[0]


_read = {}   # folder -> {file name: ((inode, size, mtime_ns), Correction or (name, why), points)}


def scan(where=None):
    """``(corrections, damaged)``: every stored correction that reads well, oldest first,
    and ``(file name, reason)`` for each file that does not.

    A file read before and unchanged since (same inode, size and time of change) is
    not read again (up to :data:`CACHE_POINTS` points are remembered)."""
    base = Path(where or folder())
    try:
        with os.scandir(base) as found:
            entries = sorted((e for e in found if e.name.endswith(".json")),
                             key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        entries = []
    known = _read.setdefault(str(base), {})
    fresh = {}
    cached_points = 0
    out, damaged = [], []
    for entry in entries:
        try:
            info = entry.stat()
            identity = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            identity = None
        hit = known.get(entry.name)
        if identity is not None and hit is not None and hit[0] == identity:
            result, points = hit[1], hit[2]
        else:
            result = _read_one(base / entry.name)
            points = len(result) if isinstance(result, Correction) else 0
        if identity is not None and cached_points + points <= CACHE_POINTS:
            fresh[entry.name] = (identity, result, points)
            cached_points += points
        if isinstance(result, Correction):
            out.append(result)
        else:
            damaged.append(result)
    _read.clear()                   # one folder is remembered: what was deleted is forgotten
    _read[str(base)] = fresh
    out.sort(key=lambda c: (c.time, c.id))
    return out, damaged


def _read_one(path):
    """A stored file as a :class:`Correction`, or ``(file name, reason)`` if it is not one."""
    try:
        with files.open_regular(path, MAX_FILE_BYTES) as f:
            data = json.loads(f.read().decode("utf-8"))
        return Correction.from_json(data, path.stem)
    except OSError as e:
        return path.name, e.strerror or str(e)
    except RecursionError:
        return path.name, "nested too deeply"
    except ValueError as e:          # not JSON, not UTF-8, or not a drawing
        return path.name, str(e)


def describe_damaged(damaged):
    """One sentence naming the damaged files (at most three), or ""."""
    if not damaged:
        return ""
    named = "; ".join(f"{name} ({reason})" for name, reason in damaged[:3])
    more = f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""
    return f"{count_of(len(damaged), 'damaged correction file')} skipped: {named}{more}."


def delete(item, where=None):
    """Forget one correction (a :class:`Correction` or its id); True if it was there."""
    ident = item.id if isinstance(item, Correction) else str(item)
    if not ident or "/" in ident or "\\" in ident or ident.startswith("."):
        raise ValueError(f"not a correction id: {ident!r}")
    try:
        (Path(where or folder()) / f"{ident}.json").unlink()
        return True
    except FileNotFoundError:
        return False


def find(strokes, where=None):
    """The stored corrections of the same drawing as ``strokes`` (:func:`drawing_key`), oldest
    first.  A :func:`scan`: a file read before is not read again, nor its key worked out."""
    key = drawing_key(strokes)
    return [c for c in list_all(where) if c.key == key]


def drawing_key(strokes):
    """A digest of strokes' points (as a correction stores them: to 0.01 pixel), widths and
    erasing, empty strokes left out: the same for the same drawing, kept or not."""
    digest = hashlib.blake2b(digest_size=16)
    for s in strokes:
        points = s.array().round(2) + 0.0                # -0.0 is 0.0
        if len(points):
            digest.update(f"{float(s.width)!r} {bool(s.erase)} {len(points)};".encode())
            digest.update(points.tobytes())
    return digest.digest()


def export(path, corrections=None, where=None):
    """Write the collection to one ``.npz`` (readable with ``allow_pickle=False``).

    The layout is the pen digits' (``points``, ``stroke_offsets``,
    ``sample_offsets``, ``labels``) plus ``widths`` and ``erase`` per stroke
    and ``times`` per drawing.  Returns the number of drawings written.
    """
    check_not_shipped(path)
    items = list_all(where) if corrections is None else list(corrections)
    points, strokes, samples, widths, erase = [], [0], [0], [], []
    for c in items:
        for s in c.strokes:
            points.append(s.array().astype(np.float32))
            strokes.append(strokes[-1] + len(s.points))
            widths.append(s.width)
            erase.append(s.erase)
        samples.append(len(strokes) - 1)
    with files.atomic_write(path) as f:
        np.savez_compressed(
            f, points=np.concatenate(points) if points else np.zeros((0, 2), np.float32),
            stroke_offsets=np.array(strokes, np.int64), sample_offsets=np.array(samples, np.int64),
            labels=np.array([c.label for c in items], np.uint8),
            widths=np.array(widths, np.float32), erase=np.array(erase, bool),
            times=np.array([c.time for c in items], np.float64))
    return len(items)
