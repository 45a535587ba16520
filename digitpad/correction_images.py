"""The kept corrections drawn as images: for My corrections, for Evaluate, and for Learn.

No Qt here.  :func:`render` draws one correction (:class:`digitpad.corrections.Correction`)
as the canvas showed it, eraser strokes included, or at a random size with a random pen as
the pen digits are drawn for training; :func:`correction_images` draws each correction many
times that way through the canvas' own preprocessing, as 28x28 images with their labels
(Learn: :func:`digitpad.teach.correction_images`).  A drawing is rendered at most
:data:`RENDER_PIXELS` on its longer side, so even one spanning 20,000 pixels costs what a
small one does.  :mod:`digitpad.corrections` names both too.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import pendigits, preprocess
from .strokes import Stroke, render as render_strokes

RENDER_PIXELS = 512             # a drawing is rendered at most this large to be read
DRAWING_PHASE = "Drawing your corrections"


def render(correction, rng=None, pen_width=None, supersample=2, tick=None):
    """The drawing as an ink image, as the canvas showed it (eraser strokes included).

    With ``rng``, it is redrawn at a random size with a random pen, as the
    pen digits are for training; else at its own size with its own pens (but
    no larger than :data:`RENDER_PIXELS`, pens scaled alike).  ``tick()`` is called
    every thousand points drawn (:func:`digitpad.strokes.render`).
    """
    x0, y0, x1, y1 = pendigits.bounds([s.array() for s in correction.strokes])
    if rng is None:
        scale = ratio = min(1.0, RENDER_PIXELS / max(x1 - x0, y1 - y0, 1.0))
    else:
        size = rng.uniform(*pendigits.DIGIT_PIXELS)
        scale = size / max(x1 - x0, y1 - y0, 1.0)
        pen = pen_width or size * np.exp(rng.uniform(*np.log(pendigits.PEN_FRACTION)))
        ratio = pen / max(correction.pen_width, 1e-6)        # eraser keeps its proportion
    widths = [s.width * ratio for s in correction.strokes]   # in pixels of the result
    pad = max(widths) / 2 + 2
    placed = [Stroke((s.array() - (x0, y0)) * scale + pad, w, s.erase)
              for s, w in zip(correction.strokes, widths)]
    size = (int(np.ceil((x1 - x0) * scale + 2 * pad)) + 1,
            int(np.ceil((y1 - y0) * scale + 2 * pad)) + 1)
    return render_strokes(placed, size, supersample, tick=tick)


def correction_images(corrections, rng, copies=40, should_stop=None, progress=None, vary=None):
    """Each correction drawn ``copies`` times differently, as 28x28 uint8, with labels.

    ``vary(strokes, rng)``, if given, changes the strokes of every copy but the first (the
    drawing as it was) before it is drawn (Learn's variety, :func:`digitpad.teach.vary`).

    ``should_stop()`` is asked every thousand points drawn (a large drawing takes
    seconds: Cancel must not wait for it); a yes raises
    :class:`model.stopping.Stopped`.  ``progress(phase, done, total)`` is told
    after each drawing.
    """
    from digitpad.model.stopping import Stopped

    def tick():
        if should_stop is not None and should_stop():
            raise Stopped("stopped while drawing the corrections")

    images, labels = [], []
    total = len(corrections) * copies
    for k, c in enumerate(corrections):
        for j in range(copies):
            if progress is not None:
                progress(DRAWING_PHASE, k * copies + j, total)
            drawn = c if vary is None or j == 0 else \
                dataclasses.replace(c, strokes=vary(c.strokes, rng))
            image = preprocess.to_mnist(render(drawn, rng, tick=tick))
            if image is not None:
                images.append(preprocess.to_uint8(image))
                labels.append(c.label)
    return np.array(images, np.uint8).reshape(-1, 28, 28), np.array(labels, np.int64)
