"""Helpers for the window tests: real mouse strokes with QTest, and a model to read with.

Imported by the test modules (``from qtdraw import ...``); the fixtures here
are brought in the same way.
"""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def stroke(widget, points, button=Qt.LeftButton):
    """Press at the first point, move through the others, release at the last.

    Qt 6's QTest keeps the pressed button for the moves that follow a press,
    so the widget sees ``buttons() & LeftButton`` as with a real mouse.
    """
    pts = [QPoint(round(x), round(y)) for x, y in points]
    QTest.mousePress(widget, button, Qt.NoModifier, pts[0])
    for p in pts[1:-1]:
        QTest.mouseMove(widget, p)
    QTest.mouseRelease(widget, button, Qt.NoModifier, pts[-1])


def line(a, b, steps=20):
    (x0, y0), (x1, y1) = a, b
    return [(x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(steps + 1)]


def digit_strokes(digit, widget, size=0.6):
    """Strokes of a plain "0", "1" or "7" as a person would draw them, in the widget's middle."""
    cx, cy = widget.width() / 2, widget.height() / 2
    h = size * min(widget.width(), widget.height()) / 2      # half the digit's height
    if digit == 1:
        return [line((cx + 0.08 * h, cy - h), (cx - 0.08 * h, cy + h))]
    if digit == 0:
        n = 36
        return [[(cx + 0.6 * h * math.sin(2 * math.pi * t / n),
                  cy - h * math.cos(2 * math.pi * t / n)) for t in range(n + 2)]]
    if digit == 7:
        return [line((cx - 0.6 * h, cy - h), (cx + 0.6 * h, cy - h), 12)
                + line((cx + 0.6 * h, cy - h), (cx - 0.15 * h, cy + h), 24)[1:]]
    raise ValueError(digit)


def draw_digit(widget, digit, size=0.6):
    for points in digit_strokes(digit, widget, size):
        stroke(widget, points)



@pytest.fixture(scope="session")
def test_model_path():
    """The model the window opens with: the shipped one (tests/test_weights.py checks it)."""
    from digitpad import weights

    return weights.SHIPPED


@pytest.fixture
def shipped(test_model_path):
    """The shipped model's path, for tests that say they rely on it."""
    return test_model_path


@pytest.fixture
def no_dialogs(monkeypatch):
    """Record QMessageBox calls instead of showing (and blocking on) them."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return QMessageBox.Ok
        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return shown


@pytest.fixture
def window(qtbot, shipped, no_dialogs):
    """The real window, shown offscreen, with the test model."""
    from digitpad.gui.window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def ink_total(canvas):
    return float(np.asarray(canvas.ink(crop=False), dtype=np.float64).sum())
