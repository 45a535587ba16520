"""Compare before adopt: a new model beside the one in use, and the person decides.

When Retrain or Learn ends, :class:`CompareDialog` shows both models on the
same measures (:class:`digitpad.scores.Comparison`: MNIST test accuracy,
held-out pen digits read right, non-digits declined), says in words what the
new model does worse, and asks: use the new model, or keep the one in use.
The default button is the better of the two; Escape keeps the one in use.
Accepted means "use the new model".  "Save the new model as..." keeps it in a
file of the person's choice either way (``save_requested``), so that keeping
the one in use need not throw away a long run.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)


class CompareDialog(QDialog):
    """The new model beside the one in use; accept: use the new one, reject: keep."""
    save_requested = Signal()

    def __init__(self, comparison, current_name, note="", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Use the new model?")
        self.setObjectName("compareDialog")
        self.comparison = comparison

        rows = comparison.rows()
        self.table = QTableWidget(len(rows), 2, objectName="comparison")
        self.table.setHorizontalHeaderLabels(["In use", "New model"])
        self.table.setVerticalHeaderLabels([label for label, _, _ in rows])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        for r, (_, old, new) in enumerate(rows):
            for c, value in enumerate((old, new)):
                item = QTableWidgetItem(f"{100 * value:.2f}%")
                item.setTextAlignment(Qt.AlignCenter)
                better = value > (new if c == 0 else old) + 0.001
                font = item.font()
                font.setBold(better)
                item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.setFixedHeight(self.table.verticalHeader().length()
                                  + self.table.horizontalHeader().height() + 4)

        losses = comparison.losses()
        better = comparison.new_is_better()
        verdict = ("The new model is better overall." if better else
                   "The model in use is better overall.")
        words = " ".join(losses) if losses else \
            "The new model is at least as good on every measure."
        self.verdict = QLabel(f"<p><b>{verdict}</b> {words}</p>" +
                              (f"<p><i>{note}</i></p>" if note else ""),
                              wordWrap=True, objectName="verdict")

        buttons = QDialogButtonBox()
        self.use_new_button = QPushButton("Use the new model", objectName="useNewButton")
        self.keep_button = QPushButton("Keep the one in use", objectName="keepButton")
        buttons.addButton(self.use_new_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.RejectRole)
        self.save_button = QPushButton("Save the new model as...", objectName="saveNewButton")
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        self.save_button.clicked.connect(self.save_requested)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # Return presses the better one, wherever the focus is.
        for button in (self.use_new_button, self.keep_button, self.save_button):
            button.setAutoDefault(False)
        (self.use_new_button if better else self.keep_button).setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"The model in use ({current_name}) and the new one, "
                                "measured the same way:", wordWrap=True))
        layout.addWidget(self.table)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def default_button(self):
        return self.use_new_button if self.use_new_button.isDefault() else self.keep_button
