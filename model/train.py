"""The training loop, shared by ``digitpad train`` and the window's worker thread.

:func:`train` takes a :class:`TrainConfig` and the data, and reports through
callbacks: ``on_batch(BatchProgress)`` after every mini-batch,
``on_epoch(EpochReport)`` after every epoch, ``watch(network)`` after every
mini-batch with the network being trained (to watch it learn), and it asks
``should_stop()`` before every batch (a batch takes milliseconds, so a stop is honoured at once).
A stop raises :class:`TrainingStopped`, a loss that becomes NaN or infinite
raises :class:`TrainingDiverged`; either way nothing has been saved, because
saving is the caller's job and happens only after :func:`train` returns.
"""
from __future__ import annotations

import dataclasses
import math
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from . import augment as augment_module
from .network import INPUTS, MLP, as_input, cross_entropy, layer_sizes
from .optim import SCHEDULES, make_optimizer
from .stopping import Stopped


# A mean cross-entropy this high (chance is ln 10 = 2.3) means the weights blew up.
DIVERGED_LOSS = 100.0
SMOOTHING = 0.98        # of the batch losses reported as smooth_loss


class TrainingStopped(Stopped):
    """The stop callback asked the run to end; the model was not changed."""


class TrainingDiverged(Exception):
    """The loss became NaN or infinite; the model was not changed."""


@dataclass
class TrainConfig:
    hidden: tuple = (512,)
    epochs: int = 10
    batch_size: int = 128
    late_batch_size: int = 0          # from halfway on, batches of this size (0: no change)
    optimizer: str = "adam"           # "adam" or "sgd"
    lr: float = 1e-3
    weight_decay: float = 0.0
    schedule: str = "cosine"          # "cosine", "onecycle" or "constant"
    augment: bool = True
    augment_strength: float = 1.0     # scales every random distortion
    seed: int = 0

    def validate(self):
        """Raise ValueError with a readable message for an impossible setting."""
        if not self.hidden or any(int(h) < 1 for h in self.hidden):
            raise ValueError("hidden sizes must be positive integers, e.g. 512 or 800,300")
        if self.epochs < 1:
            raise ValueError("epochs must be at least 1")
        if self.batch_size < 1 or self.late_batch_size < 0:
            raise ValueError("batch size must be at least 1")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError("learning rate must be a positive number")
        if not self.augment_strength >= 0:
            raise ValueError("augmentation strength must not be negative")
        if self.weight_decay < 0:
            raise ValueError("weight decay must not be negative")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"unknown optimizer {self.optimizer!r}: choose adam or sgd")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}: choose "
                             + ", ".join(SCHEDULES))
        return self

    def to_dict(self):
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d


@dataclass
class BatchProgress:
    epoch: int          # 1-based
    epochs: int
    batch: int          # 1-based within the epoch
    batches: int
    fraction: float     # of the whole run, 0..1
    loss: float         # running mean over this epoch
    accuracy: float     # running training accuracy over this epoch
    elapsed: float      # seconds since the run started
    smooth_loss: float = float("nan")   # this batch's loss, smoothed over the last ~50

    @property
    def eta(self):
        """Seconds left, extrapolated from the pace so far."""
        if self.fraction <= 0:
            return float("nan")
        return self.elapsed * (1 - self.fraction) / self.fraction


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_accuracy: float | None
    seconds: float
    measures: dict = field(default_factory=dict)   # what ``measure(network)`` returned


@dataclass
class TrainResult:
    network: MLP
    history: list = field(default_factory=list)   # EpochReports
    seconds: float = 0.0


def train(config, images, labels, val_images=None, val_labels=None, *, init=None,
          on_batch=None, on_epoch=None, should_stop=None, measure=None, watch=None,
          prefetch=True, teacher=None):
    """Train a network on ``images`` (n, 28, 28) uint8 and ``labels`` (n,) ints.

    A label of -1 marks "not a digit": its target is the uniform distribution.
    ``init`` is a network to start from (fine-tuning); it is copied, never
    changed.  ``measure(network)``, when given, is called after every epoch;
    the dict it returns goes into the epoch's report.  ``watch(network)``, when
    given, is called after every batch with the live network, which the next
    batch changes: it copies what it keeps, seldom (a copy of the weights costs
    about as much as a batch).  With ``prefetch`` a
    helper thread prepares each next batch while one trains (two cores for one
    network); without, this thread prepares it (one core; the same network).
    ``teacher``, when given, is ``(network, keep, share)``: for the images where the
    bool array ``keep`` is set, the target is ``share`` the teacher network's
    probabilities for the same distorted image and the rest the label's
    (:func:`digitpad.model.network.cross_entropy`): fine-tuning that keeps the old
    network's answers where it must not forget them.
    Returns a :class:`TrainResult` with the trained network.

    Each epoch: shuffle, then for every mini-batch (prepared ahead,
    :func:`prefetched`) one step of the optimizer (:meth:`_Run.step`), with the
    learning rate of the schedule; a loss or weights that blow up end the run
    (:func:`check_loss`, :func:`check_weights`); then the epoch's report.
    """
    config.validate()
    images, labels = _checked(images, labels)
    net = (init.copy() if init is not None
           else MLP.create(layer_sizes(config.hidden), seed=config.seed))
    sizes = batch_sizes(config)
    run = _Run(config, net, total_steps=sum(math.ceil(len(images) / bs) for bs in sizes),
               teacher=teacher)
    rng = np.random.default_rng(config.seed)
    distorter = (augment_module.Distorter(strength=config.augment_strength,
                                          rng=np.random.default_rng([config.seed, 1]))
                 if config.augment else None)
    history = []
    with ThreadPoolExecutor(max_workers=1) if prefetch else _AtOnce() as helper:
        for epoch, bs in enumerate(sizes, start=1):
            epoch_start = time.perf_counter()
            order = rng.permutation(len(images))
            count = math.ceil(len(images) / bs)

            def stop_asked(b, epoch=epoch):
                if should_stop is not None and should_stop():
                    raise TrainingStopped(f"stopped in epoch {epoch}, batch {b + 1}")
            batches = prefetched(helper, lambda b, bs=bs, order=order: _batch(
                images, labels, order[b * bs:(b + 1) * bs], distorter, run.keep), count,
                stop_asked)
            tally = run.epoch(epoch, batches, count, on_batch, watch)
            check_weights(net, epoch, config.lr)
            report = EpochReport(epoch, config.epochs, tally.loss, tally.accuracy,
                                 _accuracy(net, val_images, val_labels),
                                 time.perf_counter() - epoch_start,
                                 measure(net) if measure is not None else {})
            history.append(report)
            if on_epoch is not None:
                on_epoch(report)
    return TrainResult(net, history, time.perf_counter() - run.start)


def batch_sizes(config):
    """The batch size of every epoch: ``late_batch_size`` (when set) from halfway on,
    where bigger batches cost less per image."""
    return [config.late_batch_size if config.late_batch_size and e > config.epochs / 2
            else config.batch_size for e in range(1, config.epochs + 1)]


def prefetched(helper, make, count, before_each):
    """``make(0)``, ..., ``make(count - 1)``, each next one prepared by ``helper`` while
    the caller works on this one (NumPy releases the GIL: both cores work).
    ``before_each(b)`` is called before batch ``b`` is handed over (it may raise)."""
    upcoming = helper.submit(make, 0)
    try:
        for b in range(count):
            before_each(b)
            batch = upcoming.result()
            if b + 1 < count:
                upcoming = helper.submit(make, b + 1)
            yield batch
    finally:
        upcoming.cancel()


def check_loss(loss, epoch, batch, lr):
    """TrainingDiverged for a batch loss that is NaN, infinite or far above chance."""
    if not math.isfinite(loss) or loss > DIVERGED_LOSS:
        raise TrainingDiverged(f"the loss became {loss} in epoch {epoch}, batch {batch}: "
                               f"training diverged; try a lower learning rate than {lr:g}")


def check_weights(net, epoch, lr):
    """TrainingDiverged for weights that became NaN or infinite."""
    if not all(np.isfinite(p).all() for p in net.params):
        raise TrainingDiverged(f"weights became NaN or infinite in epoch {epoch}; "
                               f"try a lower learning rate than {lr:g}")


class _Run:
    """A run's optimizer, its place in the schedule, and its smoothed loss."""

    def __init__(self, config, net, total_steps, teacher=None):
        self.config, self.net, self.total_steps = config, net, total_steps
        self.teacher = teacher
        self.keep = None if teacher is None else np.asarray(teacher[1], bool)
        self.optimizer = make_optimizer(config.optimizer, net.params, config.lr,
                                        config.weight_decay)
        self.schedule = SCHEDULES[config.schedule]
        self.steps = 0
        self.smooth = 0.0                 # exponential moving average of the batch losses
        self.start = time.perf_counter()

    def epoch(self, epoch, batches, count, on_batch, watch=None):
        """One pass over ``batches`` (``count`` of them); the epoch's :class:`_Tally`."""
        tally = _Tally()
        for b, (x, y, kept) in enumerate(batches):
            loss, logits = self.step(x, y, epoch, b + 1, kept)
            tally.add(loss, logits, y)
            if on_batch is not None:
                on_batch(BatchProgress(epoch, self.config.epochs, b + 1, count,
                                       self.steps / self.total_steps, tally.loss,
                                       tally.accuracy, time.perf_counter() - self.start,
                                       self.smooth / (1 - SMOOTHING ** self.steps)))
            if watch is not None:
                watch(self.net)
        return tally

    def step(self, x, y, epoch, batch, kept=None):
        """Forward, loss, backward and one optimizer step on a batch: ``(loss, logits)``.
        ``kept``: the rows whose targets the teacher shares, if there is one."""
        activations = self.net.forward(x, for_backward=True)
        logits = activations[-1]
        teacher = None
        if self.teacher is not None and len(kept):
            old, _, share = self.teacher
            teacher = (kept, old.predict_proba(x[kept]), share)
        loss, dlogits = cross_entropy(logits, y, teacher)
        check_loss(loss, epoch, batch, self.config.lr)
        grads = self.net.backward(activations, dlogits)
        self.optimizer.step(grads, self.schedule(self.steps, self.total_steps, self.config.lr))
        self.steps += 1
        self.smooth = SMOOTHING * self.smooth + (1 - SMOOTHING) * loss
        return loss, logits


class _Tally:
    """An epoch's running mean loss and training accuracy (non-digits never count as right)."""

    def __init__(self):
        self.loss_sum = self.correct = self.seen = self.digits_seen = 0

    def add(self, loss, logits, y):
        self.loss_sum += loss * len(y)
        self.correct += int(np.sum(logits.argmax(axis=1) == y))   # -1 never matches
        self.seen += len(y)
        self.digits_seen += int(np.count_nonzero(y >= 0))

    @property
    def loss(self):
        return self.loss_sum / self.seen

    @property
    def accuracy(self):
        return self.correct / max(self.digits_seen, 1)


def _checked(images, labels):
    """``(images (n, 28, 28), labels (n,) int64)``, or ValueError."""
    images = np.asarray(images)
    labels = np.asarray(labels, dtype=np.int64)
    if images.ndim == 2:
        images = images.reshape(-1, 28, 28)
    if images.shape[1:] != (28, 28) or len(images) != len(labels) or len(images) == 0:
        raise ValueError(f"expected images (n, 28, 28) and n labels, got {images.shape} "
                         f"and {labels.shape}")
    return images, labels


def _accuracy(net, images, labels):
    """Accuracy on the validation set, or None without one."""
    if images is None or not len(images):
        return None
    return net.accuracy(images, labels)


class _AtOnce:
    """An executor that does the work when it is submitted, in this thread."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, work, *args):
        future = Future()
        try:
            future.set_result(work(*args))
        except Exception as error:            # noqa: BLE001 - raised by result()
            future.set_exception(error)
        return future


def _batch(images, labels, idx, distorter, keep=None):
    """The network's input and labels for the images at ``idx``, and the rows of them
    that ``keep`` marks (None without it)."""
    if distorter is None:
        x = as_input(images[idx])
    else:
        x = distorter(images[idx]).reshape(len(idx), INPUTS)
    return x, labels[idx], None if keep is None else np.flatnonzero(keep[idx])
