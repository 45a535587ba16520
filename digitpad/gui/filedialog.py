"""Asking for a file name: one dialog for every Open and Save in the app.

A Save dialog adds the file type's suffix when the person types a name
without one (``digit`` is saved as ``digit.png``), as a desktop app should:
without it, a model saved as ``mymodel`` would be hidden by the ``*.npz``
filter of Load model.  Qt's own dialog then asks before replacing an
existing ``digit.png``.

Each kind of file (images, models, corrections) opens its dialog in the
folder where the last dialog of that kind was accepted (a kind never used
yet: where any was; at first, or when that folder is gone: the home
folder), remembered in ``settings.json`` for the next start too
(:meth:`digitpad.settings.Settings.folder`).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog

from digitpad import store


def ask_path(parent, title, kind, filters, *, name="", save=False, suffix=None):
    """A file name chosen by the person, or "" when they cancel.

    ``kind`` is one of :data:`digitpad.store.FOLDER_KINDS`; ``name`` is the file name
    offered at first; ``suffix`` (without the dot) is added to a name typed without one.
    """
    settings = store.Settings()
    folder = settings.folder(kind) or Path.home()
    dialog = QFileDialog(parent, title, str(folder / name if name else folder), filters)
    dialog.setObjectName("fileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptSave if save else QFileDialog.AcceptOpen)
    dialog.setFileMode(QFileDialog.AnyFile if save else QFileDialog.ExistingFile)
    if suffix:
        dialog.setDefaultSuffix(suffix)
    try:
        if dialog.exec() != QDialog.Accepted or not dialog.selectedFiles():
            return ""
        path = dialog.selectedFiles()[0]
    finally:
        dialog.deleteLater()
    chosen = str(Path(path).parent)
    settings.update(**{"folder": chosen, f"folder_{kind}": chosen})
    return path
