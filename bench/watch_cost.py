"""What watching it learn costs: Retrain with the dialog open (the units and the drawings
drawn live) against the same run with no dialog, alternating, in one run.

    python bench/watch_cost.py [--preset quick] [--images 60000] [--epochs 2] [--repeats 5]
                               [--ensemble N] [--mnist DIR]

The run is the Retrain dialog's worker (:class:`digitpad.gui.jobs.TrainWorker`),
``--preset`` with ``--epochs`` epochs on the first ``--images`` MNIST training
images (drawings as the preset has them; ``--ensemble 2`` trains two networks
side by side, as the shipped preset does), started in the real window,
offscreen:

* closed: the worker runs through the window's jobs with no dialog, so no
  weights are copied and nothing is drawn (as before the dialog watched);
* open: the Retrain dialog is shown and started, and draws the first-layer
  units and the dozen drawings at every copy of the weights (every 0.5 s);
* open, not watching: the dialog as it was before it watched (its progress and
  loss plot only), to tell the watch's cost from the rest of the dialog's.

Training time is the trainer's own clock at its last batch (``elapsed``: from
the first batch to the last, drawing the data left out).  Meanwhile a 10 ms
``QTimer`` ticks in the window's thread; its lateness is how long the event
loop was kept from running (the dialog must never stall the window: p99
under 20 ms).  The runs alternate, closed first; the medians are compared.
The defaults (60,000 images, 5 runs each way: about 90 s) are the least that
told the sides apart on a quiet machine; shorter runs measured mostly noise.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from digitpad.gui.replay import offscreen_screen  # noqa: E402

offscreen_screen()
_env.private_home()

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


MODES = ("closed", "open", "open, not watching")


def run(window, options, mode):
    """One run: ``(training seconds, timer lateness array, copies drawn)``."""
    from digitpad.gui.jobs import TrainWorker

    app = QApplication.instance()
    batches = []
    if mode != "closed":
        dialog = window.retrain()
        dialog.options = lambda: dict(options)       # the run asked for, not the form's
        shown_before = dialog.watch.shown
        dialog.start()
        worker = dialog.job.worker
        worker.watching = mode == "open"
    else:
        dialog = None
        worker = TrainWorker(dict(options), window.mnist_loader)
        window.jobs.start(worker, owner=window)
    worker.batch.connect(batches.append)
    ended = []
    worker.done.connect(lambda: ended.append(True))
    ticks = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e9))
    while not batches and not ended:                 # until it is really training
        app.processEvents()
        time.sleep(0.001)
    clock.start()
    timer.start(10)
    while not ended:
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    while window.jobs.busy():
        app.processEvents()
        time.sleep(0.001)
    shown = 0
    if dialog is not None:
        shown = dialog.watch.shown - shown_before
        window.models.compare_dialog and window.models.compare_dialog.reject()
        dialog.hide()
    last = [b for b in batches if b.fraction >= 1]
    if not last:
        raise SystemExit("the run did not finish: " + (worker.sets.note if worker.sets else ""))
    late = np.maximum(np.diff(ticks) - 0.010, 0)
    return last[-1].elapsed, late, shown


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--ensemble", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    args = parser.parse_args()

    from digitpad import recipes
    from digitpad.gui.window import MainWindow
    from digitpad.mnist import load as load_mnist

    print(_env.describe())
    mnist = load_mnist(args.mnist)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(mnist_loader=lambda progress=None: mnist, train_limit=args.images)
    window.resize(1200, 820)
    window.show()
    QTest.qWaitForWindowExposed(window)
    overrides = dict(epochs=args.epochs)
    if args.ensemble:
        overrides["ensemble"] = args.ensemble
    options = recipes.recipe(args.preset, limit=args.images, **overrides)
    print(f"preset {args.preset}, {args.epochs} epochs on {args.images:,} MNIST images"
          + (f", {args.ensemble} networks side by side" if args.ensemble else "")
          + f"; {args.repeats} runs each way, alternating")
    run(window, options, "closed")                        # warm-up: draws what it caches
    seconds = {mode: [] for mode in MODES}
    lateness = {mode: [] for mode in MODES}
    for _ in range(args.repeats):
        for mode in MODES:
            spent, late, shown = run(window, options, mode)
            seconds[mode].append(spent)
            lateness[mode].append(late)
            print(f"  dialog {mode:18}: training {spent:.2f} s"
                  + (f", {shown} copies of the weights drawn ({shown / spent:.1f} a second)"
                     if mode == "open" else ""), flush=True)
    median = {mode: statistics.median(seconds[mode]) for mode in MODES}
    print(f"training, median: dialog closed {median['closed']:.2f} s, open "
          f"{median['open']:.2f} s ({100 * (median['open'] / median['closed'] - 1):+.1f}%), "
          f"open but not watching {median['open, not watching']:.2f} s "
          f"({100 * (median['open, not watching'] / median['closed'] - 1):+.1f}%): the watch "
          f"itself {100 * (median['open'] / median['open, not watching'] - 1):+.1f}%")
    for mode in MODES:
        late = np.concatenate(lateness[mode])
        print(f"  10 ms timer lateness, dialog {mode}: median "
              f"{1000 * np.median(late):.2f} ms, p99 {1000 * np.percentile(late, 99):.2f} ms, "
              f"worst {1000 * late.max():.2f} ms ({len(late)} ticks)")
    window.close()


if __name__ == "__main__":
    main()
