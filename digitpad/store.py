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
import time
from dataclasses import dataclass, field
from pathlib import Path

from digitpad import weights as shipped_weights
from digitpad.model import files
from digitpad.model import weights as weights_io

from . import paths
# settings.json is its own module; these names are the store's too (store.Settings...).
from .settings import (FOLDER_KINDS, SETTINGS, SETTINGS_BYTES, Settings,  # noqa: F401
                       settings_path)

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
