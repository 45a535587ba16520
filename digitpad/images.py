"""Image files to ink arrays, for File > Open image... and ``digitpad predict``.

Qt-free.  :func:`load_ink` reads anything Pillow reads (a scan, a photo, a
screenshot, an MNIST-style white-on-black picture) and returns an ink image
(ink 1, paper 0) for :func:`digitpad.preprocess.to_mnist`.  Which side is ink
is decided by the border: paper is what the edges of the picture are mostly
made of.  Every failure is an :class:`ImageError` with a message fit for a
person.  Only regular files are opened (a pipe named ``x.png`` would make
reading wait forever).

Memory is bounded whatever the picture's mode and bit depth: before a pixel
is decoded, its size times the bytes Pillow keeps per pixel of its mode
(1 for grey, 2 for 16-bit grey, 4 for colour, alpha, 32-bit and float) must
be within :data:`DECODE_BYTES` (a JPEG is first asked to decode smaller,
``draft``); a picture larger than :data:`MAX_SIDE` is then reduced to grey in
strips of rows (at most :data:`STRIP_BYTES` each), never converted whole.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from digitpad.model.files import NotRegularFile, open_regular, size_of

# Pictures larger than this on their longer side are reduced first: a digit
# needs no more, and a 50-megapixel photo would otherwise cost a second.
MAX_SIDE = 1024
# Ink fainter than this, once paper is 0 and the darkest ink 1, is noise.
NOISE_FLOOR = 0.15
# A picture whose ink and paper differ by less than this holds no drawing.
MIN_CONTRAST = 0.12
# What the decoded picture may take: with the reduction's strips and the process' own,
# an image stays within the 300 MB that any file under 5 MB may cost (docs/performance.md,
# "What do hostile inputs cost?").  89 megapixels of grey (Pillow's limit) fit, 89 of
# 16-bit grey too; colour, alpha, 32-bit and float up to 62 megapixels.
DECODE_BYTES = 240 << 20
STRIP_BYTES = 8 << 20
# Bytes per pixel as Pillow holds each mode in memory (any other mode: 4).
MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
NUMBERS = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")        # grey levels, not 8-bit
# EXIF orientation -> the transposition that shows the picture upright (as ImageOps.exif_transpose).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
           6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}


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
                gray = _upright(_read_gray(img, name), img)
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


def decode_bytes(img):
    """What decoding ``img`` (opened, not loaded) takes in memory, in bytes."""
    return img.width * img.height * MODE_BYTES.get(img.mode, 4)


def _read_gray(img, name):
    """Decode ``img`` within :data:`DECODE_BYTES` and return its grey levels in [0, 1],
    reduced in strips to at most :data:`MAX_SIDE` on its longer side."""
    need = decode_bytes(img)
    if need > DECODE_BYTES:
        raise ImageError(
            f"{name}: the image is too large to open: {img.width:,}x{img.height:,} pixels in "
            f"mode {img.mode} take {need / 2 ** 20:,.0f} MB to decode, more than digitpad's "
            f"limit of {DECODE_BYTES / 2 ** 20:,.0f} MB; scale it down (a digit needs no more "
            f"than {MAX_SIDE} pixels a side)")
    img.load()
    factor = math.ceil(max(img.size) / MAX_SIDE)
    if factor <= 1:
        return _gray(img)
    return _reduced_gray(img, factor)


def _reduced_gray(img, factor):
    """Grey levels of a loaded ``img``, each ``factor`` x ``factor`` block averaged,
    converted a strip of rows at a time (the remainder rows and columns are dropped)."""
    w, h = img.size
    cols = w // factor * factor
    rows = max(1, STRIP_BYTES // (4 * w * factor)) * factor
    numbers = img.mode in NUMBERS
    alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency"
                                                 in img.info)
    grey_parts, alpha_parts = [], []
    for top in range(0, h // factor * factor, rows):
        strip = img.crop((0, top, w, min(top + rows, h // factor * factor)))
        if numbers:
            grey = np.asarray(strip, dtype=np.float32)
        elif alpha:
            rgba = strip.convert("RGBA")
            alpha_parts.append(_blocks(np.asarray(rgba.getchannel("A"), np.float32)
                                       [:, :cols], factor) / 255)
            grey = np.asarray(rgba.convert("RGB").convert("L"), np.float32) / 255
            del rgba
        else:
            grey = np.asarray(strip.convert("L"), dtype=np.float32) / 255
        grey_parts.append(_blocks(grey[:, :cols], factor))
        del strip, grey
    grey = np.concatenate(grey_parts)
    if numbers:
        lo, hi = float(grey.min()), float(grey.max())
        return (grey - lo) / (hi - lo) if hi > lo else np.zeros_like(grey)
    if alpha:
        opacity = np.concatenate(alpha_parts)
        if opacity.min() < 0.9:
            return 1 - opacity          # drawn on a transparent sheet: what is opaque is ink
    return grey


def _blocks(a, factor):
    """The mean of each ``factor`` x ``factor`` block of a 2-D array."""
    h, w = a.shape[0] // factor * factor, a.shape[1] // factor * factor
    return a[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3),
                                                                           dtype=np.float32)


def _upright(gray, img):
    """``gray`` turned as the picture's EXIF orientation says it is seen."""
    try:
        turn = UPRIGHT.get(img.getexif().get(ExifTags.Base.Orientation))
    except Exception:           # noqa: BLE001 - a damaged EXIF block: as it is
        turn = None
    if turn is None:
        return gray
    return np.asarray(Image.fromarray(np.ascontiguousarray(gray, np.float32), "F")
                      .transpose(turn))


def _gray(img):
    """A Pillow image -> float32 grey levels in [0, 1] (0 black, 1 white)."""
    if img.mode in NUMBERS:
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
