"""Making a model: the named recipes, the run itself, and how good the result is.  Qt-free.

``digitpad train``, Model > Retrain and Model > Learn from my corrections all
come through here, so a model made in the window and one made on the command
line are made, measured and described the same way:

* :data:`PRESETS`, the named recipes: values of ``digitpad train`` options
  (their argparse names), shared by ``digitpad train --preset NAME`` and the
  Retrain dialog; :func:`recipe` fills in the rest;
* :func:`make_model`, one run of a recipe (MNIST, the drawings, an ensemble),
  reporting through callbacks;
* :func:`measure_sets`, :func:`score` and :class:`Comparison`: a model's MNIST
  test accuracy, held-out pen digits read right and non-digits declined, and
  what a new model gains or loses against the one in use (remembered per model
  file by :func:`remember_scores`);
* :func:`model_meta`, the one place that builds a trained model's metadata;
* :func:`learn_from_corrections`, Learn's whole job.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.model.network import as_input, average
from digitpad.model.train import TrainConfig, train
from digitpad.model.weights import MAX_LAYERS, MAX_PARAMETERS

from . import __version__, corrections, datasets, reading, store
from .side_by_side import CannotShare, train_side_by_side

DEFAULT_LR = {"adam": 1e-3, "sgd": 0.05}

# What ``digitpad train`` does without options (its parser's defaults are these).
DEFAULTS = dict(dataclasses.asdict(TrainConfig()), lr=None, pen_digits=0, not_digits=0,
                letters=0, styles=False, slant=0.0, ensemble=1, limit=None)


@dataclass(frozen=True)
class Preset:
    """A named recipe: ``digitpad train`` option values, and what to expect of it."""
    options: dict      # argparse names -> values; any option of digitpad train may appear
    expect: str        # quality and time, as measured (README: "The presets")


# Exactly how weights/digitpad.npz is made (weights/README.md).  When the shipped
# model is made anew, this entry is what changes.
SHIPPED = dict(hidden=(512, 256), epochs=48, schedule="onecycle", lr=0.003, augment_strength=0.8,
               pen_digits=5, letters=2, not_digits=10000, styles=True, slant=0.45, ensemble=2,
               seed=0)

# What each reaches is measured with bench/train_speed.py --preset NAME (README: "The presets"),
# on the three measures the app compares models on; times on the 2-core development machine.
PRESETS = {
    "demo": Preset(dict(epochs=2, hidden=(128,), augment=False, schedule="onecycle", lr=0.003,
                        not_digits=1000),
                   "96.9% on MNIST, 86% of pen digits read right, 60% of non-digits "
                   "declined; seconds (a minute or two the first time: drawing)"),
    "quick": Preset(dict(epochs=12, hidden=(512,), lr=0.002, schedule="onecycle",
                         augment_strength=0.8, pen_digits=1, not_digits=4000),
                    "99.0% on MNIST, 94.7% of pen digits read right, 77% of non-digits "
                    "declined; under a minute (40 s the first time: drawing)"),
    "shipped": Preset(SHIPPED, "the shipped model: 99.43% on MNIST, 98.4% of pen digits read "
                               "right, 97% of non-digits declined; about 7.5 minutes on 2 "
                               "cores (15 CPU-minutes), 6.5 with its drawings cached"),
}
DEFAULT_PRESET = "demo"
# The drawings when "drawings" is ticked for a preset without them: pen digits (some
# restyled, all slanted at random), pen letters and generated non-digits; and without.
DRAWINGS = dict(pen_digits=1, letters=1, not_digits=4000, styles=True, slant=0.45)
NO_DRAWINGS = dict(pen_digits=0, letters=0, not_digits=0, styles=False, slant=0.0)


def has_drawings(options):
    """Whether a recipe learns from drawings (pen digits, letters or non-digits)."""
    return bool(options["pen_digits"] or options["not_digits"] or options.get("letters"))


def recipe(preset=None, **overrides):
    """Every option of a run: the defaults, then the preset's, then ``overrides``."""
    options = dict(DEFAULTS)
    if preset is not None:
        options.update(PRESETS[preset].options)
        options["preset"] = preset
    options.update(overrides)
    return options


def hidden_layers(text):
    """``"512"`` -> ``(512,)``, ``"512,256"`` -> ``(512, 256)``: hidden layer widths as
    ``digitpad train --hidden`` and the Retrain dialog take them (ValueError otherwise)."""
    try:
        sizes = tuple(int(part) for part in str(text).replace(" ", "").split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise ValueError(f"expected layer widths such as 512 or 800,300, got {text!r}")
    if len(sizes) >= MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS - 1} hidden layers, got {len(sizes)}")
    return sizes


def parameters(hidden):
    """How many weights and biases a 784-hidden-10 network has."""
    sizes = [784, *hidden, 10]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def check_size(options):
    """ValueError when the model a recipe makes (its networks averaged into one) would be
    larger than a weight file may be: it could be trained, but never saved or loaded."""
    hidden, members = tuple(options["hidden"]), options.get("ensemble", 1)
    count = parameters(hidden) * members
    if count > MAX_PARAMETERS:
        what = "-".join(map(str, [784, *hidden, 10]))
        times = f" x {members} (an ensemble)" if members > 1 else ""
        raise ValueError(f"a {what} network{times} has {count:,} weights; digitpad saves "
                         f"and loads at most {MAX_PARAMETERS:,}")


def config_from(options):
    """The :class:`TrainConfig` of a recipe (its fields, by name; lr by optimizer)."""
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    config = TrainConfig(**{k: v for k, v in options.items() if k in fields})
    if options.get("lr") is None:
        config.lr = DEFAULT_LR.get(config.optimizer, config.lr)
    config.hidden = tuple(int(h) for h in config.hidden)
    return config


_MNIST = {}       # read once per session: it is checked byte for byte, which takes a moment


def default_loader(progress=None):
    """MNIST from ``$DIGITPAD_MNIST`` or the cache, downloaded when missing."""
    from digitpad.model import paths
    from digitpad.model.data import load_mnist
    key = (os.environ.get("DIGITPAD_MNIST") or None, str(paths.mnist_cache()))
    if key not in _MNIST:
        _MNIST[key] = load_mnist(key[0], progress=progress)
    return _MNIST[key]


# -- one run of a recipe ------------------------------------------------------------------

def training_data(options, mnist, seed, *, should_stop=None, progress=None):
    """``(images, labels)`` a run learns from: MNIST's training set (its first
    ``limit`` images) and the drawings of :mod:`digitpad.datasets` for ``seed``."""
    return datasets.training_set(mnist, options["pen_digits"], options["not_digits"],
                                 seed=seed, limit=options.get("limit"),
                                 should_stop=should_stop, progress=progress,
                                 letter_copies=options.get("letters", 0),
                                 styles=datasets.styler(options.get("styles", False),
                                                        options.get("slant", 0.0)))


def make_model(options, mnist, *, source="digitpad train", status=None, progress=None,
               on_batch=None, on_epoch=None, should_stop=None, measure=None, workers=None):
    """Run a recipe: ``(network, meta)``.

    ``options`` as :func:`recipe` makes them; ``mnist`` the loaded MNIST.
    With ``ensemble`` N, N networks are trained (seeds S, S+1, ..., all on the
    drawings of seed S) and averaged into one: ``workers`` at a time (default:
    one per core), each in a process of its own
    (:mod:`digitpad.side_by_side`), or, with one worker, one after the other in
    this process.  The result does not depend on ``workers``.
    ``status(text)`` tells each step,
    ``progress(phase, done, total)`` the drawing; the others go to
    :func:`digitpad.model.train.train`, their reports counted over the whole run.
    """
    status = status or (lambda text: None)
    config = config_from(options).validate()
    started = time.perf_counter()
    count = int(options.get("ensemble") or 1)
    letters = options.get("letters", 0)
    if options["pen_digits"] or options["not_digits"] or letters:
        status(f"drawing {options['pen_digits']} × 6,815 pen digits, {letters} × 16,784 "
               f"letters and {options['not_digits']:,} non-digits ...")
    x, y = training_data(options, mnist, config.seed, should_stop=should_stop,
                         progress=progress)
    members = [dataclasses.replace(config, seed=config.seed + k) for k in range(count)]
    workers = max(1, min(count, workers or os.cpu_count() or 1))
    sizes = "-".join(map(str, [784, *config.hidden, 10]))
    status(f"training {sizes} on {len(x):,} images for {config.epochs} epochs "
           f"({config.optimizer}, lr {config.lr:g}, {config.schedule}, batch "
           f"{config.batch_size}"
           + (f" then {config.late_batch_size}" if config.late_batch_size else "")
           + f", augmentation {'on' if config.augment else 'off'})"
           + (f", {count} networks (seeds {config.seed}-{config.seed + count - 1}), "
              f"{workers} at a time" if count > 1 else ""))
    training_started = time.perf_counter()
    results = None
    if workers > 1:
        try:
            results = train_side_by_side(members, x, y, mnist.test_images, mnist.test_labels,
                                         workers=workers, on_batch=on_batch,
                                         on_epoch=on_epoch, should_stop=should_stop,
                                         measure=measure)
        except CannotShare as error:              # a full disk costs time, not the run
            status(f"{error}; training the networks one after the other instead")
            workers = 1
    if results is None:
        with training_threads():
            results = _one_after_another(members, on_batch, on_epoch, x=x, y=y, mnist=mnist,
                                         should_stop=should_stop, measure=measure)
    nets = [r.network for r in results]
    network = nets[0] if count == 1 else average(nets)
    accuracy = network.accuracy(mnist.test_images, mnist.test_labels)
    extra = dict(pen_digit_copies=options["pen_digits"], not_digits=options["not_digits"],
                 letter_copies=letters, styles=bool(options.get("styles")),
                 slant=float(options.get("slant", 0.0)),
                 wall_seconds=round(time.perf_counter() - started, 1))
    if options.get("preset"):
        extra["preset"] = options["preset"]
    if count > 1:
        extra["ensemble"] = {"members": count, "trained_at_a_time": workers,
                             "seeds": [m.seed for m in members],
                             "member_mnist_test_accuracy": [
                                 m.accuracy(mnist.test_images, mnist.test_labels)
                                 for m in nets]}
    return network, model_meta(accuracy=accuracy, source=source, config=config,
                               images=len(x), seconds=time.perf_counter() - training_started,
                               **extra)


def _train_member(config, x, y, mnist, should_stop, measure, **callbacks):
    return train(config, x, y, mnist.test_images, mnist.test_labels,
                 should_stop=should_stop, measure=measure, **callbacks)


def _one_after_another(members, on_batch, on_epoch, **run):
    """Train the members in turn; reports count epochs and time over all of them."""
    results, seconds = [], 0.0
    for k, config in enumerate(members):
        results.append(_train_member(config, **run,
                                     on_batch=_across(on_batch, k, len(members), seconds),
                                     on_epoch=_across(on_epoch, k, len(members), seconds)))
        seconds += results[-1].seconds
    return results


def _across(callback, k, count, seconds_before):
    """Member ``k``'s batch or epoch callback, counted over the whole ensemble (epochs,
    fraction done and time since the first member started training)."""
    if callback is None or count == 1:
        return callback

    def report(r):
        whole = dict(epoch=r.epoch + k * r.epochs, epochs=r.epochs * count)
        if hasattr(r, "fraction"):           # a BatchProgress
            whole.update(fraction=(k + r.fraction) / count, elapsed=seconds_before + r.elapsed)
        callback(dataclasses.replace(r, **whole))
    return report


def training_threads():
    """A context for training one network: BLAS on all cores but one.

    The network's helper thread prepares (and distorts) its next batch on a core
    of its own, so BLAS keeps off it: on 2 cores, BLAS on two threads made an
    augmented epoch 1.5x slower than on one, and a plain one no faster.
    """
    from contextlib import nullcontext
    from threadpoolctl import threadpool_info, threadpool_limits
    limit = max(1, (os.cpu_count() or 1) - 1)
    now = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    if not now or max(now) <= limit:
        return nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")


# -- how good a model is --------------------------------------------------------------------

# Enough drawings that two models a tenth of a point apart are not called different by
# chance: with every 4th held-out digit (495), two models 0.1 point apart on 3,954
# drawings measured 1.4 points apart.
HELDOUT_EVERY = 1        # every held-out writer's digit: 1,977 of them
NON_DIGITS = 1000        # generated non-digits from the evaluation families


@dataclass
class MeasureSets:
    """The fixed drawings a model is measured on, besides MNIST's test set."""
    pen: tuple | None       # (images, labels) of held-out writers, or None when absent
    non_digits: np.ndarray  # images
    note: str = ""          # why a measure is missing


def measure_sets(should_stop=None, progress=None):
    """Held-out writers' pen digits (from ``../shared/pen-digits``, which does not
    ship: without it that measure is left out, with a note) and generated
    non-digits of the evaluation families, drawn once and cached."""
    from . import nondigits, pendigits
    path = pendigits.shared_path()
    pen, note = None, ""
    if path.exists():
        def draw_pen():
            data = pendigits.load_heldout(path)
            data = data.subset(np.arange(0, len(data), HELDOUT_EVERY))
            images, labels = pendigits.to_images(
                data, np.random.default_rng(0), should_stop=should_stop,
                progress=datasets._phase(progress, "Drawing the held-out pen digits"))
            return dict(images=images, labels=labels)
        found = datasets.cached("heldout-pen", dict(every=HELDOUT_EVERY), draw_pen,
                                sources=(path,))
        pen = (found["images"], found["labels"])
    else:
        note = ("The held-out writers' pen digits are not on this computer "
                f"({path}), so that measure is left out.")

    def draw_others():
        tick = datasets.ticker(should_stop, progress, "Drawing the test non-digits", NON_DIGITS)
        images, _ = nondigits.nondigit_eval_images(np.random.default_rng(2024), NON_DIGITS,
                                                   tick=tick)
        tick(NON_DIGITS)
        return dict(images=images)
    others = datasets.cached("eval-non-digits", dict(n=NON_DIGITS), draw_others)["images"]
    return MeasureSets(pen, others, note)


@dataclass
class Scores:
    """How good a model is, on the same measures for every model."""
    mnist: float                # MNIST test accuracy
    pen: float | None           # held-out pen digits read right (not declined, not misread)
    declined: float             # generated non-digits declined ("not sure")

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_meta(cls, meta):
        """The scores recorded in a model's metadata, or None."""
        found = (meta or {}).get("scores")
        try:
            return cls(float(found["mnist"]), None if found.get("pen") is None
                       else float(found["pen"]), float(found["declined"]))
        except (TypeError, KeyError, ValueError):
            return None

    def summary(self):
        parts = [f"{100 * self.mnist:.2f}% on MNIST"]
        if self.pen is not None:
            parts.append(f"{100 * self.pen:.1f}% of pen digits read right")
        parts.append(f"{100 * self.declined:.1f}% of non-digits declined")
        return ", ".join(parts)


def _confident(network, images):
    """Top class and whether the app would name it (top probability high enough)."""
    p = network.predict_proba(as_input(images))
    return p.argmax(axis=1), p.max(axis=1) >= reading.CONFIDENCE


def pen_accuracy(network, sets):
    """Held-out pen digits read right, or None without them."""
    if sets.pen is None:
        return None
    images, labels = sets.pen
    best, sure = _confident(network, images)
    return float(np.mean(sure & (best == labels)))


def score(network, mnist, sets):
    """:class:`Scores` of ``network`` on MNIST's test set and the measure sets."""
    _, sure = _confident(network, sets.non_digits)
    return Scores(network.accuracy(mnist.test_images, mnist.test_labels),
                  pen_accuracy(network, sets), float(np.mean(~sure)))


def _scores_file():
    from digitpad.model import paths
    return paths.cache_dir() / "scores.json"


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def known_scores(model):
    """The scores of a store.LoadedModel: from its metadata, else as measured earlier for
    the same file (the shipped model's, say), else None."""
    found = Scores.from_meta(model.meta)
    if found is None and model.path is not None:
        try:
            table = json.loads(_scores_file().read_text(encoding="utf-8"))
            found = Scores.from_meta({"scores": table.get(_digest(model.path))})
        except (OSError, ValueError, AttributeError):
            return None
    return found


def remember_scores(model, scores):
    """Keep the scores measured for a model's file, so that its next start shows them."""
    try:
        path = _scores_file()
        try:
            table = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = {}
        table = table if isinstance(table, dict) else {}
        table[_digest(model.path)] = scores.to_dict()
        store.write_json(path, dict(list(table.items())[-20:]))
    except (OSError, TypeError):
        pass


MEASURES = (("mnist", "MNIST test accuracy", "is less accurate on MNIST's test set"),
            ("pen", "held-out pen digits read right", "reads fewer pen-written digits right"),
            ("declined", "non-digits declined", "declines fewer non-digits (scribbles, "
                                                 "letters, shapes): it will say \"not sure\" "
                                                 "less often when it should"))


@dataclass
class Comparison:
    """A new model beside the one in use, on the same measures."""
    current: Scores
    new: Scores

    def _measured(self):
        """``(label, words, current, new)`` for each measure both models have."""
        return [(label, words, getattr(self.current, key), getattr(self.new, key))
                for key, label, words in MEASURES
                if getattr(self.current, key) is not None and getattr(self.new, key) is not None]

    def rows(self):
        """``(label, current, new)`` for each measure both have."""
        return [(label, old, new) for label, _, old, new in self._measured()]

    def losses(self):
        """What the new model does worse, in words (by a tenth of a point or more)."""
        return [f"The new model {words} ({100 * new:.1f}% against {100 * old:.1f}%)."
                for _, words, old, new in self._measured() if new < old - 0.001]

    def new_is_better(self):
        """The default answer: the new model when its mean over the measures is higher."""
        rows = self.rows()
        return sum(new - old for _, old, new in rows) > 0


# -- metadata -------------------------------------------------------------------------------

# What weights.save writes into every file; a derived model gets them anew.
_FILE_KEYS = ("sizes", "format_version", "activation", "output", "input", "date")


def model_meta(*, accuracy, source, config=None, images=None, seconds=None, parent=None,
               **extra):
    """The metadata of a model made now: how good it is, what made it, from what.

    ``parent`` is the metadata of the model it was derived from (fine-tuning):
    its fields are kept, except those the weight file writes anew (and its scores).
    """
    meta = {k: v for k, v in (parent or {}).items() if k not in _FILE_KEYS + ("scores",)}
    meta.update(source=source, mnist_test_accuracy=float(accuracy),
                digitpad_version=__version__)
    if config is not None:
        meta["config"] = config.to_dict()
    if images is not None:
        meta["training_images"] = int(images)
    if seconds is not None:
        meta["training_seconds"] = round(float(seconds), 1)
    meta.update(extra)
    return meta


def learn_from_corrections(network, meta, mnist, *, seed=None, status=lambda text: None,
                           **callbacks):
    """Fine-tune ``network`` on every kept correction; returns ``(network, meta)``.

    ``status(text)`` tells each phase; ``callbacks`` (``on_batch``,
    ``on_epoch``, ``should_stop``) go to :func:`digitpad.model.train.train`.
    """
    items, damaged = corrections.scan()
    skipped = corrections.describe_damaged(damaged)
    if not items:
        raise ValueError("there are no corrections yet: when a reading is wrong, click "
                         "the right digit under the bars (or type it) to keep the drawing"
                         + (f". {skipped}" if skipped else ""))
    before = network.accuracy(mnist.test_images, mnist.test_labels)
    status(f"Learning from {len(items)} corrections... {skipped}".strip())
    tuned = corrections.fine_tune(network, items, mnist, np.random.default_rng(seed),
                                  **callbacks)
    after = tuned.accuracy(mnist.test_images, mnist.test_labels)
    return tuned, model_meta(accuracy=after, parent=meta,
                             source=f"fine-tuned on {len(items)} corrections",
                             mnist_test_accuracy_before=before, corrections=len(items),
                             fine_tuned=time.strftime("%Y-%m-%d %H:%M:%S"))
