"""Watch it learn: the features forming and the guesses turning right while a network trains.

:class:`LearningWatch` shows, for the network being trained, a grid of its
first-layer units' incoming weights as pictures (red where ink excites the
unit, blue where it inhibits it) and a row of a dozen held-out drawings, each
captioned with what the network reads for it.  The trainer sends a copy of
its weights about twice a second (:data:`digitpad.gui.jobs.WATCH_INTERVAL`);
:meth:`LearningWatch.show_network` draws them.  Drawing costs the window a
few milliseconds (a dozen images through the network, one texture per grid),
and nothing is drawn while the widget is hidden.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad import insight
from digitpad.model.network import as_input

from .plots import PictureGrid
from .views import ink_picture

UNITS = 48            # first-layer units shown (the first ones: a fixed set, to watch change)
UNIT_COLUMNS = 12
DRAWINGS = 12         # held-out drawings read


# The colours of the units' pictures, from -1 (the unit's most inhibiting weight) through 0
# (white) to 1 (its most exciting one), as the insight views colour them
# (:func:`digitpad.gui.views.weight_pictures`), in 256 steps: a picture is then one look-up
# per pixel (the views' exact colouring took 17 ms for 48 units on a busy machine).
PALETTE = insight.tint(None, np.linspace(-1, 1, 256), scale=1.0)


def unit_pictures(network, count=UNITS):
    """The first ``count`` first-layer units' incoming weights as (k, 28, 28, 3) pictures,
    each scaled to its own largest weight."""
    w = network.weights[0][:, :count].T.reshape(-1, 28, 28)
    top = np.abs(w).max(axis=(1, 2), keepdims=True)
    steps = w / np.maximum(top, 1e-12)
    steps += 1
    steps *= 127.5
    return PALETTE[np.rint(steps).astype(np.intp)]


def choose_drawings(images, labels, count=DRAWINGS):
    """``count`` drawings, digits 0-9 in turn (the first of each, then the next...):
    ``(images, labels)``, the same every run."""
    labels = np.asarray(labels)
    order = []
    for rank in range(count):
        for digit in range(10):
            found = np.flatnonzero(labels == digit)
            if rank < len(found) and len(order) < count:
                order.append(found[rank])
        if len(order) >= count or not len(labels):
            break
    order = np.array(order[:count], dtype=np.intp)
    return np.asarray(images)[order], labels[order]


class LearningWatch(QWidget):
    """The first-layer units and a dozen held-out drawings read by the network in training."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("learningWatch")
        self.units_title = QLabel("First-layer units (red: ink excites, blue: inhibits)",
                                  objectName="unitsTitle")
        self.units = PictureGrid(columns=UNIT_COLUMNS, captions=False, centered=True)
        self.units.setObjectName("unitGrid")
        self.drawings_title = QLabel("Held-out drawings: what the new network reads",
                                     objectName="drawingsTitle")
        self.drawings = PictureGrid(columns=None, captions=True, centered=True,
                                    caption_lines=2)
        self.drawings.setObjectName("drawingGrid")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.units_title)
        layout.addWidget(self.units, 3)
        layout.addWidget(self.drawings_title)
        layout.addWidget(self.drawings, 2)
        self.images = np.zeros((0, 28, 28), np.float32)
        self.pictures = np.zeros((0, 28, 28, 3), np.uint8)
        self.labels = np.zeros(0, np.int64)
        self.readings = np.zeros(0, np.int64)      # what the last network shown read
        self.shown = 0                             # networks drawn so far
        self.clear()

    def clear(self):
        """No network yet: empty grids (the drawings, if set, without captions)."""
        self.readings = np.zeros(0, np.int64)
        self.units.set_tiles(np.zeros((0, 28, 28, 3), np.uint8))
        self.drawings.set_tiles(self.pictures, ["?"] * len(self.images))

    @Slot(object, object)
    def set_drawings(self, images, labels):
        """The held-out drawings to read (28x28, uint8 or floats in [0, 1]) and their digits."""
        x = as_input(images).reshape(-1, 28, 28)
        self.images, self.labels = x, np.asarray(labels, np.int64)
        self.pictures = np.array([ink_picture(i) for i in x], np.uint8).reshape(-1, 28, 28, 3)
        self.clear()

    @Slot(object)
    def show_network(self, network):
        """Draw ``network``'s first-layer units and its readings of the drawings."""
        if not self.isVisible():
            return
        self.units.set_tiles(unit_pictures(network))
        captions = []
        if len(self.images):
            # One at a time: without BLAS, whose threads would wait for the trainer's
            # cores (a dozen at once took 40 ms on a busy machine, one by one 2 ms).
            p = np.array([network.predict_proba(x) for x in self.images.reshape(-1, 784)])
            self.readings = p.argmax(axis=1)
            captions = [f"{'✓' if r == y else '✗'} {r}\n{100 * q:.0f}%"
                        for r, y, q in zip(self.readings, self.labels, p.max(axis=1))]
            self.drawings.set_tiles(self.pictures, captions)
        self.shown += 1

    def right(self):
        """How many of the drawings the last network shown read right."""
        return int(np.sum(self.readings == self.labels[:len(self.readings)]))
