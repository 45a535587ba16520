"""Watch it learn: the live plot of a training run, with pyqtgraph.

Two plots share the x axis, in epochs: the training loss (the trainer's
smoothed loss, at every batch the dialog is told of) and, per epoch, the MNIST
test accuracy and the held-out pen digits read right.  The model in use is
drawn as dashed lines at its own accuracies, so the new one can be seen
passing it (or not).
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .plots import pg          # pyqtgraph, set up for PySide6 there

MAX_LOSS_POINTS = 1000       # beyond this, every other point goes: bounded work per update
REDRAW_INTERVAL = 0.5        # seconds between two redraws of the loss curve
MNIST_COLOUR = "#1f77b4"
PEN_COLOUR = "#d62728"


class TrainingPlot(QWidget):
    """The loss per batch and the accuracies per epoch of the run being trained."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("trainingPlot")
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setTitle("Training loss (smoothed)", color="k", size="9pt")
        self.loss_plot.setLabel("bottom", "epoch")
        self.loss_plot.setDownsampling(auto=True)
        self.loss_plot.setClipToView(True)
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen("#444", width=1.5))

        self.accuracy_plot = pg.PlotWidget(background="w")
        self.accuracy_plot.setTitle(
            f"Accuracy per epoch (%): <span style='color:{MNIST_COLOUR}'>MNIST test</span>, "
            f"<span style='color:{PEN_COLOUR}'>held-out pen digits</span>; dashed: in use",
            color="k", size="9pt")
        self.accuracy_plot.setLabel("bottom", "epoch")
        self.accuracy_plot.setXLink(self.loss_plot)
        self.mnist_curve = self.accuracy_plot.plot(
            pen=pg.mkPen(MNIST_COLOUR, width=2), symbol="o", symbolSize=5,
            symbolBrush=MNIST_COLOUR, name="MNIST test")
        self.pen_curve = self.accuracy_plot.plot(
            pen=pg.mkPen(PEN_COLOUR, width=2), symbol="t", symbolSize=6,
            symbolBrush=PEN_COLOUR, name="held-out pen digits")
        self.references = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.accuracy_plot)
        self.clear()

    def clear(self):
        self._drawn = 0.0
        self._epochs = None          # the run's length, once known: the x axis's range
        self.loss = ([], [])
        self.mnist = ([], [])
        self.pen = ([], [])
        for curve in (self.loss_curve, self.mnist_curve, self.pen_curve):
            curve.setData([], [])
        self.loss_plot.enableAutoRange(x=True)
        self.set_reference(None)

    def add_batch(self, progress):
        """A model.train.BatchProgress: its smoothed loss at its place in the run."""
        if self._epochs != progress.epochs:
            self.set_epochs(progress.epochs)
        if progress.smooth_loss == progress.smooth_loss:         # not NaN
            self.loss[0].append(progress.fraction * progress.epochs)
            self.loss[1].append(progress.smooth_loss)
            if len(self.loss[0]) > MAX_LOSS_POINTS:
                self.loss = (self.loss[0][::2], self.loss[1][::2])
            if time.perf_counter() - self._drawn >= REDRAW_INTERVAL:
                self.redraw_loss()

    def set_epochs(self, epochs):
        """Fix the x axis to the whole run, 0 to ``epochs``: a new point then redraws the
        curve only, not the axes of both plots (a redraw of the dialog cost 5-15 ms)."""
        self._epochs = epochs
        self.loss_plot.setXRange(0, epochs, padding=0.02)     # the accuracy plot follows

    def redraw_loss(self):
        """Show the loss points so far (a few times a second, and after every epoch)."""
        self._drawn = time.perf_counter()
        self.loss_curve.setData(*self.loss)

    def add_epoch(self, report):
        """A model.train.EpochReport: the MNIST test and pen-digit accuracies."""
        self.redraw_loss()
        if report.val_accuracy is not None:
            self.mnist[0].append(report.epoch)
            self.mnist[1].append(100 * report.val_accuracy)
            self.mnist_curve.setData(*self.mnist)
        pen = report.measures.get("pen")
        if pen is not None:
            self.pen[0].append(report.epoch)
            self.pen[1].append(100 * pen)
            self.pen_curve.setData(*self.pen)

    def set_reference(self, scores):
        """The model in use (a digitpad.scores.Scores, or None): a dashed line per accuracy."""
        for line in self.references:
            self.accuracy_plot.removeItem(line)
        self.references = []
        if scores is None:
            return
        for value, colour, what, where in ((scores.mnist, MNIST_COLOUR, "MNIST", 0.02),
                                           (scores.pen, PEN_COLOUR, "pen digits", 0.5)):
            if value is None:
                continue
            line = pg.InfiniteLine(
                pos=100 * value, angle=0, pen=pg.mkPen(colour, width=1, style=Qt.DashLine),
                label=f"in use: {what} {100 * value:.1f}%",
                labelOpts=dict(position=where, color=colour, anchors=[(0, 0), (0, 0)]))
            self.accuracy_plot.addItem(line)
            self.references.append(line)
