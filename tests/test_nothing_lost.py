"""Nothing lost, round 3 (issue 21): the user's choices, concurrent saves, files checked,
costs bounded.

Each test fails without its fix; where it is cheap, its cost is bounded here
(:func:`test_hostile.costs_at_most`: wall time and the Python/NumPy peak as
tracemalloc sees it; :func:`child_costs`: a fresh process' own peak resident
memory, for what Pillow and Qt allocate in C).  The full-size cases are in
``bench/hostile.py``.
"""
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtGui import QAction

from digitpad import store
from digitpad.gui.window import MainWindow
from digitpad.model import files
from digitpad.model import weights as weights_io
from digitpad.model.network import MLP
from test_hostile import SMALL, costs_at_most, finishes, small_model

REPO = Path(__file__).resolve().parents[1]


def new_window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def view_action(window, name):
    return window.findChild(QAction, f"{name}ViewAction")


# 1. The chosen model is never forgotten ------------------------------------------------

def test_the_model_survives_pen_and_view_changes(qtbot, tmp_path, shipped, no_dialogs):
    w = new_window(qtbot)
    assert w.models.load(small_model(tmp_path / "mine.npz"))
    chosen = w.model.path
    w.set_pen_width(28)
    view_action(w, "why").trigger()
    settings = store.Settings()
    assert settings.model == chosen and settings.pen_width == 28 and settings.views == ["why"]
    again = new_window(qtbot)
    assert again.model.path == chosen and again.canvas.pen_width() == 28


def test_reset_then_a_pen_change_does_not_bring_the_old_model_back(qtbot, tmp_path, shipped,
                                                                    no_dialogs):
    assert new_window(qtbot).models.load(small_model(tmp_path / "mine.npz"))
    w = new_window(qtbot)                       # opens with it, as remembered
    assert not w.model.shipped
    assert w.models.reset()
    w.set_pen_width(10)
    assert store.Settings().model is None
    assert new_window(qtbot).model.shipped


def test_two_windows_keep_each_others_choices(qtbot, tmp_path, shipped, no_dialogs):
    a, b = new_window(qtbot), new_window(qtbot)
    assert a.models.load(small_model(tmp_path / "mine.npz"))
    b.set_pen_width(40)                        # b read the settings before a's model
    view_action(b, "units").trigger()
    a.set_pen_width(10)                        # and a before b's views
    settings = store.Settings()
    assert settings.model == a.model.path and settings.views == ["units"]
    assert settings.pen_width == 10


def test_concurrent_updates_from_two_processes_lose_no_key(tmp_path):
    script = textwrap.dedent("""
        import sys
        from digitpad import store
        for k in range(60):
            assert store.Settings().update(**{f"{sys.argv[1]}{k}": k})
    """)
    children = [subprocess.Popen([sys.executable, "-c", script, name]) for name in "ab"]
    assert [child.wait(60) for child in children] == [0, 0]
    data = json.loads(store.settings_path().read_text())
    assert sorted(data) == sorted(f"{name}{k}" for name in "ab" for k in range(60))


def test_a_rewrite_never_grows_past_the_limit(tmp_path):
    path = store.settings_path()
    deep = "[" * 800 + "]" * 800             # 1.6 kB; written with indentation, 1.28 MB
    path.write_text('{"pen_width": 28, "old": ' + deep + "}")
    with costs_at_most(2, 50):
        assert store.Settings().update(views=["why"])
    assert path.stat().st_size < 4000
    assert store.Settings().pen_width == 28 and store.Settings().views == ["why"]
    assert json.loads(path.read_text())["old"] == json.loads(deep)      # kept, compactly
    # numbers that are longer written back (1E5 -> 100000.0): the unknown key goes
    path.write_text('{"pen_width": 28, "model": "/x/m.npz", "n": [' + ",".join(
        ["1E5"] * 240_000) + "]}")
    assert path.stat().st_size < store.SETTINGS_BYTES
    with costs_at_most(10, 200):                  # 240,000 numbers read and written, traced
        assert store.Settings().update(views=["grid"])
    assert path.stat().st_size < store.SETTINGS_BYTES
    settings = store.Settings()
    assert (settings.pen_width, settings.views, settings.model) == (28, ["grid"],
                                                                     Path("/x/m.npz"))
    path.write_text('{"pen_width": 28, "inf": 1e400, "views": ["why", 3]}')   # no JSON for inf
    assert store.Settings().update(model="/y.npz")
    assert json.loads(path.read_text()) == {"pen_width": 28, "views": ["why"],
                                            "model": "/y.npz"}


def test_a_hostile_lock_file_costs_the_lock_not_the_update(digitpad_home):
    os.mkfifo(digitpad_home / ".settings.json.lock")
    assert finishes(lambda: store.Settings().update(pen_width=28), 10)["result"]
    assert store.Settings().pen_width == 28


# 2. Two saves in one second never overwrite each other ------------------------------------

def test_two_saves_in_the_same_second_make_two_models(monkeypatch, digitpad_home):
    monkeypatch.setattr(store, "model_name", lambda stem="retrained", when=None:
                        f"{stem}-20261204-030000")
    first = store.adopt(MLP.create(SMALL, seed=1), {})
    second = store.adopt(MLP.create(SMALL, seed=2), {})
    assert first.path != second.path
    assert [p.name for p in sorted((digitpad_home / "models").glob("*.npz"))] == [
        "retrained-20261204-030000-2.npz", "retrained-20261204-030000.npz"]
    for model, seed in ((first, 1), (second, 2)):
        np.testing.assert_array_equal(weights_io.load(model.path)[0].weights[0],
                                      MLP.create(SMALL, seed=seed).weights[0])


def test_an_exclusive_save_never_replaces_a_file_made_meanwhile(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    with pytest.raises(FileExistsError):
        with files.atomic_write(path, exclusive=True) as f:
            f.write(b"mine")
            path.write_bytes(b"someone else's, made meanwhile")
    assert path.read_bytes() == b"someone else's, made meanwhile"
    assert not list(tmp_path.glob(".*.tmp"))                           # no temporary left
    # where hard links are not had, O_EXCL claims the name
    monkeypatch.setattr(os, "link", lambda *a: (_ for _ in ()).throw(PermissionError()))
    with files.atomic_write(tmp_path / "n.npz", exclusive=True) as f:
        f.write(b"new")
    assert (tmp_path / "n.npz").read_bytes() == b"new"
    with pytest.raises(FileExistsError), files.atomic_write(path, exclusive=True) as f:
        f.write(b"mine")


def test_many_processes_adopting_at_once_keep_every_model(digitpad_home):
    script = textwrap.dedent("""
        import sys
        from digitpad import store
        from digitpad.model.network import MLP
        store.model_name = lambda stem="retrained", when=None: "same-second"
        print(store.adopt(MLP.create([784, 16, 10], seed=int(sys.argv[1])), {}).path.name)
    """)
    children = [subprocess.Popen([sys.executable, "-c", script, str(k)],
                                 stdout=subprocess.PIPE, text=True) for k in range(4)]
    names = [child.communicate(timeout=60)[0].strip() for child in children]
    assert len(set(names)) == 4, names
    assert len(list((digitpad_home / "models").glob("same-second*.npz"))) == 4


# 3. Saves keep safe permissions -------------------------------------------------------------

@pytest.mark.parametrize("before, after", [(0o000, 0o600), (0o666, 0o644), (0o777, 0o644),
                                           (0o640, 0o640), (0o600, 0o600), (0o444, 0o644)])
def test_a_save_never_copies_unsafe_permissions(tmp_path, before, after):
    path = tmp_path / "settings.json"
    path.write_text("{}")
    path.chmod(before)
    with files.atomic_write(path) as f:
        f.write(b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == after


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        with files.atomic_write(tmp_path / "private.json") as f:
            f.write(b"{}")
    finally:
        os.umask(old)
    with files.atomic_write(tmp_path / "shared.json") as f:
        f.write(b"{}")
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared.json").stat().st_mode) == 0o644 & ~old


# 4. Images within Pillow's limit stay within the memory budget, whatever their mode -------

def child_costs(code, *args, seconds=60):
    """Run ``code`` in a fresh Python; ``(its stdout, seconds its work took, MB its resident
    memory grew by at the peak of that work)``.  ``code`` is ``imports ## work``: the peak
    is counted from after the imports, with the heap the imports freed given back first
    (``malloc_trim``) and the high-water mark reset (``/proc/self/clear_refs``), so that
    memory the work reuses is counted too."""
    imports, work = code.split("##")
    script = textwrap.dedent(f"""
        import ctypes, resource, sys, time
        {textwrap.dedent(imports).strip()}
        def status(key):
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith(key)) / 1024
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            base, peak = status("VmRSS:"), lambda: status("VmHWM:")
        except OSError:
            base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        {textwrap.indent(textwrap.dedent(work).strip(), "        ").strip()}
        seconds = time.perf_counter() - start
        print(f"\\n{{seconds}} {{peak() - base}}")
    """)
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True,
                          text=True, timeout=seconds, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr
    out, _, last = done.stdout.rstrip().rpartition("\n")
    seconds, grew = map(float, last.split())
    return out, seconds, grew


READ_IMAGE = """
    from digitpad.images import ImageError, load_ink
    ##
    try:
        ink = load_ink(sys.argv[1])
        print("ink", ink.shape, round(float(ink.mean()), 3))
    except ImageError as e:
        print("ImageError", e)
"""


def a_large_digit(path, mode, side, **save):
    """A ``side`` x ``side`` picture in ``mode`` of a dark bar on light paper."""
    if mode == "I;16":
        a = np.full((side, side), 60000, np.uint16)
        a[side // 4:3 * side // 4, side // 3:side // 2] = 300
        image = Image.fromarray(a)
    else:
        image = Image.new(mode, (side, side), "white")
        ImageDraw.Draw(image).rectangle((side // 3, side // 4, side // 2, 3 * side // 4),
                                        fill="black")
    image.save(path, **save)
    return path


@pytest.mark.parametrize("mode", ["I;16", "RGBA"])
def test_a_large_picture_is_read_within_the_budget(tmp_path, mode):
    """6000 x 6000: it was refused (16-bit: "image has wrong mode") or cost 430 MB."""
    path = a_large_digit(tmp_path / "big.png", mode, 6000, compress_level=1)
    assert path.stat().st_size < 5 << 20
    out, seconds, grew = child_costs(READ_IMAGE, path)
    assert out.startswith("ink ("), out
    assert grew < 300 and seconds < 30, (grew, seconds)


def test_a_colour_picture_too_large_to_decode_is_refused_before_it_is(tmp_path):
    """81 megapixels of colour (within Pillow's limit): 309 MB to decode, refused unread."""
    path = a_large_digit(tmp_path / "huge.png", "RGB", 9000, compress_level=1)
    assert 9000 * 9000 < Image.MAX_IMAGE_PIXELS and path.stat().st_size < 5 << 20
    out, seconds, grew = child_costs(READ_IMAGE, path)
    assert out.startswith("ImageError huge.png: the image is too large to open") \
        and "309 MB to decode" in out, out
    assert grew < 50 and seconds < 5, (grew, seconds)


def test_a_reduced_picture_reads_as_the_whole_one_does(tmp_path):
    """Reduced in strips or read whole, the same digit; EXIF orientation still applied."""
    from digitpad import images, preprocess

    path = a_large_digit(tmp_path / "bar.png", "RGBA", 2500)
    whole = preprocess.to_mnist(images.load_ink(path))
    original = images.MAX_SIDE
    try:
        images.MAX_SIDE = 3000                # read whole
        assert images.load_ink(path).shape == (2500, 2500)
        images.MAX_SIDE = original
        assert images.load_ink(path).shape == (833, 833)
        reduced = preprocess.to_mnist(images.load_ink(path))
    finally:
        images.MAX_SIDE = original
    assert np.abs(whole - reduced).mean() < 0.02
    turned = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6                          # shown turned 90 degrees clockwise
    image = Image.new("L", (300, 200), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 100, 20), fill="black")      # top left
    image.save(turned, exif=exif)
    ink = images.load_ink(turned)
    assert ink.shape == (300, 200) and ink[:100, -20:].mean() > 0.8      # top right now


# 5. The sheet shrinks again; a stroke costs what it holds -----------------------------------

def test_the_sheet_shrinks_when_a_huge_window_is_made_small_and_nothing_is_lost(qtbot):
    from digitpad.gui.canvas import Canvas
    from digitpad.strokes import Stroke
    from qtdraw import shown, stroke

    canvas = shown(qtbot, Canvas(), 4000, 3000)
    stroke(canvas, [(200, 200), (240, 260)])
    canvas.draw_strokes([Stroke([(3500, 2500), (3600, 2700)], 18)])      # far out
    huge = canvas._image.sizeInBytes()
    assert huge > 45 << 20
    resets = []
    canvas.reset.connect(lambda: resets.append(1))
    canvas.resize(400, 400)
    assert canvas._image.sizeInBytes() < 2 << 20                           # was 46 MB
    assert resets and canvas.ink().shape[0] < 400                           # reads what shows
    canvas.resize(4000, 3000)                                               # back: repainted
    assert canvas._image.pixelColor(3550, 2600).lightness() < 50
    assert canvas._image.pixelColor(220, 230).lightness() < 50
    assert canvas.stroke_count() == 2 and canvas.undo() and canvas.undo() and canvas.is_empty()


def test_jiggling_a_window_keeps_the_sheet(qtbot):
    from digitpad.gui.canvas import Canvas

    canvas = Canvas()
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    canvas.show()
    image = canvas._image.cacheKey()
    canvas.resize(760, 560)
    canvas.resize(800, 600)
    assert canvas._image.cacheKey() == image                                # no new sheet


def test_a_stroke_on_a_busy_sheet_copies_no_stroke(window, monkeypatch):
    from digitpad.gui.canvas import Canvas
    from digitpad.strokes import Stroke
    from qtdraw import stroke

    rng = np.random.default_rng(0)
    window.canvas.draw_strokes([Stroke([tuple(p) for p in rng.uniform(20, 300, (4, 2))], 10)
                                for _ in range(5000)])
    copied = []
    strokes = Canvas.strokes
    monkeypatch.setattr(Canvas, "strokes", property(
        lambda self: copied.append(len(self._strokes)) or strokes.fget(self)))
    with costs_at_most(2, 50):
        stroke(window.canvas, [(100, 100), (150, 180), (160, 200)])
    assert copied == [] and window.canvas.has_drawing()
    assert window.findChild(QAction, "teachAction1").isEnabled()


# 6. My corrections with thousands of drawings; an absurd date; Cancel while drawing them ---

def kept_drawing(folder, k, label=1, when=None, points=3):
    """Write correction file ``k`` as corrections.add would, without its fsync."""
    c = {"version": 1, "label": label, "time": 1.7e9 + k if when is None else when,
         "canvas": [420, 420],
         "strokes": [{"points": [[100 + k % 50 + 7 * i, 100 + 20 * i] for i in range(points)],
                      "width": 18, "erase": False}]}
    path = folder / f"20261204-{k:06d}-{label}-abcdef{k % 10}0.json"
    path.write_text(json.dumps(c))
    return path


def test_my_corrections_opens_and_keeps_fast_with_thousands_of_drawings(window, digitpad_home):
    from digitpad.gui import my_corrections
    from qtdraw import draw_digit

    folder = digitpad_home / "corrections"
    folder.mkdir()
    for k in range(3000):
        kept_drawing(folder, k, label=k % 10)
    with costs_at_most(8, 300):                # it took 18 s for thousands
        dialog = window.teaching.show_corrections()
    assert dialog.list.count() == my_corrections.PAGE and "3,000 drawings kept" in \
        dialog.summary.text() and "200 most recent are shown" in dialog.summary.text()
    assert dialog.more_button.isVisible()
    draw_digit(window.canvas, 1)
    with costs_at_most(5, 100):                # and 10 s per keep (a bound, loose for a busy machine)
        assert window.teaching.teach(1)
    assert "3,001 drawings kept" in dialog.summary.text()
    assert dialog.list.item(0).data(0x0100) == sorted(p.stem for p in folder.glob("*.json"))[-1]
    dialog.more_button.click()
    assert dialog.list.count() == 2 * my_corrections.PAGE
    while dialog.thumbnails_pending():
        dialog._draw_thumbnails()
    assert not dialog.list.item(2 * my_corrections.PAGE - 1).icon().isNull()


def test_an_absurd_date_never_stops_my_corrections_from_opening(window, digitpad_home):
    folder = digitpad_home / "corrections"
    folder.mkdir()
    for k, when in enumerate((1e300, -1e300, 1e19, 1.7e9)):
        kept_drawing(folder, k, when=when)
    dialog = finishes(window.teaching.show_corrections)["result"]
    assert dialog.list.count() == 4 and "4 drawings kept" in dialog.summary.text()
    texts = sorted(dialog.list.item(i).text() for i in range(4))
    assert sum("date unknown" in t for t in texts) == 3, texts


def big_drawing(folder, k=0):
    """A valid correction as large as one may be: 500 strokes, 200,000 points."""
    rng = np.random.default_rng(k)
    strokes = [{"points": (rng.normal(0, 3, (400, 2)).cumsum(axis=0) + 300).round(2).tolist(),
                "width": 18, "erase": False} for _ in range(500)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"20261204-big{k}-3-00000000.json"
    path.write_text(json.dumps({"version": 1, "label": 3, "time": 1.7e9, "canvas": None,
                                "strokes": strokes}))
    return path


def test_drawing_large_corrections_stops_when_asked():
    from digitpad import corrections
    from digitpad.model.stopping import Stopped

    big_drawing(corrections.folder())
    (item,) = corrections.list_all()
    assert sum(len(s.points) for s in item.strokes) == 200_000
    stop_at = time.perf_counter() + 0.3
    start = time.perf_counter()
    with pytest.raises(Stopped, match="drawing the corrections"):
        corrections.correction_images([item], np.random.default_rng(0), copies=40,
                                      should_stop=lambda: time.perf_counter() > stop_at)
    assert time.perf_counter() - start < 2          # it drew on for minutes


def test_cancel_stops_learn_while_it_draws_large_corrections(qtbot, shipped, mnist, no_dialogs):
    from digitpad import corrections
    from test_hostile import make_window

    for k in range(3):
        big_drawing(corrections.folder(), k)
    w = make_window(qtbot, lambda progress=None: mnist)
    dialog = w.teaching.learn()
    assert dialog.count == 3 and dialog.start_button.isEnabled()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: corrections.DRAWING_PHASE in dialog.status.text(),
                    timeout=20_000)
    qtbot.wait(500)                                  # well into the drawing
    dialog.cancel_button.click()
    start = time.perf_counter()
    qtbot.waitUntil(lambda: not w.jobs.busy(), timeout=20_000)
    assert time.perf_counter() - start < 5
    assert w.model.shipped and "cancelled" in dialog.status.text()


def test_the_thumbnail_of_a_large_drawing_is_quick(qapp):
    from digitpad import corrections
    from digitpad.gui import my_corrections

    big_drawing(corrections.folder())
    (item,) = corrections.list_all()
    with costs_at_most(1.5, 100):
        my_corrections.thumbnail(item)                      # 2.5 s drawn whole


# 7. Every cache checked before it is read; scores belong to a model's content ---------------

def scores_file():
    from digitpad import scores
    return scores._scores_file()


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "deep", "huge", "garbage", "nan"])
def test_a_bad_scores_cache_is_absent_and_never_hangs_or_bloats(qtbot, shipped, no_dialogs,
                                                                 tmp_path, kind):
    from digitpad import scores

    path = scores_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    model = store.load_shipped()
    key = scores.network_digest(model.network)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "huge":
        with open(path, "wb") as f:
            f.truncate(3 << 30)                   # sparse 3 GB
    elif kind == "garbage":
        path.write_text(json.dumps({key: {"mnist": 10 ** 400, "declined": 0.5}}))
    else:
        path.write_text('{"%s": {"mnist": NaN, "declined": 0.5}}' % key)
    with costs_at_most(5, 50):
        assert finishes(lambda: scores.known_scores(store.LoadedModel(
            model.network, {})), 5)["result"] is None
    w = finishes(lambda: new_window(qtbot), 20)["result"]
    assert w.model.shipped and "Model:" in w.statusBar().model_label.toolTip()
    scores.remember_scores(model.network, scores.Scores(0.99, None, 0.5))     # replaced whole
    if kind not in ("fifo", "dev-zero"):
        assert scores.known_scores(store.LoadedModel(model.network, {})).mnist == 0.99


def test_scores_are_remembered_for_the_model_measured_not_the_one_loaded_meanwhile(
        window, tmp_path):
    from digitpad import scores

    measured = window.model                                  # in use when Retrain began
    other = small_model(tmp_path / "other.npz")
    assert window.models.load(other)                         # loaded while it ran
    comparison = scores.Comparison(scores.Scores(0.9943, 0.9, 0.97),
                                   scores.Scores(0.5, 0.4, 0.3), measured=measured.network)
    dialog = window.models.offer(MLP.create(SMALL, seed=5), {}, comparison)
    assert "Another model was loaded while it ran" in dialog.verdict.text()
    dialog.keep_button.click()                               # Keep
    assert window.model.path.name.startswith("other")
    assert scores.known_scores(window.model) is None and "scores" not in window.model.meta
    assert scores.known_scores(store.LoadedModel(measured.network, {})).mnist == 0.9943
    again = MainWindow()                                     # the next start: no 99.43%
    assert "99.43" not in again.statusBar().model_label.toolTip()
    again.close()


def test_a_bad_drawings_cache_is_drawn_again_and_never_hangs(tmp_path):
    import zipfile

    from digitpad import datasets

    made = []

    def make():
        made.append(1)
        return dict(images=np.ones((3, 28, 28), np.uint8))

    path = datasets._cache_path("test", {})
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    assert finishes(lambda: datasets.cached("test", {}, make), 10)["result"]["images"].shape \
        == (3, 28, 28)
    assert made == [1] and path.is_file()                     # replaced by a good one
    assert datasets.cached("test", {}, make)["images"].sum() == 3 * 784 and made == [1]
    # a member that claims 4 GB in a small file, and a compressed bomb
    path.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("images.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "|u1", "fortran_order": False,
                                                     "shape": (200_000, 28, 28)})
            for _ in range(40):
                f.write(bytes(4 << 20))
    assert path.stat().st_size < 5 << 20
    with costs_at_most(3, 50):
        assert datasets.cached("test", {}, make)["images"].shape == (3, 28, 28)
    assert made == [1, 1]


def test_killed_cache_writes_are_swept(qtbot, shipped, no_dialogs, monkeypatch, tmp_path):
    from digitpad import datasets, paths

    monkeypatch.setenv("DIGITPAD_HOME", "")                   # the platform's folders
    monkeypatch.delenv("DIGITPAD_HOME")
    monkeypatch.setattr(paths.platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path / "c"))
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "d"))
    left = [datasets.cache_folder() / ".non-digits-x.npz.abc.tmp",
            paths.cache_dir() / ".scores.json.abc.tmp"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
        os.utime(path, (time.time() - 3600,) * 2)
    assert store.remove_leftovers() == 2 and not any(p.exists() for p in left)


# 7. Paths that cannot be used: one line, exit 2 ---------------------------------------------

LONG = "a" * 300


def a_file(tmp_path):
    path = tmp_path / "file"
    path.write_text("not a folder")
    return path


@pytest.mark.parametrize("home, words", [
    ("~nosuchuser-digitpad/x", "is not the home folder of any user"),
    (f"/tmp/{LONG}", "file name too long"),
    ("FILE/inside", "cannot use the folder (Not a directory)"),
    ("", "DIGITPAD_HOME is set but empty"),
    ("   ", "DIGITPAD_HOME is set but empty"),
])
@pytest.mark.parametrize("argv", [["train", "--data", "NOWHERE"], ["evaluate"],
                                  ["predict", "x.png"]], ids=["train", "evaluate", "predict"])
def test_a_digitpad_home_that_cannot_be_used_is_one_line(capsys, monkeypatch, tmp_path, home,
                                                         words, argv):
    from test_hostile import one_line_error

    monkeypatch.setenv("DIGITPAD_HOME", home.replace("FILE", str(a_file(tmp_path))))
    argv = [str(tmp_path / "nowhere") if a == "NOWHERE" else a for a in argv]
    one_line_error(capsys, argv, words)


def test_a_folder_that_cannot_be_entered_is_one_line(capsys, monkeypatch, tmp_path):
    from test_hostile import one_line_error

    locked = tmp_path / "locked"
    (locked / "inner").mkdir(parents=True)
    locked.chmod(0)
    try:
        if os.access(locked / "inner", os.X_OK):
            pytest.skip("running as root: every folder can be entered")
        monkeypatch.setenv("DIGITPAD_HOME", str(locked / "inner"))
        one_line_error(capsys, ["evaluate"], "Permission denied")
        monkeypatch.setenv("DIGITPAD_HOME", str(tmp_path))
        one_line_error(capsys, ["evaluate", "--data", locked / "inner"], "cannot read the MNIST")
        one_line_error(capsys, ["train", "--out", locked / "inner" / "m.npz"], "Permission")
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("option, value, words", [
    ("--out", "~nosuchuser-digitpad/m.npz", "is not the home folder of any user"),
    ("--out", f"/tmp/{LONG}/m.npz", "file name too long"),
    ("--out", "FILE/x/m.npz", "Not a directory"),
    ("--data", "~nosuchuser-digitpad/mnist", "is not the home folder of any user"),
    ("--data", f"/tmp/{LONG}", "file name too long"),
    ("--data", "FILE/x", "is not a folder"),
])
def test_out_and_data_that_cannot_be_used_are_one_line(capsys, tmp_path, option, value, words):
    from test_hostile import one_line_error

    value = value.replace("FILE", str(a_file(tmp_path)))
    argv = ["train", option, value] + (["--data", tmp_path / "nowhere"] if option == "--out"
                                       else [])
    with costs_at_most(2, 50):
        one_line_error(capsys, argv, words)


def test_a_weights_path_that_fails_to_read_is_one_line(capsys, tmp_path):
    from test_hostile import one_line_error

    if not Path("/proc/self/mem").exists():
        pytest.skip("no /proc here")
    picture = tmp_path / "x.png"
    Image.new("L", (28, 28)).save(picture)
    one_line_error(capsys, ["predict", picture, "--weights", "/proc/self/mem"],
                   "cannot read /proc/self/mem")
    one_line_error(capsys, ["evaluate", "/proc/self/mem"], "cannot read /proc/self/mem")


def test_two_digitpad_train_runs_in_one_second_keep_both_models(monkeypatch, capsys,
                                                                digitpad_home):
    from digitpad import cli, learning, mnist

    monkeypatch.setattr(store, "model_name", lambda stem="retrained", when=None:
                        f"{stem}-20261204-030000")
    monkeypatch.setattr(mnist, "load", lambda *a, **k: None)
    seeds = iter([1, 2])
    monkeypatch.setattr(learning, "make_model", lambda *a, **k: (
        MLP.create(SMALL, seed=next(seeds)), {"mnist_test_accuracy": 0.5,
                                              "training_seconds": 1.0}))
    assert cli.main(["train"]) == 0 and cli.main(["train"]) == 0
    saved = sorted((digitpad_home / "models").glob("*.npz"))
    assert [p.name for p in saved] == ["digitpad-20261204-030000-2.npz",
                                       "digitpad-20261204-030000.npz"]
    assert "saved " + str(saved[0]) in capsys.readouterr().out
    weights = [weights_io.load(p)[0].weights[0] for p in saved]
    assert not np.array_equal(*weights)
