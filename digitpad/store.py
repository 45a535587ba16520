"""Which model the app uses, and where the user's models live.  Qt-free.

The shipped model (``weights/digitpad.npz``) is read, never written.  Models
the user trains or loads are saved under :func:`digitpad.paths.models_dir`, and
the one in use is remembered in ``settings.json`` under
:func:`digitpad.paths.data_dir`, so the next start opens it again.  A remembered
model that fails to load falls back to the shipped one, with a message
saying so.

Three rules keep a hostile or damaged file from doing harm:

* start-up never depends on a user file being good (:func:`startup`);
* the shipped model is read-only to every writer in digitpad (the window's
  saves and exports, ``digitpad train --out``): :func:`check_not_shipped`
  compares the resolved path and the file's identity (a hard link to it is
  refused too);
* temporary files that a killed save left behind are removed at the next
  start (:func:`remove_leftovers`).
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from digitpad import weights as shipped_weights
from digitpad.model import files
from digitpad.model import weights as weights_io

from . import paths
from .strokes import DEFAULT_PEN_WIDTH, PEN_WIDTHS

SETTINGS = "settings.json"
SETTINGS_BYTES = 1 << 20        # a settings file larger than this is not ours
FOLDER_KINDS = ("images", "models", "corrections")   # file dialogs that remember a folder
# What an interrupted write leaves: model.files.atomic_write's ".<name>.<random>.tmp".
LEFTOVERS = (".*.tmp",)


class ShippedModelError(PermissionError):
    """A write would have replaced the shipped model."""


@dataclass
class LoadedModel:
    network: object                   # model.network.MLP
    meta: dict = field(default_factory=dict)
    path: Path | None = None          # where it was read from
    shipped: bool = False

    def name(self):
        """A short name for the status bar: the shipped model or the file's name."""
        if self.shipped:
            return "the shipped model"
        return self.path.name if self.path else "an unsaved model"

    def describe(self):
        """One line: the name, then layer sizes and accuracy as the metadata tell them."""
        meta = dict(self.meta, sizes=list(self.network.sizes))
        return f"{self.name()} ({weights_io.describe(meta)})"

    def test_accuracy(self):
        """The MNIST test accuracy recorded in the metadata, or None."""
        return weights_io.accuracy_of(self.meta)


def shipped_path():
    return Path(shipped_weights.SHIPPED)


def is_shipped(path):
    """True when ``path`` is the shipped model: the same resolved path, or the same file
    (a hard link, or a path that resolves differently)."""
    path, shipped = Path(path), shipped_path()
    try:
        if path.resolve() == shipped.resolve():
            return True
    except (OSError, RuntimeError):      # a symlink loop
        pass
    try:
        return os.path.samefile(path, shipped)
    except OSError:                      # either is missing: not the same file
        return False


def check_not_shipped(path):
    """Raise :class:`ShippedModelError` if writing ``path`` would replace the shipped model."""
    if is_shipped(path):
        raise ShippedModelError(f"{path} is the model that ships with digitpad, which is "
                                "never overwritten; choose another file name")


def load(path):
    """Read a model file; anything wrong with it raises :class:`model.weights.WeightsError`."""
    path = Path(path)
    network, meta = weights_io.load(path)        # checks shapes (784 in, 10 out) and values
    return LoadedModel(network, meta, path, shipped=is_shipped(path))


def load_shipped():
    return load(shipped_path())


def startup():
    """The model the user would get: ``(LoadedModel or None, message or None)``.

    The message says what went wrong when the remembered model could not be
    loaded (and the shipped one is used instead), or when no model loads at all.
    """
    remove_leftovers()
    remembered = remembered_model()
    problem = None
    if remembered is not None:
        try:
            model = load(remembered)
            model.describe()
            return model, None
        except Exception as e:      # WeightsError, or whatever else: never a failed start
            reason = str(e) or type(e).__name__
            problem = (f"Your model could not be loaded ({reason}); using the shipped model "
                       "instead.")
    try:
        return load_shipped(), problem
    except weights_io.WeightsError as e:
        return None, f"No model could be loaded ({e}). Use Model > Retrain... to train one."


# -- the user's models -------------------------------------------------------

def model_name(stem="retrained", when=None):
    """The name a model made now is given: ``<stem>-YYYYmmdd-HHMMSS``."""
    return f"{stem}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(when))}"


def save_new(folder, base, network, meta):
    """Save under ``folder`` as ``<base>.npz``, or ``<base>-2.npz`` and so on: the first
    name nobody has, created exclusively, so that two saves in the same second (two
    windows, two ``digitpad train``) never replace each other.  Returns
    ``(path, meta as saved)``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        path = folder / (f"{base}.npz" if n == 1 else f"{base}-{n}.npz")
        if path.exists() or path.is_symlink():
            continue
        check_not_shipped(path)
        try:
            return path, weights_io.save(path, network, meta, exclusive=True)
        except FileExistsError:              # made by another save meanwhile: the next
            continue
    raise FileExistsError(f"{folder / base}-*.npz: every name is taken")


def save(path, network, meta):
    """Save atomically (returns the metadata as saved); never over the shipped model
    (:class:`ShippedModelError`)."""
    check_not_shipped(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return weights_io.save(path, network, meta)


def adopt(network, meta, stem="retrained"):
    """Save a model made now under models_dir() with a name of its own; returns it as a
    :class:`LoadedModel`.

    Raises WeightsError, OSError, ValueError or TypeError when it cannot be saved.
    """
    path, saved = save_new(paths.models_dir(), model_name(stem), network, meta)
    return LoadedModel(network, dict(saved or meta), path)


def keep(model):
    """Make sure a loaded model lives under models_dir(): copy it there if not.

    Returns the LoadedModel to use (with its new path).  The shipped model and
    models already in models_dir() are used where they are.  The copy is named
    after the file's content, so loading the same file again uses the copy
    made the first time instead of making another.
    """
    if model.shipped or model.path is None:
        return model
    folder = paths.models_dir().resolve()
    if folder in model.path.resolve().parents:
        return model
    meta = dict(model.meta)
    meta.setdefault("loaded_from", str(model.path))
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{model.path.stem[:40]}-{digest(model.path)[:12]}.npz"
    try:
        load(copy)
    except weights_io.WeightsError:       # not there yet, or damaged since: (re)write it
        save(copy, model.network, meta)
    return LoadedModel(model.network, meta, copy, shipped=False)


def digest(path):
    """The SHA-256 of a file (one that :func:`load` read), in hex: what names its copy
    and its remembered scores."""
    sha = hashlib.sha256()
    with files.open_regular(path) as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def remove_leftovers():
    """Remove what killed saves left in digitpad's folders; returns how many files."""
    folders = {paths.data_dir(), paths.models_dir(), paths.data_dir() / "corrections",
               paths.cache_dir(), paths.cache_dir() / "drawings"}
    return sum(len(files.remove_stale(folder, LEFTOVERS)) for folder in folders)


# -- settings ------------------------------------------------------------------

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
    :func:`remember_model`, never undo each other's choices.  Keys it does not
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


def write_json(path, data):
    """Write ``data`` as JSON to ``path`` atomically (a crash leaves the old file whole)."""
    with files.atomic_write(path) as f:
        f.write(json.dumps(data, indent=2).encode("utf-8"))


def remembered_model():
    return Settings().model


def remember_model(model):
    """Remember ``model`` (a LoadedModel) for the next start; the shipped one is the default."""
    path = None if model is None or model.shipped or model.path is None else str(model.path)
    Settings().update(model=path)
