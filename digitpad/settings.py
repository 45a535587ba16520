"""``settings.json``: what the app remembers between runs.  Qt-free.

The model to open, the pen width, the open views and the folder each kind of file
dialog was last in, under :func:`digitpad.paths.data_dir`.  A damaged or hostile file
costs a setting, never the start; two windows never undo each other's choices
(:class:`Settings`).  :mod:`digitpad.store` uses it to remember the model in use.
"""
from __future__ import annotations

import json
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from digitpad.model import files

from . import paths
from .strokes import DEFAULT_PEN_WIDTH, PEN_WIDTHS

SETTINGS = "settings.json"
SETTINGS_BYTES = 1 << 20        # a settings file larger than this is not ours
FOLDER_KINDS = ("images", "models", "corrections")   # file dialogs that remember a folder


def settings_path():
    return paths.data_dir() / SETTINGS


class Settings:
    """``settings.json``: the model to open, the pen width, the open views, and the
    folder each kind of file dialog was last in (:meth:`folder`).

    Read when made (:attr:`data` is what the file held then, or after the
    last :meth:`update`).  A value that is missing or not valid reads as its
    default, so a damaged file costs the setting, never the start.

    :meth:`update` changes only the keys it is given, against what is on
    disk *now*: under a lock (a ``.settings.json.lock`` file beside it, where
    the platform has ``fcntl``) it reads the file again, sets or removes those
    keys and writes it back atomically.  Two windows, or a window and
    :func:`digitpad.store.remember_model`, never undo each other's choices.  Keys it does not
    know are kept, unless keeping them would make the file larger than
    :data:`SETTINGS_BYTES` (then only the known, valid settings are written:
    a rewrite never makes a file the next start would refuse).
    """

    def __init__(self, path=None):
        self.path = Path(path) if path else settings_path()
        self.data = read_settings(self.path)

    @property
    def pen_width(self):
        value = self.data.get("pen_width")
        known = type(value) in (int, float) and value in PEN_WIDTHS.values()
        return int(value) if known else DEFAULT_PEN_WIDTH

    @property
    def views(self):
        """The names of the insight views that were open: short strings, each once, in
        order (the window, which names its views, ignores a name it does not know)."""
        value = self.data.get("views")
        if not isinstance(value, list):
            return []
        return list(dict.fromkeys(v for v in value if isinstance(v, str) and len(v) <= 40))

    @property
    def model(self):
        """The model file to open, or None for the shipped one."""
        value = self.data.get("model")
        return Path(value) if isinstance(value, str) and value and len(value) < 4096 \
            and "\0" not in value else None

    def folder(self, kind):
        """The folder the ``kind`` file dialog (``"images"``, ``"models"``...) was last in,
        or else the one any file dialog was last in; None when neither is a folder now."""
        for key in (f"folder_{kind}", "folder"):
            value = self.data.get(key)
            if isinstance(value, str) and 0 < len(value) < 4096 and "\0" not in value \
                    and Path(value).is_absolute() and Path(value).is_dir():
                return Path(value)
        return None

    def known(self):
        """The settings this version knows, those that are valid, as they would be saved."""
        known = {}
        if self.model is not None:
            known["model"] = str(self.model)
        if "pen_width" in self.data and self.pen_width == self.data["pen_width"]:
            known["pen_width"] = self.pen_width
        if isinstance(self.data.get("views"), list):
            known["views"] = self.views
        for key in ("folder", *(f"folder_{kind}" for kind in FOLDER_KINDS)):
            value = self.data.get(key)
            if isinstance(value, str) and len(value) < 4096:
                known[key] = value
        return known

    def update(self, **changes):
        """Set (None: remove) keys, merged into the file as it is now, and save; False if
        the file could not be written (the change is still in :attr:`data`)."""
        try:
            with _locked(self.path):
                self.data = read_settings(self.path)
                _apply(self.data, changes)
                write_settings(self.path, self)
        except OSError:
            _apply(self.data, changes)
            return False      # a read-only data folder costs the memory, not the session
        return True


def _apply(data, changes):
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


def read_settings(path):
    """The settings file as a dict: ``{}`` when it is missing, not a regular file, larger
    than :data:`SETTINGS_BYTES`, not JSON (or nested too deeply) or not an object."""
    try:
        with files.open_regular(path, SETTINGS_BYTES) as f:
            data = json.loads(f.read(SETTINGS_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        data = {}
    return data if isinstance(data, dict) else {}


def write_settings(path, settings):
    """Write ``settings.data`` compactly; only its known settings when the whole would be
    larger than :data:`SETTINGS_BYTES` or cannot be written as JSON."""
    try:
        text = json.dumps(settings.data, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError):      # inf, a lone surrogate, too deep
        text = b""
    if not text or len(text) > SETTINGS_BYTES:
        settings.data = settings.known()
        text = json.dumps(settings.data, separators=(",", ":")).encode("utf-8")
    with files.atomic_write(path) as f:
        f.write(text)


LOCK_SECONDS = 2          # how long an update waits for another to finish


@contextmanager
def _locked(path):
    """Hold an exclusive lock on ``.<name>.lock`` beside ``path`` (where the platform has
    ``fcntl``).  A lock that cannot be made, or is held longer than :data:`LOCK_SECONDS`
    (a hung process), is gone without: the update then merges without it."""
    lock = Path(path).parent / f".{Path(path).name}.lock"
    fd = None
    try:
        import fcntl
    except ImportError:        # not POSIX: read-merge-write without the lock
        fcntl = None
    if fcntl is not None:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{lock} is not a regular file")
            deadline = time.monotonic() + LOCK_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OSError(f"{lock} is held by another process") from None
                    time.sleep(0.01)
        except OSError:
            if fd is not None:
                os.close(fd)
            fd = None
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)          # releases the lock
