"""The main window: a drawing sheet on the left, what the network reads on the right.

The window wires menus and actions to the pieces that do the work and
decides nothing itself: the sheet is :class:`~digitpad.gui.canvas.Canvas`,
the right-hand side :class:`~digitpad.gui.panels.ReadingPanel` (a number's digits
in :class:`~digitpad.gui.number_view.NumberView`), reading is a
Qt-free :class:`digitpad.sheet.SheetReading` (the number on the sheet, by
:class:`digitpad.numbers.NumberReader`, and the digit selected), models and settings are :mod:`digitpad.store`,
background work runs one job at a time through :class:`~digitpad.gui.jobs.Jobs`,
and the dialogs are in :mod:`~digitpad.gui.retrain`, :mod:`~digitpad.gui.teaching`,
:mod:`~digitpad.gui.evaluate` and :mod:`~digitpad.gui.compare` (a new model is used only
when the person keeps it).

What the window works with is a Qt-free :class:`digitpad.session.Session` (the
model in use, MNIST's test set, the model Learn started from) and the window
is its one writer: :meth:`MainWindow.set_model`, and the slots that receive a
loaded test set or the model Learn made.  It tells the rest through signals
that carry what changed: ``predictionChanged(prediction)``,
``modelChanged(model)``, ``testSetChanged(test_set)``.

Reading is coalesced: the canvas says ``changed`` after every painted
segment, and the window reads at most once per display frame (a single-shot
timer); when a stroke ends, or the sheet is cleared, undone or redone, it
reads at once, so :attr:`MainWindow.prediction` is current as soon as those
events have been processed.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QSize, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox

from digitpad import learning, store
from digitpad.about import about_html
from digitpad.mnist import session_loader
from digitpad.session import Session
from digitpad.sheet import SheetReading

from . import drawing_files
from .canvas import Canvas
from .docks import Views
from .evaluate import Evaluator, TestSetLoader
from .icon import app_icon
from .jobs import Jobs
from .menus import create_actions, create_menus
from .models import Models, model_line, scores_text
from .number_view import NumberView
from .panels import ReadingPanel, StatusBar, sheet_beside
from .retrain import RetrainDialog, show_in_front
from .teaching import Teaching

FRAME_MS = 16                       # read at most this often while drawing
# Whether closing the window while Retrain or Learn trains asks first (the tests turn it
# off, but where they test it: a question would wait for an answer that never comes).
ASK_BEFORE_QUITTING = True


class MainWindow(QMainWindow):
    """digitpad's window.  ``MainWindow()`` opens with the user's model and no dialog.

    ``mnist_loader`` and ``train_limit`` are for tests and scripts: where
    Retrain and Evaluate get MNIST (a ``loader(progress) -> Mnist``), and how
    many training images Retrain uses.
    """
    predictionChanged = Signal(object)      # the reading.Prediction, or None
    modelChanged = Signal(object)           # the store.LoadedModel now in use, or None
    testSetChanged = Signal(object)         # MNIST's (test images, labels)

    def __init__(self, *, mnist_loader=None, train_limit=None):
        super().__init__()
        self.setWindowTitle("digitpad")
        self.setWindowIcon(app_icon())
        learning.window_threads()
        self.mnist_loader = mnist_loader or session_loader
        self.train_limit = train_limit
        self.settings = store.Settings()
        self.session = Session()
        self.jobs = Jobs(self)
        self.models = Models(self)       # loading, saving and offering models
        self.teaching = Teaching(self)
        self.evaluator = Evaluator(self, self.jobs)
        self.test_set_loader = TestSetLoader(self, self.jobs)
        self.prediction = None           # reading.Prediction (the selected digit), or None
        self.sheet = SheetReading()      # the number on the sheet and the digit selected
        self.retrain_dialog = None
        self._last_reading = 0.0
        self.corrected = {}              # id -> Stroke: strokes on a sheet kept as a correction
        self.ask_before_closing = True   # off when Ctrl-C or a signal closes the app

        self.canvas = Canvas()
        create_actions(self)
        self.panel = ReadingPanel(self.teach_actions)
        self.number_view = NumberView(self.panel)
        self.number_view.picked.connect(self.select_digit)
        self.setStatusBar(StatusBar())
        self.setCentralWidget(sheet_beside(self.canvas, self.panel))
        self.views = Views(self, FRAME_MS)
        create_menus(self)

        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.update_reading)
        self.canvas.changed.connect(self._schedule_reading)
        self.canvas.strokeFinished.connect(self._after_edit)
        self.canvas.reset.connect(self._after_edit)
        self.jobs.changed.connect(self._update_job_actions)
        self.teaching.learnt.connect(self._learnt)
        self.evaluator.evaluated.connect(
            lambda result: self._use_test_set((result.test_images, result.test.labels)))
        self.test_set_loader.loaded.connect(self._use_test_set)

        self.set_pen_width(self.settings.pen_width)
        model, self.startup_message = store.startup()
        self.set_model(model, remember=False)
        if self.startup_message:
            self.statusBar().showMessage(self.startup_message)
        self._after_edit()               # read the blank sheet; Undo, Redo and Teach off
        # At least the layout's preferred size: the minimum one squeezes the bars, and the
        # window would then grow on the first reading (the caption's wrapped height).
        self.resize(QSize(820, 560).expandedTo(self.sizeHint()))
        if self.views.open():
            self.views.make_room()

    # -- layout, actions and menus -------------------------------------------------

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
        # O(1): no copy of the strokes.  Not on an opened image: its strokes alone are
        # not what the network read (Teaching.teach says so).
        drawn = self.canvas.has_drawing() and not self.canvas.has_image()
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
        canvas = self.canvas
        self.sheet.read(None if self.model is None else self.model.network, canvas.strokes_so_far,
                        None if empty else canvas.ink(), (canvas.width(), canvas.height()),
                        image=canvas.has_image())
        self._show()

    @property
    def number(self):
        """The sheet's numbers.NumberReading: None for an empty sheet."""
        return self.sheet.number

    @property
    def selected_digit(self):
        """The index of the digit the bars show (see SheetReading.selected)."""
        return self.sheet.selected

    @Slot(int)
    def select_digit(self, index):
        """Show digit ``index`` of the number in the bars, the preview and the views."""
        if self.sheet.select(index):
            self._show()

    def _show(self):
        self.prediction = self.sheet.prediction
        self.panel.show_reading(self.prediction, has_model=self.model is not None,
                                empty=self.canvas.is_empty())
        self.number_view.show_number(self.sheet.shown_number, self.sheet.selected)
        self.predictionChanged.emit(self.prediction)

    # -- edit --------------------------------------------------------------------------

    @Slot()
    def clear(self):
        """Clear the sheet.  A drawing cleared without a correction was read right, as far
        as the person is concerned: the session remembers it for Learn's step back."""
        if self._timer.isActive():
            self.update_reading()                  # what the person saw last
        if self.canvas.has_drawing() and not self.holds_a_correction() and \
                self.session.accept(self.number):
            self.teaching.session_changed()        # an open Learn dialog counts them anew
        self.canvas.clear()

    def note_corrected(self):
        """What is on the sheet was kept as a correction (a digit of it, or all of it): clearing
        it, now or after Undo brought it back, does not say it was read right."""
        self.corrected.update((id(s), s) for s in self.canvas.strokes_so_far)

    def holds_a_correction(self):
        return any(id(s) in self.corrected for s in self.canvas.strokes_so_far)

    @Slot(bool)
    def set_eraser(self, on):
        """Edit > Eraser (E): the canvas shows it by its cursor, the status bar says it."""
        self.canvas.set_eraser(on)
        self.statusBar().showMessage(
            "Eraser on: the left button erases. Press E again to draw." if on else
            "Eraser off: the left button draws.", 4000)

    def set_pen_width(self, width):
        self.canvas.set_pen_width(width)
        for action in self.pen_actions.actions():
            action.setChecked(action.data() == width)
        if self.settings.pen_width != width:
            self.settings.update(pen_width=int(width))

    # -- files -------------------------------------------------------------------------

    @Slot()
    def open_image(self, path=None):
        """Read a digit from an image file (asks for one when ``path`` is None)."""
        return drawing_files.open_image(self, path)

    @Slot()
    def save_drawing(self, path=None):
        return drawing_files.save_drawing(self, path)

    # -- the session: the model in use, the test set, Learn's model -----------------

    @property
    def model(self):
        """The store.LoadedModel in use, or None."""
        return self.session.model

    def set_model(self, model, remember=True):
        """Use ``model`` (a store.LoadedModel, or None) from now on, and remember it for the
        next start (unless ``remember`` is false)."""
        self.session.model = model
        if remember and model is not None:
            store.remember_model(model)
        self.statusBar().show_model(*model_line(model))
        self.save_model_action.setEnabled(model is not None)
        self._update_job_actions()
        self.modelChanged.emit(model)
        self.update_reading()

    @Slot(object)
    def _use_test_set(self, test_set):
        self.session.test_set = test_set
        self.testSetChanged.emit(test_set)

    @Slot(object, object)
    def _learnt(self, model, before):
        self.session.learnt = (model, before)

    # -- background jobs ---------------------------------------------------------------

    @Slot()
    def retrain(self):
        """Open the Retrain dialog (not modal: drawing goes on while it trains)."""
        if self.retrain_dialog is None:
            dialog = self.retrain_dialog = RetrainDialog(
                self, loader=self.mnist_loader, jobs=self.jobs, limit=self.train_limit,
                model_source=lambda: self.model)
            dialog.trained.connect(lambda network, meta, comparison: self.models.offer(
                network, meta, comparison, note=dialog.note))
        return show_in_front(self.retrain_dialog)

    @Slot()
    def evaluate(self):
        """Measure the model in use on the 10,000 MNIST test images, in the background."""
        if self.model is not None:
            self.evaluator.start(self.model, before=self.session.before_learn())

    @Slot()
    def _update_job_actions(self):
        """One background job at a time (Jobs enforces it; the actions show it)."""
        idle = not self.jobs.busy()
        for action in (self.retrain_action, self.learn_action):
            action.setEnabled(idle)
        self.evaluate_action.setEnabled(idle and self.model is not None)

    # -- help --------------------------------------------------------------------------

    @Slot()
    def about(self):
        QMessageBox.about(self, "About digitpad", self.about_text())

    def about_text(self):
        return about_html(self.model, scores_text(self.model))

    # -- closing -----------------------------------------------------------------------

    def closeEvent(self, event):
        """Stop any background work (waiting briefly) and close the dialogs; while Retrain
        or Learn trains, only if the person says so (the run would be lost)."""
        if not self._may_stop_training():
            event.ignore()
            return
        self.jobs.shutdown()
        self.views.closing()
        self.teaching.close()
        self.evaluator.close()
        for dialog in (self.retrain_dialog, self.models.compare_dialog):
            if dialog is not None:
                dialog.close()
        self._timer.stop()
        super().closeEvent(event)

    def _may_stop_training(self):
        """True unless Retrain or Learn is training and the person chooses not to quit."""
        owner = self.jobs.owner if self.jobs.busy() else None
        if (not ASK_BEFORE_QUITTING or not self.ask_before_closing or owner is None
                or owner not in (self.retrain_dialog, self.teaching.learn_dialog)):
            return True
        answer = QMessageBox.question(
            self, "Quit digitpad?",
            "A new model is being trained. Quit anyway? The training stops and what it has "
            "learnt so far is lost; the model in use is kept.",
            QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
        # A Ctrl-C while it asked closes the question, and this window is closing already:
        # close it now, or it would be destroyed without closing (the open views forgotten).
        return answer != QMessageBox.Cancel or not self.ask_before_closing
