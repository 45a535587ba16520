"""Model > My corrections...: the drawings kept as corrections, to look at, delete and export.

The collection itself (storing, listing, deleting, exporting) is the Qt-free
:mod:`digitpad.corrections`; :class:`CorrectionsDialog` shows it, the most recent
first, a page at a time, their thumbnails drawn between events
(:mod:`digitpad.gui.teaching` opens it).
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListView,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QVBoxLayout)

from digitpad import corrections, preprocess
from digitpad.correction_images import render
from digitpad.strokes import Stroke
from digitpad.words import count_of

from .filedialog import ask_path

THUMB = 56
PAGE = 200                  # drawings shown at first in My corrections, and added by "Show more"
THUMB_POINTS = 4000         # a larger drawing is thinned to about this many points for its
KEPT_THUMBS = 2000          # thumbnail; thumbnails made are kept (this many) for the next refresh
SLICE_MS = 30               # thumbnails are drawn in slices of this long, between events


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
    image = preprocess.to_mnist(render(correction))
    if image is None:
        image = np.zeros((28, 28), np.float32)
    gray = np.ascontiguousarray((255 * (1 - np.clip(image, 0, 1))).astype(np.uint8))
    picture = QImage(gray.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
    return QPixmap.fromImage(picture.scaled(THUMB, THUMB, Qt.KeepAspectRatio,
                                            Qt.SmoothTransformation))


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
                            f"{count_of(len(c.strokes), 'stroke')}")
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
            self.summary.setText(f"{count_of(len(items), 'drawing')} kept ({per}), in "
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
                f"Delete {count_of(len(selected), 'drawing')} from your corrections? "
                "This cannot be undone.",
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
        self.summary.setText(f"Exported {count_of(n, 'drawing')} to {path}")
        return True
