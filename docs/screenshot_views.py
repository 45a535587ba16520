"""Take the README's pictures of the insight views, on a digit drawn with real mouse events.

    python docs/screenshot_views.py [--mnist DIR] [--learn] [--out docs/]

The real window runs offscreen (on a virtual screen large enough for every
view).  It draws a 4 whose top nearly closes, opens each view (View menu) and
saves each dock as ``docs/view-<name>.png``; clicks a unit of the All units
grid; runs Model > Evaluate and saves its window (``docs/view-evaluate.png``);
and, with ``--learn``, keeps three drawings as corrections (European 1s with a
long flag and a 7 with a curved leg, which the one-layer model before the shipped
one misread; the shipped one reads them right, a little less sure), runs Learn
from my corrections for real, and saves the report card
(``docs/view-report-card.png``).
MNIST comes from ``--mnist`` (default: ``../shared/mnist`` beside the repo).
"""
import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from digitpad.gui.replay import offscreen_screen  # noqa: E402

offscreen_screen()
os.environ["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-shot-")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


SIZES = {"why": (380, 440), "flip": (440, 320), "units": (660, 360), "grid": (660, 600)}


def four(cx, cy, h):
    """A 4 drawn fast: down and across in one stroke, then the upright, leaning in at the top."""
    first = [(cx - 0.1 * h - 0.35 * h * t / 10, cy - h + 1.1 * h * t / 10) for t in range(11)]
    x, y = first[-1]
    first += [(x + 1.0 * h * t / 10, y) for t in range(1, 11)]
    second = [(cx + 0.25 * h - 0.12 * h * (1 - t / 16), cy - 0.95 * h + 1.95 * h * t / 16)
              for t in range(17)]
    return [first, second]


def segment(a, b, n=12):
    return [(a[0] + (b[0] - a[0]) * t / n, a[1] + (b[1] - a[1]) * t / n) for t in range(n + 1)]


def hard_cases(cx, cy, h):
    """European 1s with a long flag, and a 7 with a curved leg: ``(digit, strokes)``."""
    ones = [[segment((cx - f * h, cy - (1 - f) * h), (cx + 0.1 * h, cy - h))
             + segment((cx + 0.1 * h, cy - h), (cx, cy + h))[1:]] for f in (0.9, 0.8)]
    leg = [(cx - 0.4 * h + h * math.cos(0.6 * math.pi * t / 16),
            cy - h + h * math.sin(0.6 * math.pi * t / 16)) for t in range(1, 17)]
    seven = [segment((cx - 0.6 * h, cy - h), (cx + 0.6 * h, cy - h)) + leg]
    return [(1, ones[0]), (1, ones[1]), (7, seven)]


def wait(app, done, seconds=300):
    import time
    end = time.time() + seconds
    while not done():
        if time.time() > end:
            sys.exit("timed out")
        app.processEvents()
        time.sleep(0.01)


def evaluate(app, window):
    """Model > Evaluate, and its results window once it is there."""
    old = window.evaluator.results_window
    window.findChild(QAction, "evaluateAction").trigger()
    wait(app, lambda: window.evaluator.results_window not in (None, old)
         and window.evaluator.job is None)
    window.evaluator.results_window.resize(980, 780)
    app.processEvents()
    return window.evaluator.results_window


def shoot_views(app, window, out):
    """A 4 drawn with real mouse events, every view open, then each view on its own."""
    from digitpad.gui.replay import draw
    from digitpad.gui.views import NAMES

    for name in NAMES:
        window.findChild(QAction, f"{name}ViewAction").trigger()
    window.resize(1400, 980)
    app.processEvents()
    canvas = window.canvas
    draw(canvas, four(canvas.width() / 2, canvas.height() / 2, 0.38 * canvas.height()))
    window.views.refresh()
    p = window.prediction
    print(f"read {p.best} ({max(p.probabilities):.1%}), runner-up "
          f"{window.views.views['why'].pair[1]}")

    grid = window.views.views["grid"]
    grid.digit_box.setCurrentIndex(grid.digit_box.findData(p.best))
    app.processEvents()
    QTest.mouseClick(grid.grid.viewport(), Qt.LeftButton, Qt.NoModifier,
                     grid.grid.tile_center(0))
    wait(app, lambda: len(grid.exciting) > 0)
    app.processEvents()
    window.statusBar().clearMessage()
    window.grab().save(str(out / "view-all.png"))
    for name in NAMES:                  # each view on its own, at a size that shows it well
        dock = window.views.docks[name]
        dock.setFloating(True)
        dock.resize(*SIZES[name])
        app.processEvents()
        dock.grab().save(str(out / f"view-{name}.png"))
        dock.setFloating(False)


def shoot_evaluation(app, window, out):
    """Evaluate's window, with a cell of the confusion matrix clicked."""
    results = evaluate(app, window)
    view = results.test
    table = view.table
    rect = table.visualItemRect(table.item(4, 9))
    QTest.mouseClick(table.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    app.processEvents()
    results.grab().save(str(out / "view-evaluate.png"))
    print(f"evaluation: {view.summary.text()}")


def learn_and_shoot(app, window, out):
    """Three drawings it misreads or doubts, corrected and learnt; then the report card."""
    from digitpad.gui.replay import draw

    canvas = window.canvas
    for digit, strokes in hard_cases(canvas.width() / 2, canvas.height() / 2,
                                     0.38 * canvas.height()):
        window.clear()
        draw(canvas, strokes)
        print(f"a {digit} read as {window.prediction.best} "
              f"({max(window.prediction.probabilities):.0%})")
        window.teaching.teach(digit)
    dialog = window.teaching.learn()
    dialog.start()
    wait(app, lambda: not dialog.is_running(), seconds=900)
    dialog.close()
    if window.models.compare_dialog is not None:      # the new model beside the old: keep it
        window.models.compare_dialog.accept()
    print(dialog.status.text())
    results = evaluate(app, window)
    results.tabs.setCurrentWidget(results.mine)
    app.processEvents()
    results.grab().save(str(out / "view-report-card.png"))
    print(f"report card: {results.mine.summary.text()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    parser.add_argument("--learn", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()

    from digitpad.gui.window import MainWindow
    from digitpad.mnist import load as load_mnist

    mnist = load_mnist(args.mnist)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(mnist_loader=lambda progress=None: mnist)
    window.show()
    QTest.qWaitForWindowExposed(window)
    shoot_views(app, window, args.out)
    shoot_evaluation(app, window, args.out)
    if args.learn:
        learn_and_shoot(app, window, args.out)
    window.close()


if __name__ == "__main__":
    main()
