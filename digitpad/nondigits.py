"""Drawings that are not digits, to teach and to test "not a digit".

No Qt here.  One module on purpose: a catalogue of families (each a small
function) and the two sets drawn from them, kept side by side so that which
families train and which only measure reads in one place.  Every drawing is a list of strokes (``(m, 2)`` float arrays, y
down) in a unit box: its longer side is 1, except marks meant to be small
(a lone dot), which keep their small size in the box.  They are drawn and
prepared exactly like the pen digits (:func:`digitpad.pendigits.draw_sample`
with ``unit=True``, then :func:`digitpad.preprocess.to_mnist`).

Two sets are made, kept apart so that measuring on one says something:

* :func:`outlier_images` (for training, label -1): scribbles, zigzags,
  spirals, circles with dots, rings, stars, crosses and plus signs,
  polygons, arrows, check marks, hearts, hatching, dashes, lone dots,
  letters (as strokes and from Pillow's built-in font), two digits side by
  side and two digits on top of each other, written by the *training*
  writers.
* :func:`nondigit_eval_set` / :func:`nondigit_eval_images` (for measuring,
  from other seeds): scribbles, stars, circles with dots, crosses, lone dots,
  letters, two digits side by side written by the *held-out* writers, and
  families never seen in training: smileys, hash signs, squiggles (waves and
  rows of loops).

Letters come from :data:`LETTERS`.  For a stricter test, train with
``alphabet=TRAIN_LETTERS`` and measure with ``alphabet=EVAL_LETTERS``, two
disjoint halves.  Letters that are drawn like digits (O, I, l, S, Z, B, G,
b, g, q, ...) are in neither.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import pendigits, preprocess

TRAIN_LETTERS = "AEHKMRXYaehkmrxLJdtyj"
EVAL_LETTERS = "CFNPTUVWcfnpuvw"
LETTERS = TRAIN_LETTERS + EVAL_LETTERS


@dataclass
class Drawing:
    kind: str
    strokes: list       # (m, 2) float arrays in a unit box, y down


# --- small geometry helpers ----------------------------------------------------------

def _line(*points):
    return np.array(points, dtype=np.float64)


def _arc(cx, cy, rx, ry, start, stop, n=24):
    """Points on an ellipse from angle ``start`` to ``stop`` (degrees, y down)."""
    t = np.deg2rad(np.linspace(start, stop, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _smooth(points, per_segment=8):
    """A Catmull-Rom curve through ``points``: a hand-drawn-looking path."""
    p = np.asarray(points, np.float64)
    if len(p) < 3:
        return p
    p = np.vstack([p[:1], p, p[-1:]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out.append(p[-2:-1])
    return np.vstack(out)


def _dot(x, y):
    return np.array([[x, y]], dtype=np.float64)


def _distort(strokes, rng, rotate=20, shear=0.3, aspect=0.35, wobble=0.006):
    """A random rotation, shear and aspect change, plus a little hand tremor."""
    a = np.deg2rad(rng.uniform(-rotate, rotate))
    s = rng.uniform(-shear, shear)
    k = np.exp(rng.uniform(-aspect, aspect))
    m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ \
        np.array([[k, s], [0, 1 / k]])
    out = []
    for st in strokes:
        st = np.asarray(st, np.float64) @ m.T
        if len(st) > 1:
            st = st + rng.normal(0, wobble, st.shape)
        out.append(st)
    return out


def to_unit(strokes, keep_small=False):
    """Shift and scale so the drawing's longer side is 1 and it starts at (0, 0).

    With ``keep_small`` a drawing already smaller than the unit box keeps its
    size (only shifted to the box's middle): a dot must stay a dot.
    """
    pts = np.concatenate(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    longer = float(max(hi - lo))
    if keep_small:
        return [s - (lo + hi) / 2 + 0.5 for s in strokes]
    longer = max(longer, 1e-9)
    return [(s - lo) / longer for s in strokes]


# --- families of drawings -----------------------------------------------------------

def scribble(rng):
    """A tangle: a smooth path through 8 to 18 random points (fewer make digit-like curves)."""
    strokes = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        strokes.append(_smooth(rng.uniform(0, 1, (rng.integers(8, 19), 2))))
    return strokes


def squiggle(rng):
    """A wave or a row of loops, like cursive handwriting."""
    x = np.linspace(0, 1, 80)
    if rng.random() < 0.5:
        f, amp = rng.uniform(1.5, 4), rng.uniform(0.08, 0.3)
        return [np.stack([x, 0.5 + amp * np.sin(2 * np.pi * f * x + rng.uniform(0, 6))], 1)]
    loops, r = rng.integers(3, 7), rng.uniform(0.1, 0.25)
    t = np.linspace(0, 2 * np.pi * loops, 40 * loops)
    return [np.stack([t / t[-1] + r * np.cos(t + np.pi) * 0.5, 0.5 + r * np.sin(t + np.pi)], 1)]


def zigzag(rng):
    k = rng.integers(4, 10)
    xs = np.linspace(0, 1, k)
    ys = np.where(np.arange(k) % 2 == 0, 0.2, 0.8) + rng.normal(0, 0.05, k)
    return [np.stack([xs, ys], 1)]


def spiral(rng):
    turns = rng.uniform(1.5, 4)
    t = np.linspace(0, 2 * np.pi * turns, int(60 * turns))
    r = 0.05 + 0.45 * t / t[-1]
    return [np.stack([0.5 + r * np.cos(t), 0.5 + r * np.sin(t)], 1)]


def circle_with_dots(rng):
    out = [_arc(0.5, 0.5, 0.5, 0.5, 0, 360 + rng.uniform(0, 30), 48)]
    for _ in range(rng.integers(1, 4)):
        out.append(_dot(*rng.uniform(0.3, 0.7, 2)))
    return out


def smiley(rng):
    face = _arc(0.5, 0.5, 0.5, 0.5, 0, 360, 48)
    eyes = [_dot(0.33, 0.35), _dot(0.67, 0.35)] if rng.random() < 0.6 else \
        [_line((0.33, 0.28), (0.33, 0.42)), _line((0.67, 0.28), (0.67, 0.42))]
    mouth = _arc(0.5, 0.5, 0.28, 0.25, 20, 160, 16)
    return [face, *eyes, mouth] if rng.random() < 0.8 else eyes + [mouth]


def star(rng):
    if rng.random() < 0.6:       # a pentagram in one stroke
        a = np.deg2rad(-90 + 144 * np.arange(6))
        return [np.stack([0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)], 1)]
    arms = rng.integers(3, 5)   # an asterisk
    out = []
    for k in range(arms):
        a = np.pi * k / arms
        d = 0.5 * np.array([np.cos(a), np.sin(a)])
        out.append(_line(0.5 - d, 0.5 + d))
    return out


def hash_sign(rng):
    return [_line((0.3, 0), (0.2, 1)), _line((0.75, 0), (0.65, 1)),
            _line((0, 0.3), (1, 0.3)), _line((0, 0.7), (1, 0.7))]


def cross(rng):
    if rng.random() < 0.5:
        return [_line((0, 0), (1, 1)), _line((1, 0), (0, 1))]
    return [_line((0.5, 0), (0.5, 1)), _line((0, 0.5), (1, 0.5))]


def polygon(rng):
    k = rng.choice([3, 4, 4, 5, 6])
    a = np.deg2rad(-90 + 360 / k * np.arange(k + 1))
    return [np.stack([0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)], 1)]


def arrow(rng):
    return [_line((0, 0.5), (1, 0.5)), _line((0.7, 0.25), (1, 0.5), (0.7, 0.75))]


def check_mark(rng):
    return [_line((0, 0.55), (0.35, 1), (1, 0))]


def heart(rng):
    left = _arc(0.27, 0.3, 0.25, 0.25, 180, 360, 16)
    right = _arc(0.73, 0.3, 0.25, 0.25, 180, 360, 16)
    return [np.vstack([_line((0.5, 1), (0.02, 0.3)), left, right, _line((0.5, 1))])]


def rings(rng):
    return [_arc(0.5, 0.5, r, r, 0, 370, 40) for r in (0.5, rng.uniform(0.15, 0.3))]


def shading(rng):
    """Back-and-forth hatching, as when colouring in."""
    k = rng.integers(5, 12)
    ys = np.linspace(0, 1, k)
    xs = np.where(np.arange(k) % 2 == 0, 0.0, 1.0)
    return [np.stack([xs, ys + rng.normal(0, 0.02, k)], 1)]


def overlay(rng, data):
    """Two pen digits written on top of each other."""
    a = to_unit(data.strokes(rng.integers(len(data))))
    b = to_unit(data.strokes(rng.integers(len(data))))
    shift = rng.uniform(-0.25, 0.25, 2)
    return a + [s + shift for s in b]


def dash(rng):
    a = np.deg2rad(rng.uniform(-20, 20))
    return [_line((0, 0), (np.cos(a), np.sin(a)))]


def dot(rng):
    """A tap or a tiny circle of the pen: a mark a few hundredths of the box."""
    if rng.random() < 0.5:
        return [_dot(0.5, 0.5)]
    r = rng.uniform(0.005, 0.03)
    return [_arc(0.5, 0.5, r, r, 0, 360 * rng.uniform(0.5, 2), 12)]


LETTER_STROKES = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.25, 0.55), (0.75, 0.55)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(0.9, 0), (0, 0.55), (1, 1)]],
    "M": [[(0, 1), (0.1, 0), (0.5, 0.7), (0.9, 0), (1, 1)]],
    "R": [[(0, 1), (0, 0), (0.6, 0), (0.85, 0.15), (0.85, 0.35), (0.6, 0.5), (0, 0.5)],
          [(0.4, 0.5), (0.9, 1)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "h": [[(0, 0), (0, 1)], [(0, 0.65), (0.3, 0.45), (0.7, 0.45), (0.9, 0.65), (0.9, 1)]],
    "m": [[(0, 1), (0, 0.3), (0.2, 0.2), (0.45, 0.35), (0.5, 1)],
          [(0.5, 0.4), (0.7, 0.2), (0.95, 0.35), (1, 1)]],
    "C": [],   # filled in below from arcs
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "P": [[(0, 1), (0, 0), (0.6, 0), (0.9, 0.15), (0.9, 0.35), (0.6, 0.5), (0, 0.5)]],
    "T": [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]],
    "U": [],
    "V": [[(0, 0), (0.5, 1), (1, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0)]],
    "n": [[(0, 0.3), (0, 1)], [(0, 0.55), (0.3, 0.3), (0.7, 0.3), (0.95, 0.5), (0.95, 1)]],
    "w": [[(0, 0.3), (0.2, 1), (0.5, 0.5), (0.8, 1), (1, 0.3)]],
}
LETTER_STROKES["C"] = [_arc(0.5, 0.5, 0.5, 0.5, 50, 310)]
LETTER_STROKES["U"] = [np.vstack([_line((0, 0), (0, 0.5)), _arc(0.5, 0.5, 0.5, 0.5, 180, 0),
                                  _line((1, 0.5), (1, 0))])]


def _letter_strokes(letter):
    out = []
    for s in LETTER_STROKES[letter]:
        s = np.asarray(s, np.float64)
        out.append(_smooth(s, 4) if len(s) > 3 and letter in "hmnR" else s)
    return out


def letter(rng, alphabet):
    choices = [c for c in alphabet if c in LETTER_STROKES]
    return _letter_strokes(choices[rng.integers(len(choices))])


def two_digits(rng, data):
    """Two pen digits of ``data`` side by side, like a number."""
    parts, x = [], 0.0
    for _ in range(2):
        strokes = to_unit(data.strokes(rng.integers(len(data))))
        pts = np.concatenate(strokes)
        height = pts[:, 1].max()
        scale = 1 / max(height, 1e-9) * rng.uniform(0.85, 1.15)
        dy = rng.uniform(-0.1, 0.1)
        for s in strokes:
            parts.append(s * scale + (x, dy))
        x = max(p[:, 0].max() for p in parts) + rng.uniform(-0.05, 0.35)
    return parts


TRAIN_FAMILIES = {
    # family: weight
    "scribble": 3, "zigzag": 1, "spiral": 1, "circle_with_dots": 2, "star": 1,
    "cross": 1, "polygon": 1, "dash": 1, "dot": 1, "letter": 3, "font_letter": 4,
    "two_digits": 3, "overlay": 1, "arrow": 0.5, "check_mark": 0.5, "heart": 0.5,
    "rings": 0.5, "shading": 0.5,
}
EVAL_FAMILIES = {
    "scribble": 150, "squiggle": 80, "smiley": 100, "circle_with_dots": 80, "star": 80,
    "hash_sign": 80, "cross": 60, "letter": 120, "font_letter": 100, "two_digits": 100,
    "dot": 50,
}
_MAKERS = {"scribble": scribble, "squiggle": squiggle, "zigzag": zigzag, "spiral": spiral,
           "circle_with_dots": circle_with_dots, "smiley": smiley, "star": star,
           "hash_sign": hash_sign, "cross": cross, "polygon": polygon, "dash": dash,
           "dot": dot, "arrow": arrow, "check_mark": check_mark, "heart": heart,
           "rings": rings, "shading": shading}


def make(kind, rng, alphabet=LETTERS, data=None):
    """One drawing of ``kind`` (not ``font_letter``), distorted, in the unit box."""
    if kind == "letter":
        strokes = _distort(letter(rng, alphabet), rng, rotate=12, shear=0.25, aspect=0.25)
    elif kind == "two_digits":
        strokes = _distort(two_digits(rng, data), rng, rotate=8, shear=0.1, aspect=0.1)
    elif kind == "overlay":
        strokes = _distort(overlay(rng, data), rng, rotate=8, shear=0.1, aspect=0.1)
    elif kind == "dot":
        return Drawing(kind, dot(rng))
    else:
        strokes = _distort(_MAKERS[kind](rng), rng)
    return Drawing(kind, to_unit(strokes))


def font_letter_ink(rng, alphabet):
    """A letter of ``alphabet`` from Pillow's built-in font, as an ink image."""
    size = int(rng.integers(40, 120))
    font = ImageFont.load_default(size=size)
    char = alphabet[rng.integers(len(alphabet))]
    image = Image.new("L", (size * 2, size * 2), 0)
    bold = int(rng.integers(0, 3)) * size // 40
    ImageDraw.Draw(image).text((size // 2, size // 4), char, fill=255, font=font,
                               stroke_width=bold, stroke_fill=255)
    image = image.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR)
    return np.asarray(image, dtype=np.float32) / 255


# --- sets ---------------------------------------------------------------------------

def _kinds(rng, n, families):
    names = list(families)
    weights = np.array([families[k] for k in names], float)
    return [names[i] for i in rng.choice(len(names), size=n, p=weights / weights.sum())]


def _image(ink):
    image = preprocess.to_mnist(ink)
    return np.zeros((28, 28), np.uint8) if image is None else preprocess.to_uint8(image)


@functools.lru_cache(maxsize=1)
def _shipped_pen_digits():
    """The shipped training writers, read once (callers ask for outliers in chunks)."""
    return pendigits.load()


def outlier_images(rng, n, data=None, alphabet=LETTERS, tick=None, **draw_options):
    """``n`` training non-digits as 28x28 uint8 (label them -1).

    ``data``: pen digits for "two digits side by side" (default: the shipped
    training writers).  ``tick(i)``, when given, is called before drawing
    the ``i``-th (to report progress, or to stop by raising).
    ``draw_options`` go to :func:`pendigits.draw_sample`.
    """
    data = _shipped_pen_digits() if data is None else data
    out = np.zeros((n, 28, 28), np.uint8)
    for i, kind in enumerate(_kinds(rng, n, TRAIN_FAMILIES)):
        if tick is not None:
            tick(i)
        if kind == "font_letter":
            out[i] = _image(font_letter_ink(rng, alphabet))
        else:
            d = make(kind, rng, alphabet, data)
            out[i] = _image(pendigits.draw_sample(d.strokes, rng, unit=True, **draw_options))
    return out


def nondigit_eval_set(rng=None, n=1000, data=None, fonts=False, alphabet=LETTERS):
    """The evaluation drawings, as strokes (for replaying into the canvas).

    ``data``: pen digits for "two digits side by side", default the held-out
    writers (the shipped training writers if the shared set is absent).
    Font letters are images, not strokes: with ``fonts=False`` (default)
    they are replaced by stroke letters of the same evaluation alphabet.
    Returns a list of :class:`Drawing`; font letters have ``strokes=None``.
    """
    rng = np.random.default_rng(2024) if rng is None else rng
    if data is None:
        path = pendigits.shared_path()
        data = pendigits.load_heldout(path) if path.exists() else pendigits.load()
    families = dict(EVAL_FAMILIES)
    if not fonts:
        families["letter"] += families.pop("font_letter")
    drawings = []
    for kind in _kinds(rng, n, families):
        if kind == "font_letter":
            drawings.append(Drawing(kind, None))
        else:
            drawings.append(make(kind, rng, alphabet, data))
    return drawings


def nondigit_eval_images(rng=None, n=1000, data=None, alphabet=LETTERS, tick=None,
                         **draw_options):
    """The evaluation set drawn offline (font letters included): (images uint8, kinds).
    ``tick(i)``, when given, is called before drawing the i-th (it may raise to stop)."""
    rng = np.random.default_rng(2024) if rng is None else rng
    drawings = nondigit_eval_set(rng, n, data, fonts=True, alphabet=alphabet)
    images = np.zeros((n, 28, 28), np.uint8)
    for i, d in enumerate(drawings):
        if tick is not None:
            tick(i)
        ink = font_letter_ink(rng, alphabet) if d.strokes is None else \
            pendigits.draw_sample(d.strokes, rng, unit=True, **draw_options)
        images[i] = _image(ink)
    return images, [d.kind for d in drawings]
