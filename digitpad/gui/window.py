"""The main window: a drawing sheet on the left, what the network reads on the right.

The window wires menus and actions to the pieces that do the work and
decides nothing itself: the sheet is :class:`~digitpad.gui.canvas.Canvas`,
the right-hand side :class:`~digitpad.gui.panels.ReadingPanel`, reading is
:func:`digitpad.reading.read`, models and settings are :mod:`digitpad.store`,
background work runs one job at a time through :class:`~digitpad.gui.jobs.Jobs`,
and the dialogs are in :mod:`~digitpad.gui.retrain`, :mod:`~digitpad.gui.teaching` and
:mod:`~digitpad.gui.compare` (a new model is used only when the person keeps it).

Reading is coalesced: the canvas says ``changed`` after every painted
segment, and the window reads at most once per display frame (a single-shot
timer); when a stroke ends, or the sheet is cleared, undone or redone, it
reads at once, so :attr:`MainWindow.prediction` is current as soon as those
events have been processed.
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMainWindow,
                               QMessageBox, QVBoxLayout,
                               QWidget)

from digitpad import corrections, reading, store
from digitpad.mnist import session_loader
from digitpad.about import about_html
from digitpad.images import ImageError, load_ink
from digitpad.model.files import atomic_write
from digitpad.strokes import PEN_WIDTHS

from . import teaching
from .canvas import Canvas
from .filedialog import ask_path
from .jobs import EvaluateWorker, Jobs
from .models import Models, scores_text
from .panels import ReadingPanel, StatusBar
from .results import ResultsWindow
from .retrain import RetrainDialog
from .views import Views

FRAME_MS = 16                       # read at most this often while drawing
LABEL_PIXELS = 640                  # the model's name in the status bar is elided beyond this


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
        self.mnist_loader = mnist_loader or session_loader
        self.train_limit = train_limit
        self.settings = store.Settings()
        self.jobs = Jobs(self)
        self.models = Models(self)       # the model in use, and loading, saving, offering
        self.prediction = None           # reading.Prediction, or None for an empty sheet
        self.retrain_dialog = self.learn_dialog = self.corrections_dialog = None
        self.evaluation = None           # the Job while evaluating
        self.last_evaluation = None      # the accuracy the last evaluation measured
        self.results_window = None       # the last evaluation's ResultsWindow
        self.test_set = None             # MNIST's (test images, labels), once loaded
        self.before_learn = None         # (model Learn made, the model it started from)
        self._last_reading = 0.0

        self.canvas = Canvas()
        self._create_actions()
        self.panel = ReadingPanel(self.teach_actions)
        self.bars, self.preview = self.panel.bars, self.panel.preview
        self.verdict, self.caption = self.panel.verdict, self.panel.caption
        self.model_label = QLabel(objectName="modelLabel")
        self.setStatusBar(StatusBar())
        self._build_layout()
        self.views = Views(self, FRAME_MS)
        self._create_menus()
        self.statusBar().addPermanentWidget(self.model_label)

        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.update_reading)
        self.canvas.changed.connect(self._schedule_reading)
        self.canvas.strokeFinished.connect(self._after_edit)
        self.canvas.reset.connect(self._after_edit)
        self.jobs.changed.connect(self._update_job_actions)
        self.models.changed.connect(self._model_changed)

        self.set_pen_width(self.settings.pen_width)
        model, self.startup_message = store.startup()
        self.set_model(model, remember=False)
        if self.startup_message:
            self.statusBar().showMessage(self.startup_message)
        self.update_reading()
        # At least the layout's preferred size: the minimum one squeezes the bars, and the
        # window would then grow on the first reading (the caption's wrapped height).
        self.resize(QSize(820, 560).expandedTo(self.sizeHint()))
        if self.views.open():
            self.views.make_room()

    # -- layout, actions and menus -------------------------------------------------

    def _build_layout(self):
        sheet = QFrame(objectName="sheet", frameShape=QFrame.StyledPanel)
        sheet_layout = QVBoxLayout(sheet)
        sheet_layout.setContentsMargins(1, 1, 1, 1)
        sheet_layout.addWidget(self.canvas)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(sheet, 1)
        layout.addWidget(self.panel)
        self.setCentralWidget(central)

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
        K, a = QKeySequence.StandardKey, self._action
        self.open_action = a("&Open image...", self.open_image, [K.Open], "openAction",
                             tip="Read a digit from an image file")
        self.save_drawing_action = a("&Save drawing as PNG...", self.save_drawing, [K.Save],
                                     "saveDrawingAction")
        self.load_model_action = a("&Load model...", self.models.load, ["Ctrl+L"],
                                   "loadModelAction")
        self.save_model_action = a("Save model &as...", self.models.save,
                                   [K.SaveAs, "Ctrl+Shift+S"], "saveModelAction")
        self.reset_model_action = a("&Reset to the shipped model", self.models.reset, [],
                                    "resetModelAction")
        self.quit_action = a("&Quit", self.close, [K.Quit, "Ctrl+Q"], "quitAction")

        self.undo_action = a("&Undo stroke", self.canvas.undo, [K.Undo], "undoAction")
        # Ctrl+Y as well everywhere: on X11 the platform's Redo is Ctrl+Shift+Z alone.
        self.redo_action = a("&Redo stroke", self.canvas.redo,
                             [K.Redo, "Ctrl+Shift+Z", "Ctrl+Y"], "redoAction")
        self.clear_action = a("&Clear", self.clear, ["Delete", "Escape"], "clearAction")
        self.eraser_action = a("&Eraser", self.canvas.set_eraser, ["E"], "eraserAction",
                               checkable=True, tip="Erase with the left button too (the right "
                                                   "button always erases)")
        self.pen_actions = QActionGroup(self)
        for label, width in PEN_WIDTHS.items():
            action = QAction(f"{label} ({width} px)", self, checkable=True)
            action.setData(width)
            action.triggered.connect(lambda _=False, w=width: self.set_pen_width(w))
            self.pen_actions.addAction(action)

        self.retrain_action = a("&Retrain...", self.retrain, ["Ctrl+R"], "retrainAction")
        self.evaluate_action = a("&Evaluate on MNIST test set", self.evaluate, ["Ctrl+T"],
                                 "evaluateAction")
        self.learn_action = a("&Learn from my corrections...", self.learn, ["Ctrl+Shift+L"],
                              "learnAction",
                              tip="Fine-tune the model on the drawings you corrected")
        self.corrections_action = a("My &corrections...", self.show_corrections, [],
                                    "correctionsAction")
        self.teach_actions = []
        for d in range(10):
            action = a(f"This drawing is a {d}", lambda _=False, d=d: self.teach(d), [str(d)],
                       f"teachAction{d}", tip=f"Keep this drawing as a {d}, to learn from later")
            action.setIconText(str(d))
            action.setData(d)
            action.setEnabled(False)
            self.teach_actions.append(action)
        self.about_action = a("&About digitpad", self.about, [K.HelpContents], "aboutAction")

    def _create_menus(self):
        def menu(title, *items):
            m = self.menuBar().addMenu(title)
            for item in items:
                if item is None:
                    m.addSeparator()
                elif isinstance(item, tuple):
                    m.addMenu(item[0]).addActions(item[1])
                else:
                    m.addAction(item)
        menu("&File", self.open_action, self.save_drawing_action, None,
             self.load_model_action, self.save_model_action, self.reset_model_action, None,
             self.quit_action)
        menu("&Edit", self.undo_action, self.redo_action, self.clear_action, None,
             self.eraser_action, ("&Pen width", self.pen_actions.actions()))
        menu("&Model", self.retrain_action, self.evaluate_action, None, self.learn_action,
             self.corrections_action, ("&This drawing is a", self.teach_actions))
        menu("&View", *self.views.actions())
        menu("&Help", self.about_action)

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
        self.undo_action.setEnabled(self.canvas.can_undo())
        self.redo_action.setEnabled(self.canvas.can_redo())
        drawn = any(not s.erase for s in self.canvas.strokes)
        for action in self.teach_actions:
            action.setEnabled(drawn)

    @Slot()
    def update_reading(self):
        """Read the sheet now and show the result."""
        self._timer.stop()
        empty = self.canvas.is_empty()
        # The once-per-frame limit counts reads of ink; an empty sheet (cleared, or all
        # undone) starts a new drawing, whose first mark is read at once.
        self._last_reading = 0.0 if empty else time.perf_counter()
        prediction = None
        if self.model is not None and not empty:
            prediction = reading.read(self.model.network, self.canvas.ink())
        self.prediction = prediction
        self.panel.show_reading(prediction, has_model=self.model is not None,
                                empty=self.canvas.is_empty())
        self.predictionChanged.emit(prediction)

    # -- edit --------------------------------------------------------------------------

    @Slot()
    def clear(self):
        self.canvas.clear()

    def set_pen_width(self, width):
        self.canvas.set_pen_width(width)
        for action in self.pen_actions.actions():
            action.setChecked(action.data() == width)
        if self.settings.pen_width != width:
            self.settings.update(pen_width=int(width))

    # -- files -------------------------------------------------------------------------

    def _error(self, title, message):
        QMessageBox.warning(self, title, message)

    def _ask_path(self, save, title, name, filters, suffix=None):
        """A file name from the dialog, or '' when the person cancels."""
        return ask_path(self, title, Path.home() / name, filters, save=save, suffix=suffix)

    @Slot()
    def open_image(self, path=None):
        """Read a digit from an image file (asks for one when ``path`` is None)."""
        path = path or self._ask_path(False, "Open an image of a digit", "",
                                      "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff "
                                      "*.webp *.pgm *.ppm);;All files (*)")
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
        path = path or self._ask_path(True, "Save the drawing", "digit.png",
                                      "PNG images (*.png)", "png")
        if not path:
            return False
        png = QBuffer()
        png.open(QIODevice.WriteOnly)
        self.canvas.image().save(png, "PNG")
        try:
            store.check_not_shipped(path)
            with atomic_write(path) as f:      # a failed save keeps the old file whole
                f.write(bytes(png.data()))
        except OSError as e:
            self._error("Cannot save the drawing", f"{path} could not be written: "
                                                   f"{e.strerror or e}")
            return False
        self.canvas.set_modified(False)
        self.statusBar().showMessage(f"Saved {Path(path).name}", 5000)
        return True

    # -- the model in use --------------------------------------------------------------

    @property
    def model(self):
        """The store.LoadedModel in use, or None."""
        return self.models.model

    def set_model(self, model, remember=True):
        """Use ``model`` (a store.LoadedModel, or None) from now on."""
        self.models.use(model, remember)

    @Slot(object)
    def _model_changed(self, model):
        text = "No model" if model is None else \
            f"Model: {model.describe()}{scores_text(model, '; ')}"
        self.model_label.setText(self.model_label.fontMetrics().elidedText(
            text, Qt.ElideMiddle, LABEL_PIXELS))
        self.model_label.setToolTip(text)
        self.save_model_action.setEnabled(model is not None)
        self._update_job_actions()
        self.modelChanged.emit()
        self.update_reading()

    # -- background jobs ---------------------------------------------------------------

    def is_busy(self):
        """A retraining, learning or evaluation is running."""
        return self.jobs.busy()

    def _show_dialog(self, attribute, make):
        """Show the dialog kept in ``attribute``, making it first if need be."""
        dialog = getattr(self, attribute)
        if dialog is None:
            dialog = make()
            setattr(self, attribute, dialog)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    @Slot()
    def retrain(self):
        """Open the Retrain dialog (not modal: drawing goes on while it trains)."""
        def make():
            dialog = RetrainDialog(self, loader=self.mnist_loader, jobs=self.jobs,
                                   limit=self.train_limit, model_source=lambda: self.model)
            dialog.trained.connect(lambda network, meta, comparison: self.models.offer(
                network, meta, comparison, note=dialog.note))
            return dialog
        return self._show_dialog("retrain_dialog", make)

    @Slot()
    def learn(self):
        """Open the Learn dialog: fine-tune the model in use on the corrections."""
        def make():
            dialog = teaching.LearnDialog(self, loader=self.mnist_loader, jobs=self.jobs,
                                          model_source=lambda: self.model)
            dialog.trained.connect(self._offer_learnt)
            return dialog
        dialog = self._show_dialog("learn_dialog", make)
        dialog.refresh()
        return dialog

    @Slot(object, object, object)
    def _offer_learnt(self, network, meta, comparison):
        """Learn's model, beside the one in use; kept, it remembers the model it came from."""
        before = self.model

        def adopted():
            self.before_learn = (self.model, before)
        self.models.offer(network, meta, comparison, stem="personal",
                           note=self.learn_dialog.note, adopted=adopted)

    @Slot()
    def evaluate(self):
        """Measure the model in use on the 10,000 MNIST test images, in the background."""
        if self.model is None:
            return
        learnt, before = self.before_learn or (None, None)
        worker = EvaluateWorker(self.model, self.mnist_loader,
                                before=before if learnt is self.model else None)
        worker.status.connect(self.statusBar().showMessage)
        worker.succeeded.connect(self._on_evaluated)
        worker.failed.connect(self._on_evaluation_failed)
        self.evaluation = self.jobs.start(worker, owner=self)
        if self.evaluation is not None:
            self.evaluation.finished.connect(self._on_evaluation_finished)

    @Slot(object)
    def _on_evaluated(self, result):
        """Show the results (jobs.EvaluationResult) in their own window."""
        self.last_evaluation = result.accuracy
        self.test_set = (result.test_images, result.test.labels)
        self.statusBar().showMessage(
            f"Evaluation of {result.model.name()}: {100 * result.accuracy:.2f}% of the "
            f"{len(result.test):,} MNIST test images read right.", 10000)
        if self.results_window is not None:
            self.results_window.close()
            self.results_window.deleteLater()
        self.results_window = ResultsWindow(result, self)
        self.results_window.show()

    @Slot(str)
    def _on_evaluation_failed(self, message):
        self.statusBar().clearMessage()
        self._error("Evaluation failed", message)

    @Slot()
    def _on_evaluation_finished(self):
        self.evaluation = None

    @Slot()
    def _update_job_actions(self):
        """One background job at a time (Jobs enforces it; the actions show it)."""
        idle = not self.jobs.busy()
        for action in (self.retrain_action, self.learn_action):
            action.setEnabled(idle)
        self.evaluate_action.setEnabled(idle and self.model is not None)

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
        self._corrections_changed()
        return kept

    @Slot()
    def show_corrections(self):
        def make():
            dialog = teaching.CorrectionsDialog(self)
            dialog.changed.connect(self._corrections_changed)
            return dialog
        dialog = self._show_dialog("corrections_dialog", make)
        dialog.refresh()
        return dialog

    @Slot()
    def _corrections_changed(self):
        if self.learn_dialog is not None:
            self.learn_dialog.refresh()
        if self.corrections_dialog is not None and self.corrections_dialog.isVisible():
            self.corrections_dialog.refresh()

    # -- help --------------------------------------------------------------------------

    @Slot()
    def about(self):
        QMessageBox.about(self, "About digitpad", self.about_text())

    def about_text(self):
        return about_html(self.model, scores_text(self.model))

    # -- closing -----------------------------------------------------------------------

    def closeEvent(self, event):
        """Stop any background work (waiting briefly) and close the dialogs."""
        self.jobs.shutdown()
        self.views.closing()
        for dialog in (self.retrain_dialog, self.learn_dialog, self.corrections_dialog,
                       self.results_window, self.models.compare_dialog):
            if dialog is not None:
                dialog.close()
        self._timer.stop()
        super().closeEvent(event)
