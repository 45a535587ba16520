"""The main window: a drawing sheet on the left, what the network reads on the right.

The window wires menus and actions to the canvas (:mod:`digitpad.canvas`),
the reading (:mod:`digitpad.reading`), the model store
(:mod:`digitpad.store`) and retraining (:mod:`digitpad.training`).

Reading is coalesced: the canvas says ``changed`` after every painted
segment, and the window reads at most once per display frame (a single-shot
timer); when a stroke ends, or the sheet is cleared, undone or redone, it
reads at once, so :attr:`MainWindow.prediction` is current as soon as those
events have been processed.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (QApplication, QFileDialog, QFrame, QHBoxLayout, QLabel,
                               QMainWindow, QMessageBox, QSizePolicy, QToolButton, QVBoxLayout,
                               QWidget)

from model import weights as weights_io

from . import __version__, corrections, reading, store, teaching
from .canvas import DEFAULT_PEN_WIDTH, PEN_WIDTHS, Canvas
from .images import ImageError, load_ink
from .training import EvaluateWorker, Job, RetrainDialog, default_loader


FRAME_MS = 16                       # read at most this often while drawing
BAR = QColor(66, 133, 244)
BAR_TOP = QColor(25, 103, 210)
BAR_UNSURE = QColor(160, 160, 160)
TRACK = QColor(232, 234, 237)


class ProbabilityBars(QWidget):
    """Ten labelled bars, one per digit, with percentages; the top guess stands out."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("bars")
        self.probabilities = None
        self.digit = None
        self.setMinimumSize(220, 10 * 22)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)

    def sizeHint(self):
        return QSize(260, 10 * 24)

    def set_prediction(self, prediction):
        if prediction is None:
            self.probabilities, self.digit = None, None
        else:
            self.probabilities, self.digit = prediction.probabilities, prediction.digit
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        row = self.height() / 10
        metrics = painter.fontMetrics()
        label_w = metrics.horizontalAdvance("0") + 14
        pct_w = metrics.horizontalAdvance("100.0%") + 10
        track_w = max(10, self.width() - label_w - pct_w)
        best = None if self.probabilities is None else int(np.argmax(self.probabilities))
        bold = QFont(painter.font())
        bold.setBold(True)
        for d in range(10):
            top = d * row
            p = 0.0 if self.probabilities is None else float(self.probabilities[d])
            is_best = d == best
            painter.setFont(bold if is_best else self.font())
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(0, top, label_w - 6, row), Qt.AlignRight | Qt.AlignVCenter,
                             str(d))
            track = QRectF(label_w, top + row * 0.2, track_w, row * 0.6)
            painter.setPen(Qt.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(track, 3, 3)
            if track_w * p >= 1:
                color = BAR_TOP if is_best else BAR
                if is_best and self.digit is None:
                    color = BAR_UNSURE
                painter.setBrush(color)
                filled = QRectF(track)
                filled.setWidth(track_w * p)
                radius = min(3.0, filled.width() / 2)
                painter.drawRoundedRect(filled, radius, radius)
            painter.setPen(self.palette().windowText().color())
            text = "" if self.probabilities is None else f"{100 * p:.1f}%"
            painter.drawText(QRectF(label_w + track_w, top, pct_w, row),
                             Qt.AlignRight | Qt.AlignVCenter, text)
        painter.end()


class InputPreview(QWidget):
    """The 28x28 image the network reads, enlarged, white ink on black as in MNIST."""

    def __init__(self, parent=None, scale=5):
        super().__init__(parent)
        self.setObjectName("preview")
        self.setFixedSize(28 * scale, 28 * scale)
        self._image = None

    def set_image(self, image):
        if image is None:
            self._image = None
        else:
            gray = np.ascontiguousarray(np.clip(np.asarray(image) * 255, 0, 255).astype(np.uint8))
            self._image = QImage(gray.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.black)
        if self._image is not None:
            painter.drawImage(self.rect(), self._image)      # nearest pixels: no smoothing
        painter.setPen(QColor(90, 90, 90))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class MainWindow(QMainWindow):
    """digitpad's window.  ``MainWindow()`` opens with the user's model and no dialog.

    ``mnist_loader`` and ``train_limit`` are for tests and scripts: where
    Retrain and Evaluate get MNIST (a ``loader(progress) -> Mnist``), and how
    many training images Retrain uses.
    """
    predictionChanged = Signal(object)
    modelChanged = Signal()

    def __init__(self, *, mnist_loader=None, train_limit=None):
        super().__init__()
        self.setWindowTitle("digitpad")
        self.mnist_loader = mnist_loader or default_loader
        self.train_limit = train_limit
        self.model = None                # store.LoadedModel in use
        self.prediction = None           # reading.Prediction, or None for an empty sheet
        self.retrain_dialog = None
        self.learn_dialog = None
        self.corrections_dialog = None
        self.evaluation = None           # Job while evaluating
        self.startup_message = None
        self._last_reading = 0.0

        self.canvas = Canvas()
        self.bars = ProbabilityBars()
        self.preview = InputPreview()
        self.verdict = QLabel(objectName="verdict", alignment=Qt.AlignCenter)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 4.5)
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().height())
        self.caption = QLabel(objectName="caption", alignment=Qt.AlignCenter, wordWrap=True)
        self.model_label = QLabel(objectName="modelLabel")
        self._create_actions()
        self.teach_row = self._build_teach_row()
        self._build_layout()

        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.update_reading)
        self.canvas.changed.connect(self._schedule_reading)
        self.canvas.strokeFinished.connect(self._after_edit)
        self.canvas.reset.connect(self._after_edit)

        self._create_menus()
        self.statusBar().addPermanentWidget(self.model_label)

        settings = store.read_settings()
        width = settings.get("pen_width")
        self.set_pen_width(width if isinstance(width, int) and width > 0 else DEFAULT_PEN_WIDTH)
        model, message = store.startup()
        self.set_model(model, remember=False)
        if message:
            self.startup_message = message
            self.statusBar().showMessage(message)
        self.update_reading()
        self.resize(820, 560)

    # -- layout --------------------------------------------------------------------

    def _build_layout(self):
        sheet = QFrame(objectName="sheet", frameShape=QFrame.StyledPanel)
        sheet_layout = QVBoxLayout(sheet)
        sheet_layout.setContentsMargins(1, 1, 1, 1)
        sheet_layout.addWidget(self.canvas)

        sees = QLabel("What the network sees (28x28)", alignment=Qt.AlignCenter)
        sees.setEnabled(False)
        panel = QWidget(objectName="panel")
        panel.setFixedWidth(290)
        side = QVBoxLayout(panel)
        side.setContentsMargins(12, 4, 4, 4)
        side.addWidget(self.verdict)
        side.addWidget(self.caption)
        side.addSpacing(8)
        side.addWidget(self.bars)
        side.addSpacing(6)
        side.addWidget(self.teach_row)
        side.addSpacing(12)
        side.addWidget(sees)
        side.addWidget(self.preview, 0, Qt.AlignHCenter)
        side.addStretch()

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(sheet, 1)
        layout.addWidget(panel)
        self.setCentralWidget(central)

    def _build_teach_row(self):
        """"Wrong? It's a" and ten digit buttons: keep the drawing with the right label."""
        row = QWidget(objectName="teachRow")
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = QLabel("Wrong? It's a:", alignment=Qt.AlignCenter)
        label.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.teach_buttons = []
        for action in self.teach_actions:
            button = QToolButton(objectName=f"teach{action.data()}")
            button.setDefaultAction(action)
            button.setAutoRaise(False)
            button.setFixedSize(24, 24)
            buttons.addWidget(button)
            self.teach_buttons.append(button)
        layout.addWidget(label)
        layout.addLayout(buttons)
        return row

    def _action(self, text, slot, shortcuts=(), name=None, checkable=False, tip=None):
        action = QAction(text, self, checkable=checkable)
        if name:
            action.setObjectName(name)
        keys = []
        for s in shortcuts:
            seqs = QKeySequence.keyBindings(s) if isinstance(s, QKeySequence.StandardKey) \
                else [QKeySequence(s)]
            keys += [k for k in seqs if not k.isEmpty() and k not in keys]
        if keys:
            action.setShortcuts(keys)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)       # shortcuts work even with the menu bar hidden
        return action

    def _create_actions(self):
        K = QKeySequence.StandardKey
        self.open_action = self._action("&Open image...", self.open_image, [K.Open],
                                        "openAction", tip="Read a digit from an image file")
        self.save_drawing_action = self._action("&Save drawing as PNG...", self.save_drawing,
                                                [K.Save], "saveDrawingAction")
        self.load_model_action = self._action("&Load model...", self.load_model, ["Ctrl+L"],
                                              "loadModelAction")
        self.save_model_action = self._action("Save model &as...", self.save_model,
                                              [K.SaveAs, "Ctrl+Shift+S"], "saveModelAction")
        self.reset_model_action = self._action("&Reset to the shipped model",
                                               self.reset_model, [], "resetModelAction")
        self.quit_action = self._action("&Quit", self.close, [K.Quit, "Ctrl+Q"], "quitAction")

        self.undo_action = self._action("&Undo stroke", self.canvas.undo, [K.Undo],
                                        "undoAction")
        self.redo_action = self._action("&Redo stroke", self.canvas.redo,
                                        [K.Redo, "Ctrl+Shift+Z"], "redoAction")
        self.clear_action = self._action("&Clear", self.clear, ["Delete", "Escape"],
                                         "clearAction")
        self.eraser_action = self._action("&Eraser", self.canvas.set_eraser, ["E"],
                                          "eraserAction", checkable=True,
                                          tip="Erase with the left button too (the right "
                                              "button always erases)")
        self.pen_actions = QActionGroup(self)
        for label, width in PEN_WIDTHS.items():
            action = QAction(f"{label} ({width} px)", self, checkable=True)
            action.setData(width)
            action.triggered.connect(lambda _=False, w=width: self.set_pen_width(w))
            self.pen_actions.addAction(action)

        self.retrain_action = self._action("&Retrain...", self.retrain, ["Ctrl+R"],
                                           "retrainAction")
        self.evaluate_action = self._action("&Evaluate on MNIST test set", self.evaluate,
                                            ["Ctrl+T"], "evaluateAction")
        self.about_action = self._action("&About digitpad", self.about, [K.HelpContents],
                                         "aboutAction")

        self.teach_actions = []
        for d in range(10):
            action = self._action(f"This drawing is a {d}", lambda _=False, d=d: self.teach(d),
                                  [str(d)], f"teachAction{d}",
                                  tip=f"Keep this drawing as a {d}, to learn from later")
            action.setIconText(str(d))
            action.setData(d)
            action.setEnabled(False)
            self.teach_actions.append(action)
        self.learn_action = self._action("&Learn from my corrections...", self.learn,
                                         ["Ctrl+Shift+L"], "learnAction",
                                         tip="Fine-tune the model on the drawings you corrected")
        self.corrections_action = self._action("My &corrections...", self.show_corrections,
                                               [], "correctionsAction")

    def _create_menus(self):
        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.open_action)
        menu.addAction(self.save_drawing_action)
        menu.addSeparator()
        menu.addAction(self.load_model_action)
        menu.addAction(self.save_model_action)
        menu.addAction(self.reset_model_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)

        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addAction(self.clear_action)
        menu.addSeparator()
        menu.addAction(self.eraser_action)
        pens = menu.addMenu("&Pen width")
        pens.addActions(self.pen_actions.actions())

        menu = self.menuBar().addMenu("&Model")
        menu.addAction(self.retrain_action)
        menu.addAction(self.evaluate_action)
        menu.addSeparator()
        menu.addAction(self.learn_action)
        menu.addAction(self.corrections_action)
        teach = menu.addMenu("&This drawing is a")
        for action in self.teach_actions:
            teach.addAction(action)

        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self.about_action)

    # -- reading ---------------------------------------------------------------------

    @Slot()
    def _schedule_reading(self):
        """Coalesce: read once per frame at most, the first time without waiting."""
        if not self._timer.isActive():
            since = (time.perf_counter() - self._last_reading) * 1000
            self._timer.start(max(0, int(FRAME_MS - since)))

    @Slot()
    def _after_edit(self):
        self.update_reading()
        self._update_edit_actions()

    @Slot()
    def update_reading(self):
        """Read the sheet now and show the result."""
        self._timer.stop()
        self._last_reading = time.perf_counter()
        prediction = None
        if self.model is not None and not self.canvas.is_empty():
            prediction = reading.read(self.model.network, self.canvas.ink())
        self.prediction = prediction
        self._show(prediction)
        self.predictionChanged.emit(prediction)

    def _show(self, prediction):
        self.bars.set_prediction(prediction)
        self.preview.set_image(None if prediction is None else prediction.image)
        if self.model is None:
            self.verdict.setText("–")
            self.caption.setText("No model: train one with Model > Retrain...")
        elif prediction is None:
            self.verdict.setText("–")
            self.caption.setText("Draw a digit on the sheet" if self.canvas.is_empty()
                                 else "No ink: draw a digit")
        elif prediction.digit is None:
            self.verdict.setText("?")
            text = f"not sure: looks most like {prediction.best}"
            if prediction.reason not in (None, reading.NOT_SURE):
                text += f"\n({prediction.reason})"
            self.caption.setText(text)
        else:
            p = prediction.probabilities[prediction.digit]
            self.verdict.setText(str(prediction.digit))
            self.caption.setText(f"{100 * p:.0f}% sure")

    def _update_edit_actions(self):
        self.undo_action.setEnabled(self.canvas.can_undo())
        self.redo_action.setEnabled(self.canvas.can_redo())
        drawn = any(not s.erase for s in self.canvas.strokes)
        for action in self.teach_actions:
            action.setEnabled(drawn)

    # -- edit --------------------------------------------------------------------------

    @Slot()
    def clear(self):
        self.canvas.clear()

    def set_pen_width(self, width):
        self.canvas.set_pen_width(width)
        for action in self.pen_actions.actions():
            action.setChecked(action.data() == width)
        if store.read_settings().get("pen_width", DEFAULT_PEN_WIDTH) != width:
            try:
                store.write_settings(pen_width=int(width))
            except OSError:
                pass

    # -- files -------------------------------------------------------------------------

    def _error(self, title, message):
        QMessageBox.warning(self, title, message)

    @Slot()
    def open_image(self, path=None):
        """Read a digit from an image file (asks for one when ``path`` is None)."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open an image of a digit", str(Path.home()),
                "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp *.pgm *.ppm);;"
                "All files (*)")
            if not path:
                return False
        try:
            ink = load_ink(path)
        except ImageError as e:
            self._error("Cannot open the image", str(e))
            return False
        self.canvas.set_image(ink)
        self.statusBar().showMessage(f"Opened {Path(path).name}", 5000)
        return True

    @Slot()
    def save_drawing(self, path=None):
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save the drawing",
                                                  str(Path.home() / "digit.png"),
                                                  "PNG images (*.png)")
            if not path:
                return False
        if not self.canvas.image().save(str(path), "PNG"):
            self._error("Cannot save the drawing", f"{path} could not be written.")
            return False
        self.canvas.set_modified(False)
        self.statusBar().showMessage(f"Saved {Path(path).name}", 5000)
        return True

    # -- models ------------------------------------------------------------------------

    def set_model(self, model, remember=True):
        """Use ``model`` (a store.LoadedModel, or None) from now on."""
        self.model = model
        if remember and model is not None:
            store.remember_model(model)
        if model is None:
            self.model_label.setText("No model")
        else:
            self.model_label.setText(f"Model: {model.describe()}")
        self.save_model_action.setEnabled(model is not None)
        self._update_job_actions()
        self.modelChanged.emit()
        self.update_reading()

    @Slot()
    def load_model(self, path=None):
        """Load a model file and use it; a bad file gets a message and changes nothing."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Load a model", str(Path.home()),
                                                  "digitpad models (*.npz);;All files (*)")
            if not path:
                return False
        try:
            model = store.keep(store.load(path))
        except (weights_io.WeightsError, OSError) as e:
            self._error("Cannot load the model",
                        f"{e}\n\nThe model in use is unchanged.")
            return False
        self.set_model(model)
        self.statusBar().showMessage(f"Loaded {Path(path).name}", 5000)
        return True

    @Slot()
    def save_model(self, path=None):
        if self.model is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save the model as",
                                                  str(Path.home() / "digitpad-model.npz"),
                                                  "digitpad models (*.npz)")
            if not path:
                return False
        try:
            store.save(path, self.model.network, self.model.meta)
        except (weights_io.WeightsError, OSError, ValueError, TypeError) as e:
            self._error("Cannot save the model", str(e))
            return False
        self.statusBar().showMessage(f"Saved the model to {path}", 5000)
        return True

    @Slot()
    def reset_model(self):
        try:
            model = store.load_shipped()
        except weights_io.WeightsError as e:
            self._error("Cannot load the shipped model", str(e))
            return False
        self.set_model(model)
        self.statusBar().showMessage("Using the shipped model", 5000)
        return True

    @Slot(object, object)
    def adopt_trained(self, network, meta, stem="retrained"):
        """Save a freshly trained network under models_dir() and use it."""
        model = store.LoadedModel(network, dict(meta))
        try:
            path = store.new_model_path(stem)
            meta = store.save(path, network, meta) or meta
            model = store.LoadedModel(network, dict(meta), path)
        except (weights_io.WeightsError, OSError, ValueError, TypeError) as e:
            self._error("Cannot save the new model",
                        f"{e}\n\nIt is in use now but will be gone at the next start.")
            self.set_model(model, remember=False)
            return
        self.set_model(model)
        self.statusBar().showMessage(f"New model saved as {path.name}", 8000)

    # -- background jobs ---------------------------------------------------------------

    def is_busy(self):
        """A retraining, learning or evaluation is running."""
        return any(d is not None and d.is_running()
                   for d in (self.retrain_dialog, self.learn_dialog)) or self.evaluation is not None

    @Slot()
    def retrain(self):
        """Open the Retrain dialog (not modal: drawing goes on while it trains)."""
        if self.retrain_dialog is None:
            self.retrain_dialog = RetrainDialog(self, loader=self.mnist_loader,
                                                limit=self.train_limit)
            self.retrain_dialog.trained.connect(self.adopt_trained)
            self.retrain_dialog.runningChanged.connect(self._update_job_actions)
        self.retrain_dialog.show()
        self.retrain_dialog.raise_()
        self.retrain_dialog.activateWindow()
        return self.retrain_dialog

    @Slot()
    def evaluate(self):
        """Measure the model in use on the 10,000 MNIST test images, in the background."""
        if self.model is None or self.evaluation is not None:
            return
        worker = EvaluateWorker(self.model.network, self.mnist_loader)
        worker.status.connect(self.statusBar().showMessage)
        worker.succeeded.connect(self._on_evaluated)
        worker.failed.connect(self._on_evaluation_failed)
        self.evaluation = Job(worker, self)
        self.evaluation.finished.connect(self._on_evaluation_finished)
        self.evaluation.start()
        self._update_job_actions()

    @Slot(object)
    def _on_evaluated(self, result):
        accuracy, n = result
        self.last_evaluation = accuracy
        text = f"{100 * accuracy:.2f}% of the {n:,} MNIST test images read right."
        self.statusBar().showMessage(f"Evaluation: {text}", 10000)
        QMessageBox.information(self, "Evaluation", f"{self.model.name().capitalize()}: {text}")

    @Slot(str)
    def _on_evaluation_failed(self, message):
        self.statusBar().clearMessage()
        self._error("Evaluation failed", message)

    @Slot()
    def _on_evaluation_finished(self):
        self.evaluation.deleteLater()
        self.evaluation = None
        self._update_job_actions()

    @Slot()
    def _update_job_actions(self):
        """One background job at a time: Retrain, Learn and Evaluate wait for each other."""
        retraining = self.retrain_dialog is not None and self.retrain_dialog.is_running()
        learning = self.learn_dialog is not None and self.learn_dialog.is_running()
        evaluating = self.evaluation is not None
        self.retrain_action.setEnabled(not learning and not evaluating)
        self.learn_action.setEnabled(not retraining and not evaluating)
        self.evaluate_action.setEnabled(self.model is not None and not (retraining or learning
                                                                         or evaluating))

    # -- teach it your hand ----------------------------------------------------------

    def teach(self, digit):
        """Keep the drawing on the sheet as a ``digit``, then clear the sheet for the next."""
        strokes = self.canvas.strokes
        if not any(not s.erase for s in strokes):
            self.statusBar().showMessage("Draw the digit first: only drawings are kept "
                                         "(not opened images).", 5000)
            return None
        try:
            kept = corrections.add(strokes, digit,
                                   canvas=(self.canvas.width(), self.canvas.height()))
        except (OSError, ValueError) as e:
            self._error("Cannot keep the drawing", str(e))
            return None
        n = len(corrections.list_all())
        self.canvas.clear()
        self.statusBar().showMessage(
            f"Kept as a {digit} ({n} correction{'s' if n != 1 else ''}). "
            "Model > Learn from my corrections teaches them to the model.", 8000)
        if self.learn_dialog is not None:
            self.learn_dialog.refresh()
        if self.corrections_dialog is not None and self.corrections_dialog.isVisible():
            self.corrections_dialog.refresh()
        return kept

    @Slot()
    def learn(self):
        """Open the Learn dialog: fine-tune the model in use on the corrections."""
        if self.learn_dialog is None:
            self.learn_dialog = teaching.LearnDialog(self, loader=self.mnist_loader,
                                                     model_source=lambda: self.model)
            self.learn_dialog.trained.connect(self._adopt_learnt)
            self.learn_dialog.runningChanged.connect(self._update_job_actions)
        self.learn_dialog.refresh()
        self.learn_dialog.show()
        self.learn_dialog.raise_()
        return self.learn_dialog

    @Slot(object, object)
    def _adopt_learnt(self, network, meta):
        self.adopt_trained(network, meta, stem="personal")

    @Slot()
    def show_corrections(self):
        if self.corrections_dialog is None:
            self.corrections_dialog = teaching.CorrectionsDialog(self)
            self.corrections_dialog.changed.connect(self._corrections_changed)
        self.corrections_dialog.refresh()
        self.corrections_dialog.show()
        self.corrections_dialog.raise_()
        return self.corrections_dialog

    @Slot()
    def _corrections_changed(self):
        if self.learn_dialog is not None:
            self.learn_dialog.refresh()

    # -- help --------------------------------------------------------------------------

    @Slot()
    def about(self):
        QMessageBox.about(self, "About digitpad", self.about_text())

    def about_text(self):
        lines = [f"<h3>digitpad {__version__}</h3>",
                 "<p>Draw a digit; a neural network written from scratch in NumPy reads it "
                 "as you draw.</p>"]
        if self.model is None:
            lines.append("<p>No model is loaded.</p>")
        else:
            m = self.model
            acc = m.test_accuracy()
            where = "the shipped model" if m.shipped else str(m.path or "not saved")
            lines.append("<p><b>Model in use</b><br>"
                         f"Layers: {'-'.join(map(str, m.network.sizes))}<br>"
                         f"MNIST test accuracy: "
                         f"{'unknown' if acc is None else f'{100 * acc:.2f}%'}<br>"
                         f"Loaded from: {where}"
                         + (f" ({m.path})" if m.shipped and m.path else "") + "</p>")
        lines.append("<p>MNIST: Yann LeCun, Corinna Cortes, Christopher J.C. Burges "
                     "(CC BY-SA 3.0).<br>Pen-written digits: UniPen train_r01_v07, category 1a "
                     "(CC BY 4.0): I. Guyon, L. Schomaker, R. Plamondon, M. Liberman, S. Janet, "
                     "UNIPEN project, ICPR 1994; Unipen Consortium, Zenodo, "
                     "doi 10.5281/zenodo.1195803.</p>")
        return "".join(lines)

    # -- closing -----------------------------------------------------------------------

    def closeEvent(self, event):
        """Stop any background work and wait for its thread before the window goes."""
        for dialog in (self.retrain_dialog, self.learn_dialog):
            if dialog is not None:
                dialog.shutdown()
                dialog.close()
        if self.corrections_dialog is not None:
            self.corrections_dialog.close()
        if self.evaluation is not None:
            self.evaluation.stop()
        self._timer.stop()
        super().closeEvent(event)


def main(argv=None):
    """Open the window and run the application until it is closed."""
    app = QApplication.instance() or QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName("digitpad")
    app.setApplicationDisplayName("digitpad")
    window = MainWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
