"""MNIST, read from the original IDX files and checked byte for byte.

:func:`load_mnist` looks in one place only when given a folder; otherwise it
uses the cache (:func:`model.paths.mnist_cache`) and downloads what is
missing there from public mirrors, tried in turn.  Every file, wherever it
came from, passes the same checks before it is used: the IDX header (magic
number, count, 28x28), the length, and the SHA-256 of the decompressed
content, the values published with the shared copy of MNIST.  A file may be
gzipped or not; the first two bytes tell, not the name.

Downloads go to a temporary file beside their target and are moved into
place (``os.replace``) only once verified, so the cache never holds a partial
or damaged file.  Anything that goes wrong ends in one :class:`DataError`
that says what was tried and how to place the files by hand.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import struct
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import paths

SIDE = 28

# Tried in this order; each serves the four files under their usual names.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
TIMEOUT = 30            # seconds without an answer before a mirror counts as down
CHUNK = 1 << 16         # download granularity, and so of progress reports


class DataError(Exception):
    """MNIST could not be found, read or downloaded; the message says why."""


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


@dataclass
class Mnist:
    """The four arrays, uint8: images ``(n, 28, 28)`` (ink 255, paper 0), labels ``(n,)``."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    folder: Path | None = None      # where the files were read from


def load_mnist(path=None, *, download=True, progress=None, mirrors=None):
    """Return MNIST as a :class:`Mnist`, from ``path``, the cache, or the mirrors.

    ``path`` is a folder holding the four files (gzipped or not); when it is
    given, nothing else is tried.  Without it, files missing from the cache
    (or damaged there) are downloaded, unless ``download`` is false.
    ``progress(name, done_bytes, total_bytes)`` is called as a download goes;
    ``total_bytes`` is None when the server does not say.  ``mirrors`` replaces
    :data:`MIRRORS`, each a URL prefix ending in "/".
    """
    if path is not None:
        return _load_folder(Path(path).expanduser())
    folder = paths.mnist_cache()
    arrays = {}
    for part in PARTS:
        arrays[part.key] = _from_cache(folder, part, download, progress,
                                       MIRRORS if mirrors is None else mirrors)
    return Mnist(**arrays, folder=folder)


def read_idx(file, part):
    """Read one MNIST file (gzipped or not) and check it against ``part``.

    Returns a writable uint8 array of ``part.shape``; raises :class:`DataError`
    naming the file for anything unexpected.
    """
    raw = _decompressed(file)
    _check_header(raw, part, file)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != part.sha256:
        raise DataError(f"{file}: its SHA-256 is {digest[:16]}..., not MNIST's "
                        f"{part.sha256[:16]}...; the file is damaged or is not the "
                        f"original {part.name}")
    data = np.frombuffer(raw, dtype=np.uint8, offset=part.header_size)
    return data.reshape(part.shape).copy()


def find(folder, part):
    """The file in ``folder`` that holds ``part`` (``.gz`` first), or None."""
    for name in (part.name + ".gz", part.name):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def how_to_place(folder):
    """One sentence telling a user how to put MNIST in ``folder`` by hand."""
    names = ", ".join(p.name + ".gz" for p in PARTS)
    return (f"To place MNIST by hand, copy the four files {names} (gzipped or not) "
            f"from any MNIST mirror into {folder}.")


# Reading ----------------------------------------------------------------------

def _load_folder(folder):
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder; give the folder that holds the four "
                        f"MNIST files")
    arrays = {}
    for part in PARTS:
        file = find(folder, part)
        if file is None:
            raise DataError(f"{part.name}(.gz) is not in {folder}. " + how_to_place(folder))
        arrays[part.key] = read_idx(file, part)
    return Mnist(**arrays, folder=folder)


def _decompressed(file):
    """The file's bytes, gunzipped when it starts with the gzip magic."""
    try:
        data = Path(file).read_bytes()
    except OSError as e:
        raise DataError(f"cannot read {file}: {e.strerror or e}") from None
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except EOFError:
        raise DataError(f"{file} is truncated: the gzip stream ends early") from None
    except (OSError, zlib.error) as e:
        raise DataError(f"{file} is not a valid gzip file ({e})") from None


def _check_header(raw, part, file):
    """Magic number, count, 28x28 and exact length, each with its own message."""
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
    if len(raw) != part.size:
        problem = "is truncated" if len(raw) < part.size else "has extra bytes"
        raise DataError(f"{file} {problem}: {len(raw)} bytes decompressed, "
                        f"expected {part.size}")


# The cache and downloads ----------------------------------------------------------

def _from_cache(folder, part, download, progress, mirrors):
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
                        + how_to_place(folder))
    return _download(folder, part, progress, mirrors, problem)


def _download(folder, part, progress, mirrors, problem):
    """Fetch ``part`` from each mirror in turn; verify, cache and return the first good one."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(f"cannot create the MNIST cache {folder}: {e.strerror or e}") from None
    target = folder / (part.name + ".gz")
    failures = []
    for mirror in mirrors:
        url = mirror + part.name + ".gz"
        try:
            temp = _fetch(url, folder, part.name + ".gz", progress)
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
                    f"from every mirror: {tried}. " + how_to_place(folder))


def _fetch(url, folder, name, progress):
    """Download ``url`` to a new temporary file in ``folder`` and return its path.

    The temporary file is removed if anything at all goes wrong, Ctrl-C
    included; a download shorter than the server announced is an error.
    """
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    temp = Path(temp)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT) as r:
            length = r.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            if progress is not None:
                progress(name, done, total)
            while chunk := r.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
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
    return str(error) or type(error).__name__
