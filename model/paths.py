"""Where digitpad writes: one folder when DIGITPAD_HOME is set, else the platform's own.

With ``DIGITPAD_HOME`` set (tests set it to a temporary folder) everything
goes under it.  Without it, the cache (MNIST) goes to the platform cache
folder and user data (trained models, corrections, settings) to the platform
data folder, as platformdirs names them.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import platformdirs

APP = "digitpad"


def home():
    """DIGITPAD_HOME as a Path, or None when it is not set."""
    value = os.environ.get("DIGITPAD_HOME")
    return Path(value).expanduser() if value else None


def cache_dir():
    """Downloads that can be fetched again: ``<home>`` or the platform cache folder."""
    return home() or Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir():
    """What the user made (models, corrections, settings): ``<home>`` or the data folder."""
    return home() or Path(platformdirs.user_data_dir(APP, appauthor=False))


def mnist_cache():
    return cache_dir() / "mnist"


def models_dir():
    return data_dir() / "models"


@contextmanager
def atomic_write(path):
    """Write ``path`` whole or not at all: ``with atomic_write(p) as f: f.write(...)``.

    ``f`` is a binary file beside ``path`` named ``.<name>.<random>.tmp``; when the
    block ends it is flushed to disk and moved over ``path`` in one step
    (``os.replace``), keeping the old file's permissions.  On any error, Ctrl-C
    included, it is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
