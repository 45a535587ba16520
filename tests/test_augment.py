"""model.augment: shapes, range, determinism, and that a digit stays a digit."""
import numpy as np
import pytest

from digitpad.model.augment import Distorter


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.train_images[:64]


def test_shape_dtype_and_range(digits):
    out = Distorter(rng=np.random.default_rng(0))(digits)
    assert out.shape == (64, 28, 28) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1 + 1e-6


def test_same_seed_same_distortions(digits):
    a = Distorter(rng=np.random.default_rng(7))(digits)
    b = Distorter(rng=np.random.default_rng(7))(digits)
    c = Distorter(rng=np.random.default_rng(8))(digits)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_every_call_draws_new_distortions(digits):
    distort = Distorter(rng=np.random.default_rng(0))
    assert not np.allclose(distort(digits), distort(digits))


def test_strength_zero_gives_the_images_back(digits):
    out = Distorter(strength=0, rng=np.random.default_rng(0))(digits)
    np.testing.assert_allclose(out, digits / 255, atol=1e-4)


def test_distorted_digits_keep_their_ink_near_the_centre(digits):
    out = Distorter(rng=np.random.default_rng(0))(digits)
    ink_before = (digits / 255).sum(axis=(1, 2))
    ratio = out.sum(axis=(1, 2)) / ink_before
    assert 0.5 < ratio.min() and ratio.max() < 2.0
    assert np.abs(out - digits / 255).mean() > 0.02          # but they did change
    assert out[:, :2].sum() + out[:, -2:].sum() < 0.05 * out.sum()   # edges stay paper


def test_float_input_and_an_empty_batch(digits):
    distort = Distorter(rng=np.random.default_rng(0))
    assert distort(digits[:3] / 255.0).shape == (3, 28, 28)
    assert distort(digits.reshape(64, 784)[:2]).shape == (2, 28, 28)
    assert distort(digits[:0]).shape == (0, 28, 28)
