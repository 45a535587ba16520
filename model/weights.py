"""Weight files: one ``.npz`` per network, readable without pickle.

A file holds ``weight_0, bias_0, weight_1, bias_1, ...`` (``weight_k`` of
shape ``(fan_in, fan_out)`` and ``bias_k`` of shape ``(fan_out,)``, float32)
and ``meta``, a 0-d string array holding JSON::

    {"format_version": 1, "sizes": [784, 512, 10], "activation": "relu",
     "output": "softmax", "input": "...", "date": "2026-11-28T21:00:00+00:00",
     "config": {...}, "mnist_test_accuracy": 0.9935, ...}

``np.load(path, allow_pickle=False)`` reads it anywhere.  :func:`load` reads
it only that way, since a pickle can run code, and checks everything before
it hands back a network: a file that is missing, truncated, not an npz, a
pickle, of the wrong shapes, not finite or from an unknown format version
raises :class:`WeightsError`, and nothing else.

:func:`save` writes a temporary file beside the target and moves it into
place with ``os.replace``, so a crash mid-save leaves the old file whole.
"""
from __future__ import annotations

import json
import math
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .network import CLASSES, INPUTS, MLP
from .paths import atomic_write

FORMAT_VERSION = 1
ACTIVATION = "relu"
INPUT_CONVENTION = ("784 floats in [0, 1]: a 28x28 image row by row, ink 1, paper 0, "
                    "digit centred by its centre of mass as in MNIST")

_ARRAY_NAME = re.compile(r"(weight|bias)_(\d+)")


class WeightsError(Exception):
    """A weight file cannot be used; the message says which file and why."""


def save(path, net, meta=None):
    """Write ``net`` and its metadata to ``path`` atomically.

    ``meta`` holds the caller's keys (``config``, ``mnist_test_accuracy`` and
    any others, JSON-serialisable; NumPy scalars are fine).  The structural
    keys (format version, sizes, activation, output, input) are always this
    module's own; ``date`` is now, unless ``meta`` gives one.  Missing folders
    are created.  Returns the metadata as :func:`load` will read it back.
    """
    path = Path(path)
    info = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    info.update(meta or {})
    info.update(format_version=FORMAT_VERSION, sizes=[int(s) for s in net.sizes],
                activation=ACTIVATION, output="softmax", input=INPUT_CONVENTION)
    arrays = {}
    for k, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"weight_{k}"] = np.asarray(w, dtype=np.float32)
        arrays[f"bias_{k}"] = np.asarray(b, dtype=np.float32)
    text = json.dumps(info, default=_to_json)
    arrays["meta"] = np.array(text)

    with atomic_write(path) as f:      # a file, not a name: np.savez would add ".npz"
        np.savez(f, **arrays)
    return json.loads(text)


def load(path):
    """Read and check a weight file; return ``(MLP, meta)`` or raise :class:`WeightsError`."""
    path = Path(path)
    arrays = _read_arrays(path)
    meta = _parse_meta(path, arrays.pop("meta", None))
    weights, biases = _layers(path, arrays)
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    if list(meta["sizes"]) != sizes:
        raise WeightsError(f"{path}: its metadata says layer sizes {_dashed(meta['sizes'])} "
                           f"but its arrays are {_dashed(sizes)}")
    return MLP(weights, biases), meta


def describe(meta):
    """One line for a status bar: "784-512-10, 99.35% on MNIST test, trained 2026-11-28"."""
    parts = [_dashed(meta.get("sizes") or ["?"])]
    accuracy = meta.get("mnist_test_accuracy")
    if isinstance(accuracy, (int, float)) and math.isfinite(accuracy):
        parts.append(f"{accuracy:.2%} on MNIST test")
    date = meta.get("date")
    if isinstance(date, str) and date:
        parts.append(f"trained {date[:10]}")
    return ", ".join(parts)


# Reading, step by step ---------------------------------------------------------

def _read_arrays(path):
    """Every array in the file, read with ``allow_pickle=False``."""
    if not path.exists():
        raise WeightsError(f"no weight file at {path}")
    if not path.is_file():
        raise WeightsError(f"{path} is not a file")
    try:
        with path.open("rb") as f:
            head = f.read(6)
    except OSError as e:
        raise WeightsError(f"cannot read {path}: {e.strerror or e}") from None
    if not head:
        raise WeightsError(f"{path} is empty")
    if head.startswith(b"\x80"):       # how every pickle since protocol 2 begins
        raise WeightsError(f"{path} is a Python pickle, not an .npz weight file; digitpad "
                           f"never loads pickles, since they can run code")
    if head == b"\x93NUMPY":
        raise WeightsError(f"{path} is a single .npy array, not an .npz weight file")
    if not head.startswith(b"PK"):
        raise WeightsError(f"{path} is not an .npz weight file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except ValueError as e:
        if "allow_pickle" in str(e):
            raise WeightsError(f"{path} holds pickled Python objects; digitpad never loads "
                               f"those, since they can run code") from None
        raise WeightsError(f"{path} is damaged: {e}") from None
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise WeightsError(f"{path} is truncated or damaged (not a readable .npz: {e})") \
            from None
    except Exception as e:      # whatever else a damaged member raises
        raise WeightsError(f"{path} is damaged: {e}") from None


def _parse_meta(path, meta):
    """The ``meta`` array as a dict, with a known format version and activation."""
    if meta is None:
        raise WeightsError(f"{path} has no 'meta' array; it is not a digitpad weight file")
    if meta.shape != () or meta.dtype.kind != "U":
        raise WeightsError(f"{path}: 'meta' must be a single string of JSON")
    try:
        info = json.loads(meta.item())
    except json.JSONDecodeError as e:
        raise WeightsError(f"{path}: 'meta' is not valid JSON ({e})") from None
    if not isinstance(info, dict):
        raise WeightsError(f"{path}: 'meta' must be a JSON object")
    version = info.get("format_version")
    if version != FORMAT_VERSION:
        raise WeightsError(f"{path} is in weight-file format version {version!r}; this "
                           f"digitpad reads version {FORMAT_VERSION}")
    if info.get("activation") != ACTIVATION:
        raise WeightsError(f"{path}: activation {info.get('activation')!r} is not supported "
                           f"(only {ACTIVATION!r})")
    sizes = info.get("sizes")
    if not (isinstance(sizes, list) and all(isinstance(s, int) for s in sizes)):
        raise WeightsError(f"{path}: 'sizes' in its metadata must be a list of integers")
    return info


def _layers(path, arrays):
    """``weight_k``/``bias_k`` in order, checked for names, shapes, dtype and values."""
    layers = {}
    for name in arrays:
        match = _ARRAY_NAME.fullmatch(name)
        if match is None:
            raise WeightsError(f"{path} holds an unexpected array {name!r}")
        layers.setdefault(int(match[2]), {})[match[1]] = arrays[name]
    count = len(layers)
    if count == 0:
        raise WeightsError(f"{path} holds no layers")
    if sorted(layers) != list(range(count)) or any(len(pair) != 2 for pair in layers.values()):
        raise WeightsError(f"{path} must hold weight_k and bias_k for k = 0..{count - 1}, "
                           f"with none missing")
    weights = [layers[k]["weight"] for k in range(count)]
    biases = [layers[k]["bias"] for k in range(count)]
    fan_in = INPUTS
    for k, (w, b) in enumerate(zip(weights, biases)):
        for name, array in ((f"weight_{k}", w), (f"bias_{k}", b)):
            if array.dtype != np.float32:
                raise WeightsError(f"{path}: {name} is {array.dtype}, expected float32")
        if w.ndim != 2 or w.shape[0] != fan_in:
            raise WeightsError(f"{path}: weight_{k} has shape {w.shape}, expected "
                               f"({fan_in}, n)")
        if b.shape != (w.shape[1],):
            raise WeightsError(f"{path}: bias_{k} has shape {b.shape}, expected "
                               f"({w.shape[1]},)")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise WeightsError(f"{path}: layer {k} holds NaN or infinite values")
        fan_in = w.shape[1]
    if fan_in != CLASSES:
        raise WeightsError(f"{path}: the last layer has {fan_in} outputs, expected {CLASSES}")
    return weights, biases


def _dashed(sizes):
    return "-".join(str(s) for s in sizes)


def _to_json(value):
    """NumPy scalars and arrays, tuples of them, paths: as JSON can write them."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in weight-file metadata")
