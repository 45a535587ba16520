"""model.halves: a step's large products and updates cut in two halves, side by side."""
import threading

import numpy as np
import pytest

from digitpad.model.halves import SMALL_PRODUCT, Halves
from digitpad.model.network import MLP, cross_entropy
from digitpad.model.optim import SGD, Adam
from digitpad.model.train import TrainConfig, train


@pytest.fixture(scope="module")
def halves():
    with Halves() as h:
        yield h


def test_a_product_in_halves_is_the_product(halves):
    rng = np.random.default_rng(0)
    a = rng.random((128, 531), dtype=np.float32)
    b = rng.random((531, 513), dtype=np.float32)             # an odd number of columns
    out = halves.matmul(a, b)
    assert out.shape == (128, 513) and out.dtype == np.float32
    np.testing.assert_allclose(out, a @ b, rtol=1e-5)
    small = rng.random((4, 3)), rng.random((3, 2))             # done at once
    np.testing.assert_array_equal(halves.matmul(*small), small[0] @ small[1])


def test_the_helper_really_computes_a_half(monkeypatch):
    seen = []
    with Halves() as h:
        original = h.helper.submit
        monkeypatch.setattr(h.helper, "submit",
                            lambda work, *args: seen.append(args[1].shape) or original(work, *args))
        h.matmul(np.ones((64, 256), np.float32), np.ones((256, 300), np.float32))
    assert seen == [(256, 150)]                               # the right half of the columns


@pytest.mark.parametrize("optimizer", [Adam, SGD])
def test_an_update_in_halves_is_the_same_update(halves, optimizer):
    """Elementwise, so bit for bit; a large array is cut, a small one is not."""
    rng = np.random.default_rng(1)
    shapes = [(784, 512), (512,), (512, 10), (10,)]
    start = [rng.normal(size=s).astype(np.float32) for s in shapes]
    whole = [p.copy() for p in start]
    cut = [p.copy() for p in start]
    runs = []
    monkeypatch_run = halves.run

    def counted(work, first, second):
        runs.append(len(first[0]))
        monkeypatch_run(work, first, second)
    halves.run = counted
    a = optimizer(whole, lr=1e-2, weight_decay=0.1)
    b = optimizer(cut, lr=1e-2, weight_decay=0.1, halves=halves)
    for _ in range(5):
        grads = [rng.normal(size=s).astype(np.float32) for s in shapes]
        a.step(grads)
        b.step(grads)
    for p, q, s in zip(whole, cut, start):
        np.testing.assert_array_equal(p, q)
        assert not np.array_equal(p, s)
    del halves.run
    assert runs == [784 * 256] * 5                          # only the big one was cut


def test_forward_and_backward_in_halves_match(halves):
    rng = np.random.default_rng(2)
    net = MLP.create((784, 512, 256, 10), seed=0)
    x = (rng.random((128, 784)) * (rng.random(784) > 0.3)).astype(np.float32)
    y = rng.integers(0, 10, 128)
    plain = net.forward(x)
    cut = net.forward(x, halves)
    for p, c in zip(plain, cut):
        np.testing.assert_allclose(c, p, rtol=1e-4, atol=1e-5)
    dlogits = cross_entropy(plain[-1], y)[1]
    for g, h in zip(net.backward(plain, dlogits), net.backward(plain, dlogits, halves)):
        np.testing.assert_allclose(h, g, rtol=1e-4, atol=1e-7)


def test_training_without_distortions_in_halves_learns_the_same(mnist, monkeypatch):
    """With prefetch and no distortions the step is cut in halves (on more than one core);
    in this thread alone it is not: the same network but for rounding."""
    monkeypatch.setattr("digitpad.model.train.os.cpu_count", lambda: 2)
    made = []
    monkeypatch.setattr("digitpad.model.train.Halves",
                        lambda: made.append(Halves()) or made[-1])
    config = TrainConfig(hidden=(256,), epochs=1, batch_size=128, augment=False)
    x, y = mnist.train_images[:2048], mnist.train_labels[:2048]
    cut = train(config, x, y).network
    assert len(made) == 1
    alone = train(config, x, y, prefetch=False).network
    assert len(made) == 1
    for a, b in zip(cut.params, alone.params):
        np.testing.assert_allclose(a, b, atol=1e-4)
    with_distortions = TrainConfig(hidden=(16,), epochs=1, augment=True)
    train(with_distortions, x[:256], y[:256])
    assert len(made) == 1                                     # the helper is busy distorting


def test_a_half_the_helper_has_not_begun_is_done_here():
    """When the helper's core is busy (here: with a job that waits), this thread does not
    wait for it: it computes the second half too."""
    release = threading.Event()
    a = np.arange(12.0).reshape(3, 4)
    b = np.ones((4, 1 << 19))
    assert a.shape[0] * a.shape[1] * b.shape[1] >= SMALL_PRODUCT     # cut in halves
    watchdog = threading.Timer(60, release.set)             # lets a waiting run end
    watchdog.start()
    with Halves() as h:
        h.helper.submit(release.wait)                         # the helper is busy
        try:
            out = h.matmul(a, b)
            helper_still_busy = not release.is_set()
        finally:
            release.set()
            watchdog.cancel()
    assert helper_still_busy                                  # so this thread did both
    np.testing.assert_array_equal(out, a @ b)
