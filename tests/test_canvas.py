"""The drawing widget on its own: strokes from real mouse events, undo, eraser, resize."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.gui.canvas import Canvas, Stroke
from qtdraw import ink_total, line, shown, stroke


@pytest.fixture
def canvas(qtbot):
    return shown(qtbot, Canvas(), 300, 300)


def test_starts_blank(canvas):
    assert canvas.is_empty() and not canvas.is_modified
    assert canvas.strokes == []
    assert ink_total(canvas) == 0


def test_a_stroke_is_painted_and_kept(canvas, qtbot):
    with qtbot.waitSignal(canvas.strokeFinished, timeout=1000):
        stroke(canvas, line((50, 150), (250, 150), 10))
    assert canvas.is_modified and not canvas.is_empty()
    (s,) = canvas.strokes
    assert s.erase is False and s.width == canvas.pen_width()
    assert s.points[0] == (50, 150) and s.points[-1] == (250, 150) and len(s.points) == 11
    ink = canvas.ink(crop=False)
    assert ink.dtype == np.float32 and ink.shape[0] >= 300 and ink.shape[1] >= 300
    assert ink[150, 150] == 1.0 and ink[20, 20] == 0.0
    assert ink.max() <= 1 and ink.min() >= 0
    # the cropped ink holds the same ink
    assert canvas.ink().sum() == pytest.approx(ink.sum())
    assert canvas.ink().shape[0] < 60


def test_moves_without_a_button_draw_nothing(canvas):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    for x in range(10, 200, 10):
        QTest.mouseMove(canvas, QPoint(x, x))
    assert canvas.is_empty() and ink_total(canvas) == 0


def test_undo_redo_per_stroke(canvas):
    stroke(canvas, line((50, 100), (250, 100)))
    one = ink_total(canvas)
    stroke(canvas, line((50, 200), (250, 200)))
    assert ink_total(canvas) == pytest.approx(2 * one, rel=0.02)
    assert canvas.undo()
    assert ink_total(canvas) == pytest.approx(one)
    assert len(canvas.strokes) == 1 and canvas.can_redo()
    assert canvas.redo()
    assert ink_total(canvas) == pytest.approx(2 * one, rel=0.02)
    canvas.undo()
    canvas.undo()
    assert ink_total(canvas) == 0 and not canvas.undo()
    canvas.redo()
    stroke(canvas, line((100, 20), (100, 280)))     # a new stroke drops what redo had
    assert not canvas.can_redo()


def test_clear_can_be_undone(canvas):
    stroke(canvas, line((50, 100), (250, 100)))
    drawn = canvas.ink(crop=False).copy()
    canvas.clear()
    assert canvas.is_empty() and ink_total(canvas) == 0 and not canvas.can_redo()
    assert not canvas.is_modified
    assert canvas.undo()                         # the cleared sheet comes back
    assert len(canvas.strokes) == 1 and canvas.is_modified
    np.testing.assert_array_equal(canvas.ink(crop=False), drawn)
    assert canvas.redo() and canvas.is_empty()   # and goes again
    assert canvas.undo() and len(canvas.strokes) == 1
    assert canvas.undo() and canvas.is_empty() and not canvas.can_undo()


def test_right_button_and_eraser_mode_erase(canvas):
    canvas.set_pen_width(10)
    stroke(canvas, line((50, 150), (250, 150)))
    before = ink_total(canvas)
    canvas.set_pen_width(30)
    stroke(canvas, line((40, 150), (150, 150)), button=Qt.RightButton)
    half = ink_total(canvas)
    assert 0.3 * before < half < 0.7 * before
    canvas.set_eraser(True)
    stroke(canvas, line((140, 150), (260, 150)))
    assert ink_total(canvas) == 0
    assert [s.erase for s in canvas.strokes] == [False, True, True]
    canvas.undo()
    assert ink_total(canvas) == pytest.approx(half)



def test_the_eraser_has_a_cursor_of_its_own(canvas):
    assert canvas.cursor().shape() == Qt.CrossCursor
    canvas.set_eraser(True)
    cursor = canvas.cursor()
    assert cursor.shape() == Qt.BitmapCursor and not cursor.pixmap().isNull()
    picture = cursor.pixmap().toImage()
    middle = picture.pixelColor(picture.width() // 2, picture.height() // 2)
    assert middle.alpha() == 255 and middle.lightness() > 200        # a light eraser ...
    assert picture.pixelColor(0, 0).alpha() == 0                     # ... on nothing
    canvas.set_eraser(False)
    assert canvas.cursor().shape() == Qt.CrossCursor

def test_pen_width(canvas):
    canvas.set_pen_width(6)
    stroke(canvas, line((50, 100), (250, 100)))
    thin = ink_total(canvas)
    canvas.clear()
    canvas.set_pen_width(24)
    stroke(canvas, line((50, 100), (250, 100)))
    assert ink_total(canvas) > 3 * thin
    assert canvas.strokes[0].width == 24


def test_resize_keeps_the_drawing(canvas, qtbot):
    stroke(canvas, line((250, 50), (250, 250)))
    before = canvas.ink(crop=False)[:300, :300].copy()
    canvas.resize(120, 120)
    qtbot.wait(1)
    canvas.resize(500, 400)
    qtbot.wait(1)
    after = canvas.ink(crop=False)
    assert after.shape[0] >= 400 and after.shape[1] >= 500
    np.testing.assert_array_equal(after[:300, :300], before)
    assert after[300:].sum() == 0 and after[:, 300:].sum() == 0


def test_draw_strokes_replays_like_the_mouse(canvas, qtbot):
    stroke(canvas, line((60, 60), (240, 200), 15))
    drawn = canvas.ink(crop=False).copy()
    strokes = canvas.strokes
    canvas.clear()
    canvas.draw_strokes(strokes)
    np.testing.assert_allclose(canvas.ink(crop=False), drawn, atol=2 / 255)
    assert canvas.strokes == strokes


def test_set_image_puts_ink_on_a_blank_sheet(canvas):
    stroke(canvas, line((60, 60), (240, 200)))
    ink = np.zeros((28, 28), np.float32)
    ink[4:24, 13:15] = 1
    canvas.set_image(ink)
    assert canvas.strokes == [] and not canvas.is_empty()
    got = canvas.ink()
    assert got.max() > 0.9
    rows = np.flatnonzero((got > 0.5).any(axis=1))
    cols = np.flatnonzero((got > 0.5).any(axis=0))
    assert np.ptp(rows) > 4 * np.ptp(cols)        # a tall bar stays tall


def test_strokes_are_copies(canvas):
    stroke(canvas, line((60, 60), (240, 60)))
    canvas.strokes[0].points.clear()
    assert len(canvas.strokes[0].points) == 21
    assert isinstance(canvas.strokes[0], Stroke)


def test_tablet_pen_draws_and_its_eraser_end_erases(canvas):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
    from PySide6.QtWidgets import QApplication

    def device(kind):
        return QPointingDevice(f"test {kind.name}", 42, QInputDevice.DeviceType.Stylus, kind,
                               QInputDevice.Capability.Position
                               | QInputDevice.Capability.Pressure, 1, 2)

    def tablet_stroke(dev, points):
        for i, (x, y) in enumerate(points):
            kind = (QEvent.TabletPress if i == 0 else
                    QEvent.TabletRelease if i == len(points) - 1 else QEvent.TabletMove)
            buttons = Qt.NoButton if kind == QEvent.TabletRelease else Qt.LeftButton
            event = QTabletEvent(kind, dev, QPointF(x, y), QPointF(x, y), 0.5, 0, 0, 0, 0, 0,
                                 Qt.NoModifier, Qt.LeftButton, buttons)
            QApplication.sendEvent(canvas, event)
            assert event.isAccepted()

    tablet_stroke(device(QPointingDevice.PointerType.Pen), line((50, 150), (250, 150)))
    assert [s.erase for s in canvas.strokes] == [False] and ink_total(canvas) > 0
    canvas.set_pen_width(40)
    tablet_stroke(device(QPointingDevice.PointerType.Eraser), line((30, 150), (270, 150)))
    assert [s.erase for s in canvas.strokes] == [False, True] and ink_total(canvas) == 0


HIGH_DPI_SCRIPT = """
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from digitpad.gui.canvas import Canvas
app = QApplication([])
c = Canvas()
c.resize(300, 300)
c.show()
QTest.qWaitForWindowExposed(c)
assert c.devicePixelRatioF() == 2.0
QTest.mousePress(c, Qt.LeftButton, Qt.NoModifier, QPoint(150, 50))
for y in range(60, 250, 10):
    QTest.mouseMove(c, QPoint(150, y))
QTest.mouseRelease(c, Qt.LeftButton, Qt.NoModifier, QPoint(150, 250))
ink = c.ink()
assert c.strokes[0].points[0] == (150, 50)                  # strokes in widget coordinates
assert 400 <= ink.shape[0] <= 460 and 36 <= ink.shape[1] <= 50, ink.shape   # ink in pixels
assert c.image().size().width() == 600
c.undo()
assert c.ink().sum() == 0
c.redo()
assert c.ink().shape == ink.shape
print("ok")
"""


def test_high_dpi_screens_get_a_sharp_sheet(tmp_path):
    """At a device pixel ratio of 2 the sheet has twice the pixels; strokes stay logical."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run([sys.executable, "-c", HIGH_DPI_SCRIPT], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_tap_paints_a_round_dot_and_keeps_it_through_undo_and_redo(canvas):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(100, 120))
    QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(100, 120))
    ink = canvas.ink(crop=False)
    r = canvas.pen_width() / 2
    assert ink[120, 100] == 1.0, "the tap's centre is inked"
    assert ink.sum() == pytest.approx(np.pi * r * r, rel=0.2), "a dot as wide as the pen"
    canvas.undo()
    assert ink_total(canvas) == 0
    canvas.redo()                                   # repainted from the kept strokes
    assert canvas.ink(crop=False).sum() == pytest.approx(ink.sum(), rel=0.05)


def test_the_hint_leaves_the_screen_with_the_first_stroke(canvas, qtbot):
    """Only the pen's neighbourhood is repainted while drawing; the hint must go all the same."""
    def darkest_in_the_middle():                     # what is on screen, not a fresh render
        shot = canvas.screen().grabWindow(canvas.winId()).toImage()
        return min(shot.pixelColor(x, 150).red() for x in range(60, 240))

    assert darkest_in_the_middle() < 200            # the grey "Draw a digit here"
    stroke(canvas, line((20, 20), (40, 30), 3))      # far from the hint
    qtbot.wait(20)
    assert darkest_in_the_middle() == 255


def test_a_press_after_a_lost_release_starts_a_stroke_of_its_own(canvas):
    # A release that went to another window (a grab, a dialog): the next press began
    # nothing, and its moves went on with the old stroke from where it had stopped.
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(50, 50))
    QTest.mouseMove(canvas, QPoint(50, 120))               # ... and no release
    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(200, 60))
    QTest.mouseMove(canvas, QPoint(200, 150))
    QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, QPoint(200, 150))
    first, second = canvas.strokes
    assert first.points == [(50, 50), (50, 120)]
    assert second.points == [(200, 60), (200, 150)]
    assert canvas.can_undo()
