"""The training loop, shared by ``digitpad train`` and the window's worker thread.

:func:`train` takes a :class:`TrainConfig` and the data, and reports through
callbacks: ``on_batch(BatchProgress)`` after every mini-batch,
``on_epoch(EpochReport)`` after every epoch, and it asks ``should_stop()``
before every batch (a batch takes milliseconds, so a stop is honoured at once).
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


# A mean cross-entropy this high (chance is ln 10 = 2.3) means the weights blew up.
DIVERGED_LOSS = 100.0
SMOOTHING = 0.98        # of the batch losses reported as smooth_loss


class TrainingStopped(Exception):
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
          on_batch=None, on_epoch=None, should_stop=None, measure=None, prefetch=True):
    """Train a network on ``images`` (n, 28, 28) uint8 and ``labels`` (n,) ints.

    A label of -1 marks "not a digit": its target is the uniform distribution.
    ``init`` is a network to start from (fine-tuning); it is copied, never
    changed.  ``measure(network)``, when given, is called after every epoch;
    the dict it returns goes into the epoch's report.  With ``prefetch`` a
    helper thread prepares each next batch while one trains (two cores for one
    network); without, this thread prepares it (one core; the same network).
    Returns a :class:`TrainResult` with the trained network.
    """
    config.validate()
    images = np.asarray(images)
    labels = np.asarray(labels, dtype=np.int64)
    if images.ndim == 2:
        images = images.reshape(-1, 28, 28)
    if images.shape[1:] != (28, 28) or len(images) != len(labels) or len(images) == 0:
        raise ValueError(f"expected images (n, 28, 28) and n labels, got {images.shape} "
                         f"and {labels.shape}")

    rng = np.random.default_rng(config.seed)
    if init is not None:
        net = init.copy()
    else:
        net = MLP.create(layer_sizes(config.hidden), seed=config.seed)
    params = net.params
    optimizer = make_optimizer(config.optimizer, params, config.lr, config.weight_decay)
    schedule = SCHEDULES[config.schedule]

    n = len(images)
    sizes = [config.late_batch_size if config.late_batch_size and e > config.epochs / 2
             else config.batch_size for e in range(1, config.epochs + 1)]
    total_steps = sum(math.ceil(n / bs) for bs in sizes)
    distorter = (augment_module.Distorter(strength=config.augment_strength,
                                          rng=np.random.default_rng([config.seed, 1]))
                 if config.augment else None)
    history = []
    start = time.perf_counter()
    step = 0
    smooth = 0.0                      # exponential moving average of the batch losses
    with ThreadPoolExecutor(max_workers=1) if prefetch else _AtOnce() as helper:
        for epoch, bs in enumerate(sizes, start=1):
            epoch_start = time.perf_counter()
            batches = math.ceil(n / bs)
            order = rng.permutation(n)
            batch_of = lambda b: _batch(images, labels, order[b * bs:(b + 1) * bs], distorter)
            loss_sum = correct = seen = digits_seen = 0
            # The helper thread prepares (and distorts) the next batch while
            # this one trains: NumPy releases the GIL, so both cores work.
            # Late in training, bigger batches (late_batch_size) cost less per image.
            upcoming = helper.submit(batch_of, 0)
            for b in range(batches):
                if should_stop is not None and should_stop():
                    upcoming.cancel()
                    raise TrainingStopped(f"stopped in epoch {epoch}, batch {b + 1}")
                x, y = upcoming.result()
                if b + 1 < batches:
                    upcoming = helper.submit(batch_of, b + 1)

                activations = net.forward(x)
                logits = activations[-1]
                loss, dlogits = cross_entropy(logits, y)
                if not math.isfinite(loss) or loss > DIVERGED_LOSS:
                    raise TrainingDiverged(
                        f"the loss became {loss} in epoch {epoch}, batch {b + 1}: training "
                        f"diverged; try a lower learning rate than {config.lr:g}")
                grads = net.backward(activations, dlogits)
                optimizer.step(grads, schedule(step, total_steps, config.lr))
                step += 1
                smooth = SMOOTHING * smooth + (1 - SMOOTHING) * loss

                loss_sum += loss * len(y)
                correct += int(np.sum(logits.argmax(axis=1) == y))   # -1 never matches
                seen += len(y)
                digits_seen += int(np.count_nonzero(y >= 0))
                if on_batch is not None:
                    on_batch(BatchProgress(epoch, config.epochs, b + 1, batches,
                                           step / total_steps, loss_sum / seen,
                                           correct / max(digits_seen, 1),
                                           time.perf_counter() - start,
                                           smooth / (1 - SMOOTHING ** step)))

            if not all(np.isfinite(p).all() for p in params):
                raise TrainingDiverged(f"weights became NaN or infinite in epoch {epoch}; "
                                       f"try a lower learning rate than {config.lr:g}")
            val_acc = None
            if val_images is not None and len(val_images):
                val_acc = net.accuracy(val_images, val_labels)
            report = EpochReport(epoch, config.epochs, loss_sum / seen,
                                 correct / max(digits_seen, 1), val_acc,
                                 time.perf_counter() - epoch_start,
                                 measure(net) if measure is not None else {})
            history.append(report)
            if on_epoch is not None:
                on_epoch(report)
    return TrainResult(net, history, time.perf_counter() - start)


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


def _batch(images, labels, idx, distorter):
    """The network's input and labels for the images at ``idx``."""
    if distorter is None:
        x = as_input(images[idx])
    else:
        x = distorter(images[idx]).reshape(len(idx), INPUTS)
    return x, labels[idx]
