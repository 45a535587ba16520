"""File > Open image and File > Save drawing: the sheet from and to files."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QImageWriter
from PySide6.QtWidgets import QMessageBox

from digitpad import store
from digitpad.images import ImageError, load_ink
from digitpad.model.files import atomic_write

from .filedialog import ask_path

# The image types a drawing is saved as (by its name's suffix): those Open image reads back.
SAVED_TYPES = ("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "pgm", "ppm")
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
    """Save ``window``'s sheet (asks where when ``path`` is None), whole or not at all, never
    over the shipped model; False when cancelled or not written (a message says why).

    A name without a suffix is saved as a PNG, with ``.png`` added; a name ending in another
    image type that Open image reads back (``.jpg``, ``.bmp``...) is saved in that type;
    any other name is refused, with a message, and the sheet is kept as it is."""
    path = path or ask_path(window, "Save the drawing", "images", "PNG images (*.png)",
                            name="digit.png", save=True, suffix="png")
    if not path:
        return False
    path = Path(path)
    if not path.suffix:
        path = path.with_name(f"{path.name}.png")
    try:
        store.check_not_shipped(path)
        data = encode(window.canvas.image(), path)
        with atomic_write(path) as f:      # a failed save keeps the old file whole
            f.write(data)
    except OSError as e:
        QMessageBox.warning(window, "Cannot save the drawing",
                            f"{path} could not be written: {e.strerror or e}")
        return False
    except ValueError as e:
        QMessageBox.warning(window, "Cannot save the drawing", str(e))
        return False
    window.canvas.set_modified(False)
    window.statusBar().showMessage(f"Saved {path.name}", 5000)
    return True


def encode(image, path):
    """``image`` (a QImage) in the file type ``path``'s suffix names, as bytes; ValueError
    when that is not an image type digitpad saves."""
    kind = path.suffix.lower().lstrip(".")
    writable = {bytes(f).decode().lower() for f in QImageWriter.supportedImageFormats()}
    if kind not in SAVED_TYPES or kind not in writable:
        types = ", ".join(f".{t}" for t in SAVED_TYPES if t in writable)
        raise ValueError(f"{path.name} was not saved: digitpad saves drawings as {types}. "
                         "Choose a name ending in .png (or one of the others).")
    data = QBuffer()
    data.open(QIODevice.WriteOnly)
    if not image.save(data, kind.upper()):
        raise ValueError(f"{path.name} was not saved: the drawing could not be made into "
                         f"a .{kind} image. Choose a name ending in .png.")
    return bytes(data.data())
