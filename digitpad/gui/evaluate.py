"""Model > Evaluate, and MNIST's test set for the views: both load MNIST in the background.

:class:`Evaluator` measures a model on the 10,000 MNIST test images (and on
the person's corrections) with :class:`EvaluateWorker` and shows the results in their own window (:mod:`~digitpad.gui.results`).
:class:`TestSetLoader` loads the test images alone, for the All units view,
waiting for a running job to end first.  Both read MNIST's two test files alone
(:func:`evaluation_loader`), not the training files Retrain reads, and run through the
window's one-job-at-a-time :class:`~digitpad.gui.jobs.Jobs` and say what they got
through a signal: the window keeps it (it is the session's one writer).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from digitpad import corrections, evaluation
from digitpad.mnist import session_loader
from digitpad.model.data import TEST_PARTS

from .jobs import Worker
from .results import ResultsWindow


def evaluation_loader(loader):
    """What loads MNIST's test set for Evaluate and the views, given the window's
    ``mnist_loader``: the session's loader reads the two test files alone (a folder without
    the training files will do); a loader given to the window (tests, benches) is used as
    it is."""
    if loader is session_loader:
        return functools.partial(session_loader, parts=TEST_PARTS)
    return loader


@dataclass(frozen=True)
class EvaluationResult:
    """What Evaluate measured: the model, its readings of MNIST's test set and of the
    person's corrections (and, after Learn, the readings of the model before it)."""
    model: object                       # store.LoadedModel measured
    test: evaluation.Evaluation            # MNIST's 10,000 test images
    test_images: np.ndarray             # (n, 28, 28) uint8
    mine: evaluation.Evaluation | None = None          # the corrections, read by ``model``
    mine_before: evaluation.Evaluation | None = None   # ... by the model before Learn
    mine_images: np.ndarray | None = None           # (k, 28, 28) float

    @property
    def accuracy(self):
        return self.test.accuracy


class EvaluateWorker(Worker):
    """Measures a model on the MNIST test set and on the person's corrections.

    ``succeeded`` carries an :class:`EvaluationResult` for the model it
    measured, not whichever is in use when it ends.  ``before``: the model
    that Learn started from, to read the corrections with too.
    """

    def __init__(self, model, loader, before=None):
        super().__init__()
        self.model = model
        self.loader = loader
        self.before = before

    def work(self):
        self.status.emit("Loading MNIST...")
        mnist = self.loader(self._progress)
        self.status.emit("Evaluating...")
        network = self.model.network
        test = evaluation.evaluate(network, mnist.test_images, mnist.test_labels,
                                should_stop=self.should_stop)
        images, labels = evaluation.corrections_as_seen(corrections.list_all())
        mine = before = None
        if len(labels):
            mine = evaluation.evaluate(network, images, labels)
            if self.before is not None:
                before = evaluation.evaluate(self.before.network, images, labels)
        return EvaluationResult(self.model, test, mnist.test_images, mine, before, images)


class TestSetWorker(Worker):
    """Loads MNIST; ``succeeded`` carries its test set, ``(images, labels)``."""

    def __init__(self, loader):
        super().__init__()
        self.loader = loader

    def work(self):
        self.status.emit("Loading the MNIST test images...")
        mnist = self.loader(self._progress)
        return mnist.test_images, mnist.test_labels


class Evaluator(QObject):
    """Evaluate's job and its results window; ``evaluated(EvaluationResult)`` at the end."""
    evaluated = Signal(object)

    def __init__(self, window, jobs):
        super().__init__(window)
        self.window, self.jobs = window, jobs       # MNIST from window.mnist_loader
        self.job = None                  # the Job while evaluating
        self.last_accuracy = None        # what the last evaluation measured
        self.results_window = None       # the last evaluation's ResultsWindow

    def start(self, model, before=None):
        """Measure ``model`` (a store.LoadedModel) in the background; ``before``, the model
        Learn started from, reads the corrections too.  None when another job runs."""
        worker = EvaluateWorker(model, evaluation_loader(self.window.mnist_loader), before=before)
        worker.status.connect(self.window.statusBar().showMessage)
        worker.succeeded.connect(self._on_evaluated)
        worker.failed.connect(self._on_failed)
        self.job = self.jobs.start(worker, owner=self)
        if self.job is not None:
            self.job.finished.connect(self._on_finished)
        return self.job

    @Slot(object)
    def _on_evaluated(self, result):
        """Show the results (an EvaluationResult) in their own window."""
        self.last_accuracy = result.accuracy
        self.window.statusBar().showMessage(
            f"Evaluated {result.model.name()}: {100 * result.accuracy:.2f}% right on MNIST's "
            "test images.", 10000)
        self.close()
        self.results_window = ResultsWindow(result, self.window)
        self.results_window.show()
        self.evaluated.emit(result)

    @Slot(str)
    def _on_failed(self, message):
        self.window.statusBar().clearMessage()
        QMessageBox.warning(self.window, "Evaluation failed", message)

    @Slot()
    def _on_finished(self):
        self.job = None

    def close(self):
        """Close the results window, if one is open."""
        if self.results_window is not None:
            self.results_window.close()
            self.results_window.deleteLater()
            self.results_window = None


class TestSetLoader(QObject):
    """Loads MNIST's test set in the background, once asked and as soon as no other job
    runs: ``loaded((images, labels))``, or ``failed(message)``; ``status(text)`` meanwhile."""
    loaded = Signal(object)
    failed = Signal(str)
    status = Signal(str)

    def __init__(self, window, jobs):
        super().__init__(window)
        self.window, self.jobs = window, jobs       # MNIST from window.mnist_loader
        self._loading = self._waiting = False

    def load(self):
        if self._loading:
            return
        self._loading = True
        worker = TestSetWorker(evaluation_loader(self.window.mnist_loader))
        worker.succeeded.connect(self._on_loaded)
        worker.failed.connect(self._on_failed)
        worker.status.connect(self.status)
        if self.jobs.start(worker, owner=self) is None:
            self._loading = False
            self.status.emit("Another job is running; the MNIST test images load when it "
                             "ends.")
            if not self._waiting:
                self._waiting = True
                self.jobs.changed.connect(self._retry)

    @Slot()
    def _retry(self):
        if not self.jobs.busy():
            self.jobs.changed.disconnect(self._retry)
            self._waiting = False
            self.load()

    @Slot(object)
    def _on_loaded(self, test_set):
        self._loading = False
        self.loaded.emit(test_set)

    @Slot(str)
    def _on_failed(self, message):
        self._loading = False
        self.failed.emit(message)
