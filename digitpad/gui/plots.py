"""pyqtgraph for the insight views: a grid of small pictures with captions, and a bar chart.

pyqtgraph is imported here only, after making sure it uses PySide6 (it would
otherwise take whichever Qt binding it finds first).  :class:`PictureGrid`
shows many 28x28 pictures as one image (one texture, however many tiles),
with a caption under each, a tooltip per tile, and ``clicked(index)``.
"""
from __future__ import annotations

import os

os.environ["PYQTGRAPH_QT_LIB"] = "PySide6"      # whatever else is installed or set

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QFont, QFontMetrics  # noqa: E402

if pg.Qt.QT_LIB != "PySide6":          # pragma: no cover - a second binding imported first
    raise ImportError(f"pyqtgraph uses {pg.Qt.QT_LIB}; digitpad needs PySide6")

BACKGROUND = (246, 246, 246)
TEXT = (60, 60, 60)
CAPTION_MIN_PX = 40          # captions show under tiles at least this wide on screen,
CAPTION_SPACE_PX = 4         # ... and when the widest fits its cell with this space to spare


class _Tiles(pg.ImageItem):
    """The mosaic: tells which tile the mouse is over and which was clicked."""

    def __init__(self, grid):
        super().__init__(axisOrder="row-major")
        self.grid = grid

    def hoverEvent(self, ev):
        if ev.isExit():
            return
        ev.acceptClicks(Qt.LeftButton)
        index = self.grid.tile_at(ev.pos())
        tips = self.grid.tooltips
        self.setToolTip(tips[index] if index is not None and index < len(tips) else "")

    def mouseClickEvent(self, ev):
        if ev.button() != Qt.LeftButton:
            return
        index = self.grid.tile_at(ev.pos())
        if index is not None:
            ev.accept()
            self.grid.clicked.emit(index)


class PictureGrid(pg.GraphicsView):
    """Pictures ``(n, h, w, 3)`` uint8 in ``columns`` columns (None: as many as show them
    largest in the widget), each with an optional caption.

    The view scales the grid to fit (keeping square pixels); with ``zoom``
    the wheel zooms and dragging pans, for grids of hundreds of tiles; with ``scroll``
    the tiles fill the width and the wheel scrolls through the rows.
    """
    clicked = Signal(int)

    def __init__(self, columns=4, captions=True, zoom=False, gap=2, centered=False,
                 scroll=False, caption_lines=1, parent=None):
        super().__init__(parent, background=BACKGROUND)
        self.auto = columns is None
        self.columns, self.gap, self.centered, self.scroll = columns or 1, gap, centered, scroll
        self.top = 0.0                  # with ``scroll``: the first row shown, in pixels
        self.caption_rows = captions
        self.caption_lines = caption_lines
        self._fitted = None             # screen pixels per picture pixel, as last fitted
        self.box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False,
                              defaultPadding=0.01)
        self.box.setMouseEnabled(zoom, zoom)
        self.box.disableAutoRange()         # fit() sets the range; a new image must not
        self.setCentralItem(self.box)
        self.tiles = _Tiles(self)
        self.box.addItem(self.tiles)
        self.labels = []
        self.tooltips, self.captions = [], []
        self.pictures = np.zeros((0, 28, 28, 3), np.uint8)
        self.count = 0
        self.shape = (28, 28)
        self.font = QFont(self.font())
        self.font.setPointSizeF(max(6.0, self.font.pointSizeF() * 0.8))

    def _cell(self):
        h, w = self.shape
        caption = round(0.5 * h * self.caption_lines) if self.caption_rows else 0
        return w + self.gap, h + self.gap + caption

    def tile_at(self, pos):
        """The index of the tile under ``pos`` (image coordinates), or None."""
        cw, ch = self._cell()
        col, row = int(pos.x() // cw), int(pos.y() // ch)
        x, y = pos.x() - col * cw, pos.y() - row * ch
        index = row * self.columns + col
        inside = 0 <= col < self.columns and x < self.shape[1] and y < self.shape[0]
        return index if inside and 0 <= row and index < self.count else None

    def tile_center(self, index):
        """Where tile ``index``'s centre is on the widget (for tests and screenshots)."""
        self.box.updateMatrix()             # pyqtgraph defers it to the next paint
        cw, ch = self._cell()
        row, col = divmod(index, self.columns)
        point = self.tiles.mapToScene(pg.Point(col * cw + self.shape[1] / 2,
                                               row * ch + self.shape[0] / 2))
        return self.mapFromScene(point)

    def set_tiles(self, pictures, captions=None, tooltips=None):
        """Show ``pictures`` (n, h, w, 3) uint8 (n may be 0)."""
        pictures = np.asarray(pictures, np.uint8)
        relayout = len(pictures) != self.count or (len(pictures) and
                                                   pictures.shape[1:3] != self.shape)
        self.pictures, self.count = pictures, len(pictures)
        if relayout:
            self.top = 0.0
        if self.count:
            self.shape = pictures.shape[1:3]
        if self.auto:
            self.columns = self._best_columns()
        self.tooltips = list(tooltips or captions or [])
        self.captions = list(captions or [])
        self._draw(relayout)

    def _best_columns(self):
        """With ``columns=None``: the number of columns that shows the tiles largest."""
        view = self.viewport().size()
        if self.count < 2 or view.width() < 2 or view.height() < 2:
            return max(1, self.count)
        cw, ch = self._cell()
        columns = np.arange(1, self.count + 1)
        rows = -(-self.count // columns)
        scale = np.minimum(view.width() / (columns * cw), view.height() / (rows * ch))
        return int(columns[np.argmax(scale)])

    def _draw(self, relayout):
        cw, ch = self._cell()
        rows = max(1, -(-self.count // self.columns))
        # RGBX, no levels: pyqtgraph hands it to Qt as it is, the fastest image to draw.
        mosaic = np.empty((rows * ch, self.columns * cw, 4), np.uint8)
        mosaic[:] = BACKGROUND + (255,)
        h, w = self.shape
        for i, picture in enumerate(self.pictures):
            r, c = divmod(i, self.columns)
            mosaic[r * ch:r * ch + h, c * cw:c * cw + w, :3] = picture
        self.tiles.setImage(mosaic, levels=None, autoLevels=False)
        self._set_captions(self.captions, relayout)
        if relayout:
            self.fit()
        elif self._fitted is not None:     # new captions, perhaps wider: do they still fit?
            self._show_captions()

    def fit(self):
        """Show the whole grid, centred or from the top left corner; captions only when
        the tiles are wide enough on screen for them (:func:`captions_fit`)."""
        cw, ch = self._cell()
        rows = max(1, -(-self.count // self.columns))
        width, height = self.columns * cw, rows * ch
        view = self.viewport().size()
        scale = None
        if view.width() > 1 and view.height() > 1:
            scale = min(view.width() / width, view.height() / height)
        if scale is not None and self.scroll:
            scale = view.width() / width
            shown = view.height() / scale
            self.top = min(max(0.0, self.top), max(0.0, height - shown))
            self.box.setRange(xRange=(0, width), yRange=(self.top, self.top + shown),
                              padding=0)
        elif scale is None or self.centered:
            self.box.setRange(xRange=(0, width), yRange=(0, height), padding=0.01)
        else:
            self.box.setRange(xRange=(0, view.width() / scale),
                              yRange=(0, view.height() / scale), padding=0)
        self._fitted = scale
        self._show_captions()

    def _show_captions(self):
        wide = self._fitted is not None and self.captions_fit(self._fitted)
        for label in self.labels:
            label.setVisible(wide)

    def captions_fit(self, scale):
        """Whether the captions show at ``scale`` (screen pixels per picture pixel): the
        tiles at least :data:`CAPTION_MIN_PX` wide, or the widest caption fits its cell."""
        if self.shape[1] * scale >= CAPTION_MIN_PX:
            return True
        metrics = QFontMetrics(self.font)
        widest = max((metrics.horizontalAdvance(line) for t in self.captions
                      for line in t.splitlines()), default=0)
        return 0 < widest + CAPTION_SPACE_PX <= self._cell()[0] * scale

    def _set_captions(self, captions, relayout):
        if relayout or len(captions) != len(self.labels):
            for label in self.labels:
                self.box.removeItem(label)
            self.labels = []
            cw, ch = self._cell()
            for i in range(len(captions) if self.caption_rows else 0):
                r, c = divmod(i, self.columns)
                label = pg.TextItem(color=TEXT, anchor=(0.5, 0))
                label.setFont(self.font)
                label.setPos(c * cw + self.shape[1] / 2, r * ch + self.shape[0])
                self.box.addItem(label)
                self.labels.append(label)
        for label, text in zip(self.labels, captions):
            if label.toPlainText() != text:
                label.setText(text)

    def wheelEvent(self, event):
        if not self.scroll:
            return super().wheelEvent(event)
        self.top -= event.angleDelta().y() / 120 * self._cell()[1]
        self.fit()
        event.accept()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if not getattr(self, "count", 0):
            return
        if self.auto and self._best_columns() != self.columns:
            self.columns = self._best_columns()
            self._draw(relayout=True)
        else:
            self.fit()


class BarChart(pg.PlotWidget):
    """Ten bars (one per digit) with values 0..1; bars at NaN are left out."""

    def __init__(self, title=None, parent=None):
        super().__init__(parent, background=BACKGROUND, title=title)
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.getAxis("bottom").setTicks([[(d, str(d)) for d in range(10)]])
        self.bars = None

    def set_values(self, values, low=None):
        values = np.asarray(values, np.float64)
        if self.bars is not None:
            self.removeItem(self.bars)
        keep = ~np.isnan(values)
        bottom = low if low is not None else 0.0
        self.bars = pg.BarGraphItem(x=np.arange(len(values))[keep], height=values[keep] - bottom,
                                    y0=bottom, width=0.7, brush=(66, 133, 244), pen=None)
        self.addItem(self.bars)
        top = 1.0 if not keep.any() else max(1.0, float(values[keep].max()))
        self.setYRange(bottom, top, padding=0.02)
        self.setXRange(-0.6, len(values) - 0.4, padding=0)
