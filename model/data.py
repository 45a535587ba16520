"""MNIST, read from the original IDX files and checked byte for byte.

:func:`load_mnist` looks in one place only when given a folder; otherwise it
uses the cache folder it is given (the app's is :func:`digitpad.paths.mnist_cache`)
and downloads what is missing there from public mirrors, tried in turn.  Every file, wherever it
came from, passes the same checks before it is used: the IDX header (magic
number, count, 28x28), the length, and the SHA-256 of the decompressed
content, the values published with the shared copy of MNIST.  A file may be
gzipped or not; the first two bytes tell, not the name.

Reading costs what a good file costs, whatever the file: only regular files
are opened; the header is checked before anything else is read; a raw file
must have MNIST's exact size before its body is read, and a gzipped one is
decompressed no further than one byte past that size (a gzip bomb stops
there).  A download is refused when it would be larger than a gzipped MNIST
file can be, and abandoned when it stalls (under :data:`STALL_BYTES` in
:data:`STALL_SECONDS`) or outlasts :data:`DEADLINE`.

Downloads go to a temporary file beside their target and are moved into
place (``os.replace``) only once verified, so the cache never holds a partial
or damaged file; a download killed outright leaves a ``.part`` file that the
next download into the cache removes.  Anything that goes wrong ends in one :class:`DataError`
that says what was tried and how to place the files by hand.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import struct
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import files

SIDE = 28

# Tried in this order; each serves the four files under their usual names.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
TIMEOUT = 30            # seconds without an answer before a mirror counts as down
CHUNK = 1 << 16         # download granularity, and so of progress reports
STALL_SECONDS = 30      # a download that brings fewer than STALL_BYTES in this long
STALL_BYTES = 16 << 10  # ... has stalled
DEADLINE = 600          # seconds a file's download may take in all
GZIP_SLACK = 1 << 20    # a gzipped file is at most this much larger than its content


class DataError(Exception):
    """MNIST could not be found, read or downloaded; the message says why."""


class DownloadAbandoned(OSError):
    """A download given up on: stalled, too slow in all, or larger than MNIST is."""


@dataclass(frozen=True)
class Part:
    """One of the four MNIST files, and what it must contain."""

    key: str            # attribute of :class:`Mnist`
    name: str           # file name without ".gz"
    magic: int          # 2051 for images, 2049 for labels
    count: int
    sha256: str         # of the decompressed content

    @property
    def is_images(self):
        return self.magic == 2051

    @property
    def header_size(self):
        return 16 if self.is_images else 8

    @property
    def shape(self):
        return (self.count, SIDE, SIDE) if self.is_images else (self.count,)

    @property
    def size(self):
        """Decompressed length in bytes: header plus one byte per pixel or label."""
        return self.header_size + int(np.prod(self.shape))


PARTS = (
    Part("train_images", "train-images-idx3-ubyte", 2051, 60_000,
         "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    Part("train_labels", "train-labels-idx1-ubyte", 2049, 60_000,
         "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    Part("test_images", "t10k-images-idx3-ubyte", 2051, 10_000,
         "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    Part("test_labels", "t10k-labels-idx1-ubyte", 2049, 10_000,
         "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
)
TEST_PARTS = PARTS[2:]      # all that measuring a model needs (``digitpad evaluate``)


@dataclass
class Mnist:
    """The four arrays, uint8: images ``(n, 28, 28)`` (ink 255, paper 0), labels ``(n,)``;
    None for a part not loaded (``load_mnist(parts=TEST_PARTS)`` loads the test set only)."""

    train_images: np.ndarray | None
    train_labels: np.ndarray | None
    test_images: np.ndarray
    test_labels: np.ndarray
    folder: Path | None = None      # where the files were read from


def load_mnist(path=None, *, cache=None, download=True, progress=None, mirrors=None,
               parts=PARTS):
    """Return MNIST as a :class:`Mnist`, from ``path``, the ``cache`` folder, or the mirrors.

    ``parts`` are the files read (:data:`PARTS`, or :data:`TEST_PARTS` for the test set
    alone: the others are then neither needed nor read, and are None in the result).
    ``path`` is a folder holding those files (gzipped or not); when it is
    given, nothing else is tried.  Without it, files missing from ``cache``
    (or damaged there) are downloaded into it, unless ``download`` is false.
    ``progress(name, done_bytes, total_bytes)`` is called as a download goes;
    ``total_bytes`` is None when the server does not say.  ``mirrors`` replaces
    :data:`MIRRORS`, each a URL prefix ending in "/".
    """
    arrays = dict.fromkeys(p.key for p in PARTS)
    if path is not None:
        folder = Path(path).expanduser()
        arrays.update(_load_folder(folder, parts))
        return Mnist(**arrays, folder=folder)
    if cache is None:
        raise ValueError("load_mnist needs a folder of MNIST files or a cache folder")
    folder = Path(cache)
    for part in parts:
        arrays[part.key] = _from_cache(folder, part, download, progress,
                                       MIRRORS if mirrors is None else mirrors, parts)
    return Mnist(**arrays, folder=folder)


def read_idx(file, part):
    """Read one MNIST file (gzipped or not) and check it against ``part``.

    Returns a writable uint8 array of ``part.shape``; raises :class:`DataError`
    naming the file for anything unexpected.
    """
    raw = _read(file, part)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != part.sha256:
        raise DataError(f"{file}: its SHA-256 is {digest[:16]}..., not MNIST's "
                        f"{part.sha256[:16]}...; the file is damaged or is not the "
                        f"original {part.name}")
    data = np.frombuffer(raw, dtype=np.uint8, offset=part.header_size)
    return data.reshape(part.shape)          # writable: it views a bytearray of its own


def find(folder, part):
    """The file in ``folder`` that holds ``part`` (``.gz`` first), or None."""
    for name in (part.name + ".gz", part.name):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def how_to_place(folder, parts=PARTS):
    """One sentence telling a user how to put MNIST's ``parts`` in ``folder`` by hand."""
    names = ", ".join(p.name + ".gz" for p in parts)
    return (f"To place MNIST by hand, copy the {_files(parts)} {names} (gzipped or not) "
            f"from any MNIST mirror into {folder}.")


def _files(parts):
    """"four MNIST files", "two MNIST test files"."""
    return {PARTS: "four MNIST files", TEST_PARTS: "two MNIST test files"}.get(
        tuple(parts), "MNIST files")


# Reading ----------------------------------------------------------------------

def _load_folder(folder, parts):
    """``{part.key: array}`` for ``parts``, read from ``folder``."""
    try:
        if not folder.is_dir():
            raise DataError(f"{folder} is not a folder; give the folder that holds the "
                            f"{_files(parts)}")
        arrays = {}
        for part in parts:
            file = find(folder, part)
            if file is None:
                raise DataError(f"{part.name}(.gz) is not in {folder}. "
                                + how_to_place(folder, parts))
            arrays[part.key] = read_idx(file, part)
    except OSError as e:                 # a folder that cannot be entered, a name too long
        raise DataError(f"cannot read the MNIST folder {folder}: {e.strerror or e}") \
            from None
    return arrays


def _read(file, part):
    """The file's content (gunzipped when it starts with the gzip magic), checked.

    Costs at most what a good file costs: the header is checked first, and no
    more than ``part.size + 1`` bytes are ever read or decompressed.
    """
    try:
        with files.open_regular(file) as f:
            gzipped = f.read(2) == b"\x1f\x8b"
            f.seek(0)
            size = files.size_of(f)
            if gzipped and size > part.size + GZIP_SLACK:
                raise DataError(f"{file} is {size:,} bytes, too large for a gzipped "
                                f"{part.name}")
            stream = gzip.GzipFile(fileobj=f, mode="rb") if gzipped else f
            raw, got = _read_up_to(stream, part.header_size)
            _check_header(raw[:got], part, file)
            if not gzipped and size != part.size:
                _wrong_length(file, part, size, gzipped)
            raw, got = _read_up_to(stream, part.size + 1, raw)
    except EOFError:
        raise DataError(f"{file} is truncated: the gzip stream ends early") from None
    except (gzip.BadGzipFile, zlib.error) as e:
        raise DataError(f"{file} is not a valid gzip file ({e})") from None
    except OSError as e:
        raise DataError(f"cannot read {file}: {e.strerror or e}") from None
    if got != part.size:
        _wrong_length(file, part, got, gzipped)
    return memoryview(raw)[:part.size]


def _read_up_to(stream, n, start=b""):
    """``(bytearray of n bytes, how many were read)``: ``start``, then up to n in all."""
    buffer = bytearray(n)
    buffer[:len(start)] = start
    view, got = memoryview(buffer), len(start)
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            break
        got += k
    return buffer, got


def _wrong_length(file, part, length, gzipped):
    """``length`` bytes where ``part.size`` belong (gzipped: read up to one byte past it)."""
    what = "bytes decompressed" if gzipped else "bytes"
    if length < part.size:
        raise DataError(f"{file} is truncated: {length} {what}, expected {part.size}")
    found = f"more than {part.size}" if gzipped else f"{length}"
    raise DataError(f"{file} has extra bytes: {found} {what}, expected {part.size}")


def _check_header(raw, part, file):
    """Magic number, count and 28x28, each with its own message."""
    if len(raw) < part.header_size:
        raise DataError(f"{file} is too short ({len(raw)} bytes) to hold an IDX header")
    magic, count = struct.unpack(">II", raw[:8])
    if magic != part.magic:
        kind = "images" if part.is_images else "labels"
        raise DataError(f"{file}: magic number {magic}, expected {part.magic} "
                        f"(MNIST {kind}); is this the right file?")
    if count != part.count:
        raise DataError(f"{file} holds {count} items, expected {part.count}")
    if part.is_images:
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (SIDE, SIDE):
            raise DataError(f"{file} holds {rows}x{cols} images, expected {SIDE}x{SIDE}")


# The cache and downloads ----------------------------------------------------------

def _from_cache(folder, part, download, progress, mirrors, parts=PARTS):
    """``part`` from the cache, downloading it when missing or damaged there."""
    file = find(folder, part)
    problem = None
    if file is not None:
        try:
            return read_idx(file, part)
        except DataError as e:
            problem = f"the cached copy is unusable ({e})"
    else:
        problem = f"{part.name}.gz is not in the cache {folder}"
    if not download:
        raise DataError(f"MNIST is not available: {problem}, and downloading is off. "
                        + how_to_place(folder, parts))
    return _download(folder, part, progress, mirrors, problem, parts)


def _download(folder, part, progress, mirrors, problem, parts=PARTS):
    """Fetch ``part`` from each mirror in turn; verify, cache and return the first good one."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(f"cannot create the MNIST cache {folder}: {e.strerror or e}") from None
    files.remove_stale(folder, (".*.part",))       # what killed downloads left
    target = folder / (part.name + ".gz")
    failures = []
    for mirror in mirrors:
        url = mirror + part.name + ".gz"
        try:
            temp = _fetch(url, folder, part.name + ".gz", progress, part.size + GZIP_SLACK)
        except (OSError, ValueError, http.client.HTTPException) as e:
            failures.append(f"{url} ({_reason(e)})")
            continue
        try:
            array = read_idx(temp, part)
        except DataError as e:
            temp.unlink(missing_ok=True)
            failures.append(f"{url} (the download is unusable: {e})")
            continue
        os.replace(temp, target)
        return array
    tried = "; ".join(failures) or "no mirrors are configured"
    raise DataError(f"MNIST could not be obtained: {problem}, and the download failed "
                    f"from every mirror: {tried}. " + how_to_place(folder, parts))


def _fetch(url, folder, name, progress, limit):
    """Download ``url`` to a new temporary file in ``folder`` and return its path.

    The temporary file is removed if anything at all goes wrong, Ctrl-C
    included; a download shorter than the server announced is an error, and
    so is one longer than ``limit`` bytes, one that stalls (fewer than
    STALL_BYTES in STALL_SECONDS) and one that takes longer than DEADLINE.
    """
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    temp = Path(temp)
    try:
        timeout = min(TIMEOUT, STALL_SECONDS)
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as r:
            length = r.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > limit:
                raise DownloadAbandoned(f"the server offers {total:,} bytes, more than "
                                        f"MNIST's {limit:,} at most")
            read = getattr(r, "read1", r.read)      # what has arrived, without waiting for more
            done = 0
            if progress is not None:
                progress(name, done, total)
            start = since = time.monotonic()
            done_since = 0
            while chunk := read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if done > limit:
                    raise DownloadAbandoned(f"more than {limit:,} bytes arrived, more than "
                                            "MNIST's file can be")
                now = time.monotonic()
                if now - start > DEADLINE:
                    raise DownloadAbandoned(f"it took longer than {DEADLINE} s")
                if now - since >= STALL_SECONDS:
                    if done - done_since < STALL_BYTES:
                        raise DownloadAbandoned(f"it stalled: {done - done_since:,} bytes in "
                                                f"{now - since:.0f} s")
                    since, done_since = now, done
                if progress is not None:
                    progress(name, done, total)
            if total is not None and done != total:
                raise http.client.IncompleteRead(b"", total - done)
        return temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _reason(error):
    """A short, readable cause for a failed download."""
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed before the whole file arrived"
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    if isinstance(error, TimeoutError):
        return f"no answer for {min(TIMEOUT, STALL_SECONDS)} s"
    return str(error) or type(error).__name__
