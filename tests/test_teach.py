"""Teach it your hand, in the window: keep corrected drawings, manage them, learn from them."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from digitpad import corrections, teach
from qtdraw import draw_digit, stroke
from test_retrain import Recorder



def european_one(canvas, k=0):
    """A "1" with a flag and no base, a little different for each ``k``."""
    h = (0.55 + 0.05 * (k % 3)) * canvas.height() / 2
    cx = canvas.width() / 2 + 25 * ((k % 5) - 2)
    cy = canvas.height() / 2 + 10 * ((k % 3) - 1)
    slant = math.radians(2 + k % 4)
    angle = math.radians(28 + 4 * (k % 4))
    flag = (0.42 + 0.03 * (k % 3)) * h
    top = (cx + math.tan(slant) * h, cy - h)
    tip = (top[0] - flag * math.cos(angle), top[1] + flag * math.sin(angle))
    bottom = (cx - math.tan(slant) * h, cy + h)
    up = [(tip[0] + (top[0] - tip[0]) * t / 8, tip[1] + (top[1] - tip[1]) * t / 8)
          for t in range(9)]
    down = [(top[0] + (bottom[0] - top[0]) * t / 20, top[1] + (bottom[1] - top[1]) * t / 20)
            for t in range(1, 21)]
    return up + down


def button(window, digit):
    return window.findChild(QToolButton, f"teach{digit}")


def test_a_digit_button_keeps_the_drawing(window, qtbot):
    assert not button(window, 7).isEnabled()            # nothing to keep on a blank sheet
    draw_digit(window.canvas, 7)
    strokes = window.canvas.strokes
    assert button(window, 7).isEnabled()
    qtbot.mouseClick(button(window, 7), Qt.LeftButton)
    (kept,) = corrections.list_all()
    assert kept.label == 7
    assert [list(map(tuple, s.array())) for s in kept.strokes] == [s.points for s in strokes]
    assert [(s.width, s.erase) for s in kept.strokes] == [(s.width, s.erase) for s in strokes]
    assert window.canvas.is_empty() and window.prediction is None
    assert "Kept as a 7" in window.statusBar().currentMessage()


def test_typing_a_digit_keeps_the_drawing(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    draw_digit(window.canvas, 1)
    QTest.keyClick(window.canvas, Qt.Key_4)
    assert [c.label for c in corrections.list_all()] == [4]



def test_the_same_strokes_brought_back_by_undo_are_not_kept_twice(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    canvas, say = window.canvas, window.statusBar().currentMessage
    draw_digit(canvas, 7)
    QTest.keyClick(canvas, Qt.Key_2)                     # kept as a 2 (by mistake, say)
    window.undo_action.trigger()                         # the drawing comes back
    assert canvas.has_drawing()
    QTest.keyClick(canvas, Qt.Key_2)                     # the same digit again: not kept twice
    (kept,) = corrections.list_all()
    assert kept.label == 2 and "Already kept as a 2" in say() and canvas.is_empty()
    window.undo_action.trigger()
    qtbot.mouseClick(button(window, 7), Qt.LeftButton)   # another digit: it replaces the 2
    (kept,) = corrections.list_all()
    assert kept.label == 7 and "Kept as a 7 instead of a 2" in say()
    window.undo_action.trigger()
    stroke(canvas, [(20, 20), (30, 30)])                 # a stroke more: another drawing
    QTest.keyClick(canvas, Qt.Key_7)
    assert [c.label for c in corrections.list_all()] == [7, 7]


@pytest.mark.parametrize("first", [7, 2])
def test_a_correction_deleted_since_is_kept_again(window, qtbot, monkeypatch, first):
    """Kept strokes are not kept twice, until My corrections deletes them: then the same
    strokes are kept anew, neither "already kept" nor said to replace the deleted one."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.Yes))    # "Delete 1 drawing?"
    say = window.statusBar().currentMessage
    draw_digit(window.canvas, 7)
    qtbot.mouseClick(button(window, first), Qt.LeftButton)
    window.undo_action.trigger()
    qtbot.mouseClick(button(window, first), Qt.LeftButton)
    assert "Already kept" in say() and len(corrections.list_all()) == 1    # kept once...
    window.findChild(QAction, "correctionsAction").trigger()
    dialog = window.teaching.corrections_dialog
    dialog.list.item(0).setSelected(True)
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)                 # ...until deleted
    assert corrections.list_all() == []
    window.undo_action.trigger()
    qtbot.mouseClick(button(window, 7), Qt.LeftButton)
    assert [c.label for c in corrections.list_all()] == [7]
    assert say().startswith("Kept as a 7 (1 correction)"), say()


def test_strokes_kept_in_an_earlier_session_are_not_kept_twice(window, qtbot, no_dialogs):
    from digitpad.gui.window import MainWindow

    draw_digit(window.canvas, 7)
    qtbot.mouseClick(button(window, 7), Qt.LeftButton)
    window.close()
    later = MainWindow()                                  # the next session: a new window
    qtbot.addWidget(later)
    later.show()
    qtbot.waitExposed(later)
    assert later.canvas.size() == window.canvas.size()
    draw_digit(later.canvas, 7)                           # the same strokes again
    qtbot.mouseClick(button(later, 7), Qt.LeftButton)
    assert [c.label for c in corrections.list_all()] == [7]
    assert "Already kept as a 7" in later.statusBar().currentMessage()
    draw_digit(later.canvas, 7)
    qtbot.mouseClick(button(later, 1), Qt.LeftButton)     # as another digit: it replaces it
    assert [c.label for c in corrections.list_all()] == [1]
    assert "Kept as a 1 instead of a 7" in later.statusBar().currentMessage()


def test_corrections_dialog_lists_deletes_and_exports(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.Yes))    # "Delete 1 drawing?"
    for digit in (1, 7, 0):
        draw_digit(window.canvas, digit)
        window.teaching.teach(digit)
    window.findChild(QAction, "correctionsAction").trigger()
    dialog = window.teaching.corrections_dialog
    assert dialog.list.count() == 3 and "3 drawings" in dialog.summary.text()
    assert not dialog.delete_button.isEnabled()
    dialog.list.item(1).setSelected(True)
    dialog.delete_button.click()
    assert dialog.list.count() == 2
    assert sorted(c.label for c in corrections.list_all()) == [0, 1]
    assert dialog.export(tmp_path / "mine.npz")
    with np.load(tmp_path / "mine.npz", allow_pickle=False) as z:
        assert sorted(z["labels"].tolist()) == [0, 1]


def test_learn_without_corrections_says_so(window):
    window.findChild(QAction, "learnAction").trigger()
    dialog = window.teaching.learn_dialog
    assert "No corrections yet" in dialog.status.text()
    assert not dialog.start_button.isEnabled()


def test_learn_dialog_tells_each_phase(window):
    window.findChild(QAction, "learnAction").trigger()
    dialog = window.teaching.learn_dialog
    dialog._on_phase(teach.REPLAY_PHASE, 0, 6400)
    assert dialog.status.text().startswith(f"{teach.REPLAY_PHASE}: 0 of 6,400")
    assert dialog.status.text().endswith("(made once, then kept)")
    dialog._on_phase(corrections.DRAWING_PHASE, 20, 40)
    assert dialog.status.text().startswith(f"{corrections.DRAWING_PHASE}: 20 of 40")
    assert "kept" not in dialog.status.text() and dialog.progress.value() == 500
    dialog._on_phase(teach.CHECK_PHASE, 1, 4)
    assert dialog.status.text() == f"{teach.CHECK_PHASE}: step 2 of at most 4..."


def test_five_european_ones_teach_the_window_a_sixth(qtbot, shipped, mnist, no_dialogs,
                                                     digitpad_home, monkeypatch):
    from digitpad.gui.window import MainWindow

    w = MainWindow(mnist_loader=lambda progress=None: mnist)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    for k in range(5):
        stroke(w.canvas, european_one(w.canvas, k))
        qtbot.mouseClick(button(w, 1), Qt.LeftButton)
    assert [c.label for c in corrections.list_all()] == [1] * 5
    draw_digit(w.canvas, 7)                 # read right and let stand: Learn must keep it so
    assert w.prediction.digit == 7
    w.clear_action.trigger()
    old_model = w.model

    w.findChild(QAction, "learnAction").trigger()
    dialog = w.teaching.learn_dialog
    assert "5 corrections" in dialog.status.text()
    assert "on them and on the 1 digit you let stand this session" in dialog.status.text()
    draw_digit(w.canvas, 0)                 # the dialog open: another digit let stand is counted
    assert w.prediction.digit == 0
    w.clear_action.trigger()
    assert "on them and on the 2 digits you let stand this session" in dialog.status.text()
    recorder = Recorder()
    make_worker = type(dialog).make_worker

    def make_and_record(self):
        worker = make_worker(self)
        worker.phase.connect(recorder.record)
        worker.status.connect(recorder.say)
        return worker
    monkeypatch.setattr(type(dialog), "make_worker", make_and_record)
    with qtbot.waitSignal(dialog.trained, timeout=120_000):
        dialog.start_button.click()
        assert not w.findChild(QAction, "retrainAction").isEnabled()   # one job at a time
        images, digits = dialog.job.worker.kept
        assert digits.tolist() == [7, 0] and images.shape == (2, 28, 28)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    assert no_dialogs == []
    # Every phase is told, in order: drawing the corrections, the replay (a first Learn
    # here: a new DIGITPAD_HOME), and the step back.
    told = [name for name in dict.fromkeys(c[0] for c in recorder.calls)
            if not name.startswith("Measuring")]
    assert told[-4:-2] == [corrections.DRAWING_PHASE, teach.REPLAY_PHASE], told
    assert told[-2].startswith("Fine-tuning on your 5 corrections among ") and \
        told[-1] == teach.CHECK_PHASE, told
    compare = w.models.compare_dialog                 # the person sees both models, then decides
    assert w.model is old_model and compare.isVisible()
    assert [label for label, _, _ in compare.comparison.rows()][0] == "MNIST test accuracy"
    qtbot.mouseClick(compare.use_new_button, Qt.LeftButton)
    assert w.model is not old_model and w.model.path.name.startswith("personal-")
    assert digitpad_home in w.model.path.parents
    assert w.model.meta["corrections"] == 5
    assert "before" in dialog.status.text()

    stroke(w.canvas, european_one(w.canvas, 7))
    assert w.prediction.digit == 1, w.prediction.probabilities


def test_a_learn_that_steps_all_the_way_back_says_so_and_offers_no_model(
        qtbot, shipped, mnist, no_dialogs, monkeypatch):
    from digitpad import learning
    from digitpad.gui.window import MainWindow

    w = MainWindow(mnist_loader=lambda progress=None: mnist)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    stroke(w.canvas, european_one(w.canvas))
    qtbot.mouseClick(button(w, 1), Qt.LeftButton)
    # Learn's step back found no step that kept what the model read right: the old weights.
    made, measured = [], []
    monkeypatch.setattr(learning, "fine_tune", lambda net, *a, **k: teach.Learned(
        made.append(net.copy()) or made[-1], moved=0.0))
    from digitpad.gui import jobs            # nor is what it made measured, as a new model
    score = jobs.scores.score
    monkeypatch.setattr(jobs.scores, "score",
                        lambda network, *a, **k: measured.append(network) or score(network, *a,
                                                                                   **k))
    old_model = w.model
    w.findChild(QAction, "learnAction").trigger()
    dialog = w.teaching.learn_dialog
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=60_000)
    text = dialog.status.text()
    assert text.startswith("Learn could not take in your 1 correction without breaking"), text
    assert "the model in use is unchanged" in text
    assert w.model is old_model and w.models.compare_dialog is None     # nothing to compare
    assert made and not any(n is made[0] for n in measured)
    assert no_dialogs == []
    # Part of the way: a new model, and the dialog says how far.
    meta = dict(corrections=2, moved=0.5, mnist_test_accuracy_before=0.9943,
                mnist_test_accuracy=0.9941)
    assert "learnt from 2 corrections, half of the way: as far as" in dialog.success_text(meta)
    assert "of the way" not in dialog.success_text(dict(meta, moved=1.0))


def test_the_first_correction_has_learns_replay_drawn_ahead(window, qtbot, monkeypatch):
    from digitpad import datasets, pendigits
    from digitpad.gui import teaching

    monkeypatch.setattr(teaching, "PREPARE_AHEAD", True)
    stroke(window.canvas, european_one(window.canvas))
    qtbot.mouseClick(button(window, 1), Qt.LeftButton)
    process = window.teaching.preparing
    assert process and process.pid                     # started, in a process of its own
    stroke(window.canvas, european_one(window.canvas, 1))
    qtbot.mouseClick(button(window, 1), Qt.LeftButton)
    assert window.teaching.preparing is process         # once a window
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=120_000)
    assert process.exitcode == 0
    assert len(list(datasets.cache_folder().glob("learn-replay-*"))) == 1
    # Learn reads it back: nothing left to draw but the corrections.
    monkeypatch.setattr(pendigits, "to_images", lambda *a, **k: pytest.fail("drawn again"))
    drawn = teach.drawn_replay(teach.Recipe(), np.random.default_rng(5))
    assert len(drawn.pens) == 4000 and len(drawn.letters) == 3200     # 1.6 times 2,500, 2,000


def test_closing_the_window_ends_the_drawing_ahead(qtbot, shipped, no_dialogs, monkeypatch):
    from digitpad.gui import teaching
    from digitpad.gui.window import MainWindow

    monkeypatch.setattr(teaching, "PREPARE_AHEAD", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    stroke(w.canvas, european_one(w.canvas))
    qtbot.mouseClick(button(w, 1), Qt.LeftButton)
    process = w.teaching.preparing
    assert process.is_alive()
    w.close()
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=5000)


def test_a_mark_on_an_opened_image_is_not_kept_as_the_digit(window, qtbot, tmp_path):
    # An opened picture of a 7 with a small tick drawn on it: the network reads the
    # picture, but only the tick is a stroke.  Kept, the tick alone was a "7" for Learn.
    from PIL import Image, ImageDraw

    picture = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(picture).line([(50, 40), (150, 40), (90, 170)], fill=0, width=12)
    picture.save(tmp_path / "seven.png")
    assert window.open_image(tmp_path / "seven.png")
    c = window.canvas
    stroke(c, [(c.width() * 0.8, c.height() * 0.85), (c.width() * 0.83, c.height() * 0.88)])
    assert window.canvas.has_drawing()
    assert not button(window, 7).isEnabled()
    window.activateWindow()
    qtbot.waitActive(window)
    QTest.keyClick(window.canvas, Qt.Key_7)
    assert corrections.list_all() == []
    assert window.teaching.teach(7) is None                  # Model > This drawing is a 7
    assert corrections.list_all() == []
    assert "opened image" in window.statusBar().currentMessage()
    assert window.canvas.has_image()                       # nothing was cleared either


def test_the_corrections_dialog_counts_one_drawing_in_the_singular(window, tmp_path):
    draw_digit(window.canvas, 7)
    window.teaching.teach(7)
    window.findChild(QAction, "correctionsAction").trigger()
    dialog = window.teaching.corrections_dialog
    assert dialog.summary.text().startswith("1 drawing kept (7: 1)")
    assert dialog.export(tmp_path / "mine.npz")
    assert dialog.summary.text().startswith("Exported 1 drawing to ")


@pytest.mark.parametrize("answer, left", [("No", 1), ("Yes", 0)])
def test_deleting_corrections_asks_first(window, qtbot, monkeypatch, answer, left):
    from PySide6.QtWidgets import QMessageBox

    draw_digit(window.canvas, 7)
    window.teaching.teach(7)
    window.findChild(QAction, "correctionsAction").trigger()
    dialog = window.teaching.corrections_dialog
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda parent, title, text, *a, **k: asked.append(text) or getattr(QMessageBox, answer)))
    dialog.list.item(0).setSelected(True)
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert len(asked) == 1 and "cannot be undone" in asked[0]
    assert len(corrections.list_all()) == left == dialog.list.count()


def test_a_replaced_correction_that_cannot_be_deleted_is_a_message(window, qtbot, no_dialogs,
                                                                   monkeypatch):
    draw_digit(window.canvas, 7)
    qtbot.mouseClick(button(window, 2), Qt.LeftButton)
    window.undo_action.trigger()
    monkeypatch.setattr(corrections, "delete", lambda item: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")))
    qtbot.mouseClick(button(window, 7), Qt.LeftButton)
    assert sorted(c.label for c in corrections.list_all()) == [2, 7]     # the new one kept
    (kind, _, text), = no_dialogs
    assert kind == "warning" and "as a 2 could not be deleted" in text
