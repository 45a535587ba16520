"""A number on the sheet: its verdict, digit by digit, and a strip of every digit's 28x28.

:class:`NumberView` shows a :class:`digitpad.numbers.NumberReading` of two digits
or more in the :class:`~digitpad.gui.panels.ReadingPanel`: the verdict becomes
the number ("1969", "?" for a digit the network is not sure of), each digit a
link that selects it; the caption says how sure each digit is; and a strip
below it shows each digit's 28x28 image with its reading, the selected one
checked.  The bars and the preview stay the panel's: they show the selected
digit.  For a single digit (or nothing) the strip hides and the panel looks as
it always has.  It decides nothing: the window says which digit is selected.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QToolButton, QWidget

THUMB = 2                   # the strip's 28x28 images, enlarged this many times


def digit_text(prediction):
    """"7", or "?" for a digit the network is not sure of."""
    return "?" if prediction.digit is None else str(prediction.digit)


def verdict_html(number, selected, color="#000000"):
    """The number as rich text, each digit a link (``href`` its index) in ``color``, the
    selected one underlined."""
    parts = []
    for i, p in enumerate(number.digits):
        style = f"color: {color}; text-decoration: " + (
            "underline" if i == selected else "none")
        parts.append(f'<a href="{i}" style="{style}">{digit_text(p)}</a>')
    return "".join(parts)


def caption_text(number, selected):
    """"Not a number" or the count, then the selected digit and how sure it is."""
    p = number.digits[selected]
    sure = f"{100 * p.confidence:.0f}%"
    head = "Not a number" if number.text is None else f"{len(number)} digits"
    if p.digit is None:
        which = f"digit {selected + 1}: not sure, looks most like {p.best} ({sure})"
    else:
        which = f"digit {selected + 1}: {p.digit}, {sure} sure"
    return f"{head}; {which}\n(click a digit to see it)"


def _icon(image):
    gray = np.ascontiguousarray(np.clip(np.asarray(image) * 255, 0, 255).astype(np.uint8))
    qimage = QImage(gray.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(qimage.scaled(28 * THUMB, 28 * THUMB)))


class DigitStrip(QScrollArea):
    """One checkable button per digit (its 28x28 image, its reading and how sure);
    ``picked(index)`` when the person clicks one."""
    picked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent, objectName="digitStrip", widgetResizable=True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setFixedHeight(28 * THUMB + 58)
        self.buttons = []
        self._row = QWidget()
        self._layout = QHBoxLayout(self._row)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addStretch()
        self.setWidget(self._row)

    def show_digits(self, number, selected):
        while len(self.buttons) < len(number):
            button = QToolButton(checkable=True, toolButtonStyle=Qt.ToolButtonTextUnderIcon,
                                 iconSize=QSize(28 * THUMB, 28 * THUMB))
            button.setObjectName(f"digit{len(self.buttons)}")
            index = len(self.buttons)
            button.clicked.connect(lambda _=False, i=index: self.picked.emit(i))
            self._layout.insertWidget(index, button)
            self.buttons.append(button)
        for i, button in enumerate(self.buttons):
            button.setVisible(i < len(number))
            if i < len(number):
                p = number.digits[i]
                button.setIcon(_icon(p.image))
                button.setText(f"{digit_text(p)}\n{100 * p.confidence:.0f}%")
                button.setToolTip(f"digit {i + 1}: {p.reason or digit_text(p)}")
                button.setChecked(i == selected)
        if 0 <= selected < len(self.buttons):
            self.ensureWidgetVisible(self.buttons[selected])


class NumberView:
    """Shows a number in ``panel`` (a ReadingPanel): the verdict as links, the caption,
    the strip (inserted under the caption).  ``picked`` is the strip's and the verdict's
    signal: connect it to select a digit."""

    def __init__(self, panel):
        self.panel = panel
        self.strip = DigitStrip(panel)
        self.strip.hide()
        layout = panel.layout()
        layout.insertWidget(layout.indexOf(panel.caption) + 1, self.strip)
        panel.verdict.setTextFormat(Qt.RichText)
        panel.verdict.setTextInteractionFlags(Qt.LinksAccessibleByMouse)
        self.picked = self.strip.picked
        panel.verdict.linkActivated.connect(lambda href: self.picked.emit(int(href)))

    def show_number(self, number, selected):
        """Show ``number`` (a NumberReading or None) with digit ``selected`` chosen; for
        fewer than two digits, nothing beyond what the panel shows already."""
        if number is None or len(number) < 2:
            self.strip.hide()
            return
        color = self.panel.verdict.palette().windowText().color().name()
        self.panel.verdict.setText(verdict_html(number, selected, color))
        self.panel.caption.setText(caption_text(number, selected))
        self.strip.show_digits(number, selected)
        self.strip.show()
