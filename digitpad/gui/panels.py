"""The window's panels: what the network reads and what it sees, and the status bar.

:class:`ReadingPanel` holds the verdict ("7", or "?" when it declines), a
caption, ten :class:`ProbabilityBars`, the row of "Wrong? It's a:" buttons
and the :class:`InputPreview` of the 28x28 image the network reads.  It only
shows a :class:`digitpad.reading.Prediction`; it decides nothing.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QSizePolicy, QStatusBar, QStyle,
                               QStyleOption, QToolButton, QVBoxLayout, QWidget)

from digitpad import reading

BAR = QColor(66, 133, 244)
BAR_TOP = QColor(25, 103, 210)
BAR_UNSURE = QColor(160, 160, 160)
TRACK = QColor(232, 234, 237)
RIGHT = Qt.AlignRight | Qt.AlignVCenter


class ProbabilityBars(QWidget):
    """Ten labelled bars, one per digit, with percentages; the top guess stands out."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("bars")
        self.probabilities = None
        self.digit = None
        self.setMinimumSize(220, 10 * 22)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)

    def sizeHint(self):
        return QSize(260, 10 * 24)

    def set_prediction(self, prediction):
        if prediction is None:
            self.probabilities, self.digit = None, None
        else:
            self.probabilities, self.digit = prediction.probabilities, prediction.digit
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        row = self.height() / 10
        metrics = painter.fontMetrics()
        label_w = metrics.horizontalAdvance("0") + 14
        pct_w = metrics.horizontalAdvance("100.0%") + 10
        track_w = max(10, self.width() - label_w - pct_w)
        probabilities = self.probabilities
        best = None if probabilities is None else int(np.argmax(probabilities))
        font = self.font()
        bold = QFont(font)
        bold.setBold(True)
        text = self.palette().windowText().color()
        # The tracks first, then the bars, then the text: each kind with one pen and
        # brush set once (a row at a time set them ten times over; the same pixels).
        painter.setPen(Qt.NoPen)
        painter.setBrush(TRACK)
        tracks = [QRectF(label_w, d * row + row * 0.2, track_w, row * 0.6) for d in range(10)]
        for track in tracks:
            painter.drawRoundedRect(track, 3, 3)
        for d, track in enumerate(tracks):
            p = 0.0 if probabilities is None else float(probabilities[d])
            if track_w * p >= 1:
                color = BAR_TOP if d == best else BAR
                if d == best and self.digit is None:
                    color = BAR_UNSURE
                painter.setBrush(color)
                filled = QRectF(track)
                filled.setWidth(track_w * p)
                radius = min(3.0, filled.width() / 2)
                painter.drawRoundedRect(filled, radius, radius)
        painter.setPen(text)
        painter.setFont(font)
        for d in range(10):
            top = d * row
            if d == best:
                painter.setFont(bold)
            painter.drawText(QRectF(0, top, label_w - 6, row), RIGHT, str(d))
            if probabilities is not None:
                painter.drawText(QRectF(label_w + track_w, top, pct_w, row), RIGHT,
                                 f"{100 * float(probabilities[d]):.1f}%")
            if d == best:
                painter.setFont(font)
        painter.end()


class InputPreview(QWidget):
    """The 28x28 image the network reads, enlarged, white ink on black as in MNIST."""

    def __init__(self, parent=None, scale=5):
        super().__init__(parent)
        self.setObjectName("preview")
        self.setFixedSize(28 * scale, 28 * scale)
        self._image = None

    def set_image(self, image):
        if image is None:
            self._image = None
        else:
            gray = np.ascontiguousarray(np.clip(np.asarray(image) * 255, 0, 255).astype(np.uint8))
            self._image = QImage(gray.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.black)
        if self._image is not None:
            painter.drawImage(self.rect(), self._image)      # nearest pixels: no smoothing
        painter.setPen(QColor(90, 90, 90))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class ReadingPanel(QWidget):
    """Verdict, caption, bars, the teach buttons (for ``teach_actions``) and the preview."""

    def __init__(self, teach_actions, parent=None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.setFixedWidth(290)
        self.bars = ProbabilityBars()
        self.preview = InputPreview()
        self.verdict = QLabel(objectName="verdict", alignment=Qt.AlignCenter)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 4.5)
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().height())
        self.caption = QLabel(objectName="caption", alignment=Qt.AlignCenter, wordWrap=True)
        self.teach_row = self._teach_row(teach_actions)

        sees = QLabel("What the network sees (28x28)", alignment=Qt.AlignCenter)
        sees.setEnabled(False)
        side = QVBoxLayout(self)
        side.setContentsMargins(12, 4, 4, 4)
        side.addWidget(self.verdict)
        side.addWidget(self.caption)
        side.addSpacing(8)
        side.addWidget(self.bars)
        side.addSpacing(6)
        side.addWidget(self.teach_row)
        side.addSpacing(12)
        side.addWidget(sees)
        side.addWidget(self.preview, 0, Qt.AlignHCenter)
        side.addStretch()

    def _teach_row(self, actions):
        """"Wrong? It's a" and ten digit buttons: keep the drawing with the right label."""
        row = QWidget(objectName="teachRow")
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = QLabel("Wrong? It's a:", alignment=Qt.AlignCenter)
        label.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.teach_buttons = []
        for action in actions:
            button = QToolButton(objectName=f"teach{action.data()}")
            button.setDefaultAction(action)
            button.setAutoRaise(False)
            button.setFixedSize(24, 24)
            buttons.addWidget(button)
            self.teach_buttons.append(button)
        layout.addWidget(label)
        layout.addLayout(buttons)
        return row

    def show_reading(self, prediction, *, has_model=True, empty=True):
        """Show ``prediction`` (None: nothing read, because the sheet is ``empty`` or there is
        no model)."""
        self.bars.set_prediction(prediction)
        self.preview.set_image(None if prediction is None else prediction.image)
        if not has_model:
            self.verdict.setText("–")
            self.caption.setText("No model: train one with Model > Retrain...")
        elif prediction is None:
            self.verdict.setText("–")
            self.caption.setText("Draw a digit on the sheet" if empty else "No ink: draw a digit")
        elif prediction.digit is None:
            self.verdict.setText("?")
            text = f"not sure: looks most like {prediction.best}"
            if prediction.reason not in (None, reading.NOT_SURE):
                text += f"\n({prediction.reason})"
            self.caption.setText(text)
        else:
            p = prediction.probabilities[prediction.digit]
            self.verdict.setText(str(prediction.digit))
            self.caption.setText(f"{100 * p:.0f}% sure")


def sheet_beside(canvas, panel):
    """The window's central widget: the sheet (the canvas, framed) and the panel at its right."""
    sheet = QFrame(objectName="sheet", frameShape=QFrame.StyledPanel)
    sheet_layout = QVBoxLayout(sheet)
    sheet_layout.setContentsMargins(1, 1, 1, 1)
    sheet_layout.addWidget(canvas)
    central = QWidget()
    layout = QHBoxLayout(central)
    layout.addWidget(sheet, 1)
    layout.addWidget(panel)
    return central


class StatusBar(QStatusBar):
    """A status bar that elides a message too long for it ("...") instead of cutting it
    off, and shows the whole message as its tooltip; the model in use at its right, in
    short, so that at the window's default size a message is read whole beside it."""
    MODEL_PIXELS = 280                  # the model's short line is elided beyond this

    def __init__(self, parent=None):
        super().__init__(parent)
        self.messageChanged.connect(self.setToolTip)
        self.model_label = QLabel(objectName="modelLabel")
        self.addPermanentWidget(self.model_label)

    def show_model(self, text, detail=None):
        """Say which model is in use: ``text`` (elided in the middle when long), and
        ``detail`` (or ``text``) whole as a tooltip."""
        self.model_label.setText(self.model_label.fontMetrics().elidedText(
            text, Qt.ElideMiddle, self.MODEL_PIXELS))
        self.model_label.setToolTip(detail or text)

    def message_rect(self):
        """Where the message goes: left of the permanent widgets, as QStatusBar puts it."""
        rect = self.rect().adjusted(6, 0, -12, 0)
        for child in self.findChildren(QWidget, options=Qt.FindDirectChildrenOnly):
            if child.isVisible() and child.x() > rect.left():
                rect.setRight(min(rect.right(), child.x() - 2))
        return rect

    def shown_message(self):
        """The message as painted: elided to fit, when it is too long."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.ElideRight,
                                             self.message_rect().width())

    def paintEvent(self, event):
        message = self.currentMessage()
        if not message or self.shown_message() == message:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(), Qt.AlignLeading | Qt.AlignVCenter
                         | Qt.TextSingleLine, self.shown_message())
        painter.end()
