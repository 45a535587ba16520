"""MNIST for the app: from a folder, or from digitpad's cache, downloaded when missing.  Qt-free.

:func:`load` is what ``digitpad train --data`` and ``digitpad evaluate --data``
use; :func:`session_loader` (the window's loader: Retrain and Learn read the four files,
Evaluate and the views the two test files alone) reads it from ``$DIGITPAD_MNIST`` or the
cache once per session, since every file is checked byte for byte, which takes a moment.
"""
from __future__ import annotations

import os

from digitpad.model.data import PARTS, load_mnist

from . import paths


def load(folder=None, *, progress=None, **options):
    """MNIST from ``folder`` when given (nothing else is tried), else from the cache
    (:func:`digitpad.paths.mnist_cache`), downloading what is missing there.
    ``options`` go to :func:`digitpad.model.data.load_mnist`."""
    return load_mnist(folder, cache=paths.mnist_cache(), progress=progress, **options)


_SESSION = {}


def session_loader(progress=None, parts=PARTS):
    """MNIST's ``parts`` (:data:`~digitpad.model.data.PARTS`, or
    :data:`~digitpad.model.data.TEST_PARTS` for the test set alone) from ``$DIGITPAD_MNIST``
    or the cache, read once per session: what was read (the four files, or the test files
    alone) serves every later call that needs no more."""
    key = (os.environ.get("DIGITPAD_MNIST") or None, str(paths.mnist_cache()))
    have = _SESSION.get(key)
    if have is None or any(getattr(have, part.key) is None for part in parts):
        _SESSION[key] = have = load(key[0], progress=progress, parts=parts)
    return have
