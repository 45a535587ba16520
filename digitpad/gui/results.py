"""Evaluate's results: accuracy per digit, the confusion matrix, and the misread images.

:class:`ResultsWindow` has a tab for MNIST's test set and, when the person
has kept corrections, one for them (their report card: how their own digits
are read now, and before Learn when the model in use came from it).  Each tab
is a :class:`ResultsView`: a bar per digit, the confusion matrix (a click on a
cell shows exactly the images behind it), and a gallery of images with their
readings.  The numbers come from :class:`digitpad.evaluation.Evaluation`, computed in
the worker (:class:`~digitpad.gui.evaluate.EvaluateWorker`).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
                               QWidget)

from digitpad.words import count_of

from .plots import BarChart, PictureGrid
from .views import NO_TILES, ink_picture

GALLERY = 240        # tiles shown at most (the surest first)


def _percent(x):
    return "–" if x != x else f"{100 * x:.1f}%"


class ConfusionTable(QTableWidget):
    """The 10x10 counts, rows the true digit, columns the digit read; right cells green,
    wrong ones red, as strong as their share of the row."""

    def __init__(self, parent=None):
        super().__init__(10, 10, parent)
        self.setObjectName("confusion")
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        labels = [str(d) for d in range(10)]
        self.setHorizontalHeaderLabels(labels)
        self.setVerticalHeaderLabels(labels)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.Stretch)
            header.setMinimumSectionSize(26)
        self.horizontalHeaderItem(0).setToolTip("the digit read")
        self.setToolTip("Rows: the true digit. Columns: what the network read. "
                        "Click a cell to see its images.")
        self.setMinimumSize(330, 260)

    def set_counts(self, confusion):
        totals = np.maximum(confusion.sum(axis=1, keepdims=True), 1)
        for t in range(10):
            for r in range(10):
                n = int(confusion[t, r])
                item = QTableWidgetItem(str(n) if n else "")
                item.setTextAlignment(Qt.AlignCenter)
                share = n / totals[t, 0]
                if n:
                    strength = share if t == r else min(1.0, 0.15 + 4 * share)
                    base = (52, 168, 83) if t == r else (234, 67, 53)
                    item.setBackground(QColor(*[round(255 - (255 - c) * 0.6 * strength)
                                                for c in base]))
                item.setToolTip(f"{count_of(n, 'image')} of {t} read as {r}")
                self.setItem(t, r, item)


class ResultsView(QWidget):
    """One evaluation: summary, per-digit bars, the confusion matrix, and a gallery.

    ``images`` (n, 28, 28) are the images evaluated (uint8 or floats 0..1);
    ``before``, the same images read by an earlier model (the report card).
    """

    def __init__(self, evaluation, images, what, before=None, parent=None):
        super().__init__(parent)
        self.evaluation, self.images, self.what, self.before = evaluation, images, what, before
        e = evaluation
        wrong = len(e) - e.right
        text = (f"<b>{_percent(e.accuracy)}</b> of the {len(e):,} {what} read right "
                f"({wrong:,} misread).")
        if before is not None:
            text += (f" Before Learn: {_percent(before.accuracy)} ({before.right} of "
                     f"{len(before)}).")
        self.summary = QLabel(text, objectName="summary", wordWrap=True)
        self.chart = BarChart(title="Read right, per digit")
        self.chart.setObjectName("perDigit")
        self.chart.setMinimumSize(240, 200)
        per = e.per_digit()
        low = np.nanmin(per) if np.isfinite(per).any() else 0.0
        self.chart.set_values(per, low=float(max(0.0, np.floor((low - 0.02) * 20) / 20)))
        self.table = ConfusionTable()
        self.table.set_counts(e.confusion)
        self.table.cellClicked.connect(self.open_cell)
        self.gallery = PictureGrid(columns=12, captions=True, scroll=True)
        self.gallery.setObjectName("gallery")
        self.gallery.setMinimumHeight(220)
        self.gallery_caption = QLabel(objectName="galleryCaption", wordWrap=True)
        self.shown = np.zeros(0, int)       # the indices in the gallery

        top = QHBoxLayout()
        top.addWidget(self.chart, 1)
        top.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top, 1)
        layout.addWidget(self.gallery_caption)
        layout.addWidget(self.gallery, 1)
        if before is not None:
            self.show_images(np.arange(len(e)), f"All {len(e)} of your drawings: "
                             "the digit it is, read before Learn → now.")
        else:
            self.show_mistakes()

    def show_mistakes(self):
        wrong = self.evaluation.mistakes()
        self.show_images(wrong, f"The {len(wrong):,} misread {self.what}, the surest "
                                f"mistake first (true digit → read, and how sure).")

    @Slot(int, int)
    def open_cell(self, truth, read):
        """Show exactly the images of ``truth`` read as ``read`` (a click on that cell)."""
        hits = self.evaluation.cell(truth, read)
        self.table.setCurrentCell(truth, read)
        self.show_images(hits, f"The {len(hits):,} {self.what} of {truth} read as {read}, "
                               "the surest first.")
        return hits

    def show_images(self, indices, text):
        e = self.evaluation
        indices = np.asarray(indices, int)
        self.shown = indices
        page = indices[:GALLERY]
        if len(indices) > GALLERY:
            text += f" Showing the first {GALLERY}."
        self.gallery_caption.setText(text)
        images = self.images[page]
        scale = 255.0 if images.dtype == np.uint8 else 1.0
        pictures = np.stack([ink_picture(im / scale) for im in images]) if len(page) else \
            NO_TILES
        p, predicted, labels = e.probabilities, e.predicted, e.labels
        if self.before is not None:
            b = self.before.predicted
            captions = [f"{labels[i]}: {b[i]}→{predicted[i]}" for i in page]
        else:
            captions = [f"{labels[i]}→{predicted[i]} {p[i, predicted[i]]:.0%}" for i in page]
        tips = [f"#{i}: a {labels[i]}, read as {predicted[i]}\n" + "  ".join(
            f"{d}: {p[i, d]:.0%}" for d in range(10)) for i in page]
        self.gallery.set_tiles(pictures, captions=captions, tooltips=tips)


class ResultsWindow(QWidget):
    """Model > Evaluate's window (not modal; one per evaluation)."""

    def __init__(self, result, parent=None):
        super().__init__(parent, Qt.Window)
        self.setObjectName("results")
        name = result.model.name()
        self.setWindowTitle(f"Evaluation of {name}")
        self.tabs = QTabWidget(objectName="tabs")
        self.test = ResultsView(result.test, result.test_images, "MNIST test images")
        self.tabs.addTab(self.test, "MNIST test set")
        self.mine = None
        if result.mine is not None:
            self.mine = ResultsView(result.mine, result.mine_images, "drawings you corrected",
                                    before=result.mine_before)
            self.tabs.addTab(self.mine, "Your drawings")
        header = QLabel(f"{name[:1].upper() + name[1:]}: {_percent(result.accuracy)} of MNIST's "
                        "test images read right.", objectName="header")
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.tabs)
        self.resize(900, 760)
