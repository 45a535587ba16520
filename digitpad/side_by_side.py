"""An ensemble's networks trained side by side, each in a process of its own.  Qt-free.

Each member is one run of :func:`digitpad.model.train.train` in a ``spawn``-ed
process (a fresh interpreter: safe beside Qt's threads) with BLAS on one
thread, which prepares its own batches: one core per network.  Threads in one
process gained nothing for two 784-512-10 networks: the members' many small
NumPy operations waited for one another's hold on the interpreter
(docs/performance.md: "What made training faster?").  The training data is
written once to a temporary file that every process maps read-only, so it is
in memory once.
The result is the same, weight for weight, as training the members one after
the other.

The members' reports come back over a queue and are passed on here, one at a
time: a batch report (each member sends one every 50 ms, and its epochs'
last) with the members' mean fraction done; one epoch report when every
member has finished that epoch (their means, with ``measure`` applied here to
each member's network).  With ``watch``, each member also sends a copy of its
network every :data:`_WATCH_EVERY` seconds, and ``watch`` gets the members'
latest copies (a finished member's last) averaged into one (:func:`~digitpad.model.network.average`),
whenever every running member has sent a new one.  A stop, a failure or Ctrl-C ends every
process at once.
"""
from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import queue
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from digitpad.model.network import average
from digitpad.model.train import TrainingStopped, train

from . import paths
from .signals import leave_interrupts_to_parent

_ARRAYS = ("images", "labels", "val_images", "val_labels")
_POLL = 0.05            # seconds between looks at should_stop while waiting for reports
_REPORT_EVERY = 0.05    # seconds between two batch reports of a member (sending each of
                        # its ~1,000 batches an epoch made the shipped preset's training
                        # 380 s instead of 351 s)
_WATCH_EVERY = 0.5      # seconds between two copies of a member's weights, when watched
_SILENT_EXIT = 5.0      # seconds a member's process may be gone, exit code 0, before its
                        # missing result is an error


class CannotShare(OSError):
    """The training data could not be written for the members' processes (a full or
    read-only disk): nothing was started, and the members can train here instead."""


def train_side_by_side(configs, images, labels, val_images, val_labels, *, workers,
                       on_batch=None, on_epoch=None, should_stop=None, measure=None,
                       watch=None):
    """Train a network per config, ``workers`` at a time: their ``TrainResult``s, in order.

    Arguments as :func:`~digitpad.model.train.train` takes them; ``measure``
    is called in this process, on a copy of each member's network, and
    ``watch`` on the members' latest copies averaged, about every
    :data:`_WATCH_EVERY` seconds.
    """
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    waiting, running, gone = list(range(len(configs))), {}, {}
    results, networks, epochs, copies = {}, {}, {}, _Copies(watch)
    fractions = [0.0] * len(configs)
    with _shared(images, labels, val_images, val_labels) as folder:
        try:
            while len(results) < len(configs):
                while waiting and len(running) < workers:
                    k = waiting.pop(0)
                    running[k] = _start(context, k, configs[k], folder, messages,
                                        measure is not None, watch is not None)
                if should_stop is not None and should_stop():
                    raise TrainingStopped("stopped while training")
                try:
                    kind, k, payload = messages.get(timeout=_POLL)
                except queue.Empty:
                    _check_processes(running, gone)
                    continue
                if kind == "batch":
                    fractions[k] = payload.fraction
                    if on_batch is not None:
                        on_batch(dataclasses.replace(
                            payload, fraction=sum(fractions) / len(fractions)))
                elif kind == "network":
                    networks[k] = payload
                elif kind == "weights":
                    copies.add(k, payload, running)
                elif kind == "epoch":
                    if measure is not None:
                        payload.measures = measure(networks.pop(k))
                    done = epochs.setdefault(payload.epoch, [])
                    done.append(payload)
                    if len(done) == len(configs):
                        del epochs[payload.epoch]
                        if on_epoch is not None:
                            on_epoch(_mean_report(done))
                elif kind == "done":
                    results[k] = payload
                    running.pop(k).join()
                else:                                   # "error": the member's exception
                    raise payload
        finally:
            for process in running.values():
                process.terminate()
            for process in running.values():
                process.join(1)
    return [results[k] for k in range(len(configs))]


def _start(context, k, config, folder, messages, send_networks, send_weights):
    """Member ``k``'s process, started."""
    process = context.Process(target=_member, name=f"digitpad: training network {k + 1}",
                              args=(k, config, folder, messages, send_networks, send_weights),
                              daemon=True)
    process.start()
    return process


class _Copies:
    """The members' latest copies of their weights, passed on to ``watch`` averaged
    (a finished member's last copy too) once every running member has sent a new one."""

    def __init__(self, watch):
        self.watch, self.latest, self.fresh = watch, {}, set()

    def add(self, k, network, running):
        self.latest[k] = network
        self.fresh.add(k)
        if self.fresh >= set(running):
            self.fresh.clear()
            members = [self.latest[j] for j in sorted(self.latest)]
            self.watch(members[0] if len(members) == 1 else average(members))


@contextlib.contextmanager
def _shared(*arrays):
    """A temporary folder in the cache holding ``arrays`` as .npy files; removed after."""
    folder = None
    try:
        scratch = paths.cache_dir()
        scratch.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(scratch)
        folder = tempfile.TemporaryDirectory(prefix=f"training-{os.getpid()}-", dir=scratch)
        for name, array in zip(_ARRAYS, arrays):
            np.save(Path(folder.name) / f"{name}.npy", np.asarray(array))
    except OSError as error:
        if folder is not None:
            folder.cleanup()
        raise CannotShare(f"could not write the training data for the networks' "
                          f"processes: {error}") from error
    with folder:
        yield folder.name


def _remove_abandoned(scratch):
    """Remove the shared data of runs whose process is gone (killed before it could clean
    up: a hundred megabytes each for the shipped preset).  POSIX only: there, asking
    whether a process exists is harmless."""
    if os.name != "posix":
        return
    for folder in scratch.glob("training-*-*"):
        pid = folder.name.split("-")[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:                     # alive, someone else's
            pass


def _check_processes(running, gone):
    """Raise if a member's process died (killed, out of memory) without a word."""
    for k, process in running.items():
        if process.is_alive():
            continue
        if process.exitcode:
            raise RuntimeError(f"training network {k + 1} ended unexpectedly "
                               f"(exit code {process.exitcode})")
        since = gone.setdefault(k, time.monotonic())
        if time.monotonic() - since > _SILENT_EXIT:
            raise RuntimeError(f"training network {k + 1} ended without a result")


def _member(k, config, folder, messages, send_networks, send_weights=False):
    """A member's process: train, and put its reports and its result on ``messages``.

    Ctrl-C is the first process' to handle: it ends this one.  When the first
    process is gone without ending it (killed, or closed by the system), it
    ends itself at the next batch instead of training on for nobody.  What is
    put is pickled later, by the queue's own thread, so networks are sent as
    copies.
    """
    from threadpoolctl import threadpool_limits
    leave_interrupts_to_parent()
    parent = multiprocessing.parent_process()

    def orphaned():
        if parent is not None and not parent.is_alive():
            os._exit(1)                 # no one to report to, nothing to clean up
        return False
    data = [np.load(Path(folder) / f"{name}.npy", mmap_mode="r") for name in _ARRAYS]

    def send_network(network):
        messages.put(("network", k, network.copy()))
        return {}

    sent = [-_REPORT_EVERY]
    watched = [-_WATCH_EVERY]

    def send_weights_now(network):
        now = time.monotonic()
        if now - watched[0] >= _WATCH_EVERY:
            watched[0] = now
            messages.put(("weights", k, network.copy()))

    def send_batch(report):
        now = time.monotonic()
        if now - sent[0] >= _REPORT_EVERY or report.batch == report.batches:
            sent[0] = now
            messages.put(("batch", k, report))

    try:
        with threadpool_limits(limits=1, user_api="blas"):
            result = train(config, *data, prefetch=False, should_stop=orphaned,
                           on_batch=send_batch,
                           on_epoch=lambda r: messages.put(("epoch", k, r)),
                           measure=send_network if send_networks else None,
                           watch=send_weights_now if send_weights else None)
        messages.put(("done", k, result))
    except BaseException as error:        # noqa: BLE001 - passed on to the first process
        messages.put(("error", k, _picklable(error)))


def _picklable(error):
    import pickle
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:                      # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")


def _mean_report(reports):
    """One epoch's report for members trained side by side: their means."""
    mean = lambda values: float(np.mean(values))
    measures = {key: mean([r.measures[key] for r in reports]) for key in reports[0].measures
                if all(isinstance(r.measures.get(key), (int, float)) for r in reports)}
    vals = [r.val_accuracy for r in reports]
    return dataclasses.replace(reports[0], loss=mean([r.loss for r in reports]),
                               accuracy=mean([r.accuracy for r in reports]),
                               val_accuracy=None if None in vals else mean(vals),
                               seconds=max(r.seconds for r in reports), measures=measures)
