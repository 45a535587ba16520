"""model.network: backpropagation against finite differences, a stable softmax and loss."""
import numpy as np
import pytest

from digitpad.model.network import MLP, as_input, average, cross_entropy, softmax


def loss_of(net, x, labels):
    return cross_entropy(net.logits(x), labels)[0]


@pytest.mark.parametrize("sizes", [[12, 10], [12, 9, 10], [20, 16, 8, 10]])
def test_backward_matches_central_differences(sizes):
    """Every gradient entry, in float64, against (L(p + h) - L(p - h)) / 2h."""
    rng = np.random.default_rng(1)
    net = MLP.create(sizes, seed=2, dtype=np.float64)
    for b in net.biases:
        b[:] = rng.normal(0, 0.1, b.shape)          # so that biases matter too
    x = rng.random((7, sizes[0]))
    labels = np.array([0, 3, 9, -1, 5, 5, -1])     # -1: "not a digit", a uniform target

    _, dlogits = cross_entropy(net.logits(x), labels)
    grads = net.backward(net.forward(x), dlogits)

    h = 1e-6
    assert len(grads) == len(net.params)
    for p, g in zip(net.params, grads):
        assert g.shape == p.shape
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            keep = p[i]
            p[i] = keep + h
            up = loss_of(net, x, labels)
            p[i] = keep - h
            down = loss_of(net, x, labels)
            p[i] = keep
            numeric[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)


def test_float32_by_default_and_shapes():
    net = MLP.create(seed=0)
    assert net.sizes == [784, 512, 10]
    assert all(p.dtype == np.float32 for p in net.params)
    x = as_input(np.zeros((3, 28, 28), np.uint8) + 255)
    assert x.dtype == np.float32 and x.shape == (3, 784) and x.max() == 1
    p = net.predict_proba(x)
    assert p.shape == (3, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    assert net.predict_proba(x[0]).shape == (10,)


def test_same_seed_same_network():
    a, b = MLP.create([784, 32, 10], seed=5), MLP.create([784, 32, 10], seed=5)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))
    c = MLP.create([784, 32, 10], seed=6)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_he_initialisation():
    w = MLP.create([784, 2000, 10], seed=0).weights[0]
    assert w.std() == pytest.approx(np.sqrt(2 / 784), rel=0.01)


def test_softmax_and_cross_entropy_with_huge_logits():
    logits = np.array([[1e4, 0, -1e4, 0, 0, 0, 0, 0, 0, 0],
                       [-1e30, 1e30, 0, 0, 0, 0, 0, 0, 0, 0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no inf, no NaN
        p = softmax(logits)
        right, grad = cross_entropy(logits, np.array([0, 1]))
    assert np.isfinite(p).all() and p[0, 0] == 1 and p[1, 1] == 1
    assert right == 0 and np.isfinite(grad).all() and np.abs(grad).max() < 1e-6
    wrong, grad = cross_entropy(logits[:1], np.array([2]))
    assert wrong == pytest.approx(2e4, rel=1e-6)
    np.testing.assert_allclose(grad[0, [0, 2]], [1, -1], atol=1e-6)


def test_cross_entropy_matches_the_definition():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (6, 10))
    labels = np.array([1, 2, 3, 4, 5, 6])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss, grad = cross_entropy(logits, labels)
    assert loss == pytest.approx(-np.log(p[np.arange(6), labels]).mean())
    target = np.eye(10)[labels]
    np.testing.assert_allclose(grad, (p - target) / 6, atol=1e-12)


def test_cross_entropy_with_label_minus_one_targets_the_uniform_distribution():
    logits = np.zeros((2, 10))
    loss, grad = cross_entropy(logits, np.array([-1, -1]))
    assert loss == pytest.approx(np.log(10))         # already uniform: the minimum
    np.testing.assert_allclose(grad, 0, atol=1e-15)

    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (3, 10))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss, grad = cross_entropy(logits, np.array([-1, 4, -1]))
    expected = (-np.log(p[0]).mean() - np.log(p[1, 4]) - np.log(p[2]).mean()) / 3
    assert loss == pytest.approx(expected)
    np.testing.assert_allclose(grad[0], (p[0] - 0.1) / 3, atol=1e-12)
    np.testing.assert_allclose(grad[1], (p[1] - np.eye(10)[4]) / 3, atol=1e-12)


def test_classify_and_accuracy():
    net = MLP.create([784, 8, 10], seed=0)
    x = np.random.default_rng(0).integers(0, 256, (25, 28, 28), dtype=np.uint8)
    predicted = net.classify(x, batch_size=7)
    assert predicted.shape == (25,)
    assert np.array_equal(predicted, net.predict_proba(as_input(x)).argmax(axis=1))
    assert net.accuracy(x, predicted) == 1


@pytest.mark.parametrize("hidden", [(), (16,), (16, 8)])
def test_average_is_one_network_whose_logits_are_the_members_mean(hidden):
    members = [MLP.create([784, *hidden, 10], seed=s, dtype=np.float64) for s in range(3)]
    for m in members:                       # non-zero biases, so they are averaged too
        for b in m.biases:
            b += np.random.default_rng(len(b)).normal(size=b.shape)
    merged = average(members)
    assert merged.sizes == [784, *(3 * h for h in hidden), 10]
    x = np.random.default_rng(9).random((5, 784))
    mean = sum(m.logits(x) for m in members) / 3
    assert np.allclose(merged.logits(x), mean)


def test_average_refuses_networks_of_different_depth():
    with pytest.raises(ValueError):
        average([MLP.create([784, 8, 10]), MLP.create([784, 8, 8, 10])])


def test_one_image_is_read_as_in_a_batch():
    net = MLP.create([784, 64, 32, 10], seed=2)
    x = np.zeros((5, 784), np.float32)
    x[:, 200:420] = np.random.default_rng(0).random((5, 220), dtype=np.float32)
    x[1] = 0                                             # blank paper too
    for row in x:
        np.testing.assert_allclose(net.logits_of_one(row), net.logits(row[None])[0],
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(net.predict_proba(row), net.predict_proba(row[None])[0],
                                   rtol=1e-5, atol=1e-7)


def test_backward_takes_the_inked_inputs_its_forward_pass_kept():
    """forward(x, for_backward=True) keeps the inked columns for backward of the same batch,
    which gives the same gradients as finding them again, and forgets them after; a
    forward pass for another batch, or for reading only, is not taken for this one."""
    rng = np.random.default_rng(4)
    net = MLP.create([784, 64, 10], seed=0)
    x = (rng.random((128, 784)) * (rng.random(784) > 0.4)).astype(np.float32)
    other = (rng.random((128, 784)) * (rng.random(784) > 0.4)).astype(np.float32)
    labels = rng.integers(0, 10, 128)
    dlogits = cross_entropy(net.logits(x), labels)[1]
    found = net.backward(net.forward(x), dlogits)
    kept_activations = net.forward(x, for_backward=True)
    assert net._inked_input is not None and net._inked_input[0] is x
    kept = net.backward(kept_activations, dlogits)
    assert net._inked_input is None
    for f, k in zip(found, kept):
        np.testing.assert_array_equal(f, k)
    assert not found[0][np.flatnonzero(~x.any(axis=0))].any()     # paper rows: zero
    activations = net.forward(x, for_backward=True)
    net.forward(other, for_backward=True)                       # another batch came between
    for f, k in zip(found, net.backward(activations, dlogits)):
        np.testing.assert_array_equal(f, k)
    net.logits(other)
    assert net._inked_input is None                             # reading keeps nothing


def test_cross_entropy_with_a_teacher_against_central_differences():
    """The rows a teacher shares: loss and gradient of the mixed target, checked against
    finite differences of the logits, and share 0 is the plain loss."""
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, (5, 10))
    labels = np.array([1, -1, 4, 7, 0])
    rows = np.array([1, 3])
    q = softmax(rng.normal(0, 1, (2, 10)))
    loss, grad = cross_entropy(z, labels, (rows, q, 0.7))
    target = np.zeros((5, 10))
    target[[0, 2, 3, 4], labels[[0, 2, 3, 4]]] = 1
    target[1] = 0.1
    target[rows] = 0.3 * target[rows] + 0.7 * q
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    assert loss == pytest.approx(-(target * log_p).sum() / 5)
    h, numeric = 1e-6, np.zeros_like(z)
    for i in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (cross_entropy(up, labels, (rows, q, 0.7))[0]
                      - cross_entropy(down, labels, (rows, q, 0.7))[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    assert cross_entropy(z, labels, (rows, q, 0.0))[0] == pytest.approx(
        cross_entropy(z, labels)[0])
