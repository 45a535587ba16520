"""Take docs/screenshot.png: the real window, offscreen, reading a digit drawn with mouse events.

    python docs/screenshot.py [--weights FILE] [--out docs/screenshot.png]
    python docs/screenshot.py --number 1969 --out docs/screenshot-number.png

With ``--number``, the digits are one training writer's real pen digits (the copy that ships
with digitpad), written side by side as a person writes a number, each 28% of the sheet tall.
"""
import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-shot-")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def two(cx, cy, h):
    """A handwritten-looking 2: a hook, a sweep down to the left, a base line."""
    points = []
    for t in range(0, 23):                      # the hook, from upper left over the top
        a = math.pi * (1.05 - 1.15 * t / 22)
        points.append((cx + 0.55 * h * math.cos(a), cy - 0.5 * h - 0.45 * h * math.sin(a)))
    x0, y0 = points[-1]
    for t in range(1, 21):                      # down to the lower left
        s = t / 20
        points.append((x0 + (cx - 0.6 * h - x0) * s,
                       y0 + (cy + 0.95 * h - y0) * s - 0.12 * h * math.sin(math.pi * s)))
    x1, y1 = points[-1]
    for t in range(1, 13):                      # the base, slightly rising
        points.append((x1 + 1.25 * h * t / 12, y1 - 0.05 * h * t / 12))
    return points


def write_number(canvas, text, seed=0):
    """``text``'s digits, one writer's real pen digits side by side, drawn into ``canvas``
    with mouse events."""
    import numpy as np

    from digitpad import pendigits
    from digitpad import written_numbers as wn
    from digitpad.gui.replay import draw

    data = pendigits.load()
    rng = np.random.default_rng(seed)
    groups = wn.by_writer(data, set(map(str, data.writer)))
    labels = np.asarray(data.labels)
    wanted = [int(c) for c in text]
    writers = sorted(w for w, idx in groups.items() if set(wanted) <= set(labels[idx]))
    mine = groups[writers[rng.integers(len(writers))]]
    picks = [rng.choice([i for i in mine if labels[i] == d]) for d in wanted]
    written = wn.compose(data, picks, rng, 0.28 * canvas.height(), gaps=(0.15, 0.35))
    written = wn.fit(written, canvas.width(), canvas.height(), 0.2 * canvas.width())
    draw(canvas, [[tuple(p) for p in s] for s in written.strokes])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    parser.add_argument("--number", help="write this number from real pen digits instead")
    args = parser.parse_args()

    from digitpad import store
    from digitpad.gui.window import MainWindow

    if args.weights:
        store.Settings().update(model=str(args.weights.resolve()))
    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(860, window.height())        # as it opens, a little wider
    window.show()
    QTest.qWaitForWindowExposed(window)
    canvas = window.canvas
    if args.number:
        write_number(canvas, args.number)
        app.processEvents()
        print(f"read {window.number.text!r}")
    else:
        points = two(canvas.width() / 2, canvas.height() / 2, 0.36 * canvas.height())
        pts = [QPoint(round(x), round(y)) for x, y in points]
        QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, pts[0])
        for p in pts[1:-1]:
            QTest.mouseMove(canvas, p)
        QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, pts[-1])
        app.processEvents()
        p = window.prediction
        print(f"read {p.digit} ({max(p.probabilities):.1%})")
    window.statusBar().clearMessage()
    window.grab().save(str(args.out))
    print(f"saved {args.out}")
    window.close()


if __name__ == "__main__":
    main()
