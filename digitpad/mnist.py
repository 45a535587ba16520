"""MNIST for the app: from a folder, or from digitpad's cache, downloaded when missing.  Qt-free.

:func:`load` is what ``digitpad train --data`` and ``digitpad evaluate --data``
use; :func:`session_loader` (the window's and Retrain's loader) reads it from
``$DIGITPAD_MNIST`` or the cache once per session, since every file is
checked byte for byte, which takes a moment.
"""
from __future__ import annotations

import os

from digitpad.model.data import load_mnist

from . import paths


def load(folder=None, *, progress=None, **options):
    """MNIST from ``folder`` when given (nothing else is tried), else from the cache
    (:func:`digitpad.paths.mnist_cache`), downloading what is missing there.
    ``options`` go to :func:`digitpad.model.data.load_mnist`."""
    return load_mnist(folder, cache=paths.mnist_cache(), progress=progress, **options)


_SESSION = {}


def session_loader(progress=None):
    """MNIST from ``$DIGITPAD_MNIST`` or the cache, read once per session."""
    key = (os.environ.get("DIGITPAD_MNIST") or None, str(paths.mnist_cache()))
    if key not in _SESSION:
        _SESSION[key] = load(key[0], progress=progress)
    return _SESSION[key]
