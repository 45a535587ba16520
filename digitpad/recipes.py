"""The named recipes of a model, the options of a run, and the one check of them.  Qt-free.

``digitpad train`` and Model > Retrain take the same options, by their argparse
names (``epochs``, ``hidden``, ``pen_digits``, ...):

* :data:`PRESETS`, the named recipes, shared by ``digitpad train --preset NAME``
  and the Retrain dialog; :func:`recipe` fills in the rest;
* :data:`LIMITS`, the bounds of every option (the command line's argument types
  and the dialog's fields take theirs from here);
* :func:`check`, the one check of a run's options: the command line, the Retrain
  dialog and :func:`digitpad.learning.make_model` each call it once, and it gives
  the :class:`~digitpad.model.train.TrainConfig` of the run.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from digitpad.model.network import layer_sizes
from digitpad.model.train import TrainConfig
from digitpad.model.weights import MAX_LAYERS, MAX_PARAMETERS

DEFAULT_LR = {"adam": 1e-3, "sgd": 0.05}

# What ``digitpad train`` does without options (its parser's defaults are these).
DEFAULTS = dict(dataclasses.asdict(TrainConfig()), lr=None, pen_digits=0, not_digits=0,
                letters=0, styles=False, slant=0.0, ensemble=1, limit=None)

# The bounds of the options, (lowest, highest): far beyond any useful run, short of hours
# of work or gigabytes of memory spent before a traceback.
LIMITS = dict(
    epochs=(1, 1000),
    batch_size=(1, 65_536),
    late_batch_size=(0, 65_536),
    augment_strength=(0, 3.0),    # beyond it, images are distorted past recognition
    weight_decay=(0, 1.0),
    seed=(0, 2 ** 32 - 1),
    pen_digits=(0, 20),           # renderings of each of the 6,815 pen digits: 136,300 images
    not_digits=(0, 200_000),      # 157 MB of images
    letters=(0, 8),               # renderings of each of the 16,784 pen letters: 134,272
    slant=(0, 1.0),               # a shear of 1: 45 degrees
    ensemble=(1, 16),
)


@dataclass(frozen=True)
class Preset:
    """A named recipe: ``digitpad train`` option values, and what to expect of it."""
    options: dict      # argparse names -> values; any option of digitpad train may appear
    expect: str        # quality and time, as measured (README: "The presets")


# The recipe weights/digitpad.npz was made with (weights/README.md; since the first layer
# leaves out the paper columns it no longer remakes that file bit for bit).  When the
# shipped model is made anew, this entry is what changes.
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


def shape(hidden):
    """``(512, 256)`` -> ``"784-512-256-10"``."""
    return "-".join(map(str, layer_sizes(hidden)))


def parameters(hidden):
    """How many weights and biases a 784-hidden-10 network has."""
    sizes = layer_sizes(hidden)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def config_from(options):
    """The :class:`TrainConfig` of a recipe (its fields, by name; lr by optimizer), unchecked."""
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    config = TrainConfig(**{k: v for k, v in options.items() if k in fields})
    if options.get("lr") is None:
        config.lr = DEFAULT_LR.get(config.optimizer, config.lr)
    config.hidden = tuple(int(h) for h in config.hidden)
    return config


def check(options):
    """The :class:`TrainConfig` of a run's options, once they are known to be possible.

    ValueError, with a message a person can act on, for a setting the network
    cannot train with (:meth:`TrainConfig.validate`), an option out of
    :data:`LIMITS`, or a model larger than a weight file may be: it could be
    trained, but never saved or loaded.
    """
    config = config_from(options).validate()
    for name, (low, high) in LIMITS.items():
        value = options.get(name, DEFAULTS.get(name))
        if not low <= value <= high:
            raise ValueError(f"{name.replace('_', ' ')} must be from {low} to {high:,}, "
                             f"got {value}")
    members = options.get("ensemble", 1)
    count = parameters(config.hidden) * members
    if count > MAX_PARAMETERS:
        times = f" x {members} (an ensemble)" if members > 1 else ""
        raise ValueError(f"a {shape(config.hidden)} network{times} has {count:,} weights; "
                         f"digitpad saves and loads at most {MAX_PARAMETERS:,}")
    return config
