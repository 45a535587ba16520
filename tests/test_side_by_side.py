"""digitpad.side_by_side: an ensemble's members trained in processes of their own.

(That they make the same network as one after the other, report each epoch
once and stop together: tests/test_learning.py, through make_model.)
"""
import multiprocessing
import os
import signal

import pytest

from digitpad import learning, paths, recipes
from digitpad.model.train import TrainingDiverged
from procs import HAS_PROC, running, spawned


def members_left():
    return [p for p in multiprocessing.active_children() if p.name.startswith("digitpad: training")]


def test_a_member_that_diverges_ends_the_run_with_its_message_and_leaves_nothing(mnist):
    options = recipes.recipe(epochs=20, hidden=(8,), augment=False, ensemble=2, limit=256,
                              lr=1e6)
    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        learning.make_model(options, mnist, workers=2)
    assert members_left() == []
    assert list(paths.cache_dir().glob("training-*")) == []     # the shared data is gone


def test_a_member_process_that_dies_is_an_error_not_a_wait(mnist):
    options = recipes.recipe(epochs=50, hidden=(8,), augment=False, ensemble=2, limit=256)
    killed = []

    def kill_one(progress):
        if not killed and members_left():
            killed.append(members_left()[0])
            os.kill(killed[0].pid, signal.SIGKILL)

    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        learning.make_model(options, mnist, workers=2, on_batch=kill_one)
    assert killed and members_left() == []


def test_more_members_than_workers_take_turns(mnist):
    options = recipes.recipe(epochs=1, hidden=(8,), augment=False, ensemble=3, limit=256)
    alone, _ = learning.make_model(options, mnist, workers=1)
    epochs = []
    turns, meta = learning.make_model(options, mnist, workers=2, on_epoch=epochs.append)
    assert meta["ensemble"]["trained_at_a_time"] == 2 and len(epochs) == 1
    assert all((a == b).all() for a, b in zip(alone.params, turns.params))


def test_a_disk_that_cannot_take_the_shared_data_costs_time_not_the_run(mnist, tmp_path,
                                                                       monkeypatch):
    options = recipes.recipe(epochs=1, hidden=(8,), augment=False, ensemble=2, limit=256)
    alone, _ = learning.make_model(options, mnist, workers=1)
    (tmp_path / "a file").write_text("")
    monkeypatch.setattr(paths, "cache_dir", lambda: tmp_path / "a file" / "cache")
    said = []
    network, meta = learning.make_model(options, mnist, workers=2, status=said.append)
    assert "could not write the training data" in said[-1] and "one after the other" in said[-1]
    assert meta["ensemble"]["trained_at_a_time"] == 1
    assert all((a == b).all() for a, b in zip(alone.params, network.params))


_ORPHAN_PARENT = """
import multiprocessing, sys
import numpy as np
from digitpad.model.train import TrainConfig
from digitpad.side_by_side import train_side_by_side

def tell_pids(report, told=[]):
    if not told:
        told.append(1)
        pids = [p.pid for p in multiprocessing.active_children()
                if p.name.startswith("digitpad: training")]
        print(" ".join(map(str, pids)), flush=True)

if __name__ == "__main__":
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (256, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 256)
    configs = [TrainConfig(epochs=100000, hidden=(8,), augment=False, seed=k) for k in range(2)]
    train_side_by_side(configs, images, labels, images[:10], labels[:10], workers=2,
                       on_batch=tell_pids)
"""


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc")
def test_members_end_themselves_when_the_first_process_is_killed(tmp_path):
    import subprocess
    import sys
    import time
    script = tmp_path / "parent.py"
    script.write_text(_ORPHAN_PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = []
    try:
        pids += [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(running(pid) for pid in pids)
        parent.kill()                       # SIGKILL: no chance to end its members
        parent.wait(10)
        deadline = time.monotonic() + 10
        while any(running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(running(pid) for pid in pids)
    finally:
        parent.kill()
        for pid in filter(running, pids):   # a failure here leaves no process behind
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc")
def test_a_termination_signal_ends_digitpad_train_as_ctrl_c_does(mnist_dir, tmp_path):
    import subprocess
    import sys
    import time
    out = tmp_path / "m.npz"
    child = subprocess.Popen(
        [sys.executable, "-m", "digitpad", "train", "--data", str(mnist_dir), "--limit", "512",
         "--hidden", "8", "--no-augment", "--epochs", "1000", "--ensemble", "2",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    members = []
    try:
        deadline = time.monotonic() + 60
        while len(members) < 2 and time.monotonic() < deadline:
            members = [pid for pid in spawned(child.pid) if running(pid)]
            time.sleep(0.1)
        assert len(members) == 2 and list(paths.cache_dir().glob("training-*"))
        child.terminate()                               # SIGTERM, as `kill` sends
        _, err = child.communicate(timeout=30)
        assert child.returncode == 130, err
        assert "interrupted; nothing was saved" in err and "Traceback" not in err
        assert not out.exists() and list(paths.cache_dir().glob("training-*")) == []
        assert not any(running(pid) for pid in members)
    finally:
        child.kill()
        for pid in filter(running, members):
            os.kill(pid, signal.SIGKILL)


def test_shared_data_a_killed_run_left_behind_goes_with_the_next_run(mnist):
    import subprocess
    import sys
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    cache = paths.cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    left = cache / f"training-{gone.pid}-x1"            # its process no longer exists
    left.mkdir()
    (left / "images.npy").write_bytes(b"100 MB, say")
    busy = cache / f"training-{os.getppid()}-x2"        # a running process' data
    busy.mkdir()
    options = recipes.recipe(epochs=1, hidden=(8,), augment=False, ensemble=2, limit=256)
    learning.make_model(options, mnist, workers=2)
    assert not left.exists() and busy.exists()
