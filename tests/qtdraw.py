"""Shapes to draw in the window tests (a plain 0, 1 or 7, a line), drawn with real QTest mouse
events by :mod:`digitpad.gui.replay`; the fixtures are in conftest.py."""
import math

import numpy as np

from digitpad.gui.replay import stroke


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



def ink_total(canvas):
    return float(np.asarray(canvas.ink(crop=False), dtype=np.float64).sum())


def shown(qtbot, widget, width, height):
    """``widget`` resized, shown and exposed, closed with the test (pytest-qt)."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
