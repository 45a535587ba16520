"""Teach it your hand, in the window: keep corrections, learn from them, and manage them.

The collection itself (storing, listing, deleting, exporting) is the Qt-free
:mod:`digitpad.corrections`, fine-tuning :mod:`digitpad.learning`; here are
the window's part and its dialogs.  :class:`Teaching` keeps the drawing on the
sheet as the digit the person names, and opens the dialogs;
:class:`LearnDialog` fine-tunes the model in use in a worker thread, like
Retrain; :class:`CorrectionsDialog` shows the kept drawings, deletes them one
by one and exports them.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListView,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QVBoxLayout)

from digitpad import corrections, learning, preprocess
from digitpad.strokes import Stroke

from .filedialog import ask_path
from .jobs import LearnWorker
from .retrain import TrainingDialog, show_in_front

THUMB = 56
PAGE = 200                  # drawings shown at first in My corrections, and added by "Show more"
THUMB_POINTS = 4000         # a larger drawing is thinned to about this many points for its
KEPT_THUMBS = 2000          # thumbnail; thumbnails made are kept (this many) for the next refresh
# Whether keeping the first correction has Learn's replay drawn ahead, in a process of its
# own (Teaching.prepare_learn).  The tests turn it off but where they test it: each would
# otherwise start a process drawing for seconds.
PREPARE_AHEAD = True
SLICE_MS = 30               # thumbnails are drawn in slices of this long, between events


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
        self.kept = {}                      # corrections.drawing_key -> the Correction kept

    def teach(self, digit):
        """Keep the drawing on the sheet as a ``digit``, then clear the sheet for the next.

        On a sheet holding a number, only the selected digit's strokes are kept, and
        the number stays on the sheet.  The same strokes kept before this session (brought
        back by Undo, or a digit of a number corrected again) are not kept twice: as the
        same digit they are kept once, as another digit the new one replaces the old."""
        w = self.window
        canvas, say = w.canvas, w.statusBar().showMessage
        strokes, number = self._strokes_to_keep()
        if strokes is None:
            return None
        key = corrections.drawing_key(strokes)
        earlier = self.kept.get(key)          # kept before, unless deleted since
        earlier = earlier if earlier is not None and corrections.exists(earlier) else None
        kept = None
        if earlier is None or earlier.label != digit:
            try:
                kept = self.kept[key] = corrections.add(
                    strokes, digit, canvas=(canvas.width(), canvas.height()))
            except (OSError, ValueError) as e:
                QMessageBox.warning(w, "Cannot keep the drawing", str(e))
                return None
            try:
                if earlier is not None:
                    corrections.delete(earlier)   # replaced by the new one
            except OSError as e:
                QMessageBox.warning(w, "Cannot replace the correction", (
                    f"Your correction as a {earlier.label} could not be deleted "
                    f"({e.strerror or e}): delete it in Model > My corrections."))
        n = corrections.count()
        what = "as" if number is None else f"digit {w.selected_digit + 1} as"
        w.note_corrected()                    # clearing it later does not say "read right"
        if number is None:
            canvas.clear()
        counted = f"({n} correction{'s' if n != 1 else ''})"
        if kept is None:
            say(f"Already kept {what} a {digit}: not kept twice {counted}.", 8000)
            return None
        instead = f" instead of a {earlier.label}" if earlier is not None else ""
        say(f"Kept {what} a {digit}{instead} {counted}. "
            "Model > Learn from my corrections teaches them to the model.", 8000)
        self._changed()
        self.prepare_learn()
        return kept

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
            say("Only drawings are kept, not an opened image or marks drawn on it: "
                "clear the sheet and draw the digit.", 8000)
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

    def close(self):
        for dialog in (self.learn_dialog, self.corrections_dialog):
            if dialog is not None:
                dialog.close()
        if self.preparing and self.preparing.is_alive():
            self.preparing.terminate()        # a half-drawn replay is never kept
            self.preparing.join(1)


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
            (f"{n} correction{'s' if n != 1 else ''} kept. Learning fine-tunes the model in use "
             "on them, mixed with MNIST so that it does not forget, and takes under a minute."
             if n else "No corrections yet: when a reading is wrong, click the right digit "
                       "under the bars (or type it) to keep the drawing.")
            + (" " + corrections.describe_damaged(damaged) if damaged else ""))
        self._update_start()

    def can_start(self):
        return self.count > 0 and super().can_start()

    def make_worker(self):
        model = self.model_source()
        if model is None:
            self.status.setText("There is no model to fine-tune: load or train one first.")
            return None
        return LearnWorker(model.network, model.meta, self.loader, kept=self.kept_source())

    def success_text(self, meta):
        return (f"Done: learnt from {meta['corrections']} corrections. MNIST test accuracy "
                f"{100 * meta['mnist_test_accuracy_before']:.2f}% before, "
                f"{100 * meta['mnist_test_accuracy']:.2f}% now. Compare it with the model "
                "in use, then keep either.")


_thumbs = {}                # (id, time, points) -> QIcon


def thumbnail(correction):
    """A small picture of a kept drawing, as the network sees it: dark ink on white.

    A drawing of more than :data:`THUMB_POINTS` points is drawn from every n-th of its
    points (a thumbnail shows no more, and a 200,000-point drawing would take seconds).
    """
    points = len(correction)
    if points > THUMB_POINTS:
        step = -(-points // THUMB_POINTS)
        thinned = [Stroke(s.array()[np.r_[0:len(s.points):step, -1]], s.width, s.erase)
                   for s in correction.strokes]
        correction = corrections.Correction(thinned, correction.label, correction.time)
    image = preprocess.to_mnist(corrections.render(correction))
    if image is None:
        image = np.zeros((28, 28), np.float32)
    gray = np.ascontiguousarray((255 * (1 - np.clip(image, 0, 1))).astype(np.uint8))
    picture = QImage(gray.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
    return QPixmap.fromImage(picture.scaled(THUMB, THUMB, Qt.KeepAspectRatio,
                                            Qt.SmoothTransformation))


def drawings(n):
    """"1 drawing", "2,000 drawings"."""
    return f"{n:,} drawing{'' if n == 1 else 's'}"


class CorrectionsDialog(QDialog):
    """Model > My corrections...: the kept drawings, to look at, delete and export."""
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("My corrections")
        self.setObjectName("correctionsDialog")
        self.summary = QLabel(objectName="summary", wordWrap=True)
        self.list = QListWidget(objectName="correctionsList")
        self.list.setViewMode(QListView.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 40, THUMB + 34))
        self.list.setResizeMode(QListView.Adjust)
        self.list.setMovement(QListView.Static)
        self.list.setSelectionMode(QListWidget.ExtendedSelection)
        self.list.itemSelectionChanged.connect(self._update_buttons)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.delete_button = QPushButton("Delete", objectName="deleteButton")
        self.delete_button.setShortcut(Qt.Key_Delete)
        self.export_button = QPushButton("Export...", objectName="exportButton")
        self.more_button = QPushButton("Show more", objectName="moreButton")
        self.more_button.clicked.connect(self.show_more)
        self.limit = PAGE
        self._pending = []               # (item, correction, key) still without a thumbnail
        self._thumbs_timer = QTimer(self, interval=0)
        self._thumbs_timer.timeout.connect(self._draw_thumbnails)
        buttons.addButton(self.more_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.delete_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self.refresh()

    def refresh(self):
        """List the :data:`PAGE` most recent drawings (more with "Show more"), newest
        first; their thumbnails are drawn a slice at a time, so opening never waits for
        thousands of them."""
        self.list.clear()
        self._pending = []
        items, damaged = corrections.scan()
        shown = items[::-1][:self.limit]
        blank = QIcon()
        for c in shown:
            key = (c.id, c.time, len(c))
            icon = _thumbs.get(key)
            item = QListWidgetItem(icon or blank, f"{c.label}\n{c.date('%d %b %H:%M')}")
            item.setData(Qt.UserRole, c.id)
            item.setToolTip(f"kept as a {c.label} on {c.date('%c')}, "
                            f"{len(c.strokes)} stroke{'s' if len(c.strokes) != 1 else ''}")
            self.list.addItem(item)
            if icon is None:
                self._pending.append((item, c, key))
        if self._pending:
            self._thumbs_timer.start()
        counts = np.bincount([c.label for c in items], minlength=10) if items else None
        if items:
            per = ", ".join(f"{d}: {n}" for d, n in enumerate(counts) if n)
            some = (f"; the {len(shown):,} most recent are shown" if len(shown) < len(items)
                    else "")
            self.summary.setText(f"{drawings(len(items))} kept ({per}), in "
                                 f"{corrections.folder()}{some}")
        else:
            self.summary.setText("No corrections yet. When a reading is wrong, click the right "
                                 "digit under the bars (or type it) to keep the drawing.")
        if damaged:
            self.summary.setText(self.summary.text() + " "
                                 + corrections.describe_damaged(damaged))
        self.more_button.setVisible(len(shown) < len(items))
        self._update_buttons()

    @Slot()
    def show_more(self):
        self.limit += PAGE
        self.refresh()

    @Slot()
    def _draw_thumbnails(self):
        """Draw the thumbnails still missing, for :data:`SLICE_MS` at most."""
        deadline = time.perf_counter() + SLICE_MS / 1000
        while self._pending and time.perf_counter() < deadline:
            item, c, key = self._pending.pop(0)
            icon = QIcon(thumbnail(c))
            if len(_thumbs) >= KEPT_THUMBS:
                del _thumbs[next(iter(_thumbs))]           # the oldest made
            _thumbs[key] = icon
            item.setIcon(icon)
        if not self._pending:
            self._thumbs_timer.stop()

    def thumbnails_pending(self):
        return len(self._pending)

    def hideEvent(self, event):
        self._thumbs_timer.stop()          # shown again, it is refreshed
        super().hideEvent(event)

    def _update_buttons(self):
        self.delete_button.setEnabled(bool(self.list.selectedItems()))
        self.export_button.setEnabled(self.list.count() > 0)

    def ids(self):
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    @Slot()
    def delete_selected(self):
        """Delete the selected drawings from the disk, once the person says yes."""
        selected = self.list.selectedItems()
        if not selected or QMessageBox.question(
                self, "Delete corrections",
                f"Delete {drawings(len(selected))} from your corrections? This cannot be "
                "undone.",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        for item in selected:
            try:
                corrections.delete(item.data(Qt.UserRole))
            except (OSError, ValueError) as e:
                QMessageBox.warning(self, "Cannot delete", str(e))
        self.refresh()
        self.changed.emit()

    @Slot()
    def export(self, path=None):
        if not path:
            path = ask_path(self, "Export the corrections", "corrections",
                            "NumPy archives (*.npz)", name="digitpad-corrections.npz",
                            save=True, suffix="npz")
            if not path:
                return False
        try:
            n = corrections.export(path)
        except (OSError, ValueError) as e:
            QMessageBox.warning(self, "Cannot export", str(e))
            return False
        self.summary.setText(f"Exported {drawings(n)} to {path}")
        return True
