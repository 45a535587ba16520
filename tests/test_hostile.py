"""Hostile inputs: every case of issue 10, each with what it may cost.

A file, a click or the network, tried as a hostile user would: each case
gets a clear error (or a sensible result), nothing is lost, and it costs
bounded time and memory.  Where it is cheap, the cost is measured here
(:func:`costs_at_most`: wall time, and the peak of Python and NumPy
allocations as tracemalloc sees them); the bounds are generous (the broken
versions cost tens of seconds and gigabytes), so a shared machine cannot
make them flaky.  The full-size attacks (a 2 GB zip member, a 1.9 GB
network in 1.8 MB, a 6 GB gzip bomb, a 3 GB sparse file, 500 undos of a
busy sheet) are in ``bench/hostile.py``, measured in fresh processes.
"""
import gzip
import http.server
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from digitpad import cli, corrections, learning, preprocess, recipes, store, teach, weights
from digitpad.gui.jobs import abandoned_jobs
from digitpad.gui.window import MainWindow
from digitpad.images import ImageError, load_ink
from digitpad import paths
from digitpad.model import data
from digitpad.model import weights as weights_io
from digitpad.model.data import PARTS, DataError, find, load_mnist, read_idx
from digitpad.model.network import MLP
from digitpad.model.weights import WeightsError
from digitpad.strokes import PEN_WIDTHS, Stroke
from qtdraw import draw_digit, stroke

REPO = Path(__file__).resolve().parents[1]
LABELS = PARTS[3]                   # t10k labels: 10,008 bytes
SMALL = [784, 16, 10]


@contextmanager
def costs_at_most(seconds=2.0, megabytes=300):
    """The block may take at most ``seconds`` and allocate at most ``megabytes`` at its peak."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert peak < megabytes, f"peaked at {peak:.0f} MB"


def finishes(call, seconds=10):
    """Run ``call()`` in a thread; its result if it ends within ``seconds`` (it must)."""
    box = {}

    def run():
        try:
            box["result"] = call()
        except BaseException as e:          # noqa: BLE001 - handed back to the test
            box["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return box


def one_line_error(capsys, argv, *fragments):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    assert err.startswith("digitpad") and err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def fifo(path):
    os.mkfifo(path)
    return path


def small_model(path, meta=None, net=None):
    weights_io.save(path, net or MLP.create(SMALL, seed=1), meta or {})
    return path


def with_meta(path, text):
    """Replace the meta array of a saved model by ``text``."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["meta"] = np.array(text)
    np.savez(path, **arrays)
    return path


def meta_text(**changes):
    meta = {"format_version": 1, "sizes": SMALL, "activation": "relu"}
    meta.update(changes)
    return json.dumps(meta)


def zip_with(path, members):
    """A zip of ``members``: name -> bytes, or name -> (npy header dict, data bytes of zeros)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, content in members.items():
            with z.open(name, "w", force_zip64=True) as f:
                if isinstance(content, bytes):
                    f.write(content)
                    continue
                header, nbytes = content
                np.lib.format.write_array_header_1_0(f, header)
                zeros = bytes(1 << 22)
                while nbytes > 0:
                    f.write(zeros[:min(nbytes, len(zeros))])
                    nbytes -= len(zeros)
    return path


def npy_header(shape, dtype="<f4"):
    return {"descr": dtype, "fortran_order": False, "shape": shape}


def meta_member(sizes):
    text = meta_text(sizes=sizes)
    buffer = tempfile.SpooledTemporaryFile()
    np.lib.format.write_array(buffer, np.array(text))
    buffer.seek(0)
    return buffer.read()


# 1. Model metadata that broke every start --------------------------------------------

def test_a_400_digit_accuracy_is_refused_and_never_breaks_describe(tmp_path):
    path = with_meta(small_model(tmp_path / "m.npz"),
                     meta_text(mnist_test_accuracy=10 ** 400))
    with costs_at_most(2, 50), pytest.raises(WeightsError, match="mnist_test_accuracy.*401 "
                                                                 "digits"):
        weights_io.load(path)
    # whatever a dict holds, describing it never raises
    for accuracy in (10 ** 400, float("nan"), "99%", True, -1, [0.9]):
        assert weights_io.describe({"sizes": SMALL, "mnist_test_accuracy": accuracy}) \
            == "784-16-10"
        assert store.LoadedModel(None, {"mnist_test_accuracy": accuracy}).test_accuracy() \
            is None
    assert weights_io.describe({"sizes": "784-16-10", "date": 5}) == "?"


@pytest.mark.parametrize("depth", [100_000, 5_000, 40])
def test_deeply_nested_meta_is_refused(tmp_path, depth):
    text = meta_text(config="X").replace('"X"', "[" * depth + "]" * depth)
    path = with_meta(small_model(tmp_path / "m.npz"), text)
    with costs_at_most(2, 50), pytest.raises(WeightsError, match="nested|characters"):
        weights_io.load(path)


@pytest.mark.parametrize("field, value, words", [
    ("mnist_test_accuracy", 1.5, "a number from 0 to 1"),
    ("mnist_test_accuracy", "high", "a number from 0 to 1"),
    ("date", 20261129, "a string"),
    ("training_images", -3, "a whole number"),
    ("config", [1, 2], "a JSON object"),
])
def test_known_meta_fields_are_typed(tmp_path, field, value, words):
    path = with_meta(small_model(tmp_path / "m.npz"), meta_text(**{field: value}))
    with pytest.raises(WeightsError, match=f"{field}.*{words}"):
        weights_io.load(path)


def test_a_refused_model_is_neither_copied_nor_remembered(window, tmp_path, digitpad_home,
                                                         no_dialogs):
    bad = with_meta(small_model(tmp_path / "bad.npz"), meta_text(mnist_test_accuracy=10 ** 400))
    assert not window.models.load(bad)
    (kind, _, text), = no_dialogs
    assert kind == "warning" and "401 digits" in text and window.model.shipped
    assert store.Settings().model is None and not (digitpad_home / "models").exists()


def test_a_model_that_fails_at_start_is_reported_and_the_shipped_one_opens(
        qtbot, digitpad_home, shipped, no_dialogs, monkeypatch):
    bad = with_meta(small_model(digitpad_home / "models" / "huge.npz"),
                    meta_text(mnist_test_accuracy=10 ** 400))
    store.Settings().update(model=str(bad))
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.model.shipped and no_dialogs == []
    assert "huge.npz" in w.startup_message and "shipped" in w.startup_message
    # whatever else reading a user's file might raise, the start goes on
    load = store.load
    monkeypatch.setattr(store, "load", lambda path: load(path) if store.is_shipped(path)
                        else np.ones(1 << 60))           # MemoryError
    model, message = store.startup()
    assert model.shipped and "could not be loaded" in message


# 2. The shipped model is never written to ------------------------------------------

def shipped_aliases(tmp_path):
    """Other names of the shipped model: a symlink, a hard link, a path with '..'."""
    link = tmp_path / "link.npz"
    link.symlink_to(weights.SHIPPED)
    aliases = [link, weights.SHIPPED.parent / ".." / "weights" / "digitpad.npz"]
    try:
        os.link(weights.SHIPPED, tmp_path / "hard.npz")
        aliases.append(tmp_path / "hard.npz")
    except OSError:           # another file system: no hard link to try
        pass
    return aliases


def test_the_shipped_model_is_recognised_by_path_and_by_identity(tmp_path):
    for alias in [weights.SHIPPED, *shipped_aliases(tmp_path)]:
        assert store.is_shipped(alias), alias
        with pytest.raises(store.ShippedModelError, match="never overwritten"):
            store.check_not_shipped(alias)
    copy = tmp_path / "copy.npz"
    copy.write_bytes(weights.SHIPPED.read_bytes())
    assert not store.is_shipped(copy) and not store.is_shipped(tmp_path / "nothing.npz")


def test_cli_train_never_writes_the_shipped_model(capsys, tmp_path, monkeypatch):
    before = weights.SHIPPED.read_bytes()
    monkeypatch.chdir(REPO)
    for out in ["weights/digitpad.npz", weights.SHIPPED, *shipped_aliases(tmp_path)]:
        one_line_error(capsys, ["train", "--out", out, "--data", tmp_path / "nowhere"],
                       "shipped model")
    assert weights.SHIPPED.read_bytes() == before


def test_no_window_writer_overwrites_the_shipped_model(window, tmp_path, no_dialogs):
    before = weights.SHIPPED.read_bytes()
    draw_digit(window.canvas, 1)
    corrections.add(window.canvas.strokes, 1)
    dialog = window.teaching.show_corrections()
    for target in [weights.SHIPPED, *shipped_aliases(tmp_path)]:
        no_dialogs.clear()
        assert not window.save_drawing(target)
        assert not window.models.save(target)
        assert not dialog.export(target)
        assert len(no_dialogs) == 3
        assert all("never overwritten" in text for _, _, text in no_dialogs), no_dialogs
    assert weights.SHIPPED.read_bytes() == before


# 3. Small files, unbounded cost ------------------------------------------------------

def test_a_huge_member_is_refused_before_it_is_read(tmp_path):
    """The bench's 2 GB member in a 2 MB file, at 100 MB: refused from its header."""
    path = zip_with(tmp_path / "bomb.npz", {"meta.npy": meta_member(SMALL),
                                            "weight_0.npy": (npy_header((784, 32000)),
                                                             784 * 32000 * 4)})
    assert path.stat().st_size < 5 << 20
    with costs_at_most(2, 300), pytest.raises(WeightsError, match="25,088,000 weights is "
                                                                  "larger than digitpad's"):
        weights_io.load(path)


def test_a_valid_network_over_the_limit_is_refused_from_its_headers(tmp_path):
    """784-13000-1000-10: 23 million weights, 93 MB of float32 in a 100 kB file."""
    sizes = [784, 13000, 1000, 10]
    members = {"meta.npy": meta_member(sizes)}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        members[f"weight_{k}.npy"] = (npy_header((a, b)), a * b * 4)
        members[f"bias_{k}.npy"] = (npy_header((b,)), b * 4)
    path = zip_with(tmp_path / "wide.npz", members)
    assert path.stat().st_size < 5 << 20
    with costs_at_most(2, 300), pytest.raises(WeightsError, match="23,216,010 weights is "
                                                                  "larger than digitpad's "
                                                                  "limit of 20,000,000"):
        weights_io.load(path)


def test_a_header_that_lies_about_its_shape_is_refused(tmp_path):
    members = {"meta.npy": meta_member(SMALL),
               "weight_0.npy": (npy_header((784, 600000)), 1000)}      # says 1.9 GB, holds 1 kB
    path = zip_with(tmp_path / "liar.npz", members)
    with costs_at_most(2, 50), pytest.raises(WeightsError, match="larger than|truncated"):
        weights_io.load(path)


def test_many_entries_are_refused(tmp_path):
    path = tmp_path / "many.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("meta.npy", meta_member(SMALL))
        for k in range(20_000):
            z.writestr(f"x{k}", b"")
    assert path.stat().st_size < 5 << 20
    with costs_at_most(2, 300), pytest.raises(WeightsError, match="20,001 entries"):
        weights_io.load(path)


def test_other_entries_duplicates_and_strange_headers_are_refused(tmp_path):
    good = small_model(tmp_path / "good.npz")
    with zipfile.ZipFile(good) as z:
        members = {name: z.read(name) for name in z.namelist()}
    cases = {
        "extra": dict(members, **{"readme.txt": b"hello"}),
        "object": dict(members, **{"bias_1.npy": (npy_header((10,), "|O"), 80)}),
        "big meta": dict(members, **{"meta.npy": (npy_header((), "<U200000"), 800000)}),
        "two weight_0": dict(members, **{"weight_00.npy": members["weight_0.npy"]}),
    }
    for name, content in cases.items():
        with pytest.raises(WeightsError) as e:
            weights_io.load(zip_with(tmp_path / f"{name}.npz", content))
        assert "Traceback" not in str(e.value) and str(tmp_path) in str(e.value), name


def mnist_gz(path, content, zeros, level=9):
    """A gzip of ``content`` followed by ``zeros`` zero bytes, written in chunks."""
    with gzip.open(path, "wb", compresslevel=level) as f:
        f.write(content)
        block = bytes(1 << 22)
        while zeros > 0:
            f.write(block[:min(zeros, len(block))])
            zeros -= len(block)
    return path


def test_an_mnist_gzip_bomb_is_read_no_further_than_mnist_is_long(tmp_path, mnist_dir):
    content = gzip.decompress(find(mnist_dir, LABELS).read_bytes())
    bomb = mnist_gz(tmp_path / (LABELS.name + ".gz"), content, 100 << 20)      # 100 MB more
    assert bomb.stat().st_size < 1 << 20
    with costs_at_most(2, 50), pytest.raises(DataError, match="extra bytes: more than 10008"):
        read_idx(bomb, LABELS)
    images = PARTS[2]                       # 7.8 MB expected; 256 MB of zeros after the header
    header = struct.pack(">IIII", 2051, 10_000, 28, 28)
    bomb = mnist_gz(tmp_path / (images.name + ".gz"), header, 256 << 20, level=1)
    with costs_at_most(3, 100), pytest.raises(DataError, match="extra bytes|SHA-256"):
        read_idx(bomb, images)


def test_a_large_gzip_file_is_refused_unread(tmp_path):
    big = tmp_path / (LABELS.name + ".gz")
    with open(big, "wb") as f:
        f.write(b"\x1f\x8b")
        f.truncate(3 << 30)                      # a sparse 3 GB "gzip"
    with costs_at_most(1, 10), pytest.raises(DataError, match="too large for a gzipped"):
        read_idx(big, LABELS)


def test_a_sparse_3_gb_raw_file_is_refused_before_its_body_is_read(tmp_path):
    raw = tmp_path / LABELS.name
    with open(raw, "wb") as f:
        f.write(struct.pack(">II", 2049, 10_000))
        f.truncate(3 << 30)
    with costs_at_most(1, 10), pytest.raises(DataError, match="extra bytes: 3221225472 "
                                                              "bytes, expected 10008"):
        read_idx(raw, LABELS)
    with open(raw, "r+b") as f:
        f.write(struct.pack(">I", 1234))         # the magic number is checked first
    with costs_at_most(1, 10), pytest.raises(DataError, match="magic number 1234"):
        read_idx(raw, LABELS)


# 4 and 5. Jobs: the model measured, one at a time ------------------------------------

class Gate:
    """A loader that waits until it is opened (at most 30 s), then gives MNIST."""

    def __init__(self, mnist):
        self.mnist, self.entered, self.open = mnist, threading.Event(), threading.Event()

    def __call__(self, progress=None):
        self.entered.set()
        self.open.wait(30)
        return self.mnist


@pytest.fixture
def gate(mnist):
    """A Gate, opened at the end of the test whatever happens (no worker outlives it)."""
    made = Gate(mnist)
    yield made
    made.open.set()


def make_window(qtbot, loader, limit=300):
    w = MainWindow(mnist_loader=loader, train_limit=limit)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_evaluate_names_the_model_it_measured(qtbot, shipped, gate, no_dialogs, tmp_path):
    w = make_window(qtbot, gate)
    w.findChild(QAction, "evaluateAction").trigger()
    assert gate.entered.wait(10)
    other = small_model(tmp_path / "other.npz", {"mnist_test_accuracy": 0.1})
    assert w.models.load(other)                   # another model meanwhile
    gate.open.set()
    qtbot.waitUntil(lambda: w.evaluator.job is None, timeout=20_000)
    results = w.evaluator.results_window
    assert results.windowTitle() == "Evaluation of the shipped model"
    assert w.evaluator.last_accuracy > 0.99              # the shipped model's accuracy
    assert w.statusBar().currentMessage().startswith("Evaluated the shipped model: 99.43")
    assert w.statusBar().shown_message() == w.statusBar().currentMessage()    # read whole
    assert w.model.path.name.startswith("other")


def test_one_job_at_a_time_every_start_button_follows(qtbot, shipped, gate, no_dialogs):
    w = make_window(qtbot, gate)
    draw_digit(w.canvas, 1)
    corrections.add(w.canvas.strokes, 1)
    learn = w.teaching.learn()                   # open, and ready to start
    assert learn.start_button.isEnabled()
    retrain = w.retrain()
    retrain.start_button.click()
    assert gate.entered.wait(10)
    assert not learn.start_button.isEnabled() and not retrain.start_button.isEnabled()
    for name in ("retrainAction", "learnAction", "evaluateAction"):
        assert not w.findChild(QAction, name).isEnabled(), name
    learn.start()                                # even called directly: refused
    assert not learn.is_running() and w.jobs.owner is retrain
    retrain.cancel_button.click()
    gate.open.set()
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=20_000)
    assert learn.start_button.isEnabled() and w.findChild(QAction, "evaluateAction").isEnabled()


# 6. A stalled download -----------------------------------------------------------------

@pytest.fixture
def trickle():
    """A server that announces 1 MB (no more than any MNIST file may be) and sends one byte
    every 0.1 s (or nothing at all, at /silent/), until the client goes away."""
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/silent/"):
                stop.wait(30)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(1_000_000))
            self.end_headers()
            try:
                while not stop.wait(0.1):
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
            except OSError:
                pass

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_stalled_download_is_abandoned(trickle, monkeypatch):
    monkeypatch.setattr(data, "STALL_SECONDS", 1)
    with costs_at_most(10, 50), pytest.raises(DataError, match="stalled: .* bytes in 1 s"):
        load_mnist(cache=paths.mnist_cache(), mirrors=[trickle + "/"])
    assert not [p for p in paths.mnist_cache().iterdir()]       # no .part left


def test_a_slow_download_meets_its_deadline(trickle, monkeypatch):
    monkeypatch.setattr(data, "STALL_SECONDS", 0.5)
    monkeypatch.setattr(data, "STALL_BYTES", 1)
    monkeypatch.setattr(data, "DEADLINE", 1.5)
    with costs_at_most(10, 50), pytest.raises(DataError, match="took longer than 1.5 s"):
        load_mnist(cache=paths.mnist_cache(), mirrors=[trickle + "/"])


def test_a_silent_server_times_out(trickle, monkeypatch):
    monkeypatch.setattr(data, "TIMEOUT", 1)
    with costs_at_most(10, 50), pytest.raises(DataError, match="no answer for 1 s|timed out"):
        load_mnist(cache=paths.mnist_cache(), mirrors=[trickle + "/silent/"])


def test_the_cli_ends_with_one_line_on_a_stalled_download(capsys, trickle, monkeypatch):
    monkeypatch.setattr(data, "STALL_SECONDS", 1)
    monkeypatch.setattr(data, "MIRRORS", (trickle + "/",))
    start = time.perf_counter()
    one_line_error(capsys, ["evaluate"], "stalled")
    assert time.perf_counter() - start < 30


def test_cancel_and_close_never_wait_for_a_stalled_worker(qtbot, shipped, gate, no_dialogs):
    w = make_window(qtbot, gate)                 # its download does not come back
    dialog = w.retrain()
    dialog.start_button.click()
    assert gate.entered.wait(10)
    job = w.jobs.job
    start = time.perf_counter()
    dialog.cancel_button.click()
    assert time.perf_counter() - start < 1       # at once: the worker is only asked
    assert not dialog.isVisible() and w.jobs.busy()
    start = time.perf_counter()
    w.close()
    assert time.perf_counter() - start < 5       # at most about a second (CLOSE_WAIT_MS)
    assert job in abandoned_jobs()               # left to end on its own...
    gate.open.set()
    qtbot.waitUntil(lambda: job not in abandoned_jobs(), timeout=20_000)    # ...and it does


def test_cancel_returns_at_once_while_thorough_draws_its_training_set(
        qtbot, shipped, mnist, no_dialogs, monkeypatch):
    big = dict(recipes.PRESETS["quick"].options, pen_digits=3, not_digits=50_000)
    monkeypatch.setitem(recipes.PRESETS, "quick", recipes.Preset(big, "many drawings"))
    w = make_window(qtbot, lambda progress=None: mnist)
    dialog = w.retrain()
    dialog.apply_preset("quick")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: "drawing" in dialog.status.text().lower(), timeout=10_000)
    qtbot.wait(300)                              # well into the drawing
    start = time.perf_counter()
    dialog.cancel_button.click()
    assert time.perf_counter() - start < 1       # it froze the window 3.2 s
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=30_000)
    assert w.model.shipped and "cancelled" in dialog.status.text()


# 7. Damaged corrections ---------------------------------------------------------------

BAD_CORRECTIONS = {
    "nan.json": [{"points": [[10, 10], [float("nan"), 20]], "width": 18}],
    "far.json": [{"points": [[10, 10], [1e6, 20]], "width": 18}],
    "empty-stroke.json": [{"points": [], "width": 18}],
    "no-strokes.json": [],
    "wide.json": [{"points": [[10, 10], [20, 20]], "width": 1e7}],
    "negative.json": [{"points": [[10, 10], [20, 20]], "width": -5}],
    "words.json": [{"points": "ten, ten", "width": 18}],
    "many.json": [{"points": [[1, 1]], "width": 18}] * 600,
}


def write_corrections(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, strokes in BAD_CORRECTIONS.items():
        (folder / name).write_text(json.dumps({"version": 1, "label": 3, "time": 1.0,
                                               "canvas": None, "strokes": strokes}))
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "label.json").write_text('{"version": 1, "label": 1' + "0" * 400 + "}")
    (folder / "text.json").write_bytes(b"\xff\xfe not utf-8")
    with open(folder / "huge.json", "wb") as f:
        f.truncate(100 << 20)                     # 100 MB of nothing
    fifo(folder / "pipe.json")
    return 5 + len(BAD_CORRECTIONS)


def test_damaged_corrections_are_skipped_and_named(tmp_path):
    good = corrections.add([[(10, 10), (40, 90)]], 7, when=5.0)
    distant = corrections.add([[(20000, 20000)], [(0, 0), (5, 5)]], 2, when=6.0)
    damaged = write_corrections(corrections.folder())
    box = finishes(lambda: corrections.scan())
    items, bad = box["result"]
    assert [c.id for c in items] == [good.id, distant.id]
    assert sorted(name for name, _ in bad) == sorted(
        [*BAD_CORRECTIONS, "deep.json", "label.json", "text.json", "huge.json", "pipe.json"])
    assert len(bad) == damaged
    reasons = dict(bad)
    assert "not a number" in reasons["nan.json"] and "beyond" in reasons["far.json"]
    assert "no points" in reasons["empty-stroke.json"] and "at least one" in reasons[
        "no-strokes.json"]
    assert "pen width" in reasons["wide.json"] and "pen width" in reasons["negative.json"]
    assert "too large" in reasons["huge.json"] and "regular file" in reasons["pipe.json"]
    assert corrections.describe_damaged(bad).startswith(f"{damaged} damaged correction files "
                                                        "skipped: ")
    # the drawing that spans 20,000 pixels costs what a small one does
    with costs_at_most(2, 300):
        corrections.render(distant)
        corrections.correction_images([distant], np.random.default_rng(0), copies=10)
    assert corrections.export(tmp_path / "all.npz") == 2


def test_a_hostile_drawing_cannot_be_kept():
    for strokes in ([[(float("nan"), 1), (2, 2)]], [[(1e9, 1)]], [[(1, 1)]] * 600):
        with pytest.raises(ValueError):
            corrections.add(strokes, 1)
    with pytest.raises(ValueError, match="pen width"):
        corrections.add([Stroke([(1, 1), (5, 5)], 1e7)], 1)
    assert corrections.list_all() == []


def test_my_corrections_and_learn_go_on_past_damaged_files(window, monkeypatch, no_dialogs):
    draw_digit(window.canvas, 1)
    window.teaching.teach(1)
    write_corrections(corrections.folder())
    dialog = finishes(window.teaching.show_corrections)["result"]
    assert dialog.list.count() == 1
    assert "13 damaged correction files skipped: deep.json" in dialog.summary.text()
    learn = window.teaching.learn()
    assert learn.count == 1 and learn.start_button.isEnabled()
    assert "13 damaged" in learn.status.text()

    seen, said = [], []
    monkeypatch.setattr(learning, "fine_tune",
                        lambda net, items, *a, **k: seen.extend(items) or teach.Learned(net))
    mnist = type("Mnist", (), {"test_images": np.zeros((10, 28, 28), np.uint8),
                               "test_labels": np.zeros(10, np.int64)})
    learning.learn_from_corrections(window.model.network, {}, mnist, status=said.append)
    assert [c.label for c in seen] == [1]
    assert any("13 damaged correction files skipped" in text for text in said)


# 8. Command-line arguments beyond reason ------------------------------------------------

@pytest.mark.parametrize("argv, fragment", [
    (["--hidden", "100000000"], "has 79,500,000,010 weights"),
    (["--hidden", "30000", "--ensemble", "2"], "x 2 (an ensemble)"),
    (["--hidden", ",".join(["8"] * 20)], "at most 15 hidden layers"),
    (["--augment-strength", "1000"], "--augment-strength: expected a number from 0 to 3"),
    (["--not-digits", "100000000"], "--not-digits: expected a whole number from 0 to 200,000"),
    (["--pen-digits", "100000"], "--pen-digits: expected a whole number from 0 to 20"),
    (["--epochs", "1000000000"], "--epochs"),
    (["--batch-size", "1000000000"], "--batch-size"),
    (["--ensemble", "1000"], "--ensemble"),
    (["--seed", "9" * 5000], "--seed"),
    (["--weight-decay", "1e300"], "--weight-decay"),
])
def test_training_options_beyond_reason_are_one_line_errors(capsys, tmp_path, argv, fragment):
    with costs_at_most(2, 50):
        one_line_error(capsys, ["train", *argv, "--data", tmp_path, "--out", tmp_path / "m.npz"],
                       fragment)
    assert not (tmp_path / "m.npz").exists()


def unwritable_folder(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return folder
    for candidate in (Path("/sys"), Path("/proc")):   # root writes anywhere but here
        try:
            tempfile.TemporaryFile(dir=candidate).close()
        except OSError:
            return candidate
    pytest.skip("no folder here refuses to be written")


def test_a_drawing_that_cannot_be_saved_is_a_message_and_loses_nothing(window, tmp_path,
                                                                        no_dialogs):
    draw_digit(window.canvas, 1)
    assert not window.save_drawing(unwritable_folder(tmp_path) / "one.png")
    (kind, _, text), = no_dialogs
    assert kind == "warning" and "could not be written" in text
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"an older drawing")
    os.chmod(kept, 0o444)                    # still replaced whole, by a rename
    assert window.save_drawing(kept) and kept.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_training_to_an_unwritable_place_fails_before_training(capsys, tmp_path):
    folder = unwritable_folder(tmp_path)
    one_line_error(capsys, ["train", "--out", folder / "m.npz", "--data", tmp_path / "nowhere"],
                   "cannot write to")


# 9. The worst read --------------------------------------------------------------------

@pytest.mark.parametrize("width", sorted(PEN_WIDTHS.values()) + [1, 2])
def test_a_tap_with_any_pen_is_read_quickly(window, monkeypatch, width):
    steps = []
    step = preprocess._step
    monkeypatch.setattr(preprocess, "_step", lambda *a, **k: steps.append(1) or step(*a, **k))
    window.set_pen_width(width)
    start = time.perf_counter()
    stroke(window.canvas, [(200, 200)])           # a tap
    assert time.perf_counter() - start < 1        # it was 1-5 s with the thin pens
    assert len(steps) < 500                       # it was 8,600 morphology steps
    assert window.prediction.digit is None       # a dot is not a digit


# 10. The smaller ones ---------------------------------------------------------------------

def test_fifos_are_refused_everywhere(tmp_path, digitpad_home, capsys):
    picture = fifo(tmp_path / "x.png")
    box = finishes(lambda: load_ink(picture))
    assert isinstance(box.get("error"), ImageError) and "not a regular file" in str(box["error"])
    box = finishes(lambda: cli.main(["predict", str(picture), "--weights",
                                     str(weights.SHIPPED)]))
    assert box["result"] == 2 and "not a regular file" in capsys.readouterr().err
    box = finishes(lambda: weights_io.load(fifo(tmp_path / "m.npz")))
    assert isinstance(box.get("error"), WeightsError)
    box = finishes(lambda: read_idx(fifo(tmp_path / LABELS.name), LABELS))
    assert isinstance(box.get("error"), DataError)
    fifo(digitpad_home / "settings.json")
    assert finishes(lambda: store.Settings().pen_width)["result"] == 18


def test_a_fifo_image_in_the_window_is_a_message(window, tmp_path, no_dialogs):
    picture = fifo(tmp_path / "x.png")
    assert finishes(lambda: window.open_image(picture))["result"] is False
    (kind, _, text), = no_dialogs
    assert kind == "warning" and "not a regular file" in text


def test_weights_that_could_overflow_are_refused(tmp_path):
    net = MLP.create(SMALL, seed=0)
    net.weights[0][:] = 3e38
    with pytest.raises(WeightsError, match="too large"):
        weights_io.load(small_model(tmp_path / "huge.npz", net=net))
    net.weights[0][:] = 1e6                        # large but harmless: read, no NaN
    loaded, _ = weights_io.load(small_model(tmp_path / "large.npz", net=net))
    p = loaded.predict_proba(np.ones(784, np.float32))
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1)


def test_undo_repaints_from_a_snapshot_and_gives_the_same_sheet(qtbot, monkeypatch):
    from digitpad.gui import canvas as canvas_module

    sheets = []
    for _ in range(2):
        sheet = canvas_module.Canvas()
        qtbot.addWidget(sheet)
        sheet.resize(400, 400)
        sheet.show()
        sheets.append(sheet)
    canvas, fresh = sheets
    rng = np.random.default_rng(0)
    strokes = [Stroke([tuple(p) for p in rng.uniform(20, 380, (40, 2))], 10, k % 7 == 6)
               for k in range(120)]                                  # 4,800 points
    canvas.draw_strokes(strokes)
    painted = []
    paint = canvas_module.Canvas._paint_stroke
    monkeypatch.setattr(canvas_module.Canvas, "_paint_stroke",
                        lambda self, s: painted.append(len(s.points)) or paint(self, s))
    for k in range(120):
        painted.clear()
        assert canvas.undo()
        # from the last snapshot: fewer points than between two snapshots, and one stroke
        assert sum(painted) < canvas_module.SNAPSHOT_POINTS + 40
        if k % 30 == 0:
            fresh.clear()
            fresh.draw_strokes(strokes[:119 - k])
            np.testing.assert_array_equal(canvas.ink(crop=False), fresh.ink(crop=False))
    assert canvas.is_empty()


def test_clear_can_be_undone_and_ctrl_y_redoes(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    draw_digit(window.canvas, 7)
    window.findChild(QAction, "clearAction").trigger()
    assert window.canvas.is_empty()
    QTest.keyClick(window.canvas, Qt.Key_Z, Qt.ControlModifier)
    assert window.prediction.digit == 7
    QTest.keyClick(window.canvas, Qt.Key_Z, Qt.ControlModifier)      # the 7 itself
    assert window.canvas.is_empty()
    assert QKeySequence("Ctrl+Y") in window.findChild(QAction, "redoAction").shortcuts()
    QTest.keyClick(window.canvas, Qt.Key_Y, Qt.ControlModifier)
    assert window.prediction.digit == 7


def test_pen_width_in_settings_must_be_one_of_the_pens(qtbot, digitpad_home, shipped,
                                                       no_dialogs):
    for value in (10 ** 9, -5, "thick", [18], True, 10 ** 400, None):
        (digitpad_home / "settings.json").write_text(
            json.dumps({"pen_width": value}) if value != 10 ** 400
            else '{"pen_width": 1' + "0" * 400 + "}")
        w = MainWindow()
        qtbot.addWidget(w)
        assert w.canvas.pen_width() == 18, value
    (digitpad_home / "settings.json").write_text('{"pen_width": 28}')
    assert MainWindow().canvas.pen_width() == 28


def test_loading_the_same_file_again_keeps_one_copy(window, tmp_path, digitpad_home):
    path = small_model(tmp_path / "mine.npz")
    for _ in range(3):
        assert window.models.load(path)
    copies = sorted((digitpad_home / "models").glob("*.npz"))
    assert len(copies) == 1 and window.model.path == copies[0]
    small_model(path, net=MLP.create(SMALL, seed=2))        # another model, same name
    assert window.models.load(path)
    assert len(list((digitpad_home / "models").glob("*.npz"))) == 2


def test_what_killed_saves_and_downloads_left_is_removed_at_the_next_run(
        qtbot, tmp_path, digitpad_home, shipped, no_dialogs):
    script = ("import sys, time\nfrom digitpad.model.files import atomic_write\n"
              "with atomic_write(sys.argv[1]) as f:\n"
              "    f.write(b'half a model'); f.flush(); print('writing', flush=True); "
              "time.sleep(60)\n")
    models = digitpad_home / "models"
    child = subprocess.Popen([sys.executable, "-c", script, str(models / "m.npz")],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n"
    child.send_signal(signal.SIGKILL)                # kill -9 mid-save
    child.wait()
    (left,) = models.glob(".m.npz.*.tmp")
    cache = paths.mnist_cache()
    cache.mkdir(parents=True)
    part = cache / ".t10k-labels-idx1-ubyte.gz.x1.part"
    part.write_bytes(b"half a download")
    fresh = models / ".other.npz.x2.tmp"             # someone else's save, in progress
    fresh.write_bytes(b"")
    hour_ago = time.time() - 3600
    for path in (left, part):
        os.utime(path, (hour_ago, hour_ago))
    w = MainWindow()
    qtbot.addWidget(w)
    assert not left.exists() and fresh.exists()
    with pytest.raises(DataError):
        load_mnist(cache=paths.mnist_cache(), mirrors=[])
    assert not part.exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_in_the_terminal_or_a_kill_ends_the_window(tmp_path, sig):
    env = dict(os.environ, DIGITPAD_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-m", "digitpad"], env=env,
                             stderr=subprocess.PIPE, text=True)
    maps = Path(f"/proc/{child.pid}/maps")     # past Python's own start-up: Qt is loaded
    deadline = time.monotonic() + 30
    while maps.exists() and "Qt6Widgets" not in maps.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    child.send_signal(sig)
    try:
        _, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()                     # never leave a window behind
        child.communicate()
        pytest.fail(f"{sig.name} did not end the window within 60 s")
    assert child.returncode == 130 and "Traceback" not in err, err


def answer_file_dialog(path):
    """When a file dialog opens, go to ``path``'s folder, type its name and accept."""
    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.setDirectory(str(path.parent))
        dialog.findChild(QLineEdit, "fileNameEdit").setText(path.name)
        dialog.accept()
    QTimer.singleShot(20, answer)


def test_save_dialogs_add_the_suffix(window, tmp_path):
    draw_digit(window.canvas, 1)
    answer_file_dialog(tmp_path / "mine")
    assert window.save_drawing()
    answer_file_dialog(tmp_path / "mymodel")
    assert window.models.save()
    corrections.add(window.canvas.strokes, 1)
    answer_file_dialog(tmp_path / "all")
    assert window.teaching.show_corrections().export()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "all.npz", "mine.png", "mymodel.npz"]
    assert weights_io.load(tmp_path / "mymodel.npz")[0].sizes == window.model.network.sizes


def test_a_long_status_message_is_elided_with_the_whole_of_it_at_hand(window):
    message = "Your model could not be loaded (" + "a very long reason, " * 30 + ")"
    window.statusBar().showMessage(message)
    bar = window.statusBar()
    assert bar.currentMessage() == message and bar.toolTip() == message
    shown = bar.shown_message()
    assert shown != message and shown.endswith("…")
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_rect().width()
    bar.grab()                                    # paints without trouble
    bar.showMessage("Saved")
    assert bar.shown_message() == "Saved" and bar.toolTip() == "Saved"
