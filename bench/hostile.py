"""The full-size hostile inputs of issues 10 and 21: what each costs now, in a fresh process.

    python bench/hostile.py [--keep DIR] [--only round3]

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

Issue 21's full-size cases (:func:`build_round3`, :func:`round3_in_process`):
pictures at Pillow's limit in every mode that matters, a settings file that
indentation would blow past its limit, the scores and drawings caches as a
FIFO and as /dev/zero, and in this process: a stroke on a sheet of 50,000
strokes (now, and with the copy of every stroke the window made before, in
one run), the sheet after a 6000x4000 window is made small, My corrections
with 5,000 drawings (opening, a keep), and Cancel while Learn draws large
corrections.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
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


PICTURES = {"l.png": ("L", 9000, {}), "i16.png": ("I;16", 9000, {}),
            "rgba.png": ("RGBA", 7500, {"compress_level": 1}),
            "rgba9000.png": ("RGBA", 9000, {"compress_level": 1}),
            "rgb.jpg": ("RGB", 9000, {})}


def build_pictures(folder):
    """The large pictures (in a process of their own: a parent holding gigabytes would
    count in each measured child's peak, which starts as a copy of it)."""
    import numpy as np
    from PIL import Image, ImageDraw

    for name, (mode, side, save) in PICTURES.items():
        if mode == "I;16":
            a = np.full((side, side), 60000, np.uint16)
            a[side // 4:3 * side // 4, side // 3:side // 2] = 300
            image = Image.fromarray(a)
        else:
            image = Image.new(mode, (side, side), "white")
            ImageDraw.Draw(image).rectangle((side // 3, side // 4, side // 2, 3 * side // 4),
                                            fill="black")
        image.save(folder / name, **save)
        del image


def build_round3(folder):
    """Issue 21's files: name -> (path, what it cost before: measured with the code before
    the fix on this machine, 2026-12-04, as the growth of the process' peak)."""
    subprocess.run([sys.executable, __file__, "--pictures", str(folder)], check=True)
    cases = {
        "image, 9000x9000 grey PNG": (folder / "l.png", "1.13 s, +165 MB"),
        "image, 9000x9000 16-bit PNG": (folder / "i16.png", "refused (mode)"),
        "image, 7500x7500 RGBA PNG": (folder / "rgba.png", "2.72 s, +684 MB"),
        "image, 9000x9000 RGBA PNG": (folder / "rgba9000.png", "7.34 s, +962 MB"),
        "image, 9000x9000 RGB JPEG": (folder / "rgb.jpg", "0.15 s, +22 MB"),
    }
    deep = folder / "settings.json"
    deep.write_text('{"pen_width": 10, "model": "/x/m.npz", "old": ' + "[" * 800 + "]" * 800
                    + "}")
    cases["settings, 800 deep, rewritten"] = (deep, "1.28 MB, every setting lost")
    for kind in ("fifo", "zero"):
        home = folder / f"home-{kind}"
        (home / "drawings").mkdir(parents=True)
        for target in (home / "scores.json", home / "drawings" / _heldout_name(home)):
            os.mkfifo(target) if kind == "fifo" else target.symlink_to("/dev/zero")
        what = "a FIFO" if kind == "fifo" else "a link to /dev/zero"
        cases[f"scores cache, {what}"] = (home / "scores.json",
                                          "hangs" if kind == "fifo" else "gigabytes")
        cases[f"drawings cache, {what}"] = (home / "drawings" / _heldout_name(home),
                                            "hangs digitpad train" if kind == "fifo" else "")
    return cases


def _heldout_name(home):
    """The drawings cache's file name for the test set ``attack`` asks for."""
    os.environ["DIGITPAD_HOME"] = str(home)
    from digitpad import datasets
    return datasets._cache_path("heldout-test", {}).name


# The attacks, each in a fresh process -----------------------------------------------------

def attack(name, path):
    """What the app does with the file (in the child process); prints the outcome."""
    path = Path(path)
    import importlib

    import numpy as np

    from digitpad import correction_images, corrections, store
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
    if name.startswith("image"):
        from digitpad.images import ImageError, load_ink
        try:
            return f"read, {load_ink(path).shape[1]} px wide"
        except ImageError as e:
            return f"refused: {str(e).split(': ', 1)[1][:70]}"
    if name.startswith("settings"):
        store.Settings(path).update(pen_width=28)
        return (f"rewritten as {path.stat().st_size:,} bytes; pen width "
                f"{store.Settings(path).pen_width}, model {store.Settings(path).model}")
    if name.startswith("scores cache"):
        from digitpad import scores
        os.environ["DIGITPAD_HOME"] = str(path.parent)
        found = scores.known_scores(store.load_shipped())
        return f"treated as absent ({found})"
    if name.startswith("drawings cache"):
        from digitpad import datasets
        os.environ["DIGITPAD_HOME"] = str(path.parent.parent)
        found = datasets.cached("heldout-test", {}, lambda: {"x": np.zeros(3)})
        return f"drawn again ({len(found['x'])} items)"
    if name.startswith("correction"):
        items, damaged = corrections.scan(path.parent)
        (item,) = items
        image = correction_images.render(item)        # what My corrections draws
        correction_images.correction_images(items, np.random.default_rng(0), copies=40)   # Learn
        return f"read, rendered at {image.shape[1]}x{image.shape[0]}, 40 copies drawn"
    raise ValueError(name)


def child(name, path):
    try:
        print(attack(name, path))
    except Exception as e:          # noqa: BLE001 - the outcome is what we report
        print(f"{type(e).__name__}: {str(e).splitlines()[0]}"[:160])


def measure(name, path, home, timeout=60):
    env = dict(os.environ, DIGITPAD_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", name, str(path)],
                               stdout=subprocess.PIPE, text=True, env=env)
    while True:                          # its one line fits the pipe: wait, then read
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)   # the child's own peak
        if pid:
            break
        if time.perf_counter() - start > timeout:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            process.stdout.close()
            return f"still running after {timeout} s (killed)", time.perf_counter() - start, 0
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out = process.stdout.read().strip()
    process.stdout.close()
    return out, seconds, usage.ru_maxrss / 1024


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


def round3_in_process(home):
    """Issue 21's in-process cases; prints a line each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DIGITPAD_HOME"] = str(home)
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from digitpad import correction_images, corrections
    from digitpad.gui import my_corrections
    from digitpad.gui.canvas import Canvas
    from digitpad.gui.replay import stroke
    from digitpad.gui.window import MainWindow
    from digitpad.model.stopping import Stopped
    from digitpad.strokes import Stroke

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)

    # A stroke on a sheet of 50,000 strokes: the window now, and with the copy of every
    # stroke it made per edit before (canvas.strokes, read by the teach actions), alternating.
    window = MainWindow()
    window.resize(900, 700)
    window.show()
    app.processEvents()
    window.canvas.draw_strokes([Stroke([tuple(p) for p in rng.uniform(30, 330, (6, 2))], 10)
                                for _ in range(50_000)])
    now, before = [], []
    for k in range(20):
        start = time.perf_counter()
        stroke(window.canvas, [(100 + k, 100), (150, 180), (160, 200)])
        now.append(time.perf_counter() - start)
        start = time.perf_counter()
        stroke(window.canvas, [(100 + k, 120), (150, 190), (160, 210)])
        any(not s.erase for s in window.canvas.strokes)        # what _after_edit did
        before.append(time.perf_counter() - start)
    print(f"  a stroke on a sheet of 50,000 strokes: median {1000 * np.median(now):.1f} ms "
          f"now; {1000 * np.median(before):.1f} ms with the copy of every stroke per edit "
          "(before), alternating, 20 each")
    window.close()

    # The sheet after a huge window is made small again.
    canvas = Canvas()
    canvas.resize(6000, 4000)
    canvas.show()
    app.processEvents()
    canvas.draw_strokes([Stroke([(5000, 3500), (5500, 3900)], 18)])
    huge = canvas._image.sizeInBytes()
    canvas.resize(600, 400)
    small = canvas._image.sizeInBytes()
    canvas.resize(6000, 4000)
    kept = canvas._image.pixelColor(5250, 3700).lightness() < 50
    print(f"  the sheet of a 6000x4000 canvas: {huge / 2 ** 20:.0f} MB; made 600x400: "
          f"{small / 2 ** 20:.1f} MB (it stayed at {huge / 2 ** 20:.0f} before); grown again, "
          f"the far stroke {'is painted again' if kept else 'IS LOST'}")
    canvas.close()

    # My corrections with 5,000 drawings: opening, and a keep.
    folder = corrections.folder()
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(5000):
        points = [[100 + k % 50 + 7 * i, 100 + 20 * i] for i in range(40)]
        (folder / f"20261204-{k:06d}-{k % 10}-abcdef00.json").write_text(json.dumps(
            {"version": 1, "label": k % 10, "time": 1.7e9 + k, "canvas": [420, 420],
             "strokes": [{"points": points, "width": 18, "erase": False}]}))
    window = MainWindow()
    window.show()
    app.processEvents()
    start = time.perf_counter()
    dialog = window.teaching.show_corrections()
    app.processEvents()
    opened = time.perf_counter() - start
    start = time.perf_counter()
    while dialog.thumbnails_pending():
        app.processEvents()
    thumbs = time.perf_counter() - start
    stroke(window.canvas, [(200, 100), (210, 300)])
    start = time.perf_counter()
    window.teaching.teach(1)
    app.processEvents()
    keep = time.perf_counter() - start
    print(f"  My corrections with 5,000 drawings: open {opened:.2f} s (the {my_corrections.PAGE} "
          f"most recent listed; their thumbnails drawn in the background in {thumbs:.2f} s, "
          f"the window answering), a keep {keep:.2f} s; the issue: 18 s to open, 10 s a keep")
    window.close()
    for path in folder.glob("*.json"):
        path.unlink()

    # Cancel while Learn draws three corrections of 200,000 points each.
    items = []
    for k in range(3):
        strokes = [Stroke((rng.normal(0, 3, (400, 2)).cumsum(axis=0) + 300).round(2), 18)
                   for _ in range(500)]
        items.append(corrections.Correction(strokes, 3, 1.7e9))
    start = time.perf_counter()
    cancel = start + 1.0                 # Cancel is pressed a second into the drawing

    def should_stop():
        return time.perf_counter() > cancel
    try:
        correction_images.correction_images(items, rng, copies=40, should_stop=should_stop)
    except Stopped:
        pass
    print(f"  Cancel a second into drawing 3 corrections of 200,000 points (40 copies each, "
          f"minutes to draw): stopped {1000 * (time.perf_counter() - cancel):.0f} ms after "
          "it was pressed")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="build the files in DIR and keep them")
    parser.add_argument("--only", choices=["round3"], help="only issue 21's cases")
    parser.add_argument("--pictures", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pictures:
        build_pictures(args.pictures)
        return 0
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
    if not args.only:
        cases.update(build(folder))
    cases.update(build_round3(folder))
    print(f"\n{'attack':36} {'file':>9}  {'before (issue)':16} {'now: s':>7} {'peak MB':>8}  "
          "outcome")
    for name, (path, before) in cases.items():
        size = f"{path.stat().st_size / 1e6:.1f} MB" if path.is_file() else ""
        outcome, seconds, peak = measure(name, path, home)
        print(f"{name:36} {size:>9}  {before:16} {seconds:7.2f} {peak:8.0f}  {outcome}",
              flush=True)
    if not args.only:
        models = home / "models"
        print(f"\nmodels folder after the Load model attack: "
              f"{sorted(p.name for p in models.iterdir()) if models.exists() else 'not created'}")

        print("\nundo on a busy sheet (500 strokes of 60 points, 30,000 points), this process:")
        for label, (times, snapshots) in undo_costs().items():
            print(f"  {label:17} 500 undos {times.sum():6.2f} s   per undo median "
                  f"{1000 * np.median(times):6.2f} ms   worst {1000 * times.max():6.2f} ms"
                  f"   ({snapshots} snapshots)")
    print("\nissue 21, in this process:", flush=True)
    home3 = Path(tempfile.mkdtemp(prefix="digitpad-hostile-home3-"))
    round3_in_process(home3)
    for made in (home, home3):
        shutil.rmtree(made, ignore_errors=True)
    if not args.keep:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
