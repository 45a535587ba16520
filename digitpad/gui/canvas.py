"""The drawing sheet: a widget that owns a QImage, in the manner of Qt's Scribble example.

Draw with the left button (or a tablet pen), erase with the right button, the
tablet's eraser end, or in eraser mode.  Every stroke is kept as well as
painted, as a :class:`digitpad.strokes.Stroke` (its points in canvas coordinates, the pen width
and whether it erased), which gives Undo and Redo per stroke and lets the
corrections feature store exactly what a person drew.

Clear and opening an image can be undone too: the sheet they replaced is
kept (the last :data:`KEPT_SHEETS` of them), and Undo on a sheet with no
strokes of its own brings the previous one back.  Undo repaints from a
snapshot of the sheet: one is taken every :data:`SNAPSHOT_POINTS` points or
so (greyscale copies, within :data:`SNAPSHOT_BYTES`; the spacing doubles when
they would not fit), so an undo repaints a few thousand points at most, not
every point on a busy sheet.

The network reads :meth:`Canvas.ink`, a NumPy array with ink 1 and paper 0.

Signals: ``changed`` after every painted segment (many per second while
drawing: listeners should coalesce), ``strokeFinished`` when the pen lifts,
and ``reset`` after a change that is not drawing (clear, undo, redo, a loaded
image).

One module on purpose, as Scribble's canvas is one class: the pen's input,
undo and redo, the snapshots and painting all work on the same strokes and
QImage, and split apart each would need the others' insides.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.strokes import DEFAULT_PEN_WIDTH, Stroke

from .icon import eraser_cursor

PAPER = QColor(Qt.white)
INK = QColor(Qt.black)
# Looked up once: PySide finds a name such as Qt.LeftButton anew at every use, microseconds
# on every mouse event.
BUTTONS = Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton
ANTIALIASING = QPainter.RenderHint.Antialiasing
KEPT_SHEETS = 20              # cleared sheets that Undo can bring back
SNAPSHOT_POINTS = 1000        # points painted between two snapshots, at first
SNAPSHOT_BYTES = 64 << 20     # what the snapshots may take in all
MAX_SNAPSHOTS = 32
MARGIN = 64                   # pixels the sheet has beyond the widget, so it grows in steps
SHRINK_AREA = 4               # a sheet this many times the widget's area (and over
SHRINK_BYTES = 16 << 20       # this size) is made smaller: a huge window made small again


@dataclass
class Sheet:
    """What was on the sheet: its strokes and the opened image under them."""
    strokes: list
    background: tuple | None = None


class Canvas(QWidget):
    changed = Signal()
    strokeFinished = Signal()
    reset = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setAttribute(Qt.WA_StaticContents)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(160, 160)
        self.setCursor(Qt.CrossCursor)
        self.setFocusPolicy(Qt.ClickFocus)   # keys go to the sheet (its shortcuts) once drawn on
        self._image = QImage(QSize(1, 1), QImage.Format_RGB32)
        self._image.fill(PAPER)
        self._pen_width = DEFAULT_PEN_WIDTH
        self._eraser = False
        self._strokes = []           # what is on the sheet, oldest first
        self._undone = []            # strokes (or Sheets) taken back by undo, most recent last
        self._sheets = []            # sheets replaced by Clear or an opened image, for Undo
        self._snapshots = []         # (strokes painted, greyscale QImage, ink rect)
        self._spacing = SNAPSHOT_POINTS
        self._painted = 0            # points painted since the last snapshot
        self._background = None      # an opened image under the strokes: (QImage, QRect)
        self._current = None         # the stroke being drawn
        self._ink_rect = QRect()     # where ink can be: the union of what was drawn
        self._drawn = 0              # how many of the strokes on the sheet draw (not erase)
        self._clipped = False        # the sheet was made smaller than what is drawn on it
        self._modified = False
        self.hint = "Draw a digit here"

    # -- the small public API ------------------------------------------------

    def sizeHint(self):
        return QSize(420, 420)

    def pen_width(self):
        return self._pen_width

    def set_pen_width(self, width):
        self._pen_width = max(1, int(width))

    def is_eraser(self):
        return self._eraser

    def set_eraser(self, on):
        """Eraser mode (the left button erases too), shown by a cursor of its own."""
        self._eraser = bool(on)
        self.setCursor(eraser_cursor() if self._eraser else Qt.CrossCursor)

    @property
    def is_modified(self):
        """True when something was drawn since the last clear or :meth:`set_modified`."""
        return self._modified

    def set_modified(self, modified):
        self._modified = bool(modified)

    @property
    def strokes(self):
        """The strokes on the sheet, oldest first (copies: changing them changes nothing)."""
        return [Stroke(list(s.points), s.width, s.erase) for s in self._strokes]

    def stroke_count(self):
        return len(self._strokes)

    def has_drawing(self):
        """At least one stroke on the sheet draws (is not an eraser stroke); O(1)."""
        return self._drawn > 0

    @property
    def strokes_so_far(self):
        """The strokes on the sheet and a copy of the one being drawn, if any (a new list;
        the finished strokes themselves, which the canvas never changes)."""
        current = self._current
        if current is None:
            return list(self._strokes)
        return self._strokes + [Stroke(list(current.points), current.width, current.erase)]

    def has_image(self):
        """Whether an opened image lies under the strokes."""
        return self._background is not None

    def is_empty(self):
        """Nothing on the sheet: no stroke and no opened image."""
        return not self._strokes and self._background is None and self._current is None

    def can_undo(self):
        return bool(self._strokes or self._sheets) and self._current is None

    def can_redo(self):
        return bool(self._undone) and self._current is None

    def clear(self):
        """Blank the sheet (Undo brings it back) and forget what Redo could bring back."""
        self._current = None
        self._swap(Sheet([]))
        self._undone.clear()
        self._modified = False
        self.reset.emit()

    def undo(self):
        """Take back the last stroke or, on a sheet without strokes, the last Clear."""
        if not self.can_undo():
            return False
        if self._strokes:
            self._undone.append(self._pop_stroke())
            self._repaint_all()
        else:
            self._undone.append(self._swap(self._sheets.pop(), keep=False))
        self._modified = True
        self.reset.emit()
        return True

    def redo(self):
        if not self.can_redo():
            return False
        item = self._undone.pop()
        if isinstance(item, Sheet):
            self._swap(item)
        else:
            self._push_stroke(item)
            self._paint_stroke(item)
            self._note_painted(len(self._strokes), len(item.points))
            self.update()
        self._modified = True
        self.reset.emit()
        return True

    def _push_stroke(self, stroke):
        self._strokes.append(stroke)
        self._drawn += not stroke.erase

    def _pop_stroke(self):
        stroke = self._strokes.pop()
        self._drawn -= not stroke.erase
        return stroke

    def _swap(self, sheet, keep=True):
        """Put ``sheet`` on the canvas; returns the one it replaces (kept for Undo with
        ``keep``, when it held anything)."""
        old = Sheet(self._strokes, self._background)
        if keep and (old.strokes or old.background is not None):
            self._sheets = self._sheets[-(KEPT_SHEETS - 1):] + [old]
        self._strokes, self._background = list(sheet.strokes), sheet.background
        self._drawn = sum(not s.erase for s in self._strokes)
        self._forget_snapshots()
        self._repaint_all()
        return old

    def draw_strokes(self, strokes):
        """Add finished strokes without mouse events (for replays and tests)."""
        for s in strokes:
            stroke = Stroke([(float(x), float(y)) for x, y in s.points], s.width, s.erase)
            if stroke.points:
                self._push_stroke(stroke)
                self._paint_stroke(stroke)
                self._note_painted(len(self._strokes), len(stroke.points))
        self._undone.clear()
        self._modified = True
        self.update()
        self.reset.emit()

    def set_image(self, ink):
        """Put an ink array (ink 1, paper 0) on a blank sheet, scaled to fit with a margin."""
        ink = np.clip(np.asarray(ink, dtype=np.float32), 0, 1)
        gray = np.ascontiguousarray(np.round(255 * (1 - ink)).astype(np.uint8))
        h, w = gray.shape
        picture = QImage(gray.data, w, h, w, QImage.Format_Grayscale8).copy()
        sheet = self.rect() if not self.rect().isEmpty() else QRect(0, 0, 420, 420)
        area = QRectF(sheet).adjusted(12, 12, -12, -12)
        scale = min(area.width() / w, area.height() / h)
        target = QRectF(0, 0, w * scale, h * scale)
        target.moveCenter(area.center())
        self._current = None
        self._swap(Sheet([], (picture, target.toAlignedRect())))
        self._undone.clear()
        self._modified = True
        self.reset.emit()

    def image(self):
        """The visible part of the sheet as a QImage (what Save drawing writes)."""
        return self._image.copy(self._device_rect(self.rect()))

    def ink(self, *, crop=True):
        """The drawing as ``(H, W)`` float32, ink 1 and paper 0.

        With ``crop`` (the default) only the part of the sheet that ink can
        have reached is returned: the paper around it changes nothing in
        :func:`digitpad.preprocess.to_mnist`, which crops to the ink anyway,
        and a smaller array is quicker to read.  ``crop=False`` gives the
        whole sheet.
        """
        rect = self._image.rect()
        if crop:
            rect = self._device_rect(self._ink_rect)
            if rect.isEmpty():
                return np.zeros((1, 1), dtype=np.float32)
        full = np.frombuffer(self._image.constBits(), dtype=np.uint8)
        full = full.reshape(self._image.height(), self._image.bytesPerLine() // 4, 4)
        green = full[rect.top():rect.bottom() + 1, rect.left():rect.right() + 1, 1]
        ink = green.astype(np.float32)
        ink *= -1 / 255
        ink += 1
        return ink

    # -- events --------------------------------------------------------------

    def event(self, event):
        """A dialog that blocks the window while a stroke is drawn (Retrain's "Use the new
        model?", a message) takes the button's release: the stroke ends there."""
        if event.type() == QEvent.WindowBlocked and self._current is not None:
            self._end()
        return super().event(event)

    def mousePressEvent(self, event):
        held = event.buttons() & ~event.button() & BUTTONS
        if self._current is not None and not held:
            self._end()           # its release never came (taken by another window)
        if event.button() in (Qt.LeftButton, Qt.RightButton) and self._current is None:
            self._begin(event.position(), erase=self._eraser or event.button() == Qt.RightButton)
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event):
        if self._current is not None and event.buttons() & BUTTONS:
            self._extend(event.position())
            event.accept()
        else:
            event.ignore()

    def mouseReleaseEvent(self, event):
        if self._current is not None and event.button() in (Qt.LeftButton, Qt.RightButton):
            self._extend(event.position())
            self._end()
            event.accept()
        else:
            event.ignore()

    def tabletEvent(self, event):
        """A pen draws like the mouse; the eraser end of the pen erases."""
        erase = (self._eraser or event.pointerType() == QPointingDevice.PointerType.Eraser
                 or bool(event.buttons() & Qt.RightButton))
        kind = event.type()
        if kind == QTabletEvent.TabletPress and self._current is None:
            self._begin(event.position(), erase=erase)
        elif kind == QTabletEvent.TabletMove and self._current is not None:
            self._extend(event.position())
        elif kind == QTabletEvent.TabletRelease and self._current is not None:
            self._extend(event.position())
            self._end()
        event.accept()   # no synthesised mouse events on top

    def paintEvent(self, event):
        painter = QPainter(self)
        dirty = event.rect()
        painter.fillRect(dirty, PAPER)
        painter.drawImage(QRectF(dirty), self._image, QRectF(self._device_rect(dirty)))
        if self.is_empty() and self.hint:
            painter.setPen(QColor(170, 170, 170))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignCenter, self.hint)
        painter.end()

    def resizeEvent(self, event):
        """The sheet grows with the widget, and shrinks when it is far larger; what is
        drawn beyond a shrunk sheet is kept as strokes and painted again as it grows."""
        self._fit_image()
        super().resizeEvent(event)

    def changeEvent(self, event):
        if event.type() == QEvent.DevicePixelRatioChange:     # moved to another screen
            self._fit_image()
        super().changeEvent(event)

    def _fit_image(self):
        """Make the sheet at least as large as the widget, in the screen's own pixels,
        and not much larger (:data:`SHRINK_AREA`, :data:`SHRINK_BYTES`).

        The image has the screen's device pixel ratio, so strokes are sharp on a
        high-DPI screen while they (and the strokes' points) stay in the
        widget's logical coordinates.
        """
        dpr = self.devicePixelRatioF()
        w = max(math.ceil(self.width() * dpr), 1)
        h = max(math.ceil(self.height() * dpr), 1)
        image = self._image
        if dpr != image.devicePixelRatio():
            self._new_image(w + MARGIN, h + MARGIN, dpr)
        elif w > image.width() or h > image.height():
            size = (max(w + MARGIN, image.width()), max(h + MARGIN, image.height()))
            if self._clipped:                # what the smaller sheet left out: paint it all
                self._new_image(*size, dpr)
                return
            grown = QImage(QSize(*size), QImage.Format_RGB32)
            grown.setDevicePixelRatio(dpr)
            grown.fill(PAPER)
            painter = QPainter(grown)
            painter.drawImage(0, 0, image)
            painter.end()
            self._image = grown
            self._forget_snapshots()     # smaller than the sheet now: repaint whole once
        elif (image.sizeInBytes() > SHRINK_BYTES
              and image.width() * image.height() > SHRINK_AREA * (w + MARGIN) * (h + MARGIN)):
            self._image = image.copy(0, 0, w + MARGIN, h + MARGIN)
            self._image.setDevicePixelRatio(dpr)
            self._forget_snapshots()
            self._clipped = self._beyond_sheet()
            if self._clipped:
                self.reset.emit()            # what is read is what is on the sheet

    def _beyond_sheet(self):
        """Something drawn (or the opened image) lies beyond the sheet's image."""
        rects = [self._ink_rect] + ([self._background[1]] if self._background else [])
        sheet = self._image.rect()
        return any(not r.isEmpty() and not sheet.contains(self._device_rect(r, clip=False))
                   for r in rects)

    def _new_image(self, width, height, dpr):
        """A sheet of ``width`` x ``height`` pixels, painted afresh from the strokes."""
        self._image = QImage(QSize(width, height), QImage.Format_RGB32)
        self._image.setDevicePixelRatio(dpr)
        self._forget_snapshots()
        self._repaint_all()

    def _device_rect(self, rect, clip=True):
        """A rectangle in widget coordinates -> the pixels of the sheet's image it covers
        (with ``clip``; else where they would be)."""
        if rect.isEmpty():
            return QRect()
        dpr = self._image.devicePixelRatio()
        r = QRectF(rect)
        device = QRectF(r.x() * dpr, r.y() * dpr, r.width() * dpr, r.height() * dpr)
        device = device.toAlignedRect()
        return device.intersected(self._image.rect()) if clip else device

    # -- painting --------------------------------------------------------------

    @staticmethod
    def _pen(stroke):
        return _pen(stroke.erase, stroke.width)

    def _begin(self, pos, erase):
        if self.is_empty():
            self.update()                # the hint goes: the whole sheet, not just the pen
        self._undone.clear()
        self._current = Stroke([(pos.x(), pos.y())], self._pen_width, erase)
        self._draw_segment(pos, pos)

    def _extend(self, pos):
        x0, y0 = self._current.points[-1]
        if (pos.x(), pos.y()) == (x0, y0):
            return
        self._current.points.append((pos.x(), pos.y()))
        self._draw_segment(QPointF(x0, y0), pos)

    def _end(self):
        stroke, self._current = self._current, None
        self._push_stroke(stroke)
        self._note_painted(len(self._strokes), len(stroke.points))
        self.strokeFinished.emit()

    def _draw_segment(self, a, b):
        stroke = self._current
        painter = QPainter(self._image)
        painter.setRenderHint(ANTIALIASING)
        painter.setPen(self._pen(stroke))
        _draw(painter, a, b)
        painter.end()
        r = stroke.width / 2 + 2
        dirty = QRectF(a, b).normalized().adjusted(-r, -r, r, r).toAlignedRect()
        if not stroke.erase:
            self._ink_rect = self._ink_rect.united(dirty)
        self._modified = True
        self.update(dirty)
        self.changed.emit()

    def _paint_stroke(self, stroke):
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(self._pen(stroke))
        points = [QPointF(x, y) for x, y in stroke.points]
        _draw(painter, points[0], points[0])      # as the press did: a dot, then segments
        for a, b in zip(points, points[1:]):
            _draw(painter, a, b)
        painter.end()
        if not stroke.erase:
            x0, y0, x1, y1 = stroke.bounds()
            self._ink_rect = self._ink_rect.united(QRectF(x0, y0, x1 - x0, y1 - y0)
                                                   .toAlignedRect())

    def _repaint_all(self):
        """Paint the sheet afresh: from the last snapshot still valid (or the opened
        image) and the strokes painted since."""
        n = len(self._strokes)
        while self._snapshots and self._snapshots[-1][0] > n:
            self._snapshots.pop()
        self._image.fill(PAPER)
        painter = QPainter(self._image)
        if self._snapshots:
            start, snapshot, self._ink_rect = self._snapshots[-1]
            painter.drawImage(0, 0, snapshot)
        else:
            start, self._ink_rect = 0, QRect()
            if self._background is not None:
                picture, target = self._background
                painter.setRenderHint(QPainter.SmoothPixmapTransform)
                painter.drawImage(target, picture)
                self._ink_rect = QRect(target)
        painter.end()
        self._painted = 0
        for k in range(start, n):
            self._paint_stroke(self._strokes[k])
            self._note_painted(k + 1, len(self._strokes[k].points))
        self._clipped = self._beyond_sheet()
        self.update()

    def _note_painted(self, strokes, points):
        """``points`` more were painted, making the first ``strokes`` strokes: take a
        snapshot when enough were painted since the last."""
        self._painted += points
        if self._painted < self._spacing:
            return
        image = self._image.convertToFormat(QImage.Format_Grayscale8)   # all is grey
        image.setDevicePixelRatio(self._image.devicePixelRatio())
        self._snapshots.append((strokes, image, QRect(self._ink_rect)))
        self._painted = 0
        room = max(4, min(MAX_SNAPSHOTS, SNAPSHOT_BYTES // max(image.sizeInBytes(), 1)))
        if len(self._snapshots) > room:
            del self._snapshots[::2]         # keep every other one, twice as far apart
            self._spacing *= 2

    def _forget_snapshots(self):
        self._snapshots, self._spacing, self._painted = [], SNAPSHOT_POINTS, 0


@lru_cache(maxsize=16)
def _pen(erase, width):
    """The pen of an eraser or ink stroke of ``width``, made once (a painter copies it): made
    anew for every segment, it cost about a tenth of a millisecond of each mouse event."""
    return QPen(PAPER if erase else INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)


def _draw(painter, a, b):
    """A segment from a to b with the painter's pen; a tap (a == b) is a round dot.

    ``drawLine`` of zero length paints nothing, even with a round cap.
    """
    if a == b:
        painter.drawPoint(a)
    else:
        painter.drawLine(a, b)
