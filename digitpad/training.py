"""Retraining from the window: a settings dialog and a worker in its own thread.

The worker pattern is that of PySide6's Mandelbrot example: a :class:`QObject`
moved to a :class:`QThread`, whose :meth:`run` calls :func:`model.train.train`
and reports through signals only; it never touches a widget.  It stops when
asked (a flag checked before every mini-batch, and the thread's interruption
request), so Cancel and closing the window take effect within a batch.

Every method that receives a worker's signal is decorated with ``@Slot`` in
its class body.  PySide6 delivers a signal from the worker thread to such a
method in the receiver's (GUI) thread; a method that overrides or replaces a
decorated slot without being one itself is called in the worker thread, where
touching a widget crashes.

Where the data comes from is injectable: a *loader* is a callable
``loader(progress) -> Mnist`` (``progress(name, done, total)`` reports a
download).  The default, :func:`default_loader`, reads the folder named by the
``DIGITPAD_MNIST`` environment variable if set, else the cache, downloading
MNIST once when it is not there.
"""
from __future__ import annotations

import os
import threading
import time

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QProgressBar,
                               QPushButton, QSpinBox, QVBoxLayout)

from model.train import TrainConfig, TrainingStopped, train

from . import datasets

PRESETS = {
    "Quick": dict(epochs=3, hidden=128, lr=1e-3, augment=False, drawings=False),
    "Thorough": dict(epochs=30, hidden=800, lr=1e-3, augment=True, drawings=True),
}
# With "drawings": renderings of each shipped pen digit, and generated non-digits.
DRAWINGS = (4, 8000)
PROGRESS_INTERVAL = 0.05      # seconds between two progress signals


def default_loader(progress=None):
    """MNIST from ``$DIGITPAD_MNIST`` or the cache, downloaded when missing."""
    from model.data import load_mnist
    return load_mnist(os.environ.get("DIGITPAD_MNIST") or None, progress=progress)


def training_dataset(loader, limit=None, drawings=False):
    """A dataset callable for :class:`TrainWorker`: MNIST's training set (its first
    ``limit`` images when given), with ``drawings`` the pen digits and non-digits
    of :mod:`digitpad.datasets` too, and MNIST's test set."""
    def dataset(progress, should_stop=None):
        mnist = loader(progress)
        pen, others = (DRAWINGS if drawings else (0, 0))
        images, labels = datasets.training_set(mnist, pen, others, limit=limit,
                                               should_stop=should_stop)
        return images, labels, mnist.test_images, mnist.test_labels
    return dataset


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
            raise TrainingStopped("stopped during the download")
        self.download.emit(str(name), int(done), int(total or 0))

    @Slot()
    def run(self):
        try:
            result = self.work()
        except TrainingStopped:
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
    """Base of the jobs that train: progress per batch (at most every 50 ms) and per epoch."""
    batch = Signal(object)        # model.train.BatchProgress
    epoch = Signal(object)        # model.train.EpochReport

    def __init__(self):
        super().__init__()
        self._last_progress = 0.0

    def _on_batch(self, progress):
        """model.train's on_batch: passed on as a signal, not more often than the eye sees."""
        now = time.perf_counter()
        if now - self._last_progress >= PROGRESS_INTERVAL or progress.batch == progress.batches:
            self._last_progress = now
            self.batch.emit(progress)


class TrainWorker(TrainingWorker):
    """Trains a network; ``succeeded`` carries ``(network, meta)``."""

    def __init__(self, config, dataset, *, init=None, meta=None):
        super().__init__()
        self.config = config
        self.dataset = dataset
        self.init = init
        self.meta = dict(meta or {})

    def work(self):
        self.config.validate()
        self.status.emit("Loading MNIST and drawing the training digits...")
        train_x, train_y, test_x, test_y = self.dataset(self._progress, self.should_stop)
        if self.should_stop():
            raise TrainingStopped("stopped before training")
        self.status.emit(f"Training on {len(train_x):,} images...")
        result = train(self.config, train_x, train_y, test_x, test_y, init=self.init,
                       on_batch=self._on_batch, on_epoch=self.epoch.emit,
                       should_stop=self.should_stop)
        accuracy = result.network.accuracy(test_x, test_y)
        meta = dict(self.meta)
        meta.update(config=self.config.to_dict(), mnist_test_accuracy=accuracy,
                    training_images=int(len(train_x)),
                    training_seconds=round(result.seconds, 1))
        meta.setdefault("source", "retrained in the app")
        return result.network, meta


class EvaluateWorker(Worker):
    """Measures a network on the MNIST test set; ``succeeded`` carries ``(accuracy, n)``."""

    def __init__(self, network, loader):
        super().__init__()
        self.network = network
        self.loader = loader

    def work(self):
        self.status.emit("Loading MNIST...")
        mnist = self.loader(self._progress)
        self.status.emit("Evaluating...")
        return self.network.accuracy(mnist.test_images, mnist.test_labels), len(mnist.test_labels)


class Job(QObject):
    """One worker running in its own QThread, until it is done or stopped."""
    finished = Signal()

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread(self)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        worker.done.connect(self.thread.quit)
        self.thread.finished.connect(self.finished)

    def start(self):
        self.thread.start()

    def is_running(self):
        return self.thread.isRunning()

    def stop(self):
        """Ask the worker to stop and wait for its thread to end."""
        self.worker.cancel()
        self.thread.requestInterruption()
        self.thread.quit()
        self.thread.wait()


def format_seconds(seconds):
    if seconds != seconds or seconds == float("inf"):     # NaN: not known yet
        return "--:--"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainingDialog(QDialog):
    """A run in the background with its progress; ``trained(network, meta)`` on success.

    It is not modal: the window goes on reading drawings with the model in use
    while the network trains.  Subclasses add their settings above the
    progress and say which worker to run (:meth:`make_worker`).
    """
    trained = Signal(object, object)
    runningChanged = Signal(bool)
    start_text = "Train"

    def __init__(self, parent=None, *, loader=None):
        super().__init__(parent)
        self.loader = loader or default_loader
        self.job = None
        self._running = False
        self._epochs = []

        self.status = QLabel(" ", wordWrap=True, objectName="status")
        self.progress = QProgressBar(minimum=0, maximum=1000, value=0, objectName="progress")
        self.progress.setFormat("%p%")
        self.detail = QLabel(" ", objectName="detail")
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.history = QLabel("", wordWrap=True, objectName="history")

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(self.start_text, QDialogButtonBox.AcceptRole)
        self.start_button.setObjectName("startButton")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)

        self.settings = self.make_settings()
        layout = QVBoxLayout(self)
        if self.settings is not None:
            layout.addWidget(self.settings)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.detail)
        layout.addWidget(self.history)
        layout.addWidget(self.buttons)

    def make_settings(self):
        """A widget with the run's settings, or None."""
        return None

    def make_worker(self):
        """The worker for one run, or None (with the reason in the status line)."""
        raise NotImplementedError

    # -- running -------------------------------------------------------------------

    def is_running(self):
        """From Start until the end of the run has been shown (the thread may end first)."""
        return self._running

    def start(self):
        if self.is_running():
            return
        worker = self.make_worker()
        if worker is None:
            return
        worker.status.connect(self.status.setText)
        worker.download.connect(self._on_download)
        worker.batch.connect(self._on_batch)
        worker.epoch.connect(self._on_epoch)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        self.job = Job(worker, self)
        self.job.finished.connect(self._on_finished)
        self._epochs = []
        self.history.setText("")
        self.detail.setText(" ")
        self.progress.setValue(0)
        if self.settings is not None:
            self.settings.setEnabled(False)
        self.start_button.setEnabled(False)
        self._running = True
        self.runningChanged.emit(True)
        self.job.start()

    def cancel(self):
        """Stop a running job and wait for its thread; the model in use is kept."""
        if self.job is not None:
            self.job.stop()

    def reject(self):
        """Cancel (the button, Escape, closing the dialog) stops a run first."""
        self.cancel()
        super().reject()

    def shutdown(self):
        """For the window's closeEvent: stop any run and wait for the thread."""
        self.cancel()

    # -- what the worker reports (in this, the GUI thread) ---------------------------

    @Slot(str, int, int)
    def _on_download(self, name, done, total):
        if total > 0:
            self.status.setText(f"Downloading {name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
            self.progress.setValue(int(1000 * done / total))
        else:
            self.status.setText(f"Downloading {name}: {done / 1e6:.1f} MB")

    @Slot(object)
    def _on_batch(self, p):
        self.progress.setValue(int(1000 * p.fraction))
        self.detail.setText(
            f"Epoch {p.epoch}/{p.epochs} · batch {p.batch}/{p.batches} · loss {p.loss:.3f} · "
            f"accuracy {100 * p.accuracy:.1f}% · {format_seconds(p.eta)} left")

    @Slot(object)
    def _on_epoch(self, report):
        line = f"epoch {report.epoch}: loss {report.loss:.3f}"
        if report.val_accuracy is not None:
            line += f", test accuracy {100 * report.val_accuracy:.2f}%"
        self._epochs.append(line)
        self.history.setText("\n".join(self._epochs[-4:]))

    @Slot(object)
    def _on_succeeded(self, result):
        network, meta = result
        self.progress.setValue(1000)
        self.status.setText(self.success_text(meta))
        self.trained.emit(network, meta)

    def success_text(self, meta):
        return (f"Done: {100 * meta['mnist_test_accuracy']:.2f}% on the MNIST test set. "
                "The new model is in use.")

    @Slot(str)
    def _on_failed(self, message):
        self.status.setText("Training failed. The model in use is unchanged.")
        QMessageBox.warning(self, "Training failed",
                            f"{message}\n\nThe model in use is unchanged.")

    @Slot()
    def _on_stopped(self):
        self.status.setText("Training cancelled. The model in use is unchanged.")

    @Slot()
    def _on_finished(self):
        self._running = False
        self.runningChanged.emit(False)
        if self.settings is not None:
            self.settings.setEnabled(True)
        self.start_button.setEnabled(True)
        self.start_button.setText(f"{self.start_text} again")


class RetrainDialog(TrainingDialog):
    """Model > Retrain...: epochs, hidden units, learning rate, augmentation, presets."""

    def __init__(self, parent=None, *, loader=None, limit=None, init=None):
        self.limit = limit
        self.init = init
        super().__init__(parent, loader=loader)
        self.setWindowTitle("Retrain the network")
        self.setObjectName("retrainDialog")
        self.status.setText("Training uses the 60,000 MNIST images (downloaded once, 11 MB), "
                            "and with drawings the pen digits that ship with digitpad.")
        self.apply_preset("Quick")
        self.resize(460, self.sizeHint().height())

    def make_settings(self):
        self.epochs = QSpinBox(minimum=1, maximum=200, objectName="epochs")
        self.hidden = QSpinBox(minimum=8, maximum=4096, singleStep=32, objectName="hidden")
        self.lr = QDoubleSpinBox(decimals=5, minimum=0.00001, maximum=1.0, singleStep=0.0005,
                                 objectName="learningRate")
        self.augment = QCheckBox("Distort the training images (rotation, scale, thickness...)",
                                 objectName="augment")
        self.drawings = QCheckBox("Also learn from pen-written digits and from non-digits\n"
                                  "(reads drawings better and knows when to say \"not sure\")",
                                  objectName="drawings")
        presets = QHBoxLayout()
        for name in PRESETS:
            button = QPushButton(name, objectName=f"preset{name}")
            button.clicked.connect(lambda _=False, n=name: self.apply_preset(n))
            presets.addWidget(button)
        presets.addStretch()
        form = QFormLayout()
        form.addRow("Preset:", presets)
        form.addRow("Epochs:", self.epochs)
        form.addRow("Hidden units:", self.hidden)
        form.addRow("Learning rate:", self.lr)
        form.addRow("", self.augment)
        form.addRow("", self.drawings)
        box = QGroupBox("Settings")
        box.setLayout(form)
        return box

    def apply_preset(self, name):
        p = PRESETS[name]
        self.epochs.setValue(p["epochs"])
        self.hidden.setValue(p["hidden"])
        self.lr.setValue(p["lr"])
        self.augment.setChecked(p["augment"])
        self.drawings.setChecked(p["drawings"])

    def config(self):
        return TrainConfig(hidden=(self.hidden.value(),), epochs=self.epochs.value(),
                           lr=self.lr.value(), augment=self.augment.isChecked())

    def make_worker(self):
        config = self.config()
        try:
            config.validate()
        except ValueError as e:
            self.status.setText(f"Cannot train: {e}")
            return None
        dataset = training_dataset(self.loader, self.limit, self.drawings.isChecked())
        return TrainWorker(config, dataset, init=self.init)
