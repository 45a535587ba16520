"""How quickly the window reads a drawing, and how long the UI stalls while retraining.

    python bench/latency.py [--strokes 30] [--views both] [--awkward-repeats 20]
                            [--train-seconds 10] [--weights FILE] [--mnist DIR]
                            [--without-read]

1. Reading latency, with no insight view open and with every one open (View
   menu; ``--views none|all|both``, both by default, the same strokes each way, in
   one run).  Strokes (0s, 1s, 7s and loops, at random sizes and
   places) are replayed into the real window, offscreen, with QTest mouse
   events.  For every press, move and release the clock runs from just before
   the event is sent until ``MainWindow.predictionChanged`` has fired: event
   dispatch, painting the segment, the coalescing timer, the ink array,
   preprocessing and the forward pass; and until the bars, labels and preview
   have been repainted (one more pass of the event loop).  Events are spaced 17 ms apart, as from a
   60 Hz pointer, so that the window's one-reading-per-frame throttle adds no
   wait of its own; between events the event loop runs, as in the app.  The
   views work then, after the probabilities are out (each at most once per
   frame, one per pass of the event loop), so what they cost the probabilities
   is whatever of their work runs into the next event; how far behind the
   drawing they are is timed too (event -> every open view updated).  The read
   step alone (ink + to_mnist + forward) is timed too.  ``--without-read`` skips
   the read (each stroke keeps its first point's reading): what the window
   costs around a read, the floor of event -> new probabilities.
2. The worst read over awkward drawings: a tap with each pen width, a long
   thin line, a full sheet, 20,000 segments.  Each is put on the sheet and
   read ``--awkward-repeats`` times the way the window reads after every event
   (``MainWindow.update_reading``: ink array, preprocessing, forward pass,
   the bars' new values); the median and worst of each, the worst CPU time of
   the UI thread (what a read costs, however busy the machine), the
   preprocessing alone, and the worst of all.
3. The 28x28 images, on 600 held-out pen digits drawn into the canvas (random
   pens and places, no mouse events): this preprocessing against that of
   ``--reference`` (a git revision; by default the one before the reading was
   made faster), read alternately, must give the same images bit for bit (the
   tolerance is zero) and the same measurements; the median time of each, and
   their ratio, in the same run.
4. UI stall while retraining.  Retrain (the quick preset: 512 hidden units,
   augmentation, drawings, the live plot) runs in its worker thread for
   ``--train-seconds``; meanwhile a 10 ms QTimer ticks in the GUI thread, and
   the worst lateness of a tick is the longest the event loop was kept from
   running.

4. Reading a number (``--number-digits N``: only this, then stop).  A number of N
   real pen digits by one held-out writer (:mod:`digitpad.written_numbers`, gaps
   -0.1..0.6 of the height) is drawn point by point, as mouse events would grow it;
   after every point the sheet's strokes so far (the stroke being drawn
   included) are read by one :class:`digitpad.numbers.NumberReader`, as the window
   will read them.  Qt-free: the reading alone (candidates, drawing the new pieces,
   preprocessing, one forward pass, the dynamic programme), not the painting.
   ``--number-digits 6`` and ``--number-digits 20`` are issue 17's cases.  Each digit
   is also read alone (as ``bench/read_numbers.py`` does): a number whose digits all read
   right alone should read right whole; ``--numbers`` sets how many numbers (5).  The three
   slowest reads are shown with the reading thread's CPU time and the time Python's garbage
   collector ran inside each, and the collections of each generation over the run.

Before reading, the bench settles its process as the app does once its window is up
(:func:`digitpad.gui.app.settle`: what was built so far out of the garbage collector's sight),
and prints what a full collection took before and after.

Everything is written to a temporary DIGITPAD_HOME, never to the user's own.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
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
from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SPACING = 0.017          # seconds between two pointer events


def shapes(rng, w, h):
    """One random digit-like stroke list inside a w x h canvas."""
    size = rng.uniform(0.35, 0.8) * min(w, h)
    cx = rng.uniform(size / 2 + 10, w - size / 2 - 10)
    cy = rng.uniform(size / 2 + 10, h - size / 2 - 10)
    half = size / 2
    kind = rng.integers(4)
    if kind == 0:                         # a 1
        return [[(cx, cy - half + t * size / 24) for t in range(25)]]
    if kind == 1:                         # a 0
        return [[(cx + 0.6 * half * math.sin(2 * math.pi * t / 32),
                  cy - half * math.cos(2 * math.pi * t / 32)) for t in range(34)]]
    if kind == 2:                         # a 7
        bar = [(cx - 0.6 * half + t * 1.2 * half / 10, cy - half) for t in range(11)]
        leg = [(cx + 0.6 * half - t * 0.75 * half / 20, cy - half + t * size / 20)
               for t in range(1, 21)]
        return [bar + leg]
    return [[(cx + 0.5 * half * math.sin(4 * math.pi * t / 40),      # an 8-ish loop
              cy - half * math.cos(2 * math.pi * t / 40)) for t in range(42)]]


def replay(window, strokes, samples, lags):
    """Send each stroke as press/move/release, one event every 17 ms; time every event to
    the new reading and to the repaint.  Between events the event loop runs, as it does
    in the app: that is when the open views update, and work of theirs that runs into
    the next event delays it.  ``lags`` gets, for every update of the views, the time
    since the event whose reading they then show."""
    canvas = window.canvas
    seen = []
    start = next_event = time.perf_counter()
    shown = [None]                           # the event start the views last caught up with

    def views_updated():
        if shown[0] != start:
            shown[0] = start
            lags.append(time.perf_counter() - start)

    window.predictionChanged.connect(seen.append)
    window.views.updated.connect(views_updated)
    app = QApplication.instance()
    for points in strokes:
        for i, (x, y) in enumerate(points):
            pos = QPoint(round(x), round(y))
            while time.perf_counter() < next_event:      # idle until the pointer moves
                app.processEvents()
                time.sleep(0.0005)
            seen.clear()
            start = time.perf_counter()
            next_event = start + SPACING
            if i == 0:
                QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, pos)
            elif i == len(points) - 1:
                QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, pos)
            else:
                QTest.mouseMove(canvas, pos)
            while not seen:
                app.processEvents()
            read = time.perf_counter()
            app.processEvents()               # the repaint of the bars, preview and labels
            samples.append((read - start, time.perf_counter() - start))
    window.predictionChanged.disconnect(seen.append)
    window.views.updated.disconnect(views_updated)


def without_read(window):
    """The window with its read skipped: ``window.sheet.read`` keeps the reading it has and
    reads only an empty sheet and the first event after it (the first point of each of the
    bench's strokes).  The mouse event, painting, the ink array, the panel and the signal
    stay: what the window costs around a read."""
    sheet, read = window.sheet, window.sheet.read

    def kept(net, strokes, ink, size, image=False):
        if ink is None or sheet.number is None:
            read(net, strokes, ink, size, image)
    sheet.read = kept


def read_step(window, repeats=200):
    """The read alone, on the current drawing: ink array, to_mnist, forward pass."""
    from digitpad import preprocess, reading

    net = window.model.network
    parts = {"ink": [], "to_mnist": [], "forward": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        ink = window.canvas.ink()
        t1 = time.perf_counter()
        image = preprocess.to_mnist(ink)
        t2 = time.perf_counter()
        reading.read_image(net, image)
        t3 = time.perf_counter()
        parts["ink"].append(t1 - t0)
        parts["to_mnist"].append(t2 - t1)
        parts["forward"].append(t3 - t2)
    return {k: float(np.median(v)) for k, v in parts.items()}, ink.shape


REFERENCE = "cb5f212"      # the preprocessing before the reading was made faster (issue 19)


def same_images(window, revision, count=600, seed=0):
    """Read ``count`` held-out pen digits, drawn into the canvas, with this preprocessing
    and with ``revision``'s (``git show``), alternately: ``(differences, times now, times
    then, count)``, where a difference is a pen digit whose 28x28 image or measurements
    differ.  None when the revision cannot be read (not a git checkout)."""
    import importlib.util
    import subprocess

    from digitpad import pendigits, preprocess
    from digitpad.strokes import PEN_WIDTHS, Stroke

    try:
        source = subprocess.run(["git", "show", f"{revision}:digitpad/preprocess.py"],
                                cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("preprocess_then", loader=None)
    then = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = then                 # its dataclass looks itself up there
    exec(compile(source, f"{revision}:digitpad/preprocess.py", "exec"), then.__dict__)

    canvas = window.canvas
    data = pendigits.load_heldout()
    rng = np.random.default_rng(seed)
    widths = list(PEN_WIDTHS.values())
    differ, now, before = 0, [], []
    for k, i in enumerate(np.linspace(0, len(data) - 1, count).astype(int)):
        pen = widths[rng.integers(len(widths))]
        placed = pendigits.fit_to_canvas(data.strokes(i), canvas.width(), canvas.height(),
                                         rng, margin=pen / 2)
        window.clear()
        canvas.draw_strokes([Stroke([tuple(p) for p in s], pen) for s in placed])
        ink = canvas.ink()
        results = {}
        for name, module in ((("now", preprocess), ("then", then)) if k % 2 else
                             (("then", then), ("now", preprocess))):
            start = time.perf_counter()
            results[name] = module.prepare(ink)
            (now if name == "now" else before).append(time.perf_counter() - start)
        a, b = results["now"], results["then"]
        same = (a.image.dtype == b.image.dtype and np.array_equal(a.image, b.image)
                and (a.stroke, a.width, a.height, a.parts, a.nested)
                == (b.stroke, b.width, b.height, b.parts, b.nested))
        differ += not same
    window.clear()
    return differ, np.array(now), np.array(before), count


def ms(seconds):
    return f"{1000 * seconds:.2f} ms"


def awkward_drawings(w, h):
    """``{name: [Stroke]}``: drawings that once made a read slow, on a w x h sheet."""
    from digitpad.strokes import PEN_WIDTHS, Stroke

    drawings = {f"a tap, {name.lower()} pen ({width} px)": [Stroke([(w / 2, h / 2)], width)]
                for name, width in PEN_WIDTHS.items()}
    drawings["a long thin line"] = [Stroke([(5 + (w - 10) * t / 199, h / 2 + 3 * t / 199)
                                            for t in range(200)], PEN_WIDTHS["Thin"])]
    zigzag = [(x, y) for y in range(0, h + 30, 30) for x in ((0, w) if y % 60 else (w, 0))]
    drawings["a full sheet (very thick pen)"] = [Stroke(zigzag, PEN_WIDTHS["Very thick"])]
    walk = np.random.default_rng(1).normal(0, 6, (20, 1000, 2)).cumsum(axis=1)
    walk = np.clip(walk + (w / 2, h / 2), 5, (w - 5, h - 5))
    drawings["20,000 segments"] = [Stroke([tuple(p) for p in points], PEN_WIDTHS["Medium"])
                                   for points in walk]
    return drawings


def awkward_reads(window, repeats=20):
    """``{name: (wall seconds of each read, its CPU seconds, its preprocessing's wall
    seconds)}`` for every awkward drawing, read as the window reads.  The CPU time is
    the UI thread's own (``time.thread_time``): what the read costs, whatever else the
    machine is doing; preprocessing is the part that depends on the drawing."""
    from digitpad import preprocess

    canvas = window.canvas
    times = {}
    for name, strokes in awkward_drawings(canvas.width(), canvas.height()).items():
        window.clear()
        canvas.draw_strokes(strokes)
        reads, cpu, prepares = [], [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.thread_time()
            window.update_reading()
            reads.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
            ink = canvas.ink()
            start = time.perf_counter()
            preprocess.prepare(ink)
            prepares.append(time.perf_counter() - start)
        times[name] = tuple(np.array(v) for v in (reads, cpu, prepares))
    window.clear()
    return times


def stall_while_training(window, mnist_dir, seconds):
    """Worst and p99 lateness of a 10 ms timer while Retrain runs in its thread."""

    from digitpad.mnist import load as load_mnist

    mnist = load_mnist(mnist_dir)
    window.mnist_loader = lambda progress=None: mnist
    dialog = window.retrain()
    dialog.apply_preset("quick")
    app = QApplication.instance()

    ticks = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e9))
    batches = []
    dialog.start()
    dialog.job.worker.batch.connect(batches.append)
    while not batches:                          # wait until it is really training
        app.processEvents()
        time.sleep(0.001)
    clock.start()
    timer.start(10)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    last = batches[-1]
    dialog.cancel()
    gaps = np.diff(ticks)
    late = np.maximum(gaps - 0.010, 0)
    return late, len(ticks), last


class GcClock:
    """Wall time spent in Python's garbage collector since it was made (``gc.callbacks``)."""

    def __init__(self):
        self.total, self._start = 0.0, None
        self.runs = [0, 0, 0]       # collections of each generation (2: full)
        gc.callbacks.append(self._tick)

    def _tick(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.total += time.perf_counter() - self._start
            self.runs[info["generation"]] += 1
            self._start = None

    def stop(self):
        gc.callbacks.remove(self._tick)


def settled(what):
    """Settle the process as the app does once its window is up
    (:func:`digitpad.gui.app.settle`), printing what a full garbage collection took before
    and after; ``what`` names what was built."""
    from digitpad.gui.app import settle

    def full():
        start = time.perf_counter()
        gc.collect()
        return time.perf_counter() - start

    before = min(full() for _ in range(3))
    settle()
    print(f"a full garbage collection with {what} built: {ms(before)}; after "
          f"digitpad.gui.app.settle, as the app settles once its window is up: {ms(full())}")


def number_latency(digits, seed=0, weights=None, pen=18, numbers_count=5):
    """Issue 17: reads of a growing number, point by point; prints the medians and worst.

    The sheet is 600 px tall and wide enough for digits 120 px tall (95 px a digit)."""
    size = (max(1100, 95 * digits), 600)
    from digitpad import numbers, pendigits, store
    from digitpad import written_numbers as wn
    from digitpad.strokes import Stroke

    print(_env.describe())
    model = store.load(weights) if weights else store.load_shipped()
    data = pendigits.load_heldout()
    groups = wn.by_writer(data, pendigits.HELDOUT_WRITERS)
    rng = np.random.default_rng(seed)
    writers = sorted(w for w in groups if len(groups[w]) >= digits // 2)
    import read_numbers          # bench/read_numbers.py: a digit read alone
    settled("the model and the pen digits")
    spent, cpu, collecting, right = [], [], [], 0
    in_gc = GcClock()
    readable = readable_right = digits_alone = digits_in = counted = digits_alone_counted = 0
    for _ in range(numbers_count):
        w = writers[rng.integers(len(writers))]
        indices = rng.choice(groups[w], digits)
        height = min(120, 0.9 * size[0] / (0.8 * digits))
        written = wn.fit(wn.compose(data, indices, rng, height), size[0], size[1], pen)
        reader = numbers.NumberReader(model.network)
        done = []
        for s in written.strokes:
            pts = [tuple(p) for p in np.rint(s)]
            for k in range(1, len(pts) + 1):
                start, start_cpu, start_gc = time.perf_counter(), time.thread_time(), in_gc.total
                result = reader.read(done + [Stroke(pts[:k], pen)], size)
                spent.append(time.perf_counter() - start)
                cpu.append(time.thread_time() - start_cpu)
                collecting.append(in_gc.total - start_gc)
            done.append(Stroke(pts, pen))
        truth = "".join(map(str, written.labels))
        right += result.text == truth
        # The same digits, each alone on the sheet: a number can be read no better.
        lone = [read_numbers.alone(model.network, part, pen, size) for part in written.parts]
        lone_right = [d == label for d, label in zip(lone, written.labels)]
        readable += all(lone_right)
        readable_right += all(lone_right) and result.text == truth
        digits_alone += sum(lone_right)
        if result.text is not None and len(result.text) == digits:
            counted += 1
            digits_in += sum(read == label for read, label in zip(result.text, truth))
            digits_alone_counted += sum(lone_right)
    v = np.array(spent)
    print(f"reading a {digits}-digit number as it is drawn ({numbers_count} numbers by "
          f"held-out writers on a {size[0]}x{size[1]} sheet, pen {pen} px, {len(v)} reads, "
          "one per mouse event; Qt-free: the read alone)")
    print(f"  read: median {ms(np.median(v))}   p99 {ms(np.percentile(v, 99))}   "
          f"max {ms(v.max())}")
    print(f"  CPU time of this thread (time.thread_time: all of the read's with BLAS on one "
          f"thread, OPENBLAS_NUM_THREADS=1): median {ms(np.median(cpu))}")
    slow = np.argsort(v)[::-1][:3]
    print("  the slowest reads (wall / CPU of this thread / in the garbage collector): "
          + ", ".join(f"{ms(v[i])} / {ms(cpu[i])} / {ms(collecting[i])}" for i in slow))
    print(f"  garbage collections over the run: {in_gc.runs[0]} young, {in_gc.runs[1]} middle, "
          f"{in_gc.runs[2]} full, {ms(in_gc.total)} in all")
    in_gc.stop()
    print(f"  numbers read right at the end: {right}/{numbers_count}")
    print(f"  numbers whose every digit alone is read right: {readable}/{numbers_count}, of "
          f"them read right whole: {readable_right}/{readable}")
    print(f"  digits read right alone: {digits_alone}/{digits * numbers_count}; numbers whose "
          f"count is right: {counted}/{numbers_count}, their digits read right in the number "
          f"{digits_in}/{digits * counted}, alone {digits_alone_counted}/{digits * counted}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strokes", type=int, default=30)
    parser.add_argument("--train-seconds", type=float, default=10)
    parser.add_argument("--weights", type=Path, help="model file (default: the one the app "
                        "opens with, i.e. the shipped model)")
    parser.add_argument("--mnist", type=Path, help="MNIST folder (default: $DIGITPAD_MNIST, "
                        "else ../shared/mnist beside the repo, else the cache)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--views", choices=("none", "all", "both"), default="both",
                        help="which insight views are open while drawing (default: both "
                             "ways, one after the other)")
    parser.add_argument("--reference", default=REFERENCE,
                        help="git revision whose preprocessing the 28x28 images are compared "
                             f"with (default {REFERENCE}; 'none' to skip)")
    parser.add_argument("--awkward-repeats", type=int, default=20,
                        help="reads of each awkward drawing (0: skip them)")
    parser.add_argument("--without-read", action="store_true",
                        help="time the window with its read skipped (each stroke keeps the "
                             "reading of its first point): what the window costs around a read")
    parser.add_argument("--number-digits", type=int, default=0,
                        help="only time reading a number of this many digits (issue 17)")
    parser.add_argument("--numbers", type=int, default=5,
                        help="how many such numbers (default 5)")
    parser.add_argument("--constant", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help=_env.CONSTANT_HELP)
    args = parser.parse_args(argv)
    _env.set_constants(args.constant)
    if args.number_digits:
        return number_latency(args.number_digits, args.seed, args.weights,
                              numbers_count=args.numbers)

    from digitpad import store
    from digitpad.gui.views import NAMES
    from digitpad.gui.window import MainWindow

    if args.weights:
        store.Settings().update(model=str(args.weights.resolve()))
    mnist_dir = args.mnist or os.environ.get("DIGITPAD_MNIST") or REPO.parent / "shared" / "mnist"
    mnist_dir = Path(mnist_dir) if Path(mnist_dir).exists() else None

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1200, 820)
    window.show()
    QTest.qWaitForWindowExposed(window)
    if window.model is None:
        sys.exit(f"no model: {window.startup_message}")
    if window.startup_message:
        sys.exit(window.startup_message)
    settled("the window")
    canvas = window.canvas
    print(f"model: {window.model.describe()}")
    print(f"canvas {canvas.width()}x{canvas.height()}, pen {canvas.pen_width()} px, "
          f"PySide6 {__import__('PySide6').__version__}, NumPy {np.__version__}")
    print(_env.describe())

    if args.without_read:
        without_read(window)
        print("the read skipped (--without-read): each stroke keeps its first point's reading")
    # The same strokes each way, placed on the sheet as it is with the views open (smaller).
    window.views.set_open(NAMES)
    app.processEvents()
    rng = np.random.default_rng(args.seed)
    strokes = [shapes(rng, canvas.width(), canvas.height()) for _ in range(args.strokes)]
    print(f"canvas with every view open {canvas.width()}x{canvas.height()}")
    settings = {"none": [[]], "all": [list(NAMES)], "both": [[], list(NAMES)]}[args.views]
    for names in settings:
        window.views.set_open(names)
        app.processEvents()
        samples, lags = [], []
        cpu = time.thread_time()
        for one in strokes:
            window.clear()
            replay(window, one, samples, lags)
        cpu = time.thread_time() - cpu
        s = np.array(samples)
        print(f"\nreading latency over {len(s)} mouse events in {args.strokes} strokes, "
              f"views open: {', '.join(names) or 'none'}:")
        rows = [("event -> new probabilities", s[:, 0]), ("event -> bars repainted", s[:, 1])]
        if names and lags:
            rows.append(("event -> views updated", np.array(lags)))
        for what, v in rows:
            print(f"  {what:27} median {ms(np.median(v))}   p99 {ms(np.percentile(v, 99))}   "
                  f"max {ms(v.max())}")
        print(f"  the UI thread's CPU time per event (reading, painting, views): {ms(cpu / len(s))}")
        if names:
            print(f"  the views caught up with the drawing {len(lags)} times in {len(s)} events")
    window.views.set_open([])
    parts, shape = read_step(window)
    print(f"\n  the read step alone on a {shape[1]}x{shape[0]} ink crop: ink array "
          f"{ms(parts['ink'])}, to_mnist {ms(parts['to_mnist'])}, forward "
          f"{ms(parts['forward'])}")

    if args.awkward_repeats > 0:
        reads = awkward_reads(window, args.awkward_repeats)
        print(f"\nthe worst read over awkward drawings ({args.awkward_repeats} reads each, "
              "as the window reads after every event):")
        print(f"  {'':30} {'the read':>26}  {'its CPU time':>10}  {'its preprocessing':>26}")
        for name, (spent, cpu, prepared) in reads.items():
            print(f"  {name:30} median {ms(np.median(spent))} worst {ms(spent.max())}  "
                  f"worst {ms(cpu.max())}  median {ms(np.median(prepared))} worst "
                  f"{ms(prepared.max())}")
        name = max(reads, key=lambda k: reads[k][0].max())
        print(f"  worst read of all: {ms(reads[name][0].max())} ({name}); worst CPU time of "
              f"a read: {ms(max(v[1].max() for v in reads.values()))}")

    if args.reference != "none":
        compared = same_images(window, args.reference)
        if compared is None:
            print(f"\ncannot read {args.reference}'s preprocessing (git show): images not "
                  "compared")
        else:
            differ, now, then, count = compared
            print(f"\nthe 28x28 images of {count} held-out pen digits drawn into the canvas, "
                  f"against {args.reference}'s preprocessing (tolerance: none, bit for bit): "
                  f"{differ} differ")
            print(f"  prepare now median {ms(np.median(now))} p99 {ms(np.percentile(now, 99))}"
                  f", then median {ms(np.median(then))} p99 {ms(np.percentile(then, 99))}: "
                  f"{np.median(then) / np.median(now):.2f}x as fast (read alternately)")

    if args.train_seconds > 0:
        if mnist_dir is None:
            from digitpad import paths
            mnist_dir = None if not (paths.mnist_cache()).exists() else paths.mnist_cache()
        if mnist_dir is None:
            print("\nno MNIST folder found: give --mnist to measure the stall while training")
        else:
            late, n, last = stall_while_training(window, mnist_dir, args.train_seconds)
            print(f"\nUI stall while retraining (quick preset, {args.train_seconds:g} s, "
                  f"{n} ticks of a 10 ms timer; training reached epoch {last.epoch}, batch "
                  f"{last.batch}/{last.batches}):")
            print(f"  worst lateness {ms(late.max())}   p99 {ms(np.percentile(late, 99))}   "
                  f"median {ms(np.median(late))}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
