"""The training set beyond MNIST: shipped pen digits and generated non-digits."""
import os
import signal
from types import SimpleNamespace

import numpy as np
import pytest

from digitpad import datasets
from digitpad.model.stopping import Stopped
from procs import HAS_PROC, running


def tiny_mnist(n=50):
    rng = np.random.default_rng(0)
    return SimpleNamespace(train_images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                           train_labels=rng.integers(0, 10, n).astype(np.uint8))


def test_mnist_alone_with_a_limit():
    images, labels = datasets.training_set(tiny_mnist(), limit=20)
    assert images.shape == (20, 28, 28) and labels.dtype == np.int64
    assert labels.min() >= 0


def test_non_digits_are_labelled_minus_one_and_seeded():
    images, labels = datasets.training_set(tiny_mnist(), not_digits=300, seed=4)
    assert images.shape == (350, 28, 28) and images.dtype == np.uint8
    assert (labels[50:] == -1).all() and (labels[:50] >= 0).all()
    assert (images[50:].reshape(300, -1).max(axis=1) > 100).all(), "every drawing has ink"
    again, _ = datasets.training_set(tiny_mnist(), not_digits=300, seed=4)
    assert np.array_equal(images, again)


def test_pen_digits_are_every_shipped_digit_drawn_like_the_canvas():
    images, labels = datasets.training_set(tiny_mnist(0), pen_copies=1)
    assert len(labels) > 6500 and set(np.unique(labels)) == set(range(10))
    # drawn through the canvas' preprocessing: centred like MNIST
    mass = images.astype(float).sum(axis=0)
    ys, xs = np.indices(mass.shape)
    assert abs((ys * mass).sum() / mass.sum() - 13.5) < 1
    assert abs((xs * mass).sum() / mass.sum() - 13.5) < 1


@pytest.mark.parametrize("pen, others", [(3, 0), (0, 20_000)])
def test_a_stop_request_ends_the_drawing(pen, others):
    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(Stopped):
        datasets.training_set(tiny_mnist(), pen, others, should_stop=stop)
    assert len(asked) == 3, "asked again and again while drawing, stopped at the first yes"


def test_drawings_are_made_once_then_read_from_the_cache(monkeypatch, digitpad_home):
    from digitpad import nondigits

    drawn, reports = [], []
    original = nondigits.outlier_images

    def counting(rng, n, *args, **kwargs):
        drawn.append(n)
        return original(rng, n, *args, **kwargs)

    monkeypatch.setattr(nondigits, "outlier_images", counting)
    first = datasets.non_digits(45, seed=1, progress=lambda *r: reports.append(r))
    assert drawn == [45] and reports[0] == (datasets.NON_DIGIT_PHASE, 0, 45)
    assert reports[-1] == (datasets.NON_DIGIT_PHASE, 45, 45) and len(reports) >= 4
    (cached,) = datasets.cache_folder().glob("non-digits-*.npz")
    assert digitpad_home in cached.parents
    again = datasets.non_digits(45, seed=1)
    assert drawn == [45] and np.array_equal(first, again)       # read back, not drawn
    other = datasets.non_digits(45, seed=2)                      # another key: drawn anew
    assert drawn == [45, 45] and not np.array_equal(first, other)
    cached.write_bytes(b"damaged")                               # a bad file: drawn again
    assert np.array_equal(datasets.non_digits(45, seed=1), first) and len(drawn) == 3


def test_the_drawing_of_pen_digits_reports_its_progress():
    from digitpad import pendigits

    reports = []
    few = pendigits.load().subset(np.arange(45))
    images, labels = pendigits.to_images(few, np.random.default_rng(0), copies=2,
                                         progress=lambda *r: reports.append(r))
    assert len(labels) == 90
    assert reports == [(0, 90), (20, 90), (40, 90), (60, 90), (80, 90), (90, 90)]


def test_letters_join_as_not_a_digit(monkeypatch):
    from digitpad import letters
    few = letters.load().subset(np.arange(0, 16_000, 400))
    monkeypatch.setattr(letters, "load_training", lambda path=None: few)
    images, labels = datasets.training_set(tiny_mnist(), letter_copies=2, seed=1)
    assert images.shape == (50 + 2 * len(few), 28, 28)
    assert (labels[50:] == -1).all() and (labels[:50] >= 0).all()
    assert (images[50:].reshape(len(labels) - 50, -1).max(axis=1) > 100).all()


def test_the_styler_of_the_command_line_options():
    assert datasets.styler() is None
    slant_only = datasets.styler(False, 0.3)
    assert slant_only.shear == 0.3 and slant_only.slash0 == slant_only.flag1 == 0
    styled = datasets.styler(True, 0.0)
    assert styled.shear == 0 and styled.slash0 > 0 and styled.flag1 > 0 and styled.cross7 > 0


def test_letters_drawn_alongside_in_a_second_process_are_the_same(monkeypatch, tmp_path):
    from digitpad import letters
    few = tmp_path / "few-letters.npz"
    letters.save(letters.load().subset(np.arange(0, 16_000, 200)), few)
    styles = datasets.styler(True, 0.45)
    drawn_here = []
    draw = letters.training_images
    monkeypatch.setattr(letters, "training_images",
                        lambda *a, **k: drawn_here.append(1) or draw(*a, **k))
    alongside = datasets.training_set(tiny_mnist(), not_digits=500, letter_copies=2, seed=3,
                                      styles=styles, letters_file=few)
    assert not drawn_here, "the second process drew the letters"
    for entry in datasets.cache_folder().iterdir():
        entry.unlink()
    monkeypatch.setattr(datasets, "LETTERS_ALONGSIDE", False)
    here = datasets.training_set(tiny_mnist(), not_digits=500, letter_copies=2, seed=3,
                                 styles=styles, letters_file=few)
    assert drawn_here and all(np.array_equal(a, b) for a, b in zip(alongside, here))
    assert (here[1][50:] == -1).all() and len(here[1]) == 50 + 2 * 80 + 500


def test_a_stop_ends_the_letters_drawn_alongside(tmp_path):
    started = []

    def should_stop():
        started.append(1)
        return len(started) > 3
    with pytest.raises(Stopped):
        datasets.training_set(tiny_mnist(), not_digits=5000, letter_copies=2, seed=9,
                              should_stop=should_stop)
    import multiprocessing
    assert not [p for p in multiprocessing.active_children() if "letters" in p.name]


_LETTERS_PARENT = """
import time
from digitpad import datasets

if __name__ == "__main__":
    helper = datasets.Alongside(2, 3, None)
    print(helper.process.pid, flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc")
def test_letters_drawn_alongside_stop_when_the_first_process_is_killed(tmp_path):
    import subprocess
    import sys
    import time
    script = tmp_path / "parent.py"
    script.write_text(_LETTERS_PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    helper = None
    try:
        helper = int(parent.stdout.readline())
        time.sleep(2)                                   # drawing by now
        assert running(helper)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 15
        while running(helper) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(helper)
    finally:
        parent.kill()
        if helper is not None and running(helper):
            os.kill(helper, signal.SIGKILL)
