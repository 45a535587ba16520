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

A file is also held to limits, checked from its zip directory and the
arrays' ``.npy`` headers before any array is read, so that a small file
cannot cost much: at most :data:`MAX_LAYERS` layers and
:data:`MAX_PARAMETERS` weights and biases in all, no other entries; the
metadata at most :data:`MAX_META_CHARS` characters of JSON nested at most
:data:`MAX_META_DEPTH` deep, its known fields of their types (an accuracy is
a number from 0 to 1); and values so that no input in [0, 1] can drive a
unit beyond :data:`MAX_ACTIVATION` (finite weights of 3e38 would give NaN
probabilities).

:func:`save` writes a temporary file beside the target and moves it into
place with ``os.replace``, so a crash mid-save leaves the old file whole.

One module on purpose: the format, what a file may hold and the checks that
hold it to that are one contract, read and changed together.
"""
from __future__ import annotations

import json
import math
import re
import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .files import open_regular, size_of
from .network import CLASSES, INPUTS, MLP
from .files import atomic_write

FORMAT_VERSION = 1
ACTIVATION = "relu"
INPUT_CONVENTION = ("784 floats in [0, 1]: a 28x28 image row by row, ink 1, paper 0, "
                    "digit centred by its centre of mass as in MNIST")

_ARRAY_NAME = re.compile(r"(weight|bias)_(\d+)")

# Limits, checked before anything is read (see the module's docstring).
MAX_PARAMETERS = 20_000_000     # weights and biases in all: 80 MB of float32
MAX_LAYERS = 16
MAX_META_CHARS = 65_536
MAX_META_DEPTH = 32
MAX_ACTIVATION = 1e30           # float32 overflows at 3.4e38
_HEADER_BYTES = 10_000          # numpy's own limit on an .npy header (the default)
_END_BYTES = 22 + 65_535        # a zip's end record and the longest comment after it
_DIRECTORY_BYTES = 1 << 20      # 33 entries take a few kB

# The metadata fields digitpad reads, each with what it must be; others may be anything.
_FRACTION, _COUNT, _SECONDS, _TEXT, _OBJECT = "fraction", "count", "seconds", "text", "object"
_FIELDS = {"mnist_test_accuracy": _FRACTION, "mnist_test_accuracy_before": _FRACTION,
           "date": _TEXT, "source": _TEXT, "input": _TEXT, "output": _TEXT,
           "digitpad_version": _TEXT, "command": _TEXT, "loaded_from": _TEXT,
           "training_images": _COUNT, "corrections": _COUNT, "pen_digit_copies": _COUNT,
           "not_digits": _COUNT, "training_seconds": _SECONDS, "config": _OBJECT,
           "ensemble": _OBJECT}


class WeightsError(Exception):
    """A weight file cannot be used; the message says which file and why."""


def save(path, net, meta=None, exclusive=False):
    """Write ``net`` and its metadata to ``path`` atomically (with ``exclusive``, only if
    ``path`` does not exist: FileExistsError otherwise).

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
    _check_limits(path, [a.shape for a in arrays.values()], len(text))
    _check_fields(path, json.loads(text))
    arrays["meta"] = np.array(text)

    # Compressed: an ensemble's deeper layers are block-diagonal, half zeros (the shipped
    # model: 3.8 MiB instead of 5.1).  A file, not a name: np.savez would add ".npz".
    with atomic_write(path, exclusive=exclusive) as f:
        np.savez_compressed(f, **arrays)
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
    """One line for a status bar: "784-512-10, 99.35% on MNIST test, trained 2026-11-28".

    Never fails, whatever ``meta`` holds: what is not as expected is left out.
    """
    sizes = meta.get("sizes")
    ok = isinstance(sizes, list) and 0 < len(sizes) <= MAX_LAYERS + 1 and all(
        type(s) is int and 0 < s <= MAX_PARAMETERS for s in sizes)
    parts = [_dashed(sizes) if ok else "?"]
    accuracy = accuracy_of(meta)
    if accuracy is not None:
        parts.append(f"{accuracy:.2%} on MNIST test")
    date = meta.get("date")
    if isinstance(date, str) and date:
        parts.append(f"trained {date[:10]}")
    return ", ".join(parts)


def accuracy_of(meta, key="mnist_test_accuracy"):
    """The accuracy recorded under ``key`` as a float from 0 to 1, or None."""
    value = meta.get(key)
    return float(value) if _is_kind(value, _FRACTION) else None


# Reading, step by step ---------------------------------------------------------

def _read_arrays(path):
    """Every array in the file, read with ``allow_pickle=False`` once its zip directory
    and ``.npy`` headers are within the limits."""
    try:
        file = open_regular(path)
    except FileNotFoundError:
        raise WeightsError(f"no weight file at {path}") from None
    except IsADirectoryError:
        raise WeightsError(f"{path} is not a file") from None
    except OSError as e:
        raise WeightsError(f"cannot read {path}: {e.strerror or e}") from None
    with file:
        try:
            _check_start(path, file)
            _check_end(path, file)
        except OSError as e:             # /proc/self/mem: a "regular file" that cannot be read
            raise WeightsError(f"cannot read {path}: {e.strerror or e}") from None
        try:
            with np.load(file, allow_pickle=False) as npz:
                _check_directory(path, npz.zip)
                return {name: npz[name] for name in npz.files}
        except WeightsError:
            raise
        except ValueError as e:
            if "allow_pickle" in str(e):
                raise WeightsError(f"{path} holds pickled Python objects; digitpad never "
                                   f"loads those, since they can run code") from None
            raise WeightsError(f"{path} is damaged: {e}") from None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise WeightsError(f"{path} is truncated or damaged (not a readable .npz: {e})") \
                from None
        except Exception as e:      # whatever else a damaged member raises
            raise WeightsError(f"{path} is damaged: {e}") from None


def _check_start(path, file):
    """What the first bytes say: empty, a pickle, a lone .npy, or a zip as it should be."""
    head = file.read(6)
    file.seek(0)
    if not head:
        raise WeightsError(f"{path} is empty")
    if head.startswith(b"\x80"):       # how every pickle since protocol 2 begins
        raise WeightsError(f"{path} is a Python pickle, not an .npz weight file; digitpad "
                           f"never loads pickles, since they can run code")
    if head == b"\x93NUMPY":
        raise WeightsError(f"{path} is a single .npy array, not an .npz weight file")
    if not head.startswith(b"PK"):
        raise WeightsError(f"{path} is not an .npz weight file")


def _check_end(path, file):
    """The zip's count of entries and the size of its directory, as its last bytes tell
    them, before the directory is parsed (20,000 entries fit in a 2 MB file)."""
    size = size_of(file)
    file.seek(max(0, size - _END_BYTES))
    tail = file.read()
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return                   # no end record: zipfile will say the file is damaged
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > 2 * MAX_LAYERS + 1 or directory > _DIRECTORY_BYTES:
        raise WeightsError(f"{path} holds {entries:,} entries in a directory of "
                           f"{directory:,} bytes; a weight file holds at most "
                           f"{2 * MAX_LAYERS + 1} (up to {MAX_LAYERS} layers)")


def _check_directory(path, archive):
    """Entries, their ``.npy`` headers and sizes, and the limits, before any array is read.

    A header is a few bytes at the start of its entry, so reading them all
    costs nothing, however large the entries claim to be.
    """
    entries = archive.infolist()
    if len(entries) > 2 * MAX_LAYERS + 1:
        raise WeightsError(f"{path} holds {len(entries):,} entries; a weight file holds at "
                           f"most {2 * MAX_LAYERS + 1} (up to {MAX_LAYERS} layers)")
    names = [e.filename.removesuffix(".npy") for e in entries]
    if "meta.npy" not in (e.filename for e in entries):
        raise WeightsError(f"{path} has no 'meta' array; it is not a digitpad weight file")
    shapes, meta_chars = [], 0
    for entry, name in zip(entries, names):
        if names.count(name) > 1:
            raise WeightsError(f"{path} holds {name!r} twice")
        if not entry.filename.endswith(".npy") or (
                name != "meta" and _ARRAY_NAME.fullmatch(name) is None):
            raise WeightsError(f"{path} holds an unexpected array {name!r}")
        shape, dtype = _header(path, archive, entry, name)
        if name == "meta":
            if shape != () or dtype.kind != "U":
                raise WeightsError(f"{path}: 'meta' must be a single string of JSON")
            meta_chars = dtype.itemsize // 4
        else:
            if dtype != np.float32:
                raise WeightsError(f"{path}: {name} is {dtype}, expected float32")
            shapes.append(shape)
    _check_limits(path, shapes, meta_chars)


def _header(path, archive, entry, name):
    """``(shape, dtype)`` from an entry's ``.npy`` header, reading nothing more."""
    with archive.open(entry) as member:
        version = np.lib.format.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise WeightsError(f"{path}: {name!r} is not an array numpy writes")
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) \
            else np.lib.format.read_array_header_2_0
        shape, _, dtype = read(member, max_header_size=_HEADER_BYTES)
        if dtype.hasobject:
            raise WeightsError(f"{path} holds pickled Python objects; digitpad never loads "
                               f"those, since they can run code")
        if entry.file_size != member.tell() + math.prod(shape) * dtype.itemsize:
            raise WeightsError(f"{path}: {name!r} is truncated or damaged (its size, "
                               f"{entry.file_size:,} bytes, does not match its shape "
                               f"{shape})")
        return shape, dtype


def _check_limits(path, shapes, meta_chars):
    """At most MAX_LAYERS layers, MAX_PARAMETERS numbers and MAX_META_CHARS of metadata."""
    layers = (len(shapes) + 1) // 2
    if layers > MAX_LAYERS:
        raise WeightsError(f"{path}: {layers} layers; digitpad reads at most {MAX_LAYERS}")
    count = sum(math.prod(s) for s in shapes)
    if count > MAX_PARAMETERS:
        raise WeightsError(f"{path}: a network of {count:,} weights is larger than digitpad's "
                           f"limit of {MAX_PARAMETERS:,}")
    if meta_chars > MAX_META_CHARS:
        raise WeightsError(f"{path}: its metadata is {meta_chars:,} characters; at most "
                           f"{MAX_META_CHARS:,} are read")


def _parse_meta(path, meta):
    """The ``meta`` array as a dict, with a known format version and activation."""
    if meta is None:
        raise WeightsError(f"{path} has no 'meta' array; it is not a digitpad weight file")
    if meta.shape != () or meta.dtype.kind != "U":
        raise WeightsError(f"{path}: 'meta' must be a single string of JSON")
    try:
        info = json.loads(meta.item())
    except RecursionError:
        raise WeightsError(f"{path}: 'meta' is nested too deeply") from None
    except ValueError as e:     # JSONDecodeError, or an integer of thousands of digits
        raise WeightsError(f"{path}: 'meta' is not valid JSON ({e})") from None
    if not isinstance(info, dict):
        raise WeightsError(f"{path}: 'meta' must be a JSON object")
    version = info.get("format_version")
    if version != FORMAT_VERSION:
        raise WeightsError(f"{path} is in weight-file format version {_shorten(version)}; "
                           f"this digitpad reads version {FORMAT_VERSION}")
    if info.get("activation") != ACTIVATION:
        raise WeightsError(f"{path}: activation {_shorten(info.get('activation'))} is not "
                           f"supported (only {ACTIVATION!r})")
    sizes = info.get("sizes")
    if not (isinstance(sizes, list) and all(type(s) is int for s in sizes)):
        raise WeightsError(f"{path}: 'sizes' in its metadata must be a list of integers")
    _check_fields(path, info)
    return info


def _check_fields(path, info):
    """The metadata nested at most MAX_META_DEPTH deep, and its known fields well typed."""
    if _depth(info) > MAX_META_DEPTH:
        raise WeightsError(f"{path}: 'meta' is nested more than {MAX_META_DEPTH} deep")
    for key, kind in _FIELDS.items():
        value = info.get(key)
        if value is not None and not _is_kind(value, kind):
            raise WeightsError(f"{path}: {key!r} in its metadata must be {_KINDS[kind]}, "
                               f"not {_shorten(value)}")


_KINDS = {_FRACTION: "a number from 0 to 1", _COUNT: "a whole number of 0 or more",
          _SECONDS: "a number of seconds", _TEXT: "a string", _OBJECT: "a JSON object"}


def _is_kind(value, kind):
    if kind == _TEXT:
        return isinstance(value, str)
    if kind == _OBJECT:
        return isinstance(value, dict)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if kind == _COUNT:
        return isinstance(value, int) and 0 <= value <= 10 ** 12
    if isinstance(value, int) and abs(value) > 10 ** 12:
        return False                          # float() of a 400-digit integer overflows
    value = float(value)
    if kind == _FRACTION:
        return 0.0 <= value <= 1.0
    return math.isfinite(value) and value >= 0


def _depth(value):
    """How deeply lists and objects nest in ``value`` (0 for a plain value), without
    recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level + 1)
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict)
                                                  else item))
    return deepest


def _shorten(value):
    text = repr(value) if not isinstance(value, int) or abs(value) < 10 ** 12 \
        else f"an integer of {len(str(abs(value)))} digits"
    return text if len(text) <= 40 else text[:37] + "..."


def _layers(path, arrays):
    """``weight_k``/``bias_k`` in order, checked for names, shapes, dtype and values."""
    layers = {}
    for name in arrays:
        match = _ARRAY_NAME.fullmatch(name)
        if match is None:
            raise WeightsError(f"{path} holds an unexpected array {name!r}")
        layer = layers.setdefault(int(match[2]), {})
        if match[1] in layer:
            raise WeightsError(f"{path} holds {match[1]}_{int(match[2])} twice")
        layer[match[1]] = arrays[name]
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
    _check_magnitudes(path, weights, biases)
    return weights, biases


def _check_magnitudes(path, weights, biases):
    """No input in [0, 1] can drive a unit beyond MAX_ACTIVATION.

    ``bound`` is, layer by layer, the largest magnitude each unit can reach:
    ``|W|^T bound + |b|``, starting from 1 per input.  Cheap (one
    matrix-vector product per layer) and never exceeded, so a network that
    passes cannot overflow float32 and turn its probabilities into NaN.
    """
    bound = np.ones(INPUTS, np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        for k, (w, b) in enumerate(zip(weights, biases)):
            bound = np.abs(w).T @ bound + np.abs(b)
            if not (bound <= MAX_ACTIVATION).all():
                raise WeightsError(f"{path}: layer {k}'s weights are too large (a unit could "
                                   f"reach {float(np.nanmax(bound)):.3g}, beyond "
                                   f"{MAX_ACTIVATION:.0e}); this is not a trained network")


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
