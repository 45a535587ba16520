"""Making a model: the named recipes, what a run learns from, and what it records.  Qt-free.

``digitpad train``, Model > Retrain and Model > Learn from my corrections all
come through here, so a model made in the window and one made on the command
line are made, and described, the same way:

* :data:`PRESETS`, the named recipes the dialog offers;
* :func:`default_loader` and :func:`training_dataset`, where the data comes
  from (MNIST, and with ``drawings`` the pen digits and non-digits of
  :mod:`digitpad.datasets`);
* :func:`model_meta`, the one place that builds a trained model's metadata;
* :func:`learn_from_corrections`, Learn's whole job, reporting through callbacks.
"""
from __future__ import annotations

import os
import time

import numpy as np

from . import __version__, corrections, datasets

PRESETS = {
    "Quick": dict(epochs=3, hidden=128, lr=1e-3, augment=False, drawings=False),
    "Thorough": dict(epochs=30, hidden=800, lr=1e-3, augment=True, drawings=True),
}
# With "drawings": renderings of each shipped pen digit, and generated non-digits.
DRAWINGS = (4, 8000)

# What weights.save writes into every file; a derived model gets them anew.
_FILE_KEYS = ("sizes", "format_version", "activation", "output", "input", "date")


def default_loader(progress=None):
    """MNIST from ``$DIGITPAD_MNIST`` or the cache, downloaded when missing."""
    from digitpad.model.data import load_mnist
    return load_mnist(os.environ.get("DIGITPAD_MNIST") or None, progress=progress)


def training_dataset(loader, limit=None, drawings=False):
    """A dataset callable ``dataset(progress, should_stop) -> (train_x, train_y, test_x,
    test_y)``: MNIST's training set (its first ``limit`` images when given), with
    ``drawings`` the pen digits and non-digits of :mod:`digitpad.datasets` too, and
    MNIST's test set."""
    def dataset(progress, should_stop=None):
        mnist = loader(progress)
        pen, others = (DRAWINGS if drawings else (0, 0))
        images, labels = datasets.training_set(mnist, pen, others, limit=limit,
                                               should_stop=should_stop)
        return images, labels, mnist.test_images, mnist.test_labels
    return dataset


def model_meta(*, accuracy, source, config=None, images=None, seconds=None, parent=None,
               **extra):
    """The metadata of a model made now: how good it is, what made it, from what.

    ``parent`` is the metadata of the model it was derived from (fine-tuning):
    its fields are kept, except those the weight file writes anew.
    """
    meta = {k: v for k, v in (parent or {}).items() if k not in _FILE_KEYS}
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


def learn_from_corrections(network, meta, loader, *, seed=None, status=lambda text: None,
                           progress=None, **callbacks):
    """Fine-tune ``network`` on every kept correction; returns ``(network, meta)``.

    ``status(text)`` tells each phase, ``progress`` is the loader's download
    callback, ``callbacks`` (``on_batch``, ``on_epoch``, ``should_stop``) go to
    :func:`digitpad.model.train.train`.
    """
    items, damaged = corrections.scan()
    skipped = corrections.describe_damaged(damaged)
    if not items:
        raise ValueError("there are no corrections yet: when a reading is wrong, click "
                         "the right digit under the bars (or type it) to keep the drawing"
                         + (f". {skipped}" if skipped else ""))
    status("Loading MNIST...")
    mnist = loader(progress)
    before = network.accuracy(mnist.test_images, mnist.test_labels)
    status(f"Learning from {len(items)} corrections... {skipped}".strip())
    tuned = corrections.fine_tune(network, items, mnist, np.random.default_rng(seed),
                                  **callbacks)
    after = tuned.accuracy(mnist.test_images, mnist.test_labels)
    return tuned, model_meta(accuracy=after, parent=meta,
                             source=f"fine-tuned on {len(items)} corrections",
                             mnist_test_accuracy_before=before, corrections=len(items),
                             fine_tuned=time.strftime("%Y-%m-%d %H:%M:%S"))
