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


def test_uint8_pixels_and_the_same_pixels_as_floats_distort_alike(digits):
    """The stroke-thickness change takes its maxima and minima on the uint8 pixels when it
    gets them: scaling to [0, 1] keeps their order, so it makes the very same images as
    from the floats."""
    as_floats = np.multiply(digits, 1 / 255, dtype=np.float32)
    a = Distorter(rng=np.random.default_rng(3))(digits)
    b = Distorter(rng=np.random.default_rng(3))(as_floats)
    assert np.array_equal(a, b)
    thickness_only = Distorter(rng=np.random.default_rng(3), rotate=0, scale=0, aspect=0,
                               shear=0, translate=0, elastic=0)
    assert np.array_equal(thickness_only(digits), _thickness_changed(as_floats, seed=3))


def _thickness_changed(images, seed, thickness=0.6):
    """The stroke-thickness change written plainly, on floats: each image a random fraction
    of the way towards its 3x3-cross maximum (amount > 0) or, by half, its minimum."""
    rng = np.random.default_rng(seed)
    rng.standard_normal((2048, 25))                      # the Distorter's bank of fields
    amount = rng.uniform(-thickness, thickness, len(images)).astype(np.float32)
    p = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    cross = np.stack([p[:, 1:-1, 1:-1], p[:, :-2, 1:-1], p[:, 2:, 1:-1], p[:, 1:-1, :-2],
                      p[:, 1:-1, 2:]])
    out = images.copy()
    for k, a in enumerate(amount):
        target = cross[:, k].max(axis=0) if a > 0 else cross[:, k].min(axis=0)
        coefficient = a if a > 0 else -0.5 * a
        out[k] += (target - images[k]) * coefficient
    return out
