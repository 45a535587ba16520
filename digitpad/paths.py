"""Where digitpad writes: one folder when DIGITPAD_HOME is set, else the platform's own.  Qt-free.

With ``DIGITPAD_HOME`` set (tests set it to a temporary folder) everything
goes under it.  Without it, the cache (MNIST) goes to the platform cache
folder and user data (trained models, corrections, settings) to the platform
data folder, as platformdirs names them.

``DIGITPAD_HOME`` set but empty (``DIGITPAD_HOME=``, or ``$HOME_FOR_TESTS``
that was never set) is refused (:class:`HomeError`), not read as unset: it
would otherwise silently mean the person's real folders, where a script that
meant to keep to its own folder would write.  :func:`check_home` says, before
a command or the window starts, whether the folder can be used.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import platformdirs

APP = "digitpad"


MAX_NAME = 255          # bytes in one name of a path (most file systems)
MAX_PATH = 4096         # bytes in a whole path (Linux's PATH_MAX)


class HomeError(ValueError):
    """DIGITPAD_HOME (or a path given on the command line) cannot be used; the message,
    one line, says why."""


def home():
    """DIGITPAD_HOME as a Path, or None when it is not set (:class:`HomeError` when it is
    set but empty, or names an unknown ``~user``)."""
    value = os.environ.get("DIGITPAD_HOME")
    if value is None:
        return None
    if not value.strip():
        raise HomeError("DIGITPAD_HOME is set but empty; unset it to use the platform's "
                        "folders, or set it to a folder")
    return user_path(value, "DIGITPAD_HOME")


def user_path(text, what="the path"):
    """``text`` as a Path, ``~`` and ``~user`` expanded; :class:`HomeError` for an unknown
    user or a name too long for any file system."""
    try:
        path = Path(text).expanduser()
    except RuntimeError:                 # "Could not determine home directory."
        user = str(text).split("/", 1)[0]
        raise HomeError(f"{what} {text!r}: {user} is not the home folder of any user "
                        "here") from None
    encoded = os.fsencode(path)
    if b"\0" in encoded:
        raise HomeError(f"{what} {_short(text)}: a path cannot hold a NUL character")
    if len(encoded) > MAX_PATH or any(len(part) > MAX_NAME for part in encoded.split(b"/")):
        raise HomeError(f"{what} {_short(text)}: {os.strerror(errno.ENAMETOOLONG).lower()} "
                        f"(at most {MAX_NAME} bytes a name, {MAX_PATH} in all)")
    return path


def check_home():
    """The folder DIGITPAD_HOME names, made if need be and checked to be one digitpad can
    enter and write (None when it is not set); :class:`HomeError` otherwise."""
    path = home()
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as e:
        raise HomeError(f"DIGITPAD_HOME={_short(str(path))}: cannot use the folder "
                        f"({e.strerror or e})") from None
    return path


def _short(text, limit=80):
    text = str(text)
    return repr(text) if len(text) <= limit else repr(text[:limit - 3] + "...")


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
