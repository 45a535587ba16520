"""Retraining from the window: the dialog that trains a network in the background.

:class:`TrainingDialog` shows a run's progress, every phase with its time
left, and plots it live (:class:`~digitpad.gui.training_plot.TrainingPlot`); Learn's
dialog is one too.  :class:`RetrainDialog` adds the named recipes of
:mod:`digitpad.recipes` (the same as ``digitpad train --preset``) and the
settings that override them.  The work runs in a worker thread started
through the window's :class:`~digitpad.gui.jobs.Jobs`, which runs one job at
a time.  When it ends, ``trained(network, meta, comparison)`` tells the
window, which asks the person whether to use the new model
(:mod:`~digitpad.gui.compare`).

Where the data comes from is injectable: a *loader* is a callable
``loader(progress) -> Mnist`` (``progress(name, done, total)`` reports a
download); the default is :func:`digitpad.mnist.session_loader`.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QRadioButton, QSpinBox, QVBoxLayout)

from digitpad import recipes, teach
from digitpad.correction_images import DRAWING_PHASE
from digitpad.mnist import session_loader

from .jobs import Jobs, TrainWorker
from .training_plot import TrainingPlot
from .watch import LearningWatch


def show_in_front(dialog):
    """Show a dialog that is not modal, in front; returns it."""
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def format_seconds(seconds):
    if seconds != seconds or seconds == float("inf"):     # NaN: not known yet
        return "--:--"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainingDialog(QDialog):
    """A run in the background with its progress and plot;
    ``trained(network, meta, comparison)`` on success.

    It is not modal: the window goes on reading drawings with the model in use
    while the network trains.  Subclasses add their settings above the
    progress and say which worker to run (:meth:`make_worker`).
    ``model_source()`` gives the model in use (a store.LoadedModel, or None).
    """
    trained = Signal(object, object, object)
    runningChanged = Signal(bool)
    start_text = "Train"

    def __init__(self, parent=None, *, loader=None, jobs=None, model_source=None):
        super().__init__(parent)
        self.loader = loader or session_loader
        self.jobs = jobs or Jobs(self)       # the window's, shared by every job
        self.model_source = model_source or (lambda: None)
        self.job = None
        self.note = ""                       # what the measures leave out, if anything
        self._epochs = []
        self._phase_start = {}
        self.jobs.changed.connect(self._update_start)

        self.status = QLabel(" ", wordWrap=True, objectName="status")
        self.progress = QProgressBar(minimum=0, maximum=1000, value=0, objectName="progress")
        self.progress.setFormat("%p%")
        self.detail = QLabel(" ", objectName="detail")
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.history = QLabel("", wordWrap=True, objectName="history")
        self.plot = TrainingPlot()
        self.watch = LearningWatch()

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(self.start_text, QDialogButtonBox.AcceptRole)
        self.start_button.setObjectName("startButton")
        # "Cancel" while a run goes (it stops it), "Close" when none does.
        self.cancel_button = self.buttons.addButton("Close", QDialogButtonBox.RejectRole)
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
        live = QHBoxLayout()
        live.addWidget(self.plot, 1)
        live.addWidget(self.watch, 1)
        layout.addLayout(live, 1)
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
        return self.job is not None

    def can_start(self):
        return not self.jobs.busy()

    @Slot()
    def _update_start(self):
        """Start waits while any job runs (this dialog's or another's)."""
        self.start_button.setEnabled(self.can_start())

    def start(self):
        if self.is_running() or not self.can_start():
            return
        worker = self.make_worker()
        if worker is None:
            return
        worker.status.connect(self.status.setText)
        worker.download.connect(self._on_download)
        worker.phase.connect(self._on_phase)
        worker.reference.connect(self.plot.set_reference)
        worker.batch.connect(self._on_batch)
        worker.epoch.connect(self._on_epoch)
        worker.weights.connect(self.watch.show_network)
        worker.drawings.connect(self.watch.set_drawings)
        worker.watching = True                   # the dialog is open while it runs
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        self._epochs = []
        self._phase_start = {}
        self.plot.clear()
        self.watch.clear()
        self.history.setText("")
        self.detail.setText(" ")
        self.progress.setValue(0)
        if self.settings is not None:
            self.settings.setEnabled(False)
        self.job = self.jobs.start(worker, owner=self)
        self.job.finished.connect(self._on_finished)
        self.cancel_button.setText("Cancel")
        self.runningChanged.emit(True)

    def cancel(self):
        """Ask a running job to stop, without waiting: the model in use is kept, and the
        dialog shows the end of the run when the worker has stopped."""
        if self.job is not None:
            self.status.setText("Stopping...")
            self.job.cancel()

    def reject(self):
        """Cancel (the button, Escape, closing the dialog) stops a run first."""
        self.cancel()
        super().reject()

    # -- what the worker reports (in this, the GUI thread) ---------------------------

    @Slot(str, int, int)
    def _on_download(self, name, done, total):
        if total > 0:
            self.status.setText(f"Downloading {name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
            self.progress.setValue(int(1000 * done / total))
        else:
            self.status.setText(f"Downloading {name}: {done / 1e6:.1f} MB")

    @Slot(str, int, int)
    def _on_phase(self, name, done, total):
        """A phase around training (drawing, checking): how far, and the time left."""
        if name == teach.CHECK_PHASE:          # the steps end at the first that keeps all
            self.status.setText(f"{name}: step {done + 1} of at most {total}...")
            return
        start = self._phase_start.setdefault(name, time.perf_counter())
        elapsed = time.perf_counter() - start
        left = elapsed * (total - done) / done if done else float("nan")
        kept = "" if name == DRAWING_PHASE else " (made once, then kept)"
        self.status.setText(f"{name}: {done:,} of {total:,} · {format_seconds(left)} left"
                            f"{kept}")
        self.progress.setValue(int(1000 * done / max(total, 1)))

    @Slot(object)
    def _on_batch(self, p):
        self.plot.add_batch(p)
        self.progress.setValue(int(1000 * p.fraction))
        self.detail.setText(
            f"Epoch {p.epoch}/{p.epochs} · batch {p.batch}/{p.batches} · loss {p.loss:.3f} · "
            f"accuracy {100 * p.accuracy:.1f}% · {format_seconds(p.eta)} left")

    @Slot(object)
    def _on_epoch(self, report):
        self.plot.add_epoch(report)
        line = f"epoch {report.epoch}: loss {report.loss:.3f}"
        if report.val_accuracy is not None:
            line += f", test accuracy {100 * report.val_accuracy:.2f}%"
        if report.measures.get("pen") is not None:
            line += f", pen digits {100 * report.measures['pen']:.1f}%"
        self._epochs.append(line)
        self.history.setText("\n".join(self._epochs[-4:]))

    @Slot(object)
    def _on_succeeded(self, result):
        network, meta, comparison = result
        self.progress.setValue(1000)
        self.note = self.job.worker.sets.note if self.job is not None else ""
        self.status.setText(self.success_text(meta))
        self.trained.emit(network, meta, comparison)

    def success_text(self, meta):
        return (f"Done: {100 * meta['mnist_test_accuracy']:.2f}% on the MNIST test set. "
                "Compare it with the model in use, then keep either.")

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
        self.job = None
        self.runningChanged.emit(False)
        if self.settings is not None:
            self.settings.setEnabled(True)
        self.start_button.setText(f"{self.start_text} again")
        self._update_start()
        self.cancel_button.setText("Close")


class RetrainDialog(TrainingDialog):
    """Model > Retrain...: a named recipe (a preset), and the settings that override it."""

    def __init__(self, parent=None, *, loader=None, jobs=None, limit=None, model_source=None):
        self.limit = limit
        super().__init__(parent, loader=loader, jobs=jobs, model_source=model_source)
        self.setWindowTitle("Retrain the network")
        self.setObjectName("retrainDialog")
        self.status.setText("Training uses the 60,000 MNIST images (downloaded once, 11 MB), "
                            "and with drawings the pen digits and letters that ship with "
                            "digitpad. "
                            "At the end you compare the new model with the one in use.")
        self.apply_preset(recipes.DEFAULT_PRESET)
        self.resize(1040, 760)

    def make_settings(self):
        self.epochs = QSpinBox(minimum=recipes.LIMITS["epochs"][0],
                               maximum=recipes.LIMITS["epochs"][1], objectName="epochs")
        self.hidden = QLineEdit(objectName="hidden", placeholderText="e.g. 512 or 512,256")
        self.hidden.setToolTip("The width of each hidden layer, separated by commas")
        self.lr = QDoubleSpinBox(decimals=5, minimum=0.00001, maximum=1.0, singleStep=0.0005,
                                 objectName="learningRate")
        self.augment = QCheckBox("Distort the training images (rotation, scale, thickness...)",
                                 objectName="augment")
        self.drawings = QCheckBox("Also learn from pen-written digits, letters and non-digits\n"
                                  "(reads drawings better and knows when to say \"not sure\")",
                                  objectName="drawings")
        self.preset_buttons = QButtonGroup(self)
        presets = QGridLayout()
        for row, (name, preset) in enumerate(recipes.PRESETS.items()):
            button = QRadioButton(name, objectName=f"preset_{name}")
            button.clicked.connect(lambda _=False, n=name: self.apply_preset(n))
            self.preset_buttons.addButton(button)
            presets.addWidget(button, row, 0)
            presets.addWidget(QLabel(preset.expect, wordWrap=True), row, 1)
        presets.setColumnStretch(1, 1)
        form = QFormLayout()
        form.addRow("Epochs:", self.epochs)
        form.addRow("Hidden layers:", self.hidden)
        form.addRow("Learning rate:", self.lr)
        form.addRow("", self.augment)
        form.addRow("", self.drawings)
        box = QGroupBox("Recipe (digitpad train --preset NAME); the settings below override it")
        layout = QVBoxLayout(box)
        layout.addLayout(presets)
        layout.addLayout(form)
        return box

    def apply_preset(self, name):
        """Show a preset: its button checked, its values in the settings."""
        self.preset = name
        self.findChild(QRadioButton, f"preset_{name}").setChecked(True)
        options = recipes.recipe(name)
        config = recipes.config_from(options)
        self.epochs.setValue(config.epochs)
        self.hidden.setText(",".join(map(str, config.hidden)))
        self.lr.setValue(config.lr)
        self.augment.setChecked(config.augment)
        self.drawings.setChecked(recipes.has_drawings(options))

    def options(self):
        """The preset's options, with the settings changed from it as overrides
        (ValueError for hidden layers that are not widths like 512 or 512,256)."""
        options = recipes.recipe(self.preset, limit=self.limit)
        config = recipes.config_from(options)
        shown = dict(epochs=self.epochs.value(), lr=self.lr.value(),
                     augment=self.augment.isChecked(),
                     hidden=recipes.hidden_layers(self.hidden.text()))
        options.update({k: v for k, v in shown.items() if v != getattr(config, k)})
        if self.drawings.isChecked() != recipes.has_drawings(options):
            options.update(recipes.DRAWINGS if self.drawings.isChecked()
                           else recipes.NO_DRAWINGS)
        return options

    def make_worker(self):
        try:
            options = self.options()
            recipes.check(options)
        except ValueError as e:
            self.status.setText(f"Cannot train: {e}")
            return None
        model = self.model_source()
        return TrainWorker(options, self.loader, current=model.network if model else None)
