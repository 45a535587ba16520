"""Teach it your hand, in the window: keep corrections, learn from them, and manage them.

The collection itself (storing, listing, deleting, exporting) is the Qt-free
:mod:`digitpad.corrections`, fine-tuning :mod:`digitpad.learning`; here are
the window's part and its dialogs.  :class:`Teaching` keeps the drawing on the
sheet as the digit the person names, and opens the dialogs;
:class:`LearnDialog` fine-tunes the model in use in a worker thread, like
Retrain.  Model > My corrections is :mod:`digitpad.gui.my_corrections`.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from digitpad import corrections, learning
from digitpad.words import count_of

from .jobs import LearnWorker
from .my_corrections import CorrectionsDialog
from .retrain import TrainingDialog, show_in_front

# Whether keeping the first correction has Learn's replay drawn ahead, in a process of its
# own (Teaching.prepare_learn).  The tests turn it off but where they test it: each would
# otherwise start a process drawing for seconds.
PREPARE_AHEAD = True


class Teaching(QObject):
    """The window's corrections: "This drawing is a D", Learn and My corrections.

    ``learnt(model, before)`` when the person keeps the model Learn made
    (``model``, now in use) instead of ``before``.
    """
    learnt = Signal(object, object)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.learn_dialog = self.corrections_dialog = None
        self.preparing = None               # the process drawing Learn's replay ahead

    def teach(self, digit):
        """Keep the drawing on the sheet as a ``digit``, then clear the sheet for the next.

        On a sheet holding a number, only the selected digit's strokes are kept, and
        the number stays on the sheet.  The same strokes kept before, in this session or an
        earlier one (brought back by Undo, or a digit of a number corrected again), are not
        kept twice: as the same digit they are kept once, as another digit the new one
        replaces the old (:func:`digitpad.corrections.find` looks among those stored)."""
        w = self.window
        canvas, say = w.canvas, w.statusBar().showMessage
        strokes, number = self._strokes_to_keep()
        if strokes is None:
            return None
        kept = None
        try:
            same = corrections.find(strokes)         # kept before, as this digit or others
            earlier = next((c for c in same if c.label == digit), same[-1] if same else None)
            if earlier is None or earlier.label != digit:
                kept = corrections.add(strokes, digit, canvas=(canvas.width(), canvas.height()))
        except (OSError, ValueError) as e:
            QMessageBox.warning(w, "Cannot keep the drawing", str(e))
            return None
        if kept is not None:
            self._replace(same)
        n = len(corrections.list_all())
        what = "as" if number is None else f"digit {w.selected_digit + 1} as"
        w.note_corrected()                    # clearing it later does not say "read right"
        if number is None:
            canvas.clear()
        counted = f"({count_of(n, 'correction')})"
        if kept is None:
            say(f"Already kept {what} a {digit}: not kept twice {counted}.", 8000)
            return None
        instead = f" instead of a {earlier.label}" if earlier is not None else ""
        say(f"Kept {what} a {digit}{instead} {counted}; Model > Learn teaches them.", 8000)
        self._changed()
        self.prepare_learn()
        return kept

    def _replace(self, earlier):
        """Delete the ``earlier`` corrections of a drawing just kept as another digit."""
        for c in earlier:
            try:
                corrections.delete(c)
            except OSError as e:
                QMessageBox.warning(self.window, "Cannot replace the correction", (
                    f"Your correction as a {c.label} could not be deleted "
                    f"({e.strerror or e}): delete it in Model > My corrections."))

    def _strokes_to_keep(self):
        """``(strokes, number)``: what "This drawing is a D" keeps (the selected digit's strokes
        when ``number``, a number, is on the sheet), or ``(None, None)``, said why."""
        w = self.window
        canvas, say = w.canvas, w.statusBar().showMessage
        if not canvas.has_drawing():
            say("Draw the digit first: only drawings are kept (not opened images).", 5000)
            return None, None
        if canvas.has_image():
            # Only the strokes could be kept, not the picture under them that was read.
            say("Only drawings are kept, not an opened image: clear the sheet and draw "
                "the digit.", 8000)
            return None, None
        number = w.number if w.selected_digit is not None and len(w.number) > 1 else None
        if number is not None and not number.strokes[w.selected_digit]:
            number = None                 # a digit without strokes of its own
        return (canvas.strokes if number is None
                else list(number.strokes[w.selected_digit])), number

    def prepare_learn(self):
        """Once a window: have what Learn replays drawn and kept now, in a process of its
        own at a low priority (:func:`digitpad.learning.prepare_learn_in_background`), so that
        the first Learn does not draw it.  Nothing is lost when it fails: Learn then draws
        it itself."""
        if not PREPARE_AHEAD or self.preparing is not None:
            return
        import multiprocessing
        try:
            self.preparing = multiprocessing.get_context("spawn").Process(
                target=learning.prepare_learn_in_background, daemon=True,
                name="digitpad: drawing what Learn replays")
            self.preparing.start()
        except (OSError, RuntimeError, ValueError):
            self.preparing = False            # tried once; Learn draws it when it runs

    @Slot()
    def learn(self):
        """Open the Learn dialog: fine-tune the model in use on the corrections."""
        if self.learn_dialog is None:
            w = self.window
            self.learn_dialog = LearnDialog(w, loader=w.mnist_loader, jobs=w.jobs,
                                            model_source=lambda: w.model,
                                            kept_source=w.session.kept)
            self.learn_dialog.trained.connect(self._offer)
        self.learn_dialog.refresh()
        return show_in_front(self.learn_dialog)

    @Slot(object, object, object)
    def _offer(self, network, meta, comparison):
        """Learn's model, beside the one in use; kept, it remembers the model it came from."""
        before = self.window.model
        self.window.models.offer(network, meta, comparison, stem="personal",
                                 note=self.learn_dialog.note,
                                 adopted=lambda: self.learnt.emit(self.window.model, before))

    @Slot()
    def show_corrections(self):
        if self.corrections_dialog is None:
            self.corrections_dialog = CorrectionsDialog(self.window)
            self.corrections_dialog.changed.connect(self._changed)
        self.corrections_dialog.refresh()
        return show_in_front(self.corrections_dialog)

    @Slot()
    def _changed(self):
        if self.learn_dialog is not None:
            self.learn_dialog.refresh()
        if self.corrections_dialog is not None and self.corrections_dialog.isVisible():
            self.corrections_dialog.refresh()

    def session_changed(self):
        """The digits let stand this session changed: an open Learn dialog says how many."""
        if self.learn_dialog is not None and self.learn_dialog.isVisible():
            self.learn_dialog.refresh()

    def close(self):
        for dialog in (self.learn_dialog, self.corrections_dialog):
            if dialog is not None:
                dialog.close()
        if self.preparing and self.preparing.is_alive():
            self.preparing.terminate()        # a half-drawn replay is never kept
            self.preparing.join(1)


PART = {0.75: "three quarters", 0.5: "half", 0.25: "a quarter"}   # how far the weights moved


class LearnDialog(TrainingDialog):
    """Model > Learn from my corrections: fine-tune the model in use, in the background."""
    start_text = "Learn"

    def __init__(self, parent=None, *, loader=None, jobs=None, model_source=None,
                 kept_source=None):
        super().__init__(parent, loader=loader, jobs=jobs, model_source=model_source)
        self.kept_source = kept_source or (lambda: None)   # the readings the person let stand
        self.count = 0                        # corrections kept, as last counted
        self.setWindowTitle("Learn from my corrections")
        self.setObjectName("learnDialog")
        self.refresh()
        self.resize(520, 640)

    def refresh(self):
        if self.is_running():
            return
        items, damaged = corrections.scan()
        n = self.count = len(items)
        self.status.setText(
            (f"{count_of(n, 'correction')} kept. Learning fine-tunes the model in use "
             f"on them{self._session_text()}, mixed with MNIST so that it does not forget, "
             "and takes under a minute."
             if n else "No corrections yet: when a reading is wrong, click the right digit "
                       "under the bars (or type it) to keep the drawing.")
            + (" " + corrections.describe_damaged(damaged) if damaged else ""))
        self._update_start()

    def _session_text(self):
        """The digits the person let stand this session, which Learn trains on too."""
        kept = self.kept_source()
        return "" if kept is None else \
            f" and on the {count_of(len(kept[1]), 'digit')} you let stand this session"

    def can_start(self):
        return self.count > 0 and super().can_start()

    def make_worker(self):
        model = self.model_source()
        if model is None:
            self.status.setText("There is no model to fine-tune: load or train one first.")
            return None
        return LearnWorker(model.network, model.meta, self.loader, kept=self.kept_source())

    @Slot(object)
    def _on_succeeded(self, result):
        """A new model to compare with the one in use; unless Learn stepped all the way back
        to the weights in use, which is no new model: then it says so, and offers none."""
        meta = result[1]
        if meta.get("moved", 1.0) > 0:
            return super()._on_succeeded(result)
        self.progress.setValue(1000)
        self.status.setText(
            f"Learn could not take in your {count_of(meta['corrections'], 'correction')} "
            "without breaking digits the model reads right (MNIST's, other people's, or "
            "those you let stand this session), so the model in use is unchanged. More "
            "drawings of the same kind, corrected or read right, give it more to go on.")

    def success_text(self, meta):
        part = meta.get("moved", 1.0)
        how = "" if part >= 1 else (
            f", {PART.get(part, f'{part:.0%}')} of the way: as far as it could go without "
            "breaking digits the model read right")
        return (f"Done: learnt from {count_of(meta['corrections'], 'correction')}{how}. MNIST "
                f"test accuracy {100 * meta['mnist_test_accuracy_before']:.2f}% before, "
                f"{100 * meta['mnist_test_accuracy']:.2f}% now. Compare it with the model "
                "in use, then keep either.")
