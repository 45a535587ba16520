"""How good a model is: the same measures for every model, and what a new one changes.  Qt-free.

* :func:`measure_sets`: the fixed drawings a model is measured on besides MNIST's
  test set (held-out writers' pen digits, generated non-digits), drawn once and
  cached;
* :func:`score` and :class:`Scores`: MNIST test accuracy, held-out pen digits read
  right, non-digits declined;
* :func:`known_scores` and :func:`remember_scores`: the scores in a model's
  metadata, or remembered on disk for its file (the shipped model's, say);
* :class:`Comparison`: what a new model gains or loses against the one in use.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

from digitpad.model.files import open_regular
from digitpad.model.network import as_input

from . import datasets, paths, reading, store

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
        found = (meta or {}).get("scores") if isinstance(meta, dict) else None
        try:
            scores = cls(float(found["mnist"]), None if found.get("pen") is None
                         else float(found["pen"]), float(found["declined"]))
        except (TypeError, KeyError, ValueError, OverflowError, AttributeError):
            return None
        rates = [scores.mnist, scores.declined] + ([scores.pen] if scores.pen is not None
                                                   else [])
        return scores if all(math.isfinite(r) and 0 <= r <= 1 for r in rates) else None

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


SCORES_BYTES = 1 << 20      # the scores cache is at most this large (20 models: 2 kB)
REMEMBERED = 20             # models whose scores it keeps


def _scores_file():
    return paths.cache_dir() / "scores.json"


def network_digest(network):
    """The SHA-256 of a network's layer sizes, weights and biases: what its scores are
    remembered under (its content, whatever file it came from or goes to)."""
    sha = hashlib.sha256(json.dumps([int(n) for n in network.sizes]).encode())
    for w, b in zip(network.weights, network.biases):
        sha.update(np.ascontiguousarray(w, np.float32).data)
        sha.update(np.ascontiguousarray(b, np.float32).data)
    return sha.hexdigest()


def _read_table():
    """The scores cache as a dict; ``{}`` when it is absent or bad: not a regular file
    (a FIFO would hang the start), larger than :data:`SCORES_BYTES`, not JSON, nested too
    deeply, or not an object."""
    try:
        with open_regular(_scores_file(), SCORES_BYTES) as f:
            table = json.loads(f.read(SCORES_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return table if isinstance(table, dict) else {}


def known_scores(model):
    """The scores of a store.LoadedModel: from its metadata, else as measured earlier for
    the same network (the shipped model's, say), else None."""
    found = Scores.from_meta(model.meta)
    if found is None and model.network is not None:
        found = Scores.from_meta({"scores": _read_table().get(network_digest(model.network))})
    return found


def remember_scores(network, scores):
    """Keep the scores measured for ``network``, so that its next start shows them (by
    its content: another model, loaded meanwhile, never gets them)."""
    try:
        table = _read_table()
        key = network_digest(network)
        table.pop(key, None)
        table[key] = scores.to_dict()
        store.write_json(_scores_file(), dict(list(table.items())[-REMEMBERED:]))
    except (OSError, TypeError, ValueError):
        pass


MEASURES = (("mnist", "MNIST test accuracy", "is less accurate on MNIST's test set"),
            ("pen", "held-out pen digits read right", "reads fewer pen-written digits right"),
            ("declined", "non-digits declined", "declines fewer non-digits (scribbles, "
                                                 "letters, shapes): it will say \"not sure\" "
                                                 "less often when it should"))


@dataclass
class Comparison:
    """A new model beside the one in use, on the same measures.  ``measured``: the network
    ``current`` are the scores of (the one in use when the job began)."""
    current: Scores
    new: Scores
    measured: object = field(default=None, compare=False)

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
