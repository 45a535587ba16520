"""Asking for a file name: one dialog for every Open and Save in the app.

A Save dialog adds the file type's suffix when the person types a name
without one (``digit`` is saved as ``digit.png``), as a desktop app should:
without it, a model saved as ``mymodel`` would be hidden by the ``*.npz``
filter of Load model.  Qt's own dialog then asks before replacing an
existing ``digit.png``.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog


def ask_path(parent, title, start, filters, *, save=False, suffix=None):
    """A file name chosen by the person, or "" when they cancel.

    ``suffix`` (without the dot) is added to a name typed without one.
    """
    dialog = QFileDialog(parent, title, str(start), filters)
    dialog.setObjectName("fileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptSave if save else QFileDialog.AcceptOpen)
    dialog.setFileMode(QFileDialog.AnyFile if save else QFileDialog.ExistingFile)
    if suffix:
        dialog.setDefaultSuffix(suffix)
    try:
        if dialog.exec() != QDialog.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
    finally:
        dialog.deleteLater()
