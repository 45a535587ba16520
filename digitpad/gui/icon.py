"""The app's icon: a 7 written with a round pen on a sheet of paper, drawn by code; and the
sheet's cursor while the eraser is on (:func:`eraser_cursor`).

:func:`app_icon` draws it at the usual icon sizes; ``python -m digitpad.gui.icon
FILE.png`` saves it (``digitpad/data/digitpad.png``, the copy that ships for
desktop launchers, was made so).
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZES = (16, 24, 32, 48, 64, 128, 256)
PAPER, EDGE, INK = QColor(255, 255, 255), QColor(160, 160, 160), QColor(25, 25, 35)


def icon_pixmap(size):
    """The icon as a ``size`` x ``size`` pixmap (transparent around the sheet)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    s = float(size)
    painter.setPen(QPen(EDGE, max(1.0, s / 64)))
    painter.setBrush(PAPER)
    painter.drawRoundedRect(QRectF(0.06 * s, 0.06 * s, 0.88 * s, 0.88 * s), 0.14 * s, 0.14 * s)
    seven = QPainterPath(QPointF(0.27 * s, 0.30 * s))          # the bar, a little uphill
    seven.quadTo(QPointF(0.50 * s, 0.26 * s), QPointF(0.73 * s, 0.27 * s))
    seven.quadTo(QPointF(0.52 * s, 0.50 * s), QPointF(0.43 * s, 0.78 * s))   # the stem
    painter.setPen(QPen(INK, 0.11 * s, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    painter.setBrush(Qt.NoBrush)
    painter.drawPath(seven)
    painter.end()
    return pixmap


def app_icon():
    """The window's and the application's icon, at every size of :data:`SIZES`."""
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(icon_pixmap(size))
    return icon


def eraser_cursor(size=24):
    """The sheet's cursor in eraser mode: a white eraser with a dark edge and a pink band,
    tilted as one is held, its middle where it erases (unlike the drawing pen's cross)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.translate(size / 2, size / 2)
    painter.rotate(-35)
    body = QRectF(-0.38 * size, -0.2 * size, 0.76 * size, 0.4 * size)
    painter.setPen(QPen(INK, max(1.0, size / 16)))
    painter.setBrush(PAPER)
    painter.drawRoundedRect(body, 0.08 * size, 0.08 * size)
    painter.setBrush(QColor(235, 120, 150))
    painter.drawRect(QRectF(body.right() - 0.24 * size, body.top(), 0.24 * size, body.height()))
    painter.end()
    return QCursor(pixmap, size // 2, size // 2)


if __name__ == "__main__":                  # python -m digitpad.gui.icon FILE.png
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    sys.exit(0 if icon_pixmap(256).save(sys.argv[1], "PNG") else 1)
