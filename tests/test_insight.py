"""digitpad.insight: the network's reasons, checked against the network itself."""
import numpy as np
import pytest

from digitpad import evaluation, insight, store
from digitpad.model.network import MLP


def float64(network):
    return MLP([w.astype(np.float64) for w in network.weights],
               [b.astype(np.float64) for b in network.biases])


def random_network(sizes, seed):
    """He-initialised, with biases that are not zero (so the bias share is tested too)."""
    net = MLP.create(sizes, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for b in net.biases:
        b[:] = rng.normal(0, 0.3, b.shape)
    return net


@pytest.fixture(scope="module")
def shipped_net():
    return store.load_shipped().network


@pytest.mark.parametrize("sizes", [(784, 10), (784, 64, 10), (784, 128, 48, 10),
                                   (784, 40, 30, 20, 10)])
def test_contributions_add_up_to_the_logit_difference_on_random_inputs(sizes):
    rng = np.random.default_rng(len(sizes))
    for seed in range(5):
        net = random_network(sizes, seed)
        exact = float64(net)
        image = rng.random((28, 28)) * (rng.random((28, 28)) < 0.4)
        digit, against = rng.choice(10, size=2, replace=False)
        pixel_map, bias = insight.contributions(net, image, digit, against)
        assert pixel_map.shape == (28, 28) and isinstance(bias, float)
        z = exact.logits(image.reshape(1, -1))[0]
        assert pixel_map.sum() + bias == pytest.approx(z[digit] - z[against], abs=1e-4)
        z32 = net.logits(image.reshape(1, -1).astype(np.float32))[0]
        assert pixel_map.sum() + bias == pytest.approx(z32[digit] - z32[against], abs=1e-4)
        assert np.all(pixel_map[image == 0] == 0)       # paper carries no share


def test_contributions_on_mnist_digits_with_the_shipped_model(shipped_net, mnist):
    exact = float64(shipped_net)
    images = mnist.test_images[:50] / 255.0
    z = exact.logits(images.reshape(50, -1))
    for image, scores in zip(images, z):
        digit = int(np.argmax(scores))
        against = insight.runner_up(scores, digit)
        pixel_map, bias = insight.contributions(shipped_net, image, digit, against)
        assert pixel_map.sum() + bias == pytest.approx(scores[digit] - scores[against],
                                                       abs=1e-4)
        assert pixel_map.sum() + bias > 0


def test_contributions_reject_bad_arguments(shipped_net):
    with pytest.raises(ValueError, match="28x28"):
        insight.contributions(shipped_net, np.zeros((27, 28)), 1, 2)
    with pytest.raises(ValueError, match="digit"):
        insight.contributions(shipped_net, np.zeros((28, 28)), 1, 10)


def margin(net, image, digit, against):
    z = net.logits(np.asarray(image, np.float32).reshape(1, -1))[0]
    return float(z[digit] - z[against])


def test_changing_the_top_pixels_in_the_suggested_direction_lowers_the_margin(shipped_net,
                                                                              mnist):
    """The map is exact for small changes; larger ones switch units on and off, so a
    change of many pixels can now and then do less than the weights promise."""
    lowered = {1: 0, 5: 0, 10: 0, 20: 0}
    images = mnist.test_images[:100] / 255.0
    for image in images:
        z = shipped_net.logits(image.reshape(1, -1).astype(np.float32))[0]
        digit = int(np.argmax(z))
        against = insight.runner_up(z, digit)
        weights, _ = insight.linear_map(shipped_net, image, digit, against)
        order, target = insight.suggestion(weights, image)
        assert np.all(np.abs(weights[order][:-1]) >= np.abs(weights[order][1:]))
        assert np.all(np.where(weights[order] > 0, target[order] == 0, target[order] == 1))
        for top in lowered:
            changed = image.reshape(-1).copy()
            changed[order[:top]] = target[order[:top]]
            lowered[top] += margin(shipped_net, changed, digit, against) < margin(
                shipped_net, image, digit, against)
    assert lowered[1] == len(images)
    assert all(n >= 0.95 * len(images) for n in lowered.values()), lowered


def test_the_flip_makes_the_other_digit_win(shipped_net, mnist):
    flipped, sizes = 0, []
    for image in mnist.test_images[:30] / 255.0:
        z = shipped_net.logits(image.reshape(1, -1).astype(np.float32))[0]
        digit = int(np.argmax(z))
        against = insight.runner_up(z, digit)
        f = insight.flip(shipped_net, image, digit, against)
        after = np.clip(image + f.change, 0, 1)
        assert f.margin_before == pytest.approx(margin(shipped_net, image, digit, against),
                                                abs=1e-3)
        assert f.margin_after == pytest.approx(margin(shipped_net, after, digit, against),
                                               abs=1e-3)
        assert f.read_after == int(np.argmax(shipped_net.logits(
            after.reshape(1, -1).astype(np.float32))))
        assert np.all((f.change > 0) <= (image < 1)) and np.all((f.change < 0) <= (image > 0))
        if f.flipped:
            flipped += 1
            assert f.read_after == against and f.margin_after < 0
            sizes.append(f.pixels)
    assert flipped >= 25
    # Mostly a few strokes' worth; now and then the way from one digit to the other goes
    # through "no digit at all", where the network needs much more to change its mind.
    assert 0 < np.median(sizes) < 784 // 20


def test_a_flip_step_never_silences_a_whole_layer():
    net = random_network((784, 2, 10), 0)
    net.weights[0][:] = 0
    net.biases[0][:] = 1
    net.weights[0][0, :] = -10         # ink on pixel 0 silences both hidden units
    x = np.zeros(784)
    order, target = np.array([0, 1, 2]), np.ones(784)
    step = insight._step(net, x, order, target, 2, np.float32)
    assert step[0] == 0 and step[1] == 1 and step.sum() == 1     # pixel 0 skipped, 1 taken
    assert insight._step(net, x, order[:1], target, 1, np.float32) is None


def test_top_units_are_the_most_active(shipped_net, mnist):
    for image in mnist.test_images[:10] / 255.0:
        hidden = shipped_net.forward(image.reshape(1, -1).astype(np.float32))[1][0]
        units, values = insight.top_units(shipped_net, image, 12)
        assert len(units) == 12
        assert np.allclose(values, hidden[units])
        assert np.all(np.diff(values) <= 0)
        assert values[-1] >= np.sort(hidden)[-12]           # none stronger left out
        assert set(units) == set(np.argsort(-hidden)[:12]) or np.sum(hidden >= values[-1]) > 12


def test_top_units_leave_out_units_that_do_not_fire():
    net = random_network((784, 8, 10), 0)
    net.biases[0][:] = -100
    units, values = insight.top_units(net, np.ones((28, 28)) * 0.01, 5)
    assert len(units) == 0 and len(values) == 0


def test_units_for_a_digit_are_sorted_by_their_vote():
    net = random_network((784, 50, 10), 3)
    units, scores = insight.units_for(net, 4)
    w = net.weights[-1].astype(np.float64)
    expected = w[:, 4] - w.mean(axis=1)
    assert sorted(units) == list(range(50))
    assert np.allclose(scores, expected[units])
    assert np.all(np.diff(scores) <= 0)
    pictures = insight.unit_pictures(net, units[:3])
    assert pictures.shape == (3, 28, 28)
    assert np.array_equal(pictures[0].reshape(-1), net.weights[0][:, units[0]])


def test_units_for_a_digit_on_its_images_with_one_hidden_layer(mnist):
    net = random_network((784, 64, 10), 5)
    images, labels = mnist.test_images[:2000], mnist.test_labels[:2000]
    units, scores = insight.units_for(net, 4, images, labels)
    w = net.weights[-1].astype(np.float64)
    fours = (images[labels == 4].reshape(-1, 784) / 255.0).astype(np.float32)
    mean = net.forward(fours)[1].mean(axis=0)
    expected = (w[:, 4] - w.mean(axis=1)) * mean          # the vote times the mean activation
    assert np.allclose(scores, expected[units], rtol=1e-4, atol=1e-6)
    assert np.all(np.diff(scores) <= 0)
    # Summed over every unit, the shares are the network's case for 4 on its 4s (less biases).
    z = net.logits(fours)
    case = (z[:, 4] - z.mean(axis=1)).mean()
    b = net.biases[-1].astype(np.float64)
    assert scores.sum() + b[4] - b.mean() == pytest.approx(case, rel=1e-4)


def test_units_for_a_digit_on_its_images_through_deeper_layers(mnist):
    net = random_network((784, 20, 15, 10), 4)
    images, labels = mnist.test_images[:400], mnist.test_labels[:400]
    units, scores = insight.units_for(net, 3, images, labels)
    ws = [w.astype(np.float64) for w in net.weights]
    bs = [b.astype(np.float64) for b in net.biases]
    first = np.maximum(images[labels == 3].reshape(-1, 784) / 255.0 @ ws[0] + bs[0], 0)

    def case(h):                                    # the network above the first layer
        for w, b in zip(ws[1:-1], bs[1:-1]):
            h = np.maximum(h @ w + b, 0)
        z = h @ ws[-1] + bs[-1]
        return z[:, 3] - z.mean(axis=1)

    eps = 1e-6                                      # ReLUs are linear between their kinks
    slopes = np.stack([(case(first + eps * np.eye(20)[u]) - case(first)) / eps
                       for u in range(20)], axis=1)
    expected = (first * slopes).mean(axis=0)        # activation x its effect, image by image
    assert np.allclose(scores, expected[units], rtol=1e-3, atol=1e-5)
    votes = insight.unit_votes(net)                 # not the all-units-active shortcut
    assert not np.allclose(scores, ((votes[:, 3] - votes.mean(axis=1)) * first.mean(axis=0))[units],
                           rtol=1e-2)


def test_unit_votes_go_through_deeper_layers():
    net = random_network((784, 20, 15, 10), 4)
    votes = insight.unit_votes(net)
    assert votes.shape == (20, 10)
    assert np.allclose(votes, net.weights[1].astype(np.float64) @ net.weights[2])


def test_exciting_images_are_those_with_the_largest_activation(shipped_net, mnist):
    images = mnist.test_images[:3000]
    unit = 7
    indices, values = insight.exciting(shipped_net, images, unit, n=10)
    hidden = shipped_net.forward((images.reshape(len(images), -1) / 255.0)
                                 .astype(np.float32))[1][:, unit]
    assert np.allclose(values, hidden[indices], atol=1e-4)
    assert values[-1] >= np.sort(hidden)[-10] - 1e-4


def test_an_evaluation_cell_holds_exactly_its_images():
    labels = np.array([0, 0, 1, 1, 1, 2, 2, 9])
    read = np.array([0, 1, 1, 1, 7, 2, 7, 9])
    sure = np.array([0.9, 0.6, 0.8, 0.95, 0.7, 0.9, 0.99, 0.5])
    p = np.full((8, 10), 0.0, np.float32)
    for i, (r, s) in enumerate(zip(read, sure)):
        p[i] = (1 - s) / 9
        p[i, r] = s
    e = evaluation.Evaluation(labels, p)
    assert e.right == 5 and e.accuracy == pytest.approx(5 / 8)
    assert e.confusion[1, 7] == 1 and e.confusion[1, 1] == 2 and e.confusion.sum() == 8
    assert list(e.cell(1, 1)) == [3, 2]                  # the surest first
    assert list(e.cell(2, 7)) == [6] and list(e.cell(3, 3)) == []
    assert list(e.mistakes()) == [6, 4, 1]
    per = e.per_digit()
    assert per[0] == 0.5 and per[1] == pytest.approx(2 / 3) and np.isnan(per[5])


def test_evaluate_agrees_with_the_network(shipped_net, mnist):
    e = evaluation.evaluate(shipped_net, mnist.test_images, mnist.test_labels)
    assert e.accuracy == pytest.approx(shipped_net.accuracy(mnist.test_images,
                                                            mnist.test_labels))
    assert e.confusion.sum() == 10_000
    for t, r in [(4, 9), (7, 2), (3, 3)]:
        cell = e.cell(t, r)
        assert len(cell) == e.confusion[t, r]
        assert np.all(mnist.test_labels[cell] == t)
        assert np.all(shipped_net.classify(mnist.test_images[cell]) == r)


def test_tint_colours():
    values = np.zeros((28, 28))
    values[3, 4], values[5, 6] = 2.0, -1.0
    image = np.zeros((28, 28))
    image[10, 10] = 1.0
    rgb = insight.tint(image, values)
    assert rgb.shape == (28, 28, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[3, 4]) == insight.FOR                # the strongest: the full colour
    assert rgb[5, 6, 2] > rgb[5, 6, 0]                     # blue-ish against
    assert tuple(rgb[0, 0]) == (255, 255, 255)             # paper
    assert rgb[10, 10, 0] < 255 and len(set(rgb[10, 10])) == 1   # ink: gray
    assert np.all(insight.tint(image, np.zeros((28, 28)))[0, 0] == 255)


def test_settings_views_are_checked(digitpad_home):
    s = store.Settings()
    assert s.views == []
    s.update(views=["units", "why", "nonsense", "why", 7, "x" * 41])
    assert store.Settings().views == ["units", "why", "nonsense"]
    for bad in ("why", 3, None, {"why": 1}, [["why"]]):
        store.write_json(store.settings_path(), {"views": bad})
        assert store.Settings().views == []
