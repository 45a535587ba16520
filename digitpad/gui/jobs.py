"""Background jobs: a worker in its own QThread, and one job at a time for the window.

The pattern is that of PySide6's Mandelbrot example: the work runs in a
:class:`QThread`, reports through signals only and never touches a widget; the
UI thread asks it to stop (:meth:`Job.cancel`, a flag the work checks between
mini-batches and download chunks) and reacts to its ``finished`` signal.  The
UI thread never waits for a worker, except when the window closes, and then
only briefly (:meth:`Job.shutdown`): a worker still busy after that is left to
end on its own, disconnected from the window.

Every method that receives a worker's signal is decorated with ``@Slot`` in
its class body.  PySide6 delivers a signal from the worker thread to such a
method in the receiver's (GUI) thread; a method that overrides or replaces a
decorated slot without being one itself is called in the worker thread, where
touching a widget crashes.

:class:`Jobs` is the one place that decides which job may run: Retrain, Learn
and Evaluate all start through it, and it refuses a second job while one runs.
The workers of Retrain and Learn are here; Evaluate's are in
:mod:`digitpad.gui.evaluate`.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from digitpad import learning, scores
from digitpad.model.stopping import Stopped

PROGRESS_INTERVAL = 0.2       # seconds between two progress signals (each repaints the dialog)
WATCH_INTERVAL = 0.5          # seconds between two copies of the weights being trained
CLOSE_WAIT_MS = 1000          # how long closing the window waits for a worker


def _message(error):
    text = str(error).strip()
    return text or type(error).__name__


class Worker(QObject):
    """Base of the background jobs: ``run`` in the worker thread, signals out.

    Exactly one of ``succeeded``, ``failed`` or ``stopped`` is emitted, then
    ``done``.
    """
    status = Signal(str)
    download = Signal(str, int, int)     # file name, bytes so far, bytes in all (0: unknown)
    succeeded = Signal(object)
    failed = Signal(str)
    stopped = Signal()
    done = Signal()

    def __init__(self):
        super().__init__()
        self._cancel = threading.Event()

    def cancel(self):
        """Ask the job to stop (safe from any thread)."""
        self._cancel.set()

    def should_stop(self):
        thread = QThread.currentThread()
        return self._cancel.is_set() or (thread is not None and thread.isInterruptionRequested())

    def _progress(self, name, done, total):
        """A download callback: report it, and abort when asked to stop."""
        if self.should_stop():
            raise Stopped("stopped during the download")
        self.download.emit(str(name), int(done), int(total or 0))

    @Slot()
    def run(self):
        try:
            result = self.work()
        except Stopped:               # training's TrainingStopped too
            self.stopped.emit()
        except Exception as e:       # every failure becomes a message, never a crash
            if self.should_stop():
                self.stopped.emit()
            else:
                self.failed.emit(_message(e))
        else:
            if self.should_stop():
                self.stopped.emit()
            else:
                self.succeeded.emit(result)
        finally:
            self.done.emit()

    def work(self):
        raise NotImplementedError


class TrainingWorker(Worker):
    """Base of the jobs that make a model: they measure the model in use first (the
    ``reference``), report every phase, every batch (at most five a second) and epoch,
    and end with ``(network, meta, comparison)``: the new model beside the one in use
    (:class:`digitpad.scores.Comparison`, or None when there was none).

    With ``watching`` set (the dialog is open) it also sends, every
    :data:`WATCH_INTERVAL` seconds, a copy of the network being trained
    (``weights``), and once, before training, the held-out drawings to read with
    it (``drawings``): the held-out writers' pen digits, else MNIST's test images.
    """
    phase = Signal(str, int, int)   # what is being prepared, items done, items in all
    reference = Signal(object)      # scores.Scores of the model in use, or None
    batch = Signal(object)          # model.train.BatchProgress
    epoch = Signal(object)          # model.train.EpochReport
    weights = Signal(object)        # a copy of the network being trained (an MLP)
    drawings = Signal(object, object)   # held-out images (n, 28, 28) and their digits

    def __init__(self, loader, current=None):
        super().__init__()
        self.loader = loader
        self.current = current        # the network in use, or None
        self.sets = None
        self._last_progress = 0.0
        self.watching = False
        self._last_watch = 0.0

    def _phase(self, name, done, total):
        """A drawing phase's progress callback: report it, and abort when asked to stop."""
        if self.should_stop():
            raise Stopped(f"stopped while {name.lower()}")
        self.phase.emit(str(name), int(done), int(total))

    def _on_batch(self, progress):
        """model.train's on_batch: passed on as a signal, not more often than the eye sees."""
        now = time.perf_counter()
        if now - self._last_progress >= PROGRESS_INTERVAL or progress.batch == progress.batches:
            self._last_progress = now
            self.batch.emit(progress)

    def _watch(self, network):
        """The trainer's ``watch``: called with the live network after every batch (in
        this, the worker thread); a copy goes to the dialog every WATCH_INTERVAL."""
        now = time.perf_counter()
        if self.watching and now - self._last_watch >= WATCH_INTERVAL:
            self._last_watch = now
            self.weights.emit(network.copy())

    def callbacks(self):
        return dict(on_batch=self._on_batch, on_epoch=self.epoch.emit,
                    should_stop=self.should_stop, watch=self._watch)

    def prepare(self):
        """MNIST, the measure sets and the scores of the model in use: ``(mnist, before)``."""
        self.status.emit("Loading MNIST...")
        mnist = self.loader(self._progress)
        self.status.emit("Preparing the drawings every model is measured on...")
        self.sets = scores.measure_sets(self.should_stop, self._phase)
        if self.watching:
            from .watch import choose_drawings
            images, labels = self.sets.pen or (mnist.test_images, mnist.test_labels)
            self.drawings.emit(*choose_drawings(images, labels))
        before = None
        if self.current is not None:
            self.status.emit("Measuring the model in use...")
            before = scores.score(self.current, mnist, self.sets)
        self.reference.emit(before)
        return mnist, before

    def measure(self, network):
        """After every epoch: the held-out pen digits read right (for the plot)."""
        return {"pen": scores.pen_accuracy(network, self.sets)}

    def outcome(self, network, meta, mnist, before):
        self.status.emit("Measuring the new model...")
        after = scores.score(network, mnist, self.sets)
        meta["scores"] = after.to_dict()
        return network, meta, None if before is None else scores.Comparison(
            before, after, measured=self.current)


class TrainWorker(TrainingWorker):
    """Runs a recipe (:func:`digitpad.learning.make_model`) on a loader's MNIST."""

    def __init__(self, options, loader, *, current=None, source="retrained in the app"):
        super().__init__(loader, current)
        self.options = options
        self.source = source

    def work(self):
        mnist, before = self.prepare()
        network, meta = learning.make_model(
            self.options, mnist, source=self.source, progress=self._phase,
            status=lambda text: self.status.emit(text[:1].upper() + text[1:]),
            measure=self.measure, **self.callbacks())
        return self.outcome(network, meta, mnist, before)


class LearnWorker(TrainingWorker):
    """Fine-tunes a network on the corrections mixed with MNIST; ``kept``: the readings the
    person let stand this session (images, digits), or None."""

    def __init__(self, network, meta, loader, seed=None, kept=None):
        super().__init__(loader, network)
        self.meta, self.seed, self.kept = meta, seed, kept

    def work(self):
        mnist, before = self.prepare()
        network, meta = learning.learn_from_corrections(
            self.current, self.meta, mnist, seed=self.seed, status=self.status.emit,
            measure=self.measure, progress=self._phase, kept=self.kept, **self.callbacks())
        if meta.get("moved") == 0:     # it kept the weights in use: no new model to measure
            return network, meta, None
        return self.outcome(network, meta, mnist, before)


# Jobs left running when their window closed: kept referenced until they end,
# so that their QThread is never destroyed while it runs.
_ABANDONED = set()


class Job(QObject):
    """One worker running in its own QThread, until it is done or stopped."""
    finished = Signal()

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread(self)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # Quit from the worker's own thread: no round trip through a busy UI thread.
        worker.done.connect(self.thread.quit, Qt.DirectConnection)
        self.thread.finished.connect(self.finished)

    def start(self):
        self.thread.start()

    def is_running(self):
        return self.thread.isRunning()

    def cancel(self):
        """Ask the worker to stop; returns at once (``finished`` follows when it has)."""
        self.worker.cancel()
        self.thread.requestInterruption()

    def shutdown(self, timeout_ms=CLOSE_WAIT_MS):
        """For closing: ask the worker to stop and wait at most ``timeout_ms``.

        A worker still busy then is cut off from its receivers and left to end
        on its own.  Returns True when the thread has ended.
        """
        self.cancel()
        self.thread.quit()
        if self.thread.wait(timeout_ms):
            return True
        for signal in (self.worker.status, self.worker.download, self.worker.succeeded,
                       self.worker.failed, self.worker.stopped):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):
                pass
        for signal in (getattr(self.worker, name, None)
                       for name in ("batch", "epoch", "phase", "reference")):
            if signal is not None:
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass
        self.setParent(None)
        _ABANDONED.add(self)
        self.thread.finished.connect(lambda job=self: _ABANDONED.discard(job))
        return False


def abandoned_jobs():
    """Jobs whose window closed while they ran and that have not ended yet."""
    return [job for job in _ABANDONED if job.is_running()]


class Jobs(QObject):
    """The one place that decides which background job may run: one at a time.

    ``changed`` is emitted when a job starts and when it has ended, so that
    actions and start buttons can follow :meth:`busy`.
    """
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.job = None
        self.owner = None

    def busy(self):
        return self.job is not None

    def start(self, worker, owner=None):
        """Run ``worker`` in the background; None (and nothing started) if a job runs."""
        if self.job is not None:
            return None
        self.job = Job(worker, self)
        self.owner = owner
        self.job.finished.connect(self._on_finished)
        self.job.start()
        self.changed.emit()
        return self.job

    def shutdown(self, timeout_ms=CLOSE_WAIT_MS):
        """For closing the window: stop the running job, waiting at most ``timeout_ms``."""
        if self.job is not None:
            job, self.job, self.owner = self.job, None, None
            job.finished.disconnect(self._on_finished)
            job.shutdown(timeout_ms)

    @Slot()
    def _on_finished(self):
        job, self.job, self.owner = self.job, None, None
        if job is not None:
            job.deleteLater()
        self.changed.emit()
