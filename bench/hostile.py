"""The full-size hostile inputs of issue 10: what each costs now, in a fresh process.

    python bench/hostile.py [--keep DIR]

Each attack is built once in a temporary folder (cheaply: a deflate stream of
zeros is one compressed block repeated), then read in a fresh Python process
the way the app reads it; the table gives the file's size, what happened
(the first line of the error), the wall time and the process' peak resident
memory (``ru_maxrss``, from ``os.wait4``).  ``baseline`` is the same process
importing everything and reading nothing: subtract it to get an attack's own
cost.  ``tests/test_hostile.py`` holds the same cases at sizes a test can
afford, with bounds.

Undo is measured in-process on a busy sheet (500 strokes of 60 points),
with the snapshots and without them (``SNAPSHOT_POINTS`` set beyond the
sheet, which is how undo worked before), in one run.
"""
from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BLOCK = 1 << 24          # 16 MiB of zeros, compressed once and repeated


# Building the attacks ----------------------------------------------------------------

def deflate_zeros(head, zeros):
    """``(raw deflate stream, crc32, length)`` of ``head`` followed by ``zeros`` zero bytes.

    After a full flush the compressor starts afresh, so every block of zeros
    compresses to the same bytes: one is compressed and repeated.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(head), c.flush(zlib.Z_FULL_FLUSH)]
    count, rest = divmod(zeros, BLOCK)
    if count:
        parts += [c.compress(bytes(BLOCK)) + c.flush(zlib.Z_FULL_FLUSH)] * count
    parts += [c.compress(bytes(rest)), c.flush()]
    crc, block = zlib.crc32(head), bytes(BLOCK)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    return b"".join(parts), zlib.crc32(bytes(rest), crc), len(head) + zeros


def check_deflate_zeros():
    stream, crc, length = deflate_zeros(b"head", 3 * BLOCK + 5)
    data = zlib.decompress(stream, -15)
    assert data == b"head" + bytes(3 * BLOCK + 5) and zlib.crc32(data) == crc


def write_zip(path, members):
    """A zip of deflated members, written by hand: name -> (stream, crc, length)."""
    central, offset = [], 0
    with open(path, "wb") as f:
        for name, (stream, crc, length) in members.items():
            raw = name.encode()
            f.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc,
                                len(stream), length, len(raw), 0) + raw)
            f.write(stream)
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21,
                                       crc, len(stream), length, len(raw), 0, 0, 0, 0, 0,
                                       offset) + raw)
            offset = f.tell()
        directory = b"".join(central)
        f.write(directory)
        f.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                            len(directory), offset, 0))
    return path


def npy(shape, dtype="<f4"):
    """An .npy header for an array of zeros of ``shape``, and its data length."""
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue(), int(np.prod(shape)) * np.dtype(dtype).itemsize


def meta_member(sizes):
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array(json.dumps(
        {"format_version": 1, "sizes": sizes, "activation": "relu"})))
    data = buffer.getvalue()
    return deflate_zeros(data, 0)


def member(shape):
    head, length = npy(shape)
    return deflate_zeros(head, length)


def network(path, hidden):
    """A valid 784-hidden-10 network of zeros."""
    sizes = [784, hidden, 10]
    members = {"meta.npy": meta_member(sizes)}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        members[f"weight_{k}.npy"] = member((a, b))
        members[f"bias_{k}.npy"] = member((b,))
    return write_zip(path, members)


def build(folder):
    """Every attack as a file in ``folder``: name -> (path, what the issue said it cost)."""
    cases = {}
    # 1. A 2 GB member in a 2 MB .npz ("22 s and 2 GB before it is rejected").
    cases["npz, a 2 GB member"] = (write_zip(folder / "member.npz", {
        "meta.npy": meta_member([784, 16, 10]),
        "weight_0.npy": member((500_000_000,))}), "22 s, 2 GB")
    # 2. A valid 784-600000-10 network in 1.8 MB ("33 s frozen, 1.9 GB copied"), and one
    # just within the limit (19.9 million weights): loaded, and copied once.
    cases["npz, 784-600000-10 (Load model)"] = (network(folder / "network.npz", 600_000),
                                                "33 s, 1.9 GB copied")
    cases["npz, 784-25000-10 (Load model)"] = (network(folder / "limit.npz", 25_000),
                                               "(within limits)")
    # 3. 60,000 entries in a small .npz.
    with zipfile.ZipFile(folder / "entries.npz", "w") as z:
        z.writestr("meta.npy", b"")
        for k in range(60_000):
            z.writestr(f"x{k}", b"")
    cases["npz, 60,000 entries"] = (folder / "entries.npz", "")
    # 4. A gzip bomb named like MNIST's training images: 3 GB of zeros after the header.
    header = struct.pack(">IIII", 2051, 60_000, 28, 28)
    stream, crc, length = deflate_zeros(header, 3 << 30)
    bomb = folder / "train-images-idx3-ubyte.gz"
    bomb.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream
                     + struct.pack("<LL", crc, length & 0xFFFFFFFF))
    cases["MNIST .gz bomb, 3 GB inside"] = (bomb, "55 s, 6.2 GB")
    # 5. A sparse 3 GB raw MNIST file.
    sparse = folder / "sparse" / "t10k-labels-idx1-ubyte"
    sparse.parent.mkdir()
    with open(sparse, "wb") as f:
        f.write(struct.pack(">II", 2049, 10_000))
        f.truncate(3 << 30)
    cases["MNIST raw, 3 GB sparse"] = (sparse, "read whole")
    # 6. A correction with one point at 20000, 20000.
    corr = folder / "corrections" / "far.json"
    corr.parent.mkdir()
    corr.write_text(json.dumps({"version": 1, "label": 2, "time": 1.0, "canvas": None,
                                "strokes": [{"points": [[20000, 20000]], "width": 18},
                                            {"points": [[0, 0], [5, 5]], "width": 18}]}))
    cases["correction, a point at 20000,20000"] = (corr, "43 s, 5 GB")
    return cases


# The attacks, each in a fresh process -----------------------------------------------------

def attack(name, path):
    """What the app does with the file (in the child process); prints the outcome."""
    path = Path(path)
    import importlib

    from digitpad import corrections, store
    importlib.import_module("digitpad.gui.teaching")      # Qt too, as the app has it
    from digitpad.model.data import PARTS, read_idx
    from digitpad.model.weights import load

    if name == "baseline":
        return "nothing read"
    if name.startswith("npz, 784"):
        store.keep(store.load(path))                  # what File > Load model does
        return "loaded"
    if name.startswith("npz"):
        load(path)
        return "loaded"
    if name.startswith("MNIST"):
        part = PARTS[0] if path.name.startswith("train") else PARTS[3]
        read_idx(path, part)
        return "read"
    if name.startswith("correction"):
        items, damaged = corrections.scan(path.parent)
        (item,) = items
        image = corrections.render(item)              # what My corrections draws
        import numpy as np
        corrections.correction_images(items, np.random.default_rng(0), copies=40)   # Learn
        return f"read, rendered at {image.shape[1]}x{image.shape[0]}, 40 copies drawn"
    raise ValueError(name)


def child(name, path):
    try:
        print(attack(name, path))
    except Exception as e:          # noqa: BLE001 - the outcome is what we report
        print(f"{type(e).__name__}: {str(e).splitlines()[0]}"[:160])


def measure(name, path, home):
    env = dict(os.environ, DIGITPAD_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", name, str(path)],
                               stdout=subprocess.PIPE, text=True, env=env)
    out = process.stdout.read().strip()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)     # the child's own peak memory
    process.returncode = os.waitstatus_to_exitcode(status)
    return out, time.perf_counter() - start, usage.ru_maxrss / 1024


# Undo on a busy sheet ------------------------------------------------------------------

def undo_costs(strokes=500, points=60):
    """Seconds per undo of a busy sheet, with snapshots and without, in this process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from digitpad.gui import canvas as canvas_module
    from digitpad.strokes import Stroke

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    drawn = []
    for _ in range(strokes):          # scribbles of short segments, as a mouse makes them
        start = rng.uniform(40, 560, 2)
        steps = rng.normal(0, 4, (points, 2)).cumsum(axis=0)
        drawn.append(Stroke([tuple(p) for p in np.clip(start + steps, 5, 595)], 18))
    results = {}
    for label, spacing in (("with snapshots", canvas_module.SNAPSHOT_POINTS),
                           ("without (before)", 10 ** 9)):
        canvas_module.SNAPSHOT_POINTS = spacing
        canvas = canvas_module.Canvas()
        canvas.resize(600, 600)
        canvas.show()
        app.processEvents()
        canvas.draw_strokes(drawn)
        snapshots = len(canvas._snapshots)
        times = []
        while canvas.can_undo():
            start = time.perf_counter()
            canvas.undo()
            times.append(time.perf_counter() - start)
        results[label] = (np.array(times), snapshots)
        canvas.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="build the files in DIR and keep them")
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    import numpy as np
    print(_env.describe())        # the parent only: a child's output is its outcome

    check_deflate_zeros()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="digitpad-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="digitpad-hostile-home-"))
    print(f"building the attacks in {folder} ...", flush=True)
    cases = {"baseline": (folder, "")}
    cases.update(build(folder))
    print(f"\n{'attack':36} {'file':>9}  {'before (issue)':16} {'now: s':>7} {'peak MB':>8}  "
          "outcome")
    for name, (path, before) in cases.items():
        size = f"{path.stat().st_size / 1e6:.1f} MB" if path.is_file() else ""
        outcome, seconds, peak = measure(name, path, home)
        print(f"{name:36} {size:>9}  {before:16} {seconds:7.2f} {peak:8.0f}  {outcome}",
              flush=True)
    models = home / "models"
    print(f"\nmodels folder after the Load model attack: "
          f"{sorted(p.name for p in models.iterdir()) if models.exists() else 'not created'}")

    print("\nundo on a busy sheet (500 strokes of 60 points, 30,000 points), this process:")
    for label, (times, snapshots) in undo_costs().items():
        print(f"  {label:17} 500 undos {times.sum():6.2f} s   per undo median "
              f"{1000 * np.median(times):6.2f} ms   worst {1000 * times.max():6.2f} ms"
              f"   ({snapshots} snapshots)")
    if not args.keep:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
