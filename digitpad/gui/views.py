"""The insight views: docks beside the sheet that show what the network does with a drawing.

* :class:`WhyView`, *Why this, not that*: each pixel's share of the margin of
  the digit read over another (red for, blue against);
* :class:`FlipView`, *What would change its mind*: where ink would have to be
  added or taken away for the other digit to win;
* :class:`UnitsView`, *Hidden units*: the first-layer units that fire most,
  each as the picture of its incoming weights;
* :class:`UnitGridView`, *All units*: every first-layer unit, sorted by how
  much it matters to a chosen digit; a click shows the MNIST test images that
  excite it most (the window loads the test set in the background when this
  view first asks, :class:`~digitpad.gui.evaluate.TestSetLoader`).

The maths is :mod:`digitpad.insight`; here are only pictures and words.  Each
view draws the reading it was given (never a second read) and asks to be
refreshed at most every :attr:`InsightView.interval_ms` (the hidden units
twenty times a second, the costly flip ten); the docks that hold them, the View
menu and when each is refreshed are :mod:`digitpad.gui.docks`.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from digitpad import insight

from .plots import PictureGrid

TOP_UNITS = 12
EXCITING = 9
NO_TILES = np.zeros((0, 28, 28, 3), np.uint8)


class DigitBox(QComboBox):
    """A list of digits to pick from.  With the focus, a digit typed picks its item, as in
    any list: the window's one-key shortcuts (0-9: keep the drawing as a correction) do not
    take it."""

    def event(self, event):
        if (event.type() == QEvent.ShortcutOverride and event.text().isdigit()
                and not event.modifiers() & ~Qt.KeypadModifier):
            event.accept()
            return True
        return super().event(event)


def ink_picture(image):
    """A 28x28 input as dark ink on white, RGB."""
    return insight.tint(image, np.zeros(np.shape(image)), fade=1.0)


def weight_pictures(network, units=None):
    """First-layer units' incoming weights, red where ink excites, blue where it inhibits,
    each scaled to its own largest weight."""
    w = insight.unit_pictures(network, units).astype(np.float64)
    w /= np.maximum(np.abs(w).max(axis=(1, 2), keepdims=True), 1e-12)
    return insight.tint(None, w, scale=1.0)


def fixed_label(name, lines):
    """A word-wrapped label of a fixed height: new text never moves the docks around
    (a relayout would repaint every view, on every reading)."""
    label = QLabel(wordWrap=True, objectName=name, alignment=Qt.AlignLeft | Qt.AlignTop)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setFixedHeight(lines * label.fontMetrics().lineSpacing() + 4)
    return label


class InsightView(QWidget):
    """A view of the window's current reading (:attr:`prediction`, which :class:`Views`
    sets from ``predictionChanged``), drawn by :meth:`refresh`; the model in use is the
    window's session's."""
    name = title = ""
    area = Qt.RightDockWidgetArea
    size = (320, 260)           # what it asks for; the sheet gets the rest
    caption_lines = 4
    interval_ms = 0             # at least this long between two refreshes (and a frame)

    def sizeHint(self):
        return QSize(*self.size)

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.prediction = None      # the reading to show: reading.Prediction, or None
        self.caption = fixed_label(f"{self.name}Caption", self.caption_lines)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(6, 4, 6, 4)

    def network(self):
        return self.window.session.network

    def model_changed(self):
        """The model in use changed: a view that keeps what it computed from the old one
        (the units' pictures, the sorted grid) drops it here."""

    def refresh(self):
        raise NotImplementedError


class ContrastView(InsightView):
    """A view of the digit read against another: the runner-up, or one the person picks."""

    def __init__(self, window):
        super().__init__(window)
        self.against_box = DigitBox(objectName=f"{self.name}Against")
        self.against_box.addItem("the runner-up", None)
        for d in range(10):
            self.against_box.addItem(str(d), d)
        self.against_box.currentIndexChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.against_label))
        row.addWidget(self.against_box)
        row.addStretch()
        self.grid = PictureGrid(columns=self.columns, captions=self.columns > 1, centered=True)
        self.grid.setObjectName(f"{self.name}Grid")
        self.grid.setMinimumSize(160, 110)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.grid, 1)
        self.layout_.addWidget(self.caption)
        self.pair = None

    def choose(self, prediction):
        """``(digit, against)``: the digit read (even when unsure), and the other one."""
        digit = prediction.best
        chosen = self.against_box.currentData()
        if chosen is None or chosen == digit:
            chosen = insight.runner_up(prediction.probabilities, digit)
        return digit, chosen

    @Slot()
    def refresh(self):
        prediction, network = self.prediction, self.network()
        if prediction is None or network is None:
            self.pair = None
            self.grid.set_tiles(NO_TILES)
            self.caption.setText("Draw a digit on the sheet." if network is not None
                                 else "No model.")
            return
        self.pair = self.choose(prediction)
        self.show_pair(network, prediction.image, *self.pair)


class WhyView(ContrastView):
    name, title = "why", "Why this, not that"
    against_label = "Why this digit and not"
    columns = 1

    def show_pair(self, network, image, digit, against):
        self.pixel_map, self.bias_share = insight.contributions(
            network, image, digit, against, dtype=network.weights[0].dtype)
        ink = float(self.pixel_map.sum())
        self.grid.set_tiles(insight.tint(image, self.pixel_map)[None])
        self.caption.setText(
            f"<b>{digit}</b> beats <b>{against}</b> by {ink + self.bias_share:.2f} (logits) = "
            f"{ink:+.2f} from the ink {self.bias_share:+.2f} from the biases. "
            f"<span style='color:rgb{insight.FOR}'>Red</span> ink pushed toward {digit}, "
            f"<span style='color:rgb{insight.AGAINST}'>blue</span> toward {against}.")


class FlipView(ContrastView):
    name, title = "flip", "What would change its mind"
    against_label = "What would make it read"
    columns = 2
    interval_ms = 100           # the costliest view: ten times a second is live enough

    def show_pair(self, network, image, digit, against):
        self.flip = f = insight.flip(network, image, digit, against)
        after = np.clip(np.asarray(image) + f.change, 0, 1)
        self.grid.set_tiles(np.stack([insight.tint(image, f.change, insight.ADD, insight.REMOVE),
                                      ink_picture(after)]),
                            captions=["where", f"after: reads {f.read_after}"])
        add = f"<span style='color:rgb{insight.ADD}'>green</span>"
        remove = f"<span style='color:rgb{insight.REMOVE}'>orange</span>"
        if f.flipped:
            self.caption.setText(
                f"Add ink at the {add} pixels and take it away at the {remove} ones "
                f"({f.pixels} of the 784) and it reads <b>{against}</b>: the margin of "
                f"{digit} over {against} goes from {f.margin_before:.2f} to "
                f"{f.margin_after:.2f}.")
        else:
            self.caption.setText(
                f"No small change found that makes it read {against}: after changing "
                f"{f.pixels} pixels it reads {f.read_after}.")


class UnitsView(InsightView):
    name, title = "units", "Hidden units"
    area = Qt.BottomDockWidgetArea
    size = (520, 250)
    caption_lines = 2
    interval_ms = 50

    def __init__(self, window):
        super().__init__(window)
        self.grid = PictureGrid(columns=6, captions=True)
        self.grid.setObjectName("unitsGrid")
        self.grid.setMinimumSize(240, 110)
        self.layout_.addWidget(self.grid, 1)
        self.layout_.addWidget(self.caption)
        self.pictures = None
        self.units, self.activations = np.zeros(0, int), np.zeros(0)

    def model_changed(self):
        self.pictures = None

    @Slot()
    def refresh(self):
        prediction, network = self.prediction, self.network()
        if network is None or len(network.weights) < 2:
            self.units = np.zeros(0, int)
            self.grid.set_tiles(NO_TILES)
            self.caption.setText("No model." if network is None else "This network has no "
                                 "hidden layer.")
            return
        if self.pictures is None:
            self.pictures = weight_pictures(network)
        if prediction is None:
            self.units, self.activations = np.zeros(0, int), np.zeros(0)
            firing = 0
        else:
            self.units, self.activations = insight.top_units(network, prediction.image,
                                                             TOP_UNITS)
            firing = int(np.count_nonzero(insight.hidden_activations(network,
                                                                     prediction.image)[0]))
        self.grid.set_tiles(self.pictures[self.units],
                            captions=[f"#{u}: {a:.1f}" for u, a in zip(self.units,
                                                                        self.activations)],
                            tooltips=[f"unit {u}: activation {a:.2f}" for u, a in
                                      zip(self.units, self.activations)])
        total = network.sizes[1]
        self.caption.setText(
            "Draw a digit to see which units fire." if prediction is None else
            f"{firing} of the {total} units of the first hidden layer fire; the {len(self.units)}"
            f" strongest, each as its incoming weights (red: ink there excites it, blue: "
            f"inhibits it) with its activation.")


class UnitGridView(InsightView):
    name, title = "grid", "All units"
    area = Qt.BottomDockWidgetArea
    size = (520, 250)
    caption_lines = 3

    def __init__(self, window):
        super().__init__(window)
        self.digit_box = DigitBox(objectName="gridDigit")
        for d in range(10):
            self.digit_box.addItem(str(d), d)
        self.digit_box.currentIndexChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(QLabel("Units sorted by how much they matter to"))
        row.addWidget(self.digit_box)
        row.addStretch()
        self.grid = PictureGrid(columns=None, captions=False, zoom=True)
        self.grid.setObjectName("allUnitsGrid")
        self.grid.setMinimumSize(240, 110)
        self.grid.clicked.connect(self.choose)
        self.detail = PictureGrid(columns=1 + EXCITING, captions=True)
        self.detail.setObjectName("excitingGrid")
        self.detail.setMinimumHeight(60)
        self.detail_caption = fixed_label("excitingCaption", 2)
        self.detail_caption.setText("Click a unit to see the MNIST test images that excite it "
                                    "most.")
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.grid, 3)
        self.layout_.addWidget(self.caption)
        self.layout_.addWidget(self.detail, 2)
        self.layout_.addWidget(self.detail_caption)
        self.order = self.scores = None
        self.shown = None               # (id of the network, digit, with the test set?) shown
        self.unit = None                # the unit whose images are shown (or asked for)
        self.exciting = np.zeros(0, int)
        window.test_set_loader.status.connect(self.detail_caption.setText)
        window.test_set_loader.failed.connect(self._on_failed)
        window.testSetChanged.connect(self._on_loaded)

    def model_changed(self):
        self.shown = None
        self.unit = None
        self.exciting = np.zeros(0, int)
        self.detail.set_tiles(NO_TILES)

    @Slot()
    def refresh(self):
        """The grid depends on the model, the digit and the test set, not on the drawing."""
        network, digit, test_set = self.network(), self.digit_box.currentData(), \
            self.window.session.test_set
        if network is None or len(network.weights) < 2:
            self.grid.set_tiles(NO_TILES)
            self.caption.setText("No hidden layer to show.")
            return
        if self.shown == (id(network), digit, test_set is not None):
            return
        self.shown = (id(network), digit, test_set is not None)
        self.order, self.scores = insight.units_for(network, digit, *(test_set or ()))
        self.grid.set_tiles(weight_pictures(network, self.order),
                            tooltips=[f"unit {u}: {s:+.3f} for {digit}; click for the "
                                      f"images that excite it" for u, s in
                                      zip(self.order, self.scores)])
        deeper = "" if len(network.weights) == 2 else (
            " (through the deeper layers as if all their units were active)")
        how = (f"its mean share of {digit}'s logit over the mean of all ten on the MNIST "
               f"test images of {digit} (its activation times what one unit of it adds "
               f"there)") if test_set is not None else (
            f"its vote alone until the MNIST test images are loaded (what one unit of its "
            f"activation adds to {digit}'s logit over the mean of all ten{deeper})")
        self.caption.setText(
            f"All {len(self.order)} first-layer units, the most for {digit} first (top left), "
            f"the most against it last. A unit's score is {how}.")
        if test_set is None:
            self.window.test_set_loader.load()

    @Slot(int)
    def choose(self, index):
        """Show the test images that excite the unit at ``index`` of the grid most."""
        if self.order is None or not 0 <= index < len(self.order):
            return
        self.unit = int(self.order[index])
        self.show_unit()

    def show_unit(self):
        network, test_set = self.network(), self.window.session.test_set
        if self.unit is None or network is None or test_set is None:
            return
        images, labels = test_set
        self.exciting, values = insight.exciting(network, images, self.unit, EXCITING)
        tiles = np.concatenate([weight_pictures(network, [self.unit]),
                                np.stack([ink_picture(images[i] / 255.0) for i in self.exciting])])
        self.detail.set_tiles(tiles, captions=[f"unit {self.unit}"] + [
            f"{labels[i]}: {v:.1f}" for i, v in zip(self.exciting, values)])
        self.detail_caption.setText(
            f"Unit {self.unit} and the {len(self.exciting)} of the {len(images):,} MNIST test "
            f"images that excite it most (their digit, and the unit's activation).")

    @Slot(object)
    def _on_loaded(self, _test_set):
        self.refresh()
        self.show_unit()

    @Slot(str)
    def _on_failed(self, message):
        self.detail_caption.setText(f"Could not load the MNIST test images: {message}")


VIEWS = (WhyView, FlipView, UnitsView, UnitGridView)
NAMES = tuple(v.name for v in VIEWS)
