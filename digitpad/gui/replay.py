"""Drawing into the real canvas with real mouse events (QTest): what tests, benchmarks and
the screenshot scripts use to draw as a person would."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def stroke(widget, points, button=Qt.LeftButton):
    """Press at the first point, move through the others, release at the last.

    Points are rounded to whole pixels, and repeats in a row dropped, as a mouse
    reports them; a single point is a tap.  Qt 6's QTest keeps the pressed button
    for the moves that follow a press, so the widget sees ``buttons() &
    LeftButton`` as with a real mouse.
    """
    pts = []
    for x, y in np.rint(np.asarray(points, dtype=np.float64).reshape(-1, 2)).astype(int):
        if not pts or pts[-1] != (x, y):
            pts.append((int(x), int(y)))
    pts = [QPoint(*p) for p in pts]
    QTest.mousePress(widget, button, Qt.NoModifier, pts[0])
    for p in pts[1:-1]:
        QTest.mouseMove(widget, p)
    QTest.mouseRelease(widget, button, Qt.NoModifier, pts[-1])


def draw(widget, strokes, button=Qt.LeftButton):
    """One :func:`stroke` after another."""
    for points in strokes:
        stroke(widget, points, button)


def fit(strokes, canvas, rng, span=(0.4, 0.8), unit=False):
    """``strokes`` scaled so their longer side spans a random ``span`` of the canvas'
    shorter side, at a random place, clear of the edges for the canvas' pen."""
    from digitpad import pendigits

    return pendigits.fit_to_canvas(strokes, canvas.width(), canvas.height(), rng, span=span,
                                   margin=canvas.pen_width() / 2 + 1, unit=unit)


def replay(window, strokes, rng, span=(0.4, 0.8), unit=False):
    """Draw a sample (strokes in any units) into ``window``'s canvas at a random size and
    place, stroke by stroke; returns the window's reading."""
    draw(window.canvas, fit(strokes, window.canvas, rng, span, unit))
    return window.prediction


def offscreen_screen(width=1600, height=1200):
    """Unless ``QT_QPA_PLATFORM`` is set: run Qt offscreen on a virtual screen of ``width``
    x ``height`` (the offscreen default, 800x800, is too small for the window with every
    insight view open).  Call it before the QApplication is made."""
    import json
    import os
    import tempfile
    from pathlib import Path

    config = Path(tempfile.mkdtemp(prefix="digitpad-screen-")) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "offscreen", "x": 0, "y": 0,
                                               "width": width, "height": height,
                                               "logicalDpi": 96}]}))
    os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={config}")
