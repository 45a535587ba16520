"""The real window, offscreen, driven by real mouse events: drawing, reading, menus, errors."""
import gc
import json
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from digitpad.gui.canvas import Canvas
from qtdraw import digit_strokes, draw_digit, ink_total, line, stroke


def action(window, name):
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_contract(window):
    assert isinstance(window.findChild(Canvas, "canvas"), Canvas)
    assert action(window, "clearAction") and action(window, "retrainAction")
    assert window.prediction is None
    assert window.panel.caption.text() == "Draw a digit on the sheet"
    assert window.startup_message is None
    assert "shipped" in window.statusBar().model_label.text()


def test_the_window_has_an_icon_and_a_copy_ships_for_launchers(window):
    import digitpad
    from PySide6.QtGui import QPixmap

    icon = window.windowIcon()
    assert not icon.isNull() and {s.width() for s in icon.availableSizes()} >= {16, 32, 256}
    picture = icon.pixmap(64).toImage()
    assert picture.pixelColor(32, 32).lightness() < 80          # ink in the middle ...
    assert picture.pixelColor(10, 54).lightness() > 240         # ... paper around it
    shipped = QPixmap(str(Path(digitpad.__file__).parent / "data" / "digitpad.png"))
    assert shipped.width() == shipped.height() == 256


def test_opens_big_enough_not_to_grow_on_the_first_reading(window):
    # Opened at its minimum height, the window squeezed the bars and, on X11, grew by a line
    # when the first reading's caption came.
    assert window.height() >= window.sizeHint().height()
    assert window.panel.bars.height() == window.panel.bars.sizeHint().height()
    size = window.size()
    draw_digit(window.canvas, 1)
    assert window.prediction is not None and window.size() == size


@pytest.mark.parametrize("digit", [1, 0, 7])
def test_draws_and_reads_a_digit(window, digit):
    draw_digit(window.canvas, digit)
    p = window.prediction
    assert p is not None and p.digit == digit
    assert len(p.probabilities) == 10 and sum(p.probabilities) == pytest.approx(1)
    assert window.panel.verdict.text() == str(digit)
    assert "%" in window.panel.caption.text()


def test_reads_while_drawing_at_display_rate(window, qtbot):
    canvas = window.canvas
    readings = []
    window.predictionChanged.connect(readings.append)
    (points,) = digit_strokes(1, canvas)
    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(*map(round, points[0])))
    for x, y in points[1:12]:
        QTest.mouseMove(canvas, QPoint(round(x), round(y)))
    assert readings == []          # coalesced: no forward pass inside the mouse events
    qtbot.waitUntil(lambda: len(readings) >= 1, timeout=1000)
    assert window.prediction is not None
    assert len(readings) < 5
    QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(*map(round, points[-1])))
    assert window.prediction.digit == 1


def test_the_first_mark_after_a_clear_is_read_without_waiting_for_a_frame(window, monkeypatch):
    from types import SimpleNamespace

    from digitpad.gui import window as window_module
    # A clock that stands still: the read itself takes no time, however busy the machine.
    monkeypatch.setattr(window_module, "time", SimpleNamespace(perf_counter=lambda: 1000.0))
    canvas = window.canvas
    draw_digit(canvas, 7)                       # just read: the next read would wait a frame
    window.clear()                              # a new drawing starts ...
    (points,) = digit_strokes(1, canvas)
    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(*map(round, points[0])))
    assert window._timer.isActive() and window._timer.interval() == 0   # ... read at once
    QTest.mouseMove(canvas, QPoint(*map(round, points[1])))
    window.update_reading()                     # a read of ink: now the limit holds again
    QTest.mouseMove(canvas, QPoint(*map(round, points[2])))
    assert window._timer.interval() == window_module.FRAME_MS


def test_prediction_is_current_after_each_stroke(window):
    canvas = window.canvas
    strokes = digit_strokes(7, canvas)
    (seven,) = strokes
    stroke(canvas, seven[:13])                 # the bar of the 7 alone
    bar = window.prediction
    stroke(canvas, seven[12:])                 # then the diagonal
    assert window.prediction is not bar and window.prediction.digit == 7


def test_undo_redo_clear_actions(window):
    canvas = window.canvas
    draw_digit(canvas, 1)
    one = window.prediction.probabilities
    cx = canvas.width() / 2
    stroke(canvas, line((cx - 80, canvas.height() * 0.3), (cx + 80, canvas.height() * 0.3)))
    both = window.prediction.probabilities
    assert both != pytest.approx(one, abs=0.01)
    action(window, "undoAction").trigger()
    assert window.prediction.digit == 1
    assert window.prediction.probabilities == pytest.approx(one, abs=1e-3)
    action(window, "redoAction").trigger()
    assert window.prediction.probabilities == pytest.approx(both, abs=1e-3)
    assert len(canvas.strokes) == 2
    action(window, "clearAction").trigger()
    assert window.prediction is None and canvas.is_empty()
    assert window.panel.caption.text() == "Draw a digit on the sheet"
    assert action(window, "undoAction").isEnabled() and not action(window, "redoAction").isEnabled()
    action(window, "undoAction").trigger()             # Clear is undone: both strokes are back
    assert len(canvas.strokes) == 2
    assert window.prediction.probabilities == pytest.approx(both, abs=1e-3)
    action(window, "redoAction").trigger()             # and cleared again
    assert canvas.is_empty() and window.prediction is None


def test_undo_and_redo_are_off_on_the_blank_sheet_the_window_opens_with(window):
    # Edit > Undo stroke was on before anything was drawn (and did nothing).
    assert window.canvas.is_empty()
    assert not action(window, "undoAction").isEnabled()
    assert not action(window, "redoAction").isEnabled()
    draw_digit(window.canvas, 1)
    assert action(window, "undoAction").isEnabled()


def test_clear_shortcuts_are_delete_and_escape(window, qtbot):
    keys = [k.toString() for k in action(window, "clearAction").shortcuts()]
    assert set(keys) == {"Del", "Esc"}
    window.activateWindow()
    qtbot.waitActive(window)
    draw_digit(window.canvas, 1)
    QTest.keyClick(window.canvas, Qt.Key_Escape)
    assert window.canvas.is_empty() and window.prediction is None
    draw_digit(window.canvas, 1)
    QTest.keyClick(window.canvas, Qt.Key_Delete)
    assert window.canvas.is_empty()


def test_a_dialog_that_pops_up_mid_stroke_ends_the_stroke(window, qtbot):
    # Retrain ending while the person draws opens "Use the new model?" (window-modal): the
    # mouse's release went to nobody, and the next stroke was joined to the old one by a
    # long line, as one stroke; Undo stayed off meanwhile.
    from PySide6.QtWidgets import QDialog

    canvas = window.canvas
    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(100, 60))
    for y in range(70, 200, 10):
        QTest.mouseMove(canvas, QPoint(100, y))
    dialog = QDialog(window)
    dialog.open()                                          # window-modal, as CompareDialog
    qtbot.waitExposed(dialog)
    assert canvas.stroke_count() == 1 and action(window, "undoAction").isEnabled()
    dialog.close()
    first = canvas.strokes[0].points
    assert first[0] == (100, 60) and first[-1] == (100, 190)
    stroke(canvas, line((200, 100), (240, 200)))           # the next stroke, on its own
    assert canvas.stroke_count() == 2 and canvas.strokes[1].points[0] == (200, 100)


def test_eraser(window):
    canvas = window.canvas
    draw_digit(canvas, 1)
    action(window, "eraserAction").trigger()
    assert canvas.is_eraser()
    canvas.set_pen_width(80)
    (points,) = digit_strokes(1, canvas)
    stroke(canvas, points)
    assert ink_total(canvas) == 0
    assert window.prediction is None and window.panel.caption.text() == "No ink: draw a digit"
    action(window, "eraserAction").trigger()
    assert not canvas.is_eraser()



def test_the_eraser_key_says_so_and_changes_the_cursor(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    canvas = window.canvas
    draw_digit(canvas, 1)
    QTest.keyClick(canvas, Qt.Key_E)
    assert canvas.is_eraser() and action(window, "eraserAction").isChecked()
    assert canvas.cursor().shape() == Qt.BitmapCursor
    message = window.statusBar().currentMessage()
    assert "Eraser on" in message and "E" in message
    QTest.keyClick(canvas, Qt.Key_E)
    assert not canvas.is_eraser() and canvas.cursor().shape() == Qt.CrossCursor
    assert "Eraser off" in window.statusBar().currentMessage()

def test_resize_keeps_the_drawing(window, qtbot):
    draw_digit(window.canvas, 7)
    before, ink = window.prediction, ink_total(window.canvas)
    window.resize(420, 320)
    qtbot.wait(10)
    window.resize(1000, 700)
    qtbot.wait(10)
    assert ink_total(window.canvas) == pytest.approx(ink)
    window.update_reading()
    assert window.prediction.digit == before.digit
    assert window.prediction.probabilities == pytest.approx(before.probabilities)


def test_not_sure_state(window, monkeypatch):
    from digitpad import reading

    monkeypatch.setattr(reading, "CONFIDENCE", 1.01)      # nothing is sure enough
    draw_digit(window.canvas, 7)
    assert window.prediction.digit is None
    assert window.panel.verdict.text() == "?"
    assert window.panel.caption.text() == f"not sure: looks most like {window.prediction.best}"


def test_not_sure_says_why_when_the_ink_is_not_a_digit(window):
    from digitpad import reading

    canvas = window.canvas
    stroke(canvas, [(canvas.width() / 2, canvas.height() / 2)])      # a tap: a dot
    p = window.prediction
    assert p.digit is None
    assert window.panel.caption.text().startswith(f"not sure: looks most like {p.best}")
    assert p.reason == reading.A_DOT                     # the ink itself says why
    assert f"({reading.A_DOT})" in window.panel.caption.text()


# -- images ---------------------------------------------------------------------------

@pytest.fixture
def mnist_seven(tmp_path, mnist):
    """The first MNIST test image (a 7), as a light-on-dark PNG and a dark-on-light JPEG."""
    assert mnist.test_labels[0] == 7
    img = Image.fromarray(mnist.test_images[0]).resize((112, 112), Image.BILINEAR)
    light = tmp_path / "seven.png"
    img.save(light)
    dark = tmp_path / "seven.jpg"
    Image.fromarray(255 - np.asarray(img)).convert("RGB").save(dark, quality=90)
    return light, dark


def test_open_image_both_polarities(window, mnist_seven, no_dialogs):
    for path in mnist_seven:
        assert window.open_image(path)
        assert window.prediction.digit == 7, path.name
    assert no_dialogs == []
    # drawing on top of an opened image goes on as usual; Clear removes it
    action(window, "clearAction").trigger()
    assert window.prediction is None


def huge_png(path, side=40_000):
    """A tiny PNG file whose header claims side x side pixels (over Pillow's bomb limit)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    data = zlib.compress(b"\0" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
                     + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_text("not a picture"), "not an image"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: Image.new("L", (200, 200), 255).save(p, "PNG"), "blank"),
    (lambda p: huge_png(p), "too large"),
])
def test_open_image_errors_are_dialogs(window, no_dialogs, tmp_path, make, words):
    draw_digit(window.canvas, 1)
    path = tmp_path / "picture.png"
    make(path)
    assert not window.open_image(path)
    (kind, title, text), = no_dialogs
    assert kind == "warning" and words in text and "picture.png" in text
    assert window.prediction.digit == 1          # the drawing is untouched


def test_save_drawing(window, tmp_path):
    draw_digit(window.canvas, 1)
    path = tmp_path / "one.png"
    assert window.save_drawing(path)
    assert not window.canvas.is_modified
    img = Image.open(path)
    assert img.size == (window.canvas.width(), window.canvas.height())
    from digitpad.images import load_ink
    from digitpad import reading
    assert reading.read(window.model.network, load_ink(path)).digit == 1



def test_save_drawing_writes_the_format_its_name_says(window, tmp_path, no_dialogs):
    tmp_path = tmp_path / "saved"
    tmp_path.mkdir()
    draw_digit(window.canvas, 1)
    answer_file_dialog(tmp_path / "one.jpg")                 # typed in the dialog
    assert window.save_drawing()
    assert Image.open(tmp_path / "one.jpg").format == "JPEG"
    assert window.statusBar().currentMessage() == "Saved one.jpg"
    assert window.save_drawing(tmp_path / "one.BMP")
    assert Image.open(tmp_path / "one.BMP").format == "BMP"
    assert window.save_drawing(tmp_path / "bare")            # no suffix: a PNG, named so
    assert Image.open(tmp_path / "bare.png").format == "PNG"
    assert not (tmp_path / "bare").exists() and no_dialogs == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bare.png", "one.BMP", "one.jpg"]


@pytest.mark.parametrize("name", ["one.txt", "one.npz", "one.ico"])
def test_a_drawing_named_as_no_image_it_can_be_is_a_message(window, tmp_path, no_dialogs,
                                                           name):
    tmp_path = tmp_path / "saved"
    tmp_path.mkdir()
    draw_digit(window.canvas, 1)
    window.canvas.set_modified(True)
    assert not window.save_drawing(tmp_path / name)
    (kind, title, text), = no_dialogs
    assert kind == "warning" and name in text and ".png" in text
    assert list(tmp_path.iterdir()) == []                     # nothing written ...
    assert window.canvas.is_modified and window.prediction.digit == 1    # ... nothing lost


# -- models -----------------------------------------------------------------------------

def bad_models(folder, good):
    import pickle

    from digitpad.model.network import MLP
    from digitpad.model import weights as weights_io

    (folder / "text.npz").write_text("hello")
    (folder / "empty.npz").write_bytes(b"")
    (folder / "pickle.npz").write_bytes(pickle.dumps({"weights": [1, 2]}))
    data = good.read_bytes()
    (folder / "truncated.npz").write_bytes(data[: len(data) // 2])
    weights_io.save(folder / "shape.npz", MLP.create([784, 16, 10]), {})
    z = np.load(folder / "shape.npz")
    np.savez(folder / "shape.npz", weight_0=z["weight_0"][:100], bias_0=z["bias_0"],
             weight_1=z["weight_1"], bias_1=z["bias_1"], meta=z["meta"])
    return [folder / n for n in ("text.npz", "empty.npz", "pickle.npz", "truncated.npz",
                                 "shape.npz", "missing.npz")]


def test_load_a_bad_model_keeps_the_one_in_use(window, no_dialogs, tmp_path, shipped):
    draw_digit(window.canvas, 7)
    model, reading_before = window.model, window.prediction
    for path in bad_models(tmp_path, shipped):
        no_dialogs.clear()
        assert not window.models.load(path)
        (kind, title, text), = no_dialogs
        assert kind == "warning" and path.name in text and "unchanged" in text
        assert window.model is model
    assert window.prediction.probabilities == reading_before.probabilities


def test_load_save_and_reset_model(window, tmp_path, digitpad_home, no_dialogs):
    from digitpad.model.network import MLP
    from digitpad.model import weights as weights_io

    other = tmp_path / "other.npz"
    weights_io.save(other, MLP.create([784, 24, 10], seed=3), {"mnist_test_accuracy": 0.5})
    assert window.models.load(other)
    assert window.model.network.sizes == [784, 24, 10]
    # kept under models_dir(), remembered for the next start
    assert digitpad_home in window.model.path.parents
    assert "784-24-10" in window.statusBar().model_label.toolTip()
    from digitpad.gui.window import MainWindow
    again = MainWindow()
    assert again.model.network.sizes == [784, 24, 10] and again.startup_message is None
    again.close()

    saved = tmp_path / "saved.npz"
    assert window.models.save(saved)
    assert weights_io.load(saved)[0].sizes == [784, 24, 10]
    from digitpad import weights
    assert not window.models.save(weights.SHIPPED)           # never over the shipped model
    assert "never overwritten" in no_dialogs[-1][2]

    assert window.models.reset()
    assert window.model.shipped and "shipped" in window.statusBar().model_label.text()
    assert MainWindow().model.shipped


def test_broken_user_model_falls_back_at_start_without_a_dialog(qtbot, shipped, digitpad_home,
                                                                  no_dialogs):
    from digitpad.gui.window import MainWindow

    broken = digitpad_home / "models" / "mine.npz"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 damaged")
    (digitpad_home / "settings.json").write_text(json.dumps({"model": str(broken)}))
    w = MainWindow()
    qtbot.addWidget(w)
    assert no_dialogs == []
    assert w.model.shipped
    assert "mine.npz" in w.startup_message and "shipped" in w.startup_message
    assert w.statusBar().currentMessage() == w.startup_message


def test_about_names_the_model(window, no_dialogs):
    action(window, "aboutAction").trigger()
    (kind, title, text), = no_dialogs
    assert kind == "about"
    assert "-".join(map(str, window.model.network.sizes)) in text and "%" in text
    assert "UniPen" in text and "10.5281/zenodo.1195803" in text     # CC BY needs the credit


def test_twenty_thousand_segments(window):
    """PySide6 6.12.0 died after a few thousand drawLine calls; this must not."""
    canvas = window.canvas
    w, h = canvas.width(), canvas.height()
    segments = 0
    for k in range(20):
        QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(10, 10))
        for i in range(1000):
            x = 10 + (i * 7 + k) % (w - 20)
            y = 10 + (i * 13 + 3 * k) % (h - 20)
            QTest.mouseMove(canvas, QPoint(x, y))
            segments += 1
        QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(w // 2, h // 2))
    assert segments == 20_000 and len(canvas.strokes) == 20
    assert window.prediction is not None
    window.canvas.undo()                       # repaints from a snapshot, not 19,000 segments
    assert len(canvas.strokes) == 19


def test_no_model_at_all_still_opens(qtbot, monkeypatch, tmp_path, no_dialogs):
    from digitpad import weights
    from digitpad.gui.window import MainWindow

    monkeypatch.setattr(weights, "SHIPPED", tmp_path / "missing.npz")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.model is None and no_dialogs == []
    assert "Retrain" in w.startup_message
    draw_digit(w.canvas, 1)
    assert w.prediction is None and "No model" in w.panel.caption.text()
    assert not action(w, "evaluateAction").isEnabled()


def test_main_opens_the_window_and_runs(qtbot, shipped, no_dialogs, monkeypatch):
    """main() shows the window and runs the application's event loop.

    The real QApplication.exec() is not run here: once it has returned, Qt
    considers the application closing, and later tests' threads would not run.
    """
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.app import main
    from digitpad.gui.window import MainWindow

    seen, frozen = [], []

    def exec_():
        qtbot.wait(10)
        frozen.append(gc.get_freeze_count())
        seen.extend(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible())
        for w in seen:
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    assert main() == 0
    assert len(seen) == 1 and seen[0].model is not None
    # While it ran, what the window was built of lay out of the collector's sight (a full
    # collection walked it all: 40 ms); once it has run, nothing is left frozen.
    assert frozen[0] > 10_000 and gc.get_freeze_count() == 0


# -- file dialogs -------------------------------------------------------------------------

def answer_file_dialog(path=None, seen=None):
    """When a file dialog opens, note where it starts (in ``seen``), then choose ``path``
    (its folder, its name typed) or, without one, cancel."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        if seen is not None:
            seen.append((Path(dialog.directory().absolutePath()), name.text()))
        if path is None:
            dialog.reject()
            return
        dialog.setDirectory(str(path.parent))
        name.setText(path.name)
        dialog.accept()
    QTimer.singleShot(20, answer)


def start_of(ask):
    """Where the file dialog that ``ask()`` opens starts: (folder, name typed in)."""
    seen = []
    answer_file_dialog(seen=seen)
    assert not ask()
    return seen[0]


def test_file_dialogs_open_where_the_last_one_of_their_kind_was(window, tmp_path):
    from digitpad.gui.window import MainWindow

    pictures, models = tmp_path / "pictures", tmp_path / "models"
    pictures.mkdir()
    models.mkdir()
    assert start_of(window.open_image)[0] == Path.home()          # nothing chosen yet
    draw_digit(window.canvas, 1)
    answer_file_dialog(pictures / "one")
    assert window.save_drawing() and (pictures / "one.png").is_file()
    assert start_of(window.open_image) == (pictures, "")
    assert start_of(window.save_drawing) == (pictures, "digit.png")
    answer_file_dialog(models / "mine")
    assert window.models.save()
    assert start_of(window.models.load)[0] == models
    assert start_of(window.open_image)[0] == pictures                 # each kind its own
    export = window.teaching.show_corrections().export
    assert start_of(export) == (models, "digitpad-corrections.npz")  # new kind: the last
    window.close()
    again = MainWindow()                                   # the next run remembers them
    try:
        assert start_of(again.open_image)[0] == pictures
        assert start_of(again.models.save) == (models, "digitpad-model.npz")
        shutil.rmtree(models)                              # gone since: home, not an error
        assert start_of(again.models.load)[0] == Path.home()
    finally:
        again.close()


def test_a_remembered_folder_that_is_not_one_is_ignored(tmp_path):
    from digitpad import store

    a_file = tmp_path / "file.png"
    a_file.write_bytes(b"")
    for bad in [str(a_file), "relative/folder", 42, ["/"], "/no\0where", str(tmp_path / "gone")]:
        store.write_json(store.settings_path(), {"folder_images": bad})
        assert store.Settings().folder("images") is None, bad
    store.Settings().update(folder=str(tmp_path), folder_models=str(a_file))
    assert store.Settings().folder("models") == tmp_path       # the last folder instead
    assert store.Settings().known()["folder"] == str(tmp_path)


def test_status_messages_are_read_whole_at_the_default_size(window, qtbot, tmp_path):
    """At the size the window opens with, beside a model of a long file name, each message
    its own actions show is read whole (not elided: its end only in a tooltip)."""
    from digitpad import weights
    from digitpad.gui.replay import draw
    from test_number_window import one, seven, zero

    bar, cut = window.statusBar(), []

    def read_whole():
        assert bar.currentMessage()
        if bar.shown_message() != bar.currentMessage():
            cut.append(bar.currentMessage())

    def click(button):
        qtbot.mouseClick(button, Qt.LeftButton)
        read_whole()

    model = tmp_path / "retrained-20261207-121314-2.npz"
    shutil.copy(weights.SHIPPED, model)
    assert window.models.load(model)
    read_whole()
    assert bar.model_label.text().startswith("Model: retrained-")
    for on in (True, False):
        window.set_eraser(on)
        read_whole()
    window.teaching.teach(7)                             # nothing drawn yet
    read_whole()
    teach = window.panel.teach_buttons
    draw_digit(window.canvas, 7)
    click(teach[7])
    for digit in (7, 2):                                 # already kept; kept instead of a 7
        window.undo_action.trigger()
        click(teach[digit])
    draw(window.canvas, one(100) + zero(170) + seven(280))
    qtbot.mouseClick(window.number_view.strip.buttons[2], Qt.LeftButton)
    click(teach[4])                                      # kept digit 3 as a 4
    click(teach[4])                                      # already kept digit 3 as a 4
    assert window.save_drawing(tmp_path / "number.png")
    read_whole()
    assert window.open_image(tmp_path / "number.png")
    read_whole()
    stroke(window.canvas, line((40, 40), (80, 90)))
    window.teaching.teach(7)                             # a mark on an opened image
    assert "opened image" in bar.currentMessage()
    read_whole()
    assert window.models.save(tmp_path / "digitpad-model.npz")
    read_whole()
    assert window.models.reset()
    read_whole()
    assert cut == []
