"""What a network learns from: MNIST, plus drawings made the way the canvas makes them.

Qt-free; used by ``digitpad train`` and by Retrain in the window alike, so a
model retrained in the app learns what the shipped one learned.

* MNIST's 60,000 training images;
* ``pen_copies`` renderings of each of the 6,815 pen-written digits that ship
  with digitpad (UniPen, training writers only), drawn with random pen widths
  and sizes and brought to 28x28 by the canvas' own preprocessing;
* ``letter_copies`` renderings of each of the 16,784 pen-written letters of
  the training writers that ship with digitpad (:mod:`digitpad.letters`),
  labelled -1;
* ``not_digits`` generated drawings that are no digit (scribbles, letters,
  shapes, two digits side by side), labelled -1: the network learns to spread
  its probabilities over them, which is how the app knows to say "not sure".

``styles``, a :class:`digitpad.styles.Styler`, restyles the pen digits and
letters before they are drawn (slashed zeros, flagged ones, crossed sevens,
slant); None draws them as written.

Drawing takes minutes (a few milliseconds a drawing), so what is drawn is
cached on disk (:func:`cached`), keyed by everything that made it: the
counts, the seed, and the code and data that draw it.  A second run with the
same recipe reads it back in a fraction of a second.

Every phase reports ``progress(phase, done, total)`` and asks ``should_stop()``
every :data:`CHECK_EVERY` drawings (about a tenth of a second apart).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from digitpad.model.files import atomic_write, open_regular, remove_stale
from digitpad.model.stopping import Stopped

from . import paths

CHUNK = 250          # non-digits drawn at a time (the random stream depends on it)
CHECK_EVERY = 20     # drawings between two stop checks and progress reports
KEEP = 8             # cached sets kept (the oldest go first)
PEN_PHASE = "Drawing the pen digits"
LETTER_PHASE = "Drawing the pen letters"
NON_DIGIT_PHASE = "Drawing the non-digits"


# Whether the letters may be drawn in a second process while this one draws the pen
# digits and the non-digits.  Each set has its own random stream, so the drawings
# are the same either way.  Code that replaces this process' loaders (as
# bench/recipe_search.py does) turns it off: a new process would not see them.
LETTERS_ALONGSIDE = True


def training_set(mnist, pen_copies=0, not_digits=0, seed=0, limit=None, should_stop=None,
                 progress=None, letter_copies=0, styles=None, letters_file=None):
    """``(images uint8 (n, 28, 28), labels int64)``: MNIST's training set and the drawings.

    ``limit`` keeps only the first MNIST images (for quick runs and tests).
    ``should_stop()`` is asked while drawing; a yes raises Stopped.
    ``letters_file``: the letters to draw (default: the shipped training writers').
    With two cores or more, the letters are drawn by a second process at the same
    time as the rest (:class:`Alongside`).
    """
    helper = None
    if (letter_copies and (pen_copies or not_digits) and LETTERS_ALONGSIDE
            and (os.cpu_count() or 1) > 1
            and not _cache_path(*_letters_entry(letter_copies, seed, styles,
                                                letters_file)).exists()):
        helper = Alongside(letter_copies, seed, styles, letters_file)
    try:
        images = [mnist.train_images[:limit]]
        labels = [mnist.train_labels[:limit].astype(np.int64)]
        if pen_copies:
            pen_images, pen_labels = pen_digits(pen_copies, seed, should_stop, progress, styles)
            images.append(pen_images)
            labels.append(pen_labels)
        drawn = non_digits(not_digits, seed, should_stop, progress) if not_digits else None
        if letter_copies:
            if helper is not None:
                helper.wait(should_stop, progress)
            letter_images, letter_labels = pen_letters(letter_copies, seed, should_stop,
                                                       progress, styles, letters_file)
            images.append(letter_images)
            labels.append(letter_labels)
        if not_digits:
            images.append(drawn)
            labels.append(np.full(not_digits, -1, dtype=np.int64))
    finally:
        if helper is not None:
            helper.stop()
    return np.concatenate(images), np.concatenate(labels)


class Alongside:
    """:func:`pen_letters` in a second process, which leaves its drawings in the cache.

    Started with ``spawn`` (a fresh interpreter: safe beside Qt's threads);
    :meth:`wait` reports its progress and honours a stop; :meth:`stop` ends it.
    When it fails, or the cache cannot be written, the letters are simply drawn
    again here: the helper can cost time, never the run.
    """

    def __init__(self, copies, seed, styles, letters_file=None):
        import multiprocessing
        context = multiprocessing.get_context("spawn")
        self.done = context.Value("q", 0, lock=False)
        self.total = context.Value("q", 0, lock=False)
        self.process = context.Process(
            target=_letters_into_cache, name="digitpad: drawing the pen letters", daemon=True,
            args=(copies, seed, styles, letters_file, self.done, self.total))
        self.process.start()

    def wait(self, should_stop=None, progress=None):
        """Until the process ends, telling ``progress`` how far it is."""
        report = _phase(progress, LETTER_PHASE)
        while self.process.is_alive():
            if should_stop is not None and should_stop():
                raise Stopped("stopped while drawing the pen letters")
            if self.total.value:
                report(self.done.value, self.total.value)
            self.process.join(0.1)

    def stop(self):
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(1)


def _letters_into_cache(copies, seed, styles, letters_file, done, total):
    """The second process' work (:class:`Alongside`); it has this one's environment,
    so the same cache folder.  Ctrl-C is the first process' to handle: it ends this one.
    When the first process is gone without ending it (killed), it stops drawing."""
    import multiprocessing

    from .signals import leave_interrupts_to_parent
    leave_interrupts_to_parent()
    parent = multiprocessing.parent_process()

    def progress(phase, drawn, count):
        done.value, total.value = drawn, count
    try:
        pen_letters(copies, seed, should_stop=lambda: not parent.is_alive(),
                    progress=progress, styles=styles, letters_file=letters_file)
    except Stopped:
        pass                                # no one is waiting for the letters


def styler(styles=False, slant=0.0):
    """The :class:`~digitpad.styles.Styler` of ``digitpad train --styles --slant S``, or None
    when it would change nothing."""
    from .styles import Styler
    if not styles and not slant:
        return None
    return Styler(shear=slant) if styles else Styler(slash0=0, flag1=0, cross7=0, shear=slant)


def _styles_key(styles):
    return None if styles is None else dataclasses.asdict(styles)


def pen_digits(copies, seed=0, should_stop=None, progress=None, styles=None):
    """The shipped pen digits, each drawn ``copies`` times (restyled by ``styles``):
    (images, labels); cached."""
    from . import pendigits, styles as styles_module

    def draw():
        images, labels = pendigits.training_images(
            np.random.default_rng([seed, 2]), copies=copies, should_stop=should_stop,
            progress=_phase(progress, PEN_PHASE), transform=styles)
        return dict(images=images, labels=labels)
    found = cached("pen-digits", dict(copies=copies, seed=seed, styles=_styles_key(styles)),
                   draw, sources=(pendigits.SHIPPED, styles_module.__file__))
    return found["images"], found["labels"]


def pen_letters(copies, seed=0, should_stop=None, progress=None, styles=None,
                letters_file=None):
    """The shipped pen letters (or those of ``letters_file``), each drawn ``copies``
    times (slanted by ``styles``): (images, labels of -1); cached."""
    from . import letters

    def draw():
        images, labels = letters.training_images(
            np.random.default_rng([seed, 4]), copies=copies, path=letters_file,
            should_stop=should_stop, progress=_phase(progress, LETTER_PHASE), transform=styles)
        return dict(images=images, labels=labels)
    name, key, sources = _letters_entry(copies, seed, styles, letters_file)
    found = cached(name, key, draw, sources=sources)
    return found["images"], found["labels"]


def _letters_entry(copies, seed, styles, letters_file):
    """The cache entry of :func:`pen_letters`: ``(name, key, sources)``."""
    from . import letters, styles as styles_module
    return ("pen-letters", dict(copies=copies, seed=seed, styles=_styles_key(styles)),
            (letters_file or letters.SHIPPED, letters.__file__, styles_module.__file__))


def non_digits(count, seed=0, should_stop=None, progress=None):
    """``count`` generated non-digit drawings as 28x28 uint8 images; cached."""
    from . import nondigits

    def draw():
        rng = np.random.default_rng([seed, 3])
        out = np.empty((count, 28, 28), dtype=np.uint8)
        tick = ticker(should_stop, progress, NON_DIGIT_PHASE, count)
        for start in range(0, count, CHUNK):
            end = min(start + CHUNK, count)
            out[start:end] = nondigits.outlier_images(
                rng, end - start, tick=lambda i, start=start: tick(start + i))
        tick(count)
        return dict(images=out)
    return cached("non-digits", dict(count=count, seed=seed), draw)["images"]


def ticker(should_stop, progress, phase, total):
    """``tick(done)`` for a drawing loop: every :data:`CHECK_EVERY` drawings (and at
    ``total``) it tells ``progress`` and asks ``should_stop``, raising Stopped
    on a yes."""
    report = _phase(progress, phase)

    def tick(done):
        if done % CHECK_EVERY == 0 or done == total:
            if should_stop is not None and should_stop():
                raise Stopped(f"stopped while {phase[0].lower()}{phase[1:]}")
            report(done, total)
    return tick


def _phase(progress, phase):
    """``progress(phase, done, total)`` as a ``report(done, total)``."""
    if progress is None:
        return lambda done, total: None
    return lambda done, total: progress(phase, done, total)


# --- the cache ------------------------------------------------------------------------

def cache_folder():
    return paths.cache_dir() / "drawings"


def code_fingerprint(*extra):
    """SHA-256 of the code that draws (and of ``extra`` files): a change redraws."""
    from . import nondigits, pendigits, preprocess, strokes
    h = hashlib.sha256()
    for path in (pendigits.__file__, nondigits.__file__, preprocess.__file__, strokes.__file__,
                 __file__, *extra):
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def cached(name, key, make, sources=()):
    """The arrays ``make()`` returns (a dict of them), from the cache when the same
    ``name``, ``key`` and drawing code (and ``sources`` files) made them before.

    A cache that cannot be read or written costs the time to draw, never the run.
    """
    path = _cache_path(name, key, sources)
    try:
        arrays = read_cached(path)
        path.touch()
        return arrays
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, MemoryError):
        pass                          # absent or bad: drawn again (and written whole)
    arrays = make()
    _store(path, arrays)
    return arrays


CACHE_BYTES = 512 << 20      # a cached set is at most this large (200,000 non-digits: 157 MB)
CACHE_ENTRIES = 16


def read_cached(path):
    """The arrays of a cached set, if it is one: a regular file (a FIFO would make the
    read wait forever) of at most :data:`CACHE_BYTES`, a zip of at most
    :data:`CACHE_ENTRIES` stored (not compressed) ``.npy`` members whose headers claim
    no more than they hold.  Anything else raises OSError or ValueError unread."""
    with open_regular(path, CACHE_BYTES) as f:
        with zipfile.ZipFile(f) as z:
            members = z.infolist()
            if len(members) > CACHE_ENTRIES:
                raise ValueError(f"{path}: {len(members)} entries, not a cached set")
            for info in members:
                if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(
                        ".npy"):
                    raise ValueError(f"{path}: {info.filename} is not a stored array")
                with z.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0)
                    shape, _, dtype = read_header(member)
                if dtype.hasobject or int(np.prod(shape, dtype=object)) * dtype.itemsize \
                        > info.file_size:
                    raise ValueError(f"{path}: {info.filename} claims more than it holds")
        f.seek(0)
        with np.load(f, allow_pickle=False) as found:
            return {k: found[k] for k in found.files}


def _cache_path(name, key, sources=()):
    digest = hashlib.sha256(json.dumps([name, key, code_fingerprint(*sources)],
                                       sort_keys=True).encode()).hexdigest()[:24]
    return cache_folder() / f"{name}-{digest}.npz"


def _store(path, arrays):
    try:
        remove_stale(path.parent, (".*.tmp",))      # what killed writes left
        with atomic_write(path) as f:
            np.savez(f, **arrays)
        old = sorted(path.parent.glob("*.npz"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
