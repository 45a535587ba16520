"""Learn a person's hand from a few corrections, without breaking anything else.  Qt-free.

A correction is one sample of a style.  :func:`learn` draws each one in many ways
(:func:`vary`: its own strokes bent a little, moved and resized one by one, re-slanted,
turned and stretched; then a random size and pen, :func:`digitpad.corrections.render`),
and trains briefly from the present weights on them, on the digits of this session the
person let stand (their own hand, :func:`session_images`), and on what they must not
break: MNIST digits (more of those the corrections were misread as), the shipped training
writers' pen digits and real letters, and generated non-digits (the letters and
non-digits labelled -1, so "not a digit" keeps its ground).  Then it steps back
(:func:`step_back`): 1,000 MNIST and 1,000 pen digits held back from that training (those
the network reads right least surely among 3,000 of each), and the session's digits, are
read, and the weights move from the old network towards the new only as far as those lose at
most 0.5% (a digit read right before and not after is lost, whatever else is read right
anew).  The pen digits, letters and non-digits are drawn once
and kept on disk (:func:`drawn_replay`: by the window when the first correction is kept,
:func:`prepare_replay`, else by the first Learn); every Learn picks its share of them
anew.  :class:`Recipe` holds every choice, so ``bench/teach.py`` can measure each
ingredient alone; its defaults were chosen on validation writers (weights/README.md,
"Learn from my corrections").  The option ``prototypes`` (:mod:`digitpad.prototypes`: the
corrections' hidden features as nearest prototypes) was measured there and is off: it
gained nothing, and read a quarter of the real letters as digits.  So is ``distill`` (the old
network's probabilities as the target of all but the corrections, :data:`TEACHER`): on the
validation writers it kept the letters and left fewer writers worse, but on the held-out
writers Learn gained a third of what it gains without it.

:func:`read_digits` reads prepared images as :func:`digitpad.reading.read` does (the
digit, or -1 when the app declines), many at a time, for the benchmarks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import corrections, datasets, pendigits, reading, styles
from .strokes import Stroke
from .words import count_of
from .stepback import CHECK_PHASE, held_back, interpolate, step_back  # noqa: F401  (teach's API)


@dataclass(frozen=True)
class Recipe:
    """What Learn trains on and how (the defaults are the recipe Learn uses)."""
    copies: int = 40              # renderings of each correction
    share: float = 0.0            # corrections repeated to be at least this share of the set
    variety: bool = True          # vary its strokes (vary()) before each rendering
    mnist_samples: int = 10000    # random MNIST training digits
    guard: int = 4000             # more MNIST digits of the classes the corrections were read as
    pen_samples: int = 1500       # pen digits of the training writers
    outliers: int = 500           # generated non-digits, label -1
    letters: int = 2000           # the training writers' pen letters, label -1
    epochs: int = 2
    lr: float = 1e-3
    augment_strength: float = 0.5
    fine_tune: bool = True        # train the network (else only the prototypes)
    prototypes: float = 0.0       # cosine similarity from which a correction decides (0: off)
    references: int = 0           # beside the prototypes: this many MNIST and pen digits, half
                                  # as many letters and non-digits (0: none)
    check: int = 1000             # held back: this many MNIST and pen digits, not trained on,
                                  # read to choose how far the weights move (0: all the way)
    tolerance: float = 0.005      # the most of each check the moved weights may lose
    near: float = 3.0             # each check: the digits read right least surely among this
                                  # many times as many random ones (0: random digits)
    broken: bool = True           # what a check loses: its digits read right before and not
                                  # after (else: the fall in the share read right, which a
                                  # digit read right anew makes up for)
    session: int = 20             # the session's digits read right (learn's kept): each trained
                                  # on this many times, at most SESSION_IMAGES in all (0: only
                                  # checked)
    steps: tuple = (1.0, 0.75, 0.5, 0.25)   # how far they may move, tried farthest first
    pool: float = 1.6             # the pen digits, letters and non-digits drawn once and kept,
                                  # this many times what one Learn takes of them (0: drawn
                                  # anew for every Learn, just as many as it takes)
    distill: float = 0.0          # the share of the old network's probabilities in the
                                  # target of everything but the corrections (0: labels only)


# Learn's recipe before issue 18 (digitpad.learning.fine_tune as it was), for comparison.
BEFORE = Recipe(copies=40, share=0.0, variety=False, mnist_samples=10000, guard=4000,
                pen_samples=1500, outliers=500, letters=0, epochs=2, lr=1e-4,
                augment_strength=0.5, fine_tune=True, prototypes=0.0, references=0, check=0,
                session=0, pool=0.0)
# Learn's recipe of 2026-12-07 (before the session's digits were trained on, 2,000 letters
# replayed and a check's broken digits counted), for comparison.
SESSION_CHECKED = Recipe(letters=1000, broken=False, session=0, near=0.0, tolerance=0.001)
# Learn's recipe of 2026-12-07, afternoon (random digits held back, at most 0.1% of each
# lost), before the checks were the digits read least surely, for comparison.
RANDOM_CHECKS = Recipe(near=0.0, tolerance=0.001)
# Tried on 2026-12-07, night, and not taken: the old network's answers kept on the replay,
# at most 0.3% of each check lost (better on the validation writers, worse on the held-out).
TEACHER = Recipe(distill=1.0, tolerance=0.003)
SESSION_IMAGES = 1000   # the session's digits trained on, repeats included, at most

REPLAY_PHASE = "Drawing what Learn must not break"
POOL_SEED = 18          # the kept drawings' own random stream: the same on every machine


@dataclass
class Learned:
    """What Learn made: the network, the corrections as prototypes (or None), and how far
    the weights moved from the network before towards the fine-tuned ones (1: all the way,
    0: not at all, see :func:`step_back`)."""
    network: object
    prototypes: object = None
    moved: float = 1.0


def _bend(points, rng, amount):
    """A stroke's points displaced by a smooth random curve (two slow waves per axis)."""
    t = np.linspace(0, 1, len(points))[:, None]
    phase = rng.uniform(0, 2 * np.pi, (2, 2))
    freq = rng.uniform(0.5, 1.5, 2)
    wave = np.hstack([np.sin(2 * np.pi * freq[0] * t + phase[0, 0]),
                      np.sin(2 * np.pi * freq[1] * t + phase[1, 1])])
    return points + amount * rng.normal(0, 1, 2) * wave


def vary(strokes, rng, bend=0.03, move=0.04, resize=0.12, shear=0.3, rotate=8.0,
         aspect=0.15):
    """The same drawing as the person might draw it again: each stroke bent by up to about
    ``bend`` of the drawing's size, moved by about ``move`` of it and resized by up to
    ``exp(resize)`` about its own centre; then the whole sheared, turned and stretched
    (:func:`digitpad.styles.slant`).  ``strokes`` are :class:`Stroke` objects; returns new
    ones with the same pens."""
    x0, y0, x1, y1 = pendigits.bounds([s.array() for s in strokes])
    size = max(x1 - x0, y1 - y0, 1e-6)
    out = []
    for s in strokes:
        pts = s.array()
        centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
        pts = (pts - centre) * np.exp(rng.uniform(-resize, resize)) + centre
        pts = pts + rng.normal(0, move * size, 2)
        if len(pts) > 2:
            pts = _bend(pts, rng, bend * size)
        out.append(pts)
    out = styles.slant(out, rng, shear=shear, rotate=rotate, aspect=aspect)
    return [Stroke(p, s.width, s.erase) for p, s in zip(out, strokes)]


def correction_images(items, rng, copies=40, variety=True, should_stop=None, progress=None):
    """Each correction drawn ``copies`` times, as 28x28 uint8, with labels: the drawing as it
    was, then (with ``variety``) in other ways (:func:`vary`).  ``should_stop()`` is asked
    every thousand points drawn; ``progress(phase, done, total)`` told after each drawing."""
    return corrections.correction_images(items, rng, copies, should_stop, progress,
                                         vary=vary if variety else None)


def learn(net, items, mnist, rng, recipe=Recipe(), pens=None, should_stop=None, kept=None,
          progress=None, status=None, **callbacks):
    """A copy of ``net`` adapted to the corrections ``items`` by ``recipe``: a
    :class:`Learned`.

    ``mnist`` has ``train_images`` / ``train_labels``; ``pens`` the pen digits to replay
    (default the shipped training writers).  ``should_stop()`` is asked while drawing and
    while training; ``progress(phase, done, total)`` is told how the drawing and the
    step back go, ``status(text)`` when the training starts; ``callbacks`` (``on_batch``,
    ``on_epoch``) go to
    :func:`digitpad.model.train.train`.  ``net`` is unchanged.  ``kept``, when given: the
    drawings ``net`` read right in this session (prepared images, labels), which the new
    weights must go on reading right, one more check for :func:`step_back` (the window
    passes the drawings the person cleared without correcting them,
    :meth:`digitpad.session.Session.accept`).
    """
    from digitpad.model.train import TrainConfig, train

    items = list(items)
    if not items:
        raise ValueError("there are no corrections to learn from")
    r = recipe
    own, own_labels = correction_images(items, rng, r.copies, r.variety, should_stop, progress)
    if not r.fine_tune:
        return Learned(net, _prototypes(net, own, own_labels, r, mnist, pens, rng))
    drawn = drawn_replay(r, rng, pens, should_stop, progress)
    checks, held = held_back(mnist, rng, r, drawn, net)
    if kept is not None and len(kept[0]):
        checks.append(kept)
    parts = [(own, own_labels)] + replay(net, own, own_labels, mnist, rng, r, drawn, held)
    if r.session and kept is not None and len(kept[0]):
        parts.append(session_images(kept, r.session))
    others = sum(len(p[0]) for p in parts[1:])
    if r.share and len(own):
        # Each repeat is distorted anew by the trainer: more weight without more drawing.
        repeats = int(np.ceil(r.share * others / ((1 - r.share) * len(own))))
        if repeats > 1:
            parts[0] = (np.tile(own, (repeats, 1, 1)), np.tile(own_labels, repeats))
    images = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([np.asarray(p[1], np.int64) for p in parts])
    config = TrainConfig(hidden=tuple(net.sizes[1:-1]), epochs=r.epochs, lr=r.lr,
                         schedule="cosine", augment=True, augment_strength=r.augment_strength,
                         seed=int(rng.integers(2 ** 31)))
    if status is not None:
        status(f"Fine-tuning on your {count_of(len(items), 'correction')} "
               f"among {len(images):,} drawings...")
    teacher = None
    if r.distill:
        keep = np.arange(len(images)) >= len(parts[0][0])      # all but the corrections
        teacher = (net, keep, r.distill)
    tuned = train(config, images, labels, init=net, should_stop=should_stop,
                  teacher=teacher, **callbacks).network
    tuned, moved = step_back(net, tuned, checks, r, should_stop, progress)
    return Learned(tuned, _prototypes(tuned, own, own_labels, r, mnist, pens, rng), moved)


@dataclass
class Replay:
    """Drawn, as 28x28 uint8: pen digits with their labels, letters and non-digits (both
    "not a digit"), from which a Learn takes its held-back check and its replay."""
    pens: np.ndarray
    pen_labels: np.ndarray
    letters: np.ndarray
    outliers: np.ndarray


def replay_counts(r, pens, written):
    """How many pen digits, letters and non-digits :func:`drawn_replay` draws for recipe
    ``r`` from ``pens`` and ``written`` (the letters, or None)."""
    share = r.pool or 1.0
    check = min(r.check, len(pens) // 2)
    return (min(len(pens), int(np.ceil(share * (check + r.pen_samples)))),
            min(len(written), int(np.ceil(share * r.letters))) if written is not None else 0,
            int(np.ceil(share * r.outliers)))


def drawn_replay(r, rng, pens=None, should_stop=None, progress=None):
    """The pen digits (default the shipped training writers'), letters and non-digits that
    a Learn by recipe ``r`` checks and replays, drawn: a :class:`Replay`.

    With ``r.pool`` they are drawn once, ``r.pool`` times as many as one Learn takes, with
    their own random stream, and kept on disk (:func:`digitpad.datasets.cached`, keyed by
    the samples themselves, the counts and the code that draws): drawn once (ahead, by
    :func:`prepare_replay`, or by the first Learn), every Learn reads them back in a fraction
    of a second and picks its share anew.
    With ``r.pool`` 0, just as many are drawn with ``rng`` for this Learn alone.
    ``progress(REPLAY_PHASE, done, total)`` is told while drawing."""
    from . import letters, nondigits

    if not (r.check or r.pen_samples or r.letters or r.outliers):
        none = np.zeros((0, 28, 28), np.uint8)
        return Replay(none, np.zeros(0, np.int64), none, none)
    pens = pendigits.load() if pens is None else pens
    written = letters.load() if r.letters else None
    counts = replay_counts(r, pens, written)
    total = sum(counts)

    def report(offset):
        return None if progress is None else \
            lambda done, _count: progress(REPLAY_PHASE, offset + done, total)

    def draw(rng):
        n_pens, n_letters, n_outliers = counts
        pen_images, pen_labels = pendigits.to_images(
            pens.subset(rng.choice(len(pens), n_pens, replace=False)), rng,
            should_stop=should_stop, progress=report(0))
        letter_images = np.zeros((0, 28, 28), np.uint8)
        if n_letters:
            letter_images = pendigits.to_images(
                written.subset(rng.choice(len(written), n_letters, replace=False)), rng,
                should_stop=should_stop, progress=report(n_pens))[0]
        tick = datasets.ticker(should_stop, progress, REPLAY_PHASE, total)
        outliers = nondigits.outlier_images(rng, n_outliers,
                                            tick=lambda i: tick(n_pens + n_letters + i))
        tick(total)
        return dict(pens=pen_images, pen_labels=pen_labels, letters=letter_images,
                    outliers=outliers)
    if not r.pool:
        return Replay(**draw(rng))
    key = dict(counts=counts, seed=POOL_SEED, pens=_fingerprint(pens),
               letters=_fingerprint(written))
    return Replay(**datasets.cached("learn-replay", key,
                                    lambda: draw(np.random.default_rng(POOL_SEED)),
                                    sources=(letters.__file__,)))


def prepare_replay(recipe=Recipe(), should_stop=None):
    """Draw and keep the replay the next Learn by ``recipe`` will read back
    (:func:`drawn_replay`), unless it is kept already: the window has it done ahead, in a
    process of its own (:func:`digitpad.learning.prepare_learn_in_background`), when the
    first correction is kept, so that the first Learn need not wait for it."""
    if recipe.fine_tune and recipe.pool:
        drawn_replay(recipe, np.random.default_rng(0), should_stop=should_stop)


def _fingerprint(samples):
    """SHA-256 of pen samples' strokes and labels (None: None)."""
    if samples is None:
        return None
    import hashlib
    h = hashlib.sha256()
    for array in (samples.points, samples.stroke_offsets, samples.sample_offsets,
                  np.asarray(samples.labels).astype(str)):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def session_images(kept, copies):
    """The session's digits read right, ``kept`` (images, digits), to train on: each
    ``copies`` times, fewer when that would pass :data:`SESSION_IMAGES` (at least once);
    the trainer distorts every repeat anew.  The person's own hand, as they let it stand:
    what teaches Learn their style beyond the few drawings they corrected."""
    images, digits = np.asarray(kept[0]), np.asarray(kept[1], np.int64)
    if images.dtype != np.uint8:                       # the window's images: floats, ink 1
        images = np.clip(np.rint(images.reshape(-1, 28, 28) * 255), 0, 255).astype(np.uint8)
    copies = max(1, min(copies, SESSION_IMAGES // len(images)))
    return np.tile(images, (copies, 1, 1)), np.tile(digits, copies)


def replay(net, own, own_labels, mnist, rng, r, drawn, held=None):
    """What the corrections ``own`` (images and labels) must not break, by recipe ``r``:
    a list of ``(images, labels)``, MNIST's and a share of the ``drawn`` ones (a
    :class:`Replay`).  ``held`` (from :func:`held_back`): the MNIST and drawn pen digits
    to leave out."""
    held = held or {}
    parts = []
    kept = np.setdiff1d(np.arange(len(mnist.train_images)), held["mnist"]) \
        if "mnist" in held else None
    if r.mnist_samples:
        count = len(mnist.train_images) if kept is None else len(kept)
        pick = rng.choice(count, size=min(r.mnist_samples, count), replace=False)
        pick = pick if kept is None else kept[pick]
        parts.append((mnist.train_images[pick], mnist.train_labels[pick]))
    # The digits the network read the corrections as are the ones at risk (teach it a
    # European 1 and some 7s start to look like 1s): show it more of them.
    read_as = net.classify(own)
    at_risk = sorted(set(read_as[read_as != own_labels].tolist()))
    if at_risk and r.guard:
        pool = np.flatnonzero(np.isin(mnist.train_labels, at_risk))
        if kept is not None:
            pool = np.intersect1d(pool, kept)
        pick = rng.choice(pool, size=min(r.guard, len(pool)), replace=False)
        parts.append((mnist.train_images[pick], mnist.train_labels[pick]))
    if r.pen_samples:
        free = np.setdiff1d(np.arange(len(drawn.pens)), held.get("pens", []))
        pick = free[rng.choice(len(free), size=min(r.pen_samples, len(free)), replace=False)]
        parts.append((drawn.pens[pick], drawn.pen_labels[pick]))
    for images, count in ((drawn.outliers, r.outliers), (drawn.letters, r.letters)):
        if count and len(images):
            pick = rng.choice(len(images), size=min(count, len(images)), replace=False)
            parts.append((images[pick], np.full(len(pick), -1)))
    return parts


def _prototypes(net, own, own_labels, r, mnist, pens, rng):
    if not r.prototypes:
        return None
    from . import letters, nondigits
    from .prototypes import Prototypes
    refs = None
    if r.references:
        n = r.references
        pick = rng.choice(len(mnist.train_images), size=n, replace=False)
        pens = pendigits.load() if pens is None else pens
        sub = pens.subset(rng.choice(len(pens), size=n, replace=False))
        written = letters.load()
        words = written.subset(rng.choice(len(written), size=n // 2, replace=False))
        parts = [(mnist.train_images[pick], mnist.train_labels[pick]),
                 pendigits.to_images(sub, rng),
                 (pendigits.to_images(words, rng)[0], np.full(n // 2, -1)),
                 (nondigits.outlier_images(rng, n // 2), np.full(n // 2, -1))]
        refs = (np.concatenate([p[0] for p in parts]),
                np.concatenate([np.asarray(p[1], np.int64) for p in parts]))
    return Prototypes.build(net, own, own_labels, r.prototypes, refs)


def read_digits(net, images, prototypes=None):
    """The digit :func:`digitpad.reading.read_image` names for each prepared image, or -1
    where it declines ("not sure"), for ``(n, 28, 28)`` images at once; with
    ``prototypes`` (:class:`digitpad.prototypes.Prototypes`), as they adjust it."""
    return decide(probabilities(net, images, prototypes))


def probabilities(net, images, prototypes=None):
    """The ten probabilities :func:`read_digits` decides by, one row per image."""
    from digitpad.model.network import as_input

    images = np.asarray(images)
    x = as_input(images) if images.dtype == np.uint8 else \
        np.asarray(images, np.float32).reshape(len(images), -1)
    p = net.predict_proba(x).astype(np.float64)
    p /= p.sum(axis=1, keepdims=True)
    return p if prototypes is None else prototypes.adjust(net, x, p)


def decide(p):
    """The digit each row of probabilities names, or -1 where the app declines."""
    return np.where(p.max(axis=1) >= reading.CONFIDENCE, p.argmax(axis=1), -1)
