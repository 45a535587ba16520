"""Making a model: one run of a recipe, its metadata, and Learn from my corrections.  Qt-free.

``digitpad train``, Model > Retrain and Model > Learn from my corrections all
come through here, so a model made in the window and one made on the command
line are made and described the same way (the recipes themselves are in
:mod:`digitpad.recipes`, how good a model is in :mod:`digitpad.scores`):

* :func:`make_model`, one run of a recipe (MNIST, the drawings, an ensemble),
  reporting through callbacks;
* :func:`model_meta`, the one place that builds a trained model's metadata;
* :func:`fine_tune` and :func:`learn_from_corrections`, Learn's whole job:
  adapt a network to the person's corrections without forgetting MNIST (the
  recipe, its ingredients and how each was measured: :mod:`digitpad.teach`).
"""
from __future__ import annotations

import dataclasses
import os
import time

import numpy as np

from digitpad.model.network import average
from digitpad.model.train import train

from . import __version__, corrections, datasets, recipes
from .side_by_side import CannotShare, train_side_by_side


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
               on_batch=None, on_epoch=None, should_stop=None, measure=None, watch=None,
               workers=None):
    """Run a recipe: ``(network, meta)``.

    ``options`` as :func:`digitpad.recipes.recipe` makes them (checked here,
    :func:`digitpad.recipes.check`); ``mnist`` the loaded MNIST.
    With ``ensemble`` N, N networks are trained (seeds S, S+1, ..., all on the
    drawings of seed S) and averaged into one: ``workers`` at a time (default:
    one per core), each in a process of its own
    (:mod:`digitpad.side_by_side`), or, with one worker, one after the other in
    this process.  The result does not depend on ``workers``.
    ``status(text)`` tells each step,
    ``progress(phase, done, total)`` the drawing; the others go to
    :func:`digitpad.model.train.train`, their reports counted over the whole run
    (``watch`` gets the members side by side averaged, or the one training).
    """
    status = status or (lambda text: None)
    config = recipes.check(options)
    started = time.perf_counter()
    count = int(options.get("ensemble") or 1)
    if recipes.has_drawings(options):
        status(f"drawing {options['pen_digits']} × 6,815 pen digits, "
               f"{options.get('letters', 0)} × 16,784 letters and "
               f"{options['not_digits']:,} non-digits ...")
    x, y = training_data(options, mnist, config.seed, should_stop=should_stop,
                         progress=progress)
    members = [dataclasses.replace(config, seed=config.seed + k) for k in range(count)]
    workers = max(1, min(count, workers or os.cpu_count() or 1))
    status(_describe_run(config, len(x), count, workers))
    training_started = time.perf_counter()
    nets, workers = _train_members(members, x, y, mnist, workers, status, on_batch=on_batch,
                                   on_epoch=on_epoch, should_stop=should_stop,
                                   measure=measure, watch=watch)
    network = nets[0] if count == 1 else average(nets)
    extra = _recipe_meta(options, started)
    if count > 1:
        extra["ensemble"] = {"members": count, "trained_at_a_time": workers,
                             "seeds": [m.seed for m in members],
                             "member_mnist_test_accuracy": [
                                 m.accuracy(mnist.test_images, mnist.test_labels)
                                 for m in nets]}
    return network, model_meta(accuracy=network.accuracy(mnist.test_images, mnist.test_labels),
                               source=source, config=config, images=len(x),
                               seconds=time.perf_counter() - training_started, **extra)


def _describe_run(config, images, count, workers):
    """What a run trains, in one line."""
    return (f"training {recipes.shape(config.hidden)} on {images:,} images for "
            f"{config.epochs} epochs ({config.optimizer}, lr {config.lr:g}, {config.schedule}, "
            f"batch {config.batch_size}"
            + (f" then {config.late_batch_size}" if config.late_batch_size else "")
            + f", augmentation {'on' if config.augment else 'off'})"
            + (f", {count} networks (seeds {config.seed}-{config.seed + count - 1}), "
               f"{workers} at a time" if count > 1 else ""))


def _train_members(members, x, y, mnist, workers, status, **callbacks):
    """The trained networks of ``members`` (TrainConfigs), and how many trained at a time:
    side by side in processes of their own, or one after the other here."""
    if workers > 1:
        try:
            results = train_side_by_side(members, x, y, mnist.test_images, mnist.test_labels,
                                         workers=workers, **callbacks)
            return [r.network for r in results], workers
        except CannotShare as error:              # a full disk costs time, not the run
            status(f"{error}; training the networks one after the other instead")
    with training_threads():
        results = _one_after_another(members, callbacks.pop("on_batch"),
                                     callbacks.pop("on_epoch"), x=x, y=y, mnist=mnist,
                                     **callbacks)
    return [r.network for r in results], 1


def _recipe_meta(options, started):
    """What a model's metadata says of the drawings it learnt from, and the run's time."""
    extra = dict(pen_digit_copies=options["pen_digits"], not_digits=options["not_digits"],
                 letter_copies=options.get("letters", 0), styles=bool(options.get("styles")),
                 slant=float(options.get("slant", 0.0)),
                 wall_seconds=round(time.perf_counter() - started, 1))
    if options.get("preset"):
        extra["preset"] = options["preset"]
    return extra


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
    augmented epoch 1.5x slower than on one, and a plain one no faster.  In the
    window, whose BLAS runs on one thread (:func:`window_threads`), this gives
    the training its cores back while it runs.
    """
    from contextlib import nullcontext
    from threadpoolctl import threadpool_info, threadpool_limits
    now = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    if not now:
        return nullcontext()
    # Never more threads than BLAS had before (OPENBLAS_NUM_THREADS=1 stays 1).
    limit = min(max(1, (os.cpu_count() or 1) - 1), _BLAS_BEFORE_WINDOW or max(now))
    if set(now) == {limit}:
        return nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")


def window_threads():
    """BLAS on one thread in the window's process, for good.

    The window's own products are small (a reading, the insight views' few
    images); split over BLAS threads that must wait for cores other work holds,
    they took 20 times longer on a busy 2-core machine (event to probabilities
    with every view open: median 190 ms, against 11 on one thread).  Training
    there takes its threads back (:func:`training_threads`).
    """
    global _BLAS_BEFORE_WINDOW
    from threadpoolctl import threadpool_info, threadpool_limits
    now = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    if now and _BLAS_BEFORE_WINDOW is None:
        _BLAS_BEFORE_WINDOW = max(now)
    threadpool_limits(limits=1, user_api="blas")


_BLAS_BEFORE_WINDOW = None      # BLAS threads before window_threads() lowered them


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


# -- Learn from my corrections --------------------------------------------------------

def fine_tune(net, corrections, mnist, rng, recipe=None, kept=None, **callbacks):
    """A copy of ``net`` adapted to ``corrections`` without forgetting MNIST, letters or
    "not a digit": :func:`digitpad.teach.learn` by ``recipe`` (default Learn's,
    :class:`digitpad.teach.Recipe`), ``kept`` (the drawings read right this session, or
    None) one more thing it must go on reading right.

    ``mnist`` has ``train_images`` / ``train_labels`` (``model.data.Mnist``);
    ``rng`` a NumPy Generator; ``callbacks`` (``on_batch``, ``on_epoch``,
    ``should_stop``) go to :func:`digitpad.model.train.train` (``should_stop`` is also
    asked while the corrections and the replay are drawn, ``progress(phase, done,
    total)`` told how the drawing and the step back go, ``status(text)`` when the
    training starts).  Returns a :class:`digitpad.teach.Learned`: the new network
    (``.network``) and how far its weights moved from ``net`` (``.moved``: 0 when Learn
    could not take in the corrections without breaking what ``net`` read right, and kept
    ``net``'s weights); ``net`` is unchanged.
    """
    from . import teach
    return teach.learn(net, corrections, mnist, rng, recipe or teach.Recipe(), kept=kept,
                       **callbacks)


def learn_from_corrections(network, meta, mnist, *, seed=None, status=lambda text: None,
                           kept=None, **callbacks):
    """Fine-tune ``network`` on every kept correction; returns ``(network, meta)``, the
    meta's ``moved`` how far the weights moved (:func:`fine_tune`).

    ``status(text)`` tells each phase; ``kept``: the drawings read right this session
    (images, digits), which the new weights must go on reading so, or None
    (:func:`digitpad.teach.learn`); ``callbacks`` (``on_batch``, ``on_epoch``,
    ``should_stop``, ``progress``) go to :func:`fine_tune`.
    """
    items, damaged = corrections.scan()
    skipped = corrections.describe_damaged(damaged)
    if not items:
        raise ValueError("there are no corrections yet: when a reading is wrong, click "
                         "the right digit under the bars (or type it) to keep the drawing"
                         + (f". {skipped}" if skipped else ""))
    before = network.accuracy(mnist.test_images, mnist.test_labels)
    status(f"Learning from {len(items)} corrections... {skipped}".strip())
    learned = fine_tune(network, items, mnist, np.random.default_rng(seed), kept=kept,
                        status=status, **callbacks)
    tuned = learned.network
    after = tuned.accuracy(mnist.test_images, mnist.test_labels)
    return tuned, model_meta(accuracy=after, parent=meta,
                             source=f"fine-tuned on {len(items)} corrections",
                             mnist_test_accuracy_before=before, corrections=len(items),
                             fine_tuned=time.strftime("%Y-%m-%d %H:%M:%S"),
                             moved=learned.moved)


def prepare_learn_in_background():
    """:func:`digitpad.teach.prepare_replay` in a helper process the window starts
    (``spawn``) when the first correction is kept: at a low priority, leaving Ctrl-C to the
    window, and stopping when the window's process is gone."""
    import multiprocessing

    from . import teach
    from digitpad.model.stopping import Stopped
    from .signals import leave_interrupts_to_parent
    leave_interrupts_to_parent()
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass                                # no nice (Windows): the same, a little sooner
    parent = multiprocessing.parent_process()
    try:
        teach.prepare_replay(should_stop=lambda: parent is not None and not parent.is_alive())
    except Stopped:
        pass
