"""Image files to ink arrays, for File > Open image... and ``digitpad predict``.

Qt-free.  :func:`load_ink` reads anything Pillow reads (a scan, a photo, a
screenshot, an MNIST-style white-on-black picture) and returns an ink image
(ink 1, paper 0) for :func:`digitpad.preprocess.to_mnist`.  Which side is ink
is decided by the border: paper is what the edges of the picture are mostly
made of.  Every failure is an :class:`ImageError` with a message fit for a
person.  Only regular files are opened (a pipe named ``x.png`` would make
reading wait forever).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from digitpad.model.files import NotRegularFile, open_regular, size_of

# Pictures larger than this on their longer side are reduced first: a digit
# needs no more, and a 50-megapixel photo would otherwise cost a second.
MAX_SIDE = 1024
# Ink fainter than this, once paper is 0 and the darkest ink 1, is noise.
NOISE_FLOOR = 0.15
# A picture whose ink and paper differ by less than this holds no drawing.
MIN_CONTRAST = 0.12


class ImageError(Exception):
    """The file could not be read as a picture of a digit; the message says why."""


def load_ink(path):
    """Read an image file as ``(H, W)`` float32 ink (ink 1, paper 0)."""
    path = Path(path)
    name = path.name
    try:
        with open_regular(path) as file, warnings.catch_warnings():
            if size_of(file) == 0:
                raise ImageError(f"{name}: the file is empty")
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as img:
                img.draft("L", (MAX_SIDE, MAX_SIDE))    # JPEGs decode small, cheaply
                img = ImageOps.exif_transpose(img)
                if max(img.size) > MAX_SIDE:
                    img.thumbnail((MAX_SIDE, MAX_SIDE))
                img.load()
                gray = _gray(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageError(f"{name}: the image is too large to open safely ({e})") from None
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{name}: is a folder, not an image") from None
    except NotRegularFile:
        raise ImageError(f"{name}: not a regular file (a pipe or a device), not an image") \
            from None
    except UnidentifiedImageError:
        raise ImageError(f"{name}: not an image Pillow can read") from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise ImageError(f"{name}: could not read the image ({e})") from None
    except MemoryError:
        raise ImageError(f"{name}: the image is too large to open") from None
    if gray.size == 0:
        raise ImageError(f"{name}: the image is empty")
    return ink_from_picture(gray, name)


def ink_from_picture(gray, name="image"):
    """A grey picture in [0, 1] (either polarity) -> ink in [0, 1], paper 0.

    Raises :class:`ImageError` when the picture is blank.
    """
    gray = np.asarray(gray, dtype=np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    paper = float(np.median(border))
    ink = gray - paper if paper < 0.5 else paper - gray      # light ink on dark paper, or dark on light
    strongest = float(np.percentile(ink, 99.9)) if ink.size > 1000 else float(ink.max())
    if strongest < MIN_CONTRAST:
        raise ImageError(f"{name}: the image is blank (no ink found)")
    ink = np.clip(ink / strongest, 0, 1)
    ink[ink < NOISE_FLOOR] = 0
    return ink.astype(np.float32)


def _gray(img):
    """A Pillow image -> float32 grey levels in [0, 1] (0 black, 1 white)."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        a = np.asarray(img, dtype=np.float32)
        lo, hi = float(a.min()), float(a.max())
        return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255
        if alpha.min() < 0.9:
            # Drawn on a transparent sheet: what is opaque is the ink.
            return 1 - alpha
        img = rgba.convert("RGB")
    return np.asarray(img.convert("L"), dtype=np.float32) / 255
