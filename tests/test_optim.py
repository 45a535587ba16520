"""model.optim: Adam's bias correction, SGD's momentum, weight decay, schedules."""
import numpy as np
import pytest

from digitpad.model.optim import SCHEDULES, SGD, Adam, make_optimizer

GRAD = np.array([0.5, -2.0, 1e-3, 3.0, -1e-4], dtype=np.float64)


def test_adam_first_step_is_lr_times_sign():
    """With m and v bias-corrected, the first step is lr * g / |g| for every parameter.

    Without the correction it would be lr * 0.1 / sqrt(0.001), about 3.2 lr.
    """
    p = np.zeros(5)
    Adam([p], lr=0.01).step([GRAD.copy()])
    np.testing.assert_allclose(p, -0.01 * np.sign(GRAD), rtol=1e-4)


def test_adam_bias_correction_uses_beta_to_the_power_t():
    """With a constant gradient, m_hat = g and v_hat = g**2 exactly at every step t.

    So every step moves each parameter by lr * sign(g).  Dividing by
    (1 - beta1) instead of (1 - beta1**t), the common bug, agrees at t = 1
    but makes step 2 about 1.34 lr, step 10 about 2.5 lr.
    """
    p = np.zeros(5)
    adam = Adam([p], lr=0.01)
    previous = p.copy()
    for _ in range(10):
        adam.step([GRAD.copy()])
        np.testing.assert_allclose(p - previous, -0.01 * np.sign(GRAD), rtol=1e-4)
        previous = p.copy()
    assert adam.t == 10


def test_adam_follows_the_paper_on_varying_gradients():
    rng = np.random.default_rng(0)
    p = rng.normal(size=4)
    reference = p.copy()
    m = np.zeros(4)
    v = np.zeros(4)
    adam = Adam([p], lr=0.05, betas=(0.8, 0.99), eps=1e-3)
    for t in range(1, 8):
        g = rng.normal(size=4)
        adam.step([g])
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        reference -= 0.05 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-3)
    np.testing.assert_allclose(p, reference, rtol=1e-10)


def test_adam_decays_matrices_not_biases():
    w, b = np.ones((2, 2)), np.ones(2)
    Adam([w, b], lr=0.1, weight_decay=0.5).step([np.zeros((2, 2)), np.zeros(2)])
    np.testing.assert_allclose(w, 0.95)
    np.testing.assert_allclose(b, 1.0)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum(nesterov):
    p = np.zeros(1)
    sgd = SGD([p], lr=0.1, momentum=0.9, nesterov=nesterov)
    g = np.ones(1)
    sgd.step([g])
    sgd.step([g])
    # v1 = 1, v2 = 1.9; plain steps by v, Nesterov by g + 0.9 v.
    expected = -(0.1 * 1 + 0.1 * 1.9) if not nesterov else -(0.1 * 1.9 + 0.1 * 2.71)
    assert p[0] == pytest.approx(expected)


def test_make_optimizer():
    assert isinstance(make_optimizer("adam", [np.zeros(1)], 1e-3), Adam)
    assert isinstance(make_optimizer("sgd", [np.zeros(1)], 1e-3), SGD)
    with pytest.raises(ValueError, match="choose adam or sgd"):
        make_optimizer("rmsprop", [], 1e-3)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_stay_within_the_peak(name):
    rates = [SCHEDULES[name](t, 1000, 0.1) for t in range(1000)]
    assert all(0 <= r <= 0.1 + 1e-12 for r in rates)
    assert max(rates) == pytest.approx(0.1, rel=0.01)
    if name != "constant":
        assert rates[-1] < 0.001 and rates[0] < 0.1


def test_adam_in_float32_follows_the_paper_over_many_steps():
    """The step keeps running sums, not means, and folds the (1 - beta) factors and both
    bias corrections into two scalars: in float32, over a thousand steps of gradients of
    every size, it stays the paper's Adam (computed in float64) to float32 rounding."""
    rng = np.random.default_rng(1)
    p = rng.normal(size=2000).astype(np.float32)
    reference = p.astype(np.float64)
    m = np.zeros(2000)
    v = np.zeros(2000)
    adam = Adam([p], lr=1e-3)
    scale = 10.0 ** rng.uniform(-6, 1, size=2000)         # tiny to large gradients
    for t in range(1, 1001):
        g = (rng.normal(size=2000) * scale).astype(np.float32)
        adam.step([g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g.astype(np.float64) ** 2
        reference -= 1e-3 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    assert p.dtype == np.float32 and adam.m[0].dtype == np.float32
    np.testing.assert_allclose(p, reference, rtol=0, atol=2e-5)   # steps of about 1e-3 each
