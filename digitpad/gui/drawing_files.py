"""File > Open image and File > Save drawing: the sheet from and to files."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QMessageBox

from digitpad import store
from digitpad.images import ImageError, load_ink
from digitpad.model.files import atomic_write

from .filedialog import ask_path

IMAGES = ("Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp *.pgm *.ppm);;"
          "All files (*)")


def open_image(window, path=None):
    """Put the digit of an image file on ``window``'s sheet (asks for a file when ``path``
    is None); False when cancelled or unreadable (a message says why)."""
    path = path or ask_path(window, "Open an image of a digit", "images", IMAGES)
    if not path:
        return False
    try:
        ink = load_ink(path)
    except ImageError as e:
        QMessageBox.warning(window, "Cannot open the image", str(e))
        return False
    window.canvas.set_image(ink)
    window.statusBar().showMessage(f"Opened {Path(path).name}", 5000)
    return True


def save_drawing(window, path=None):
    """Save ``window``'s sheet as a PNG (asks where when ``path`` is None), whole or not at
    all, never over the shipped model; False when cancelled or not written."""
    path = path or ask_path(window, "Save the drawing", "images", "PNG images (*.png)",
                            name="digit.png", save=True, suffix="png")
    if not path:
        return False
    png = QBuffer()
    png.open(QIODevice.WriteOnly)
    window.canvas.image().save(png, "PNG")
    try:
        store.check_not_shipped(path)
        with atomic_write(path) as f:      # a failed save keeps the old file whole
            f.write(bytes(png.data()))
    except OSError as e:
        QMessageBox.warning(window, "Cannot save the drawing",
                            f"{path} could not be written: {e.strerror or e}")
        return False
    window.canvas.set_modified(False)
    window.statusBar().showMessage(f"Saved {Path(path).name}", 5000)
    return True
