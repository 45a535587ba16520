"""Learn's recipe (digitpad.teach): corrections drawn in many ways, learnt without forgetting."""
import numpy as np
import pytest

from digitpad import corrections, preprocess, reading, teach
from digitpad.model.stopping import Stopped
from digitpad.strokes import Stroke
from test_corrections import european_one, read, seven


@pytest.fixture(scope="module")
def base_net():
    from digitpad import weights
    from digitpad.model import weights as weights_io

    return weights_io.load(weights.SHIPPED)[0]


def one_correction(pen=18, **shape):
    strokes = [Stroke(s, pen) for s in european_one(**(dict(cx=200, cy=210, h=150, flag=0.8,
                                                           angle=20, slant=3) | shape))]
    return corrections.Correction(strokes, 1)


def test_vary_redraws_the_same_strokes_differently_with_the_same_pens():
    c = one_correction(pen=12, one_stroke=False)
    c.strokes.append(Stroke([(150, 200), (250, 200)], 30, erase=True))
    rng = np.random.default_rng(0)
    a, b = teach.vary(c.strokes, rng), teach.vary(c.strokes, rng)
    assert [(s.width, s.erase, len(s.points)) for s in a] == \
        [(s.width, s.erase, len(s.points)) for s in c.strokes]
    assert not np.allclose(a[0].array(), b[0].array())
    size = np.ptp(np.concatenate([s.array() for s in c.strokes]), axis=0).max()
    for s, t in zip(a, c.strokes):          # moved, not scattered: within a third of its size
        assert np.abs(s.array() - t.array()).max() < size / 3


def test_correction_images_are_the_drawing_first_then_varied():
    c = one_correction()
    images, labels = teach.correction_images([c], np.random.default_rng(1), copies=5)
    assert images.shape == (5, 28, 28) and images.dtype == np.uint8 and set(labels) == {1}
    assert len({im.tobytes() for im in images}) == 5
    plain, _ = teach.correction_images([c], np.random.default_rng(1), copies=5, variety=False)
    # Without variety every copy is the drawing itself, at another size and pen: closer alike.
    assert np.std(plain.astype(float), axis=0).mean() < np.std(images.astype(float), axis=0).mean()


def test_read_digits_reads_as_the_window_reads(base_net):
    images = [preprocess.prepare(pendigits_render(s)).image
              for s in (seven(200, 200, 140), european_one(200, 210, 150, flag=0.8, angle=20))]
    images.append(np.zeros((28, 28), np.float32) + 0.3)           # no digit: declined
    got = teach.read_digits(base_net, np.array(images))
    for image, digit in zip(images, got):
        p = reading.read_image(base_net, image)
        assert (-1 if p.digit is None else p.digit) == digit


def pendigits_render(strokes):
    from digitpad import pendigits
    return pendigits.render(strokes, 18, (420, 420))


def test_learn_stops_while_drawing_when_asked(base_net, mnist):
    with pytest.raises(Stopped):
        teach.learn(base_net, [one_correction()], mnist, np.random.default_rng(0),
                    should_stop=lambda: True)


def test_learn_needs_a_correction(base_net, mnist):
    with pytest.raises(ValueError, match="no corrections"):
        teach.learn(base_net, [], mnist, np.random.default_rng(0))


def test_two_corrections_teach_a_long_flagged_one_and_keep_the_seven(base_net, mnist):
    fixes = [one_correction(pen=18),
             one_correction(pen=12, cx=150, cy=180, h=90, flag=0.9, angle=15, slant=6,
                            one_stroke=False)]
    third = european_one(300, 160, 110, flag=0.8, angle=25, slant=5, one_stroke=False)
    before = read(base_net, third, pen=22)
    learned = teach.learn(base_net, fixes, mnist, np.random.default_rng(0))
    assert learned.network is not base_net and learned.moved > 0   # the step back kept some
    assert read(learned.network, third, pen=22).digit == 1, (before.best, before.probabilities)
    assert read(learned.network, seven(200, 200, 140)).digit == 7
    old = base_net.accuracy(mnist.test_images, mnist.test_labels)
    new = learned.network.accuracy(mnist.test_images, mnist.test_labels)
    assert new >= old - 0.002, (old, new)


# -- stepping back (teach.step_back): how far the weights move from the network before ----

def _one_layer(bias):
    """A 784 -> 10 network that ignores its input: its reading is the bias' strongest class."""
    from digitpad.model.network import MLP

    return MLP([np.zeros((784, 10), np.float32)], [np.asarray(bias, np.float32)])


def _bias(digit, strength=10.0):
    b = np.zeros(10, np.float32)
    b[digit] = strength
    return b


def test_interpolate_is_the_old_network_at_0_the_new_at_1_and_between_them_linear():
    rng = np.random.default_rng(0)
    from digitpad.model.network import MLP
    before = MLP.create((784, 16, 10), seed=1)
    after = MLP([w + rng.normal(0, 1, w.shape).astype(w.dtype) for w in before.weights],
                [b + 1 for b in before.biases])
    kept = [w.copy() for w in before.weights + after.weights]
    at0, at1, half = (teach.interpolate(before, after, t) for t in (0.0, 1.0, 0.5))
    for a, b, h, w0, w1 in zip(at0.weights, at1.weights, half.weights, before.weights,
                               after.weights):
        assert np.allclose(a, w0) and np.allclose(b, w1) and np.allclose(h, (w0 + w1) / 2)
        assert h.dtype == w0.dtype
    assert np.allclose(half.biases[0], before.biases[0] + 0.5)
    for w, k in zip(before.weights + after.weights, kept):      # neither is changed
        assert np.array_equal(w, k)


def test_step_back_keeps_the_farthest_step_that_loses_nothing_on_the_checks():
    images = np.zeros((20, 28, 28), np.uint8)
    checks = [(images, np.full(20, 3))]
    before, after = _one_layer(_bias(3)), _one_layer(_bias(5))
    r = teach.Recipe(check=20, tolerance=0.0, steps=(1.0, 0.75, 0.5, 0.25))
    # At t the scores are 3: 10 (1 - t) and 5: 10 t: only t = 0.25 still reads 3, surely.
    net, t = teach.step_back(before, after, checks, r)
    assert t == 0.25
    assert np.allclose(net.biases[0], teach.interpolate(before, after, 0.25).biases[0])
    assert set(teach.read_digits(net, images)) == {3}


def test_step_back_returns_the_old_network_when_every_step_loses_on_a_check():
    images = np.zeros((10, 28, 28), np.uint8)
    before, after = _one_layer(_bias(3)), _one_layer(_bias(5, 100.0))
    checks = [(images, np.full(10, 3))]          # every step but t = 0 reads them as 5
    net, t = teach.step_back(before, after, checks, teach.Recipe(check=10, steps=(1.0, 0.5,
                                                                                 0.25)))
    assert t == 0.0 and net is not before
    assert np.array_equal(net.biases[0], before.biases[0])
    # Each check on its own: the old network kept if the second check loses, however well
    # the first does.
    gains = (images, np.full(10, 5))
    net, t = teach.step_back(before, after, [gains] + checks, teach.Recipe(check=10))
    assert t == 0.0


def test_step_back_takes_the_new_network_when_it_loses_nothing_or_there_are_no_checks():
    images = np.zeros((10, 28, 28), np.uint8)
    before, after = _one_layer(_bias(3)), _one_layer(_bias(3, 12.0))
    net, t = teach.step_back(before, after, [(images, np.full(10, 3))], teach.Recipe(check=10))
    assert net is after and t == 1.0
    worse = _one_layer(_bias(5))
    assert teach.step_back(before, worse, [], teach.Recipe()) == (worse, 1.0)


def test_held_back_with_near_takes_the_digits_read_right_least_surely():
    """``near``: each check is the digits the network reads right with the least
    probability among ``near`` times as many (here all of them); without it, at random."""
    from digitpad.model.data import Mnist
    from digitpad.model.network import MLP

    w = np.zeros((784, 10), np.float32)
    w[0, 3] = 12.0                        # the more ink in pixel 0, the surer a 3
    net = MLP([w], [np.zeros(10, np.float32)])
    images = np.zeros((40, 28, 28), np.uint8)
    images[:, 0, 0] = np.random.default_rng(0).permutation(np.linspace(0, 255, 40))
    labels = np.full(40, 3)
    right = teach.read_digits(net, images) == 3
    assert 5 < right.sum() < 35                         # the faint ones are declined
    mnist = Mnist(images, labels, images[:0], labels[:0])
    drawn = teach.Replay(images[:20], labels[:20], images[:0], images[:0])
    r = teach.Recipe(check=5, near=8.0)
    checks, held = teach.held_back(mnist, np.random.default_rng(1), r, drawn, net)
    for (chosen, _), source, n in zip(checks, (images, images[:20]), (5, 5)):
        ink = source[:, 0, 0]
        readable = np.sort(ink[teach.read_digits(net, source) == 3])
        assert np.array_equal(np.sort(chosen[:, 0, 0]), readable[:n])
    assert np.array_equal(mnist.train_images[held["mnist"]], checks[0][0])
    assert np.array_equal(drawn.pens[held["pens"]], checks[1][0])
    # Without near: 5 at random, faint ones among them as likely as any.
    plain = teach.Recipe(check=5, near=0.0)
    picks = [teach.held_back(mnist, np.random.default_rng(k), plain, drawn, net)[1]["mnist"]
             for k in range(10)]
    assert len({tuple(sorted(p)) for p in picks}) > 1
    assert any((~right[p]).any() for p in picks)


def test_step_back_counts_a_digit_broken_even_when_another_is_read_right_anew():
    """A step that breaks one held-back digit and mends another loses that digit
    (``broken``, Learn's way), though the share read right is the same."""
    from digitpad.model.network import MLP

    def net(bias_digit, ink_digit):      # blank reads bias_digit; ink in pixel 0, ink_digit
        w = np.zeros((784, 10), np.float32)
        w[0, ink_digit] = 20.0
        return MLP([w], [_bias(bias_digit)])
    images = np.zeros((2, 28, 28), np.uint8)
    images[0, 0, 0] = 255
    checks = [(images, np.array([5, 4]))]
    before, after = net(3, 5), net(4, 3)         # before: 5 right, 4 not; after: the reverse
    assert teach.read_digits(before, images).tolist() == [5, 3]
    assert teach.read_digits(after, images).tolist() == [3, 4]
    r = teach.Recipe(check=2, tolerance=0.0, steps=(1.0,))
    assert teach.step_back(before, after, checks, r)[1] == 0.0
    import dataclasses
    net_share = dataclasses.replace(r, broken=False)      # the same share read right: kept
    assert teach.step_back(before, after, checks, net_share) == (after, 1.0)


def test_the_sessions_digits_are_repeated_as_training_images_up_to_a_bound():
    images = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    x, y = teach.session_images((images, np.array([1, 2, 3])), 20)
    assert x.dtype == np.uint8 and x.shape == (60, 28, 28)
    assert y.tolist() == [1, 2, 3] * 20
    assert np.array_equal(x[:3], np.rint(images * 255).astype(np.uint8))
    many = np.zeros((teach.SESSION_IMAGES // 2 + 1, 28, 28), np.uint8)
    assert len(teach.session_images((many, np.zeros(len(many))), 20)[0]) == len(many)


def test_learn_trains_on_the_sessions_digits_too(base_net, mnist, monkeypatch):
    from digitpad.model import train as training
    seen = []

    def spy(config, images, labels, **_):
        seen.append((images, labels))
        return type("Run", (), {"network": base_net.copy()})()
    monkeypatch.setattr(training, "train", spy)
    small = teach.Recipe(copies=2, mnist_samples=50, guard=0, pen_samples=10, outliers=0,
                         letters=0, epochs=1, check=0, session=3)
    session = (_tagged(4), np.array([1, 2, 3, 4]))
    teach.learn(base_net, [one_correction()], mnist, np.random.default_rng(0), recipe=small,
                kept=session)
    (images, labels), = seen
    tagged = [k for k in _which(images) if 0 < k < 4]          # image 0 is all but blank
    assert sorted(tagged) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    seen.clear()
    teach.learn(base_net, [one_correction()], mnist, np.random.default_rng(0),
                recipe=teach.Recipe(**{**small.__dict__, "session": 0}), kept=session)
    assert len(seen[0][0]) == len(images) - 12


def test_step_back_stops_when_asked():
    images = np.zeros((10, 28, 28), np.uint8)
    with pytest.raises(Stopped):
        teach.step_back(_one_layer(_bias(3)), _one_layer(_bias(5)),
                        [(images, np.full(10, 3))], teach.Recipe(check=10),
                        should_stop=lambda: True)


def _tagged(n):
    """``n`` images, image k with k written in its first two pixels: which one it is shows."""
    images = np.zeros((n, 28, 28), np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(n) // 256, np.arange(n) % 256
    return images


def _which(images):
    return (images[:, 0, 0].astype(int) * 256 + images[:, 0, 1]).tolist()


def test_the_held_back_digits_are_never_replayed():
    from digitpad.model.data import Mnist

    n = 400
    images, labels = _tagged(n), np.arange(n) % 10
    mnist = Mnist(images, labels, images[:1], labels[:1])
    drawn = teach.Replay(_tagged(300), np.arange(300) % 10, _tagged(0), _tagged(0))
    r = teach.Recipe(check=100, mnist_samples=n, guard=n, pen_samples=300, outliers=0,
                     letters=0)
    rng = np.random.default_rng(0)
    checks, held = teach.held_back(mnist, rng, r, drawn)
    assert sorted(_which(checks[0][0])) == sorted(held["mnist"].tolist())
    assert sorted(_which(checks[1][0])) == sorted(held["pens"].tolist())
    assert len(held["mnist"]) == 100 and len(held["pens"]) == 100
    own = images[:5]
    parts = teach.replay(_one_layer(_bias(3)), own, np.full(5, 7), mnist, rng, r, drawn,
                         held=held)
    replayed, guarded, pens = (set(_which(p[0])) for p in parts)
    # All of MNIST was asked for, and the guard of 3s (what the corrections were read as)
    # too, and all the pen digits: each gets everything but the held-back digits.
    assert replayed == set(range(n)) - set(held["mnist"].tolist())
    assert guarded == {k for k in replayed if k % 10 == 3}
    assert pens == set(range(300)) - set(held["pens"].tolist())
    assert all(np.array_equal(np.asarray(p[1]), np.asarray(_which(p[0])) % 10) for p in parts)
    # Without checks, the replay draws from everything.
    parts = teach.replay(_one_layer(_bias(3)), own, np.full(5, 7), mnist, rng, r, drawn)
    assert set(_which(parts[0][0])) == set(range(n))
    assert set(_which(parts[2][0])) == set(range(300))


def test_the_replay_is_drawn_once_then_read_back(monkeypatch, tmp_path):
    from digitpad import pendigits

    monkeypatch.setenv("DIGITPAD_HOME", str(tmp_path))
    pens = pendigits.load().subset(np.arange(60))
    r = teach.Recipe(check=10, pen_samples=20, letters=8, outliers=5, pool=1.5)
    drawings = []
    real = pendigits.to_images
    monkeypatch.setattr(pendigits, "to_images",
                        lambda data, *a, **k: drawings.append(len(data)) or real(data, *a, **k))
    told = []
    first = teach.drawn_replay(r, np.random.default_rng(0), pens,
                               progress=lambda *a: told.append(a))
    assert drawings == [45, 12]                 # 1.5 x (10 + 20) pen digits, 1.5 x 8 letters
    assert len(first.pens) == 45 and len(first.letters) == 12 and len(first.outliers) == 8
    assert told[-1] == (teach.REPLAY_PHASE, 65, 65)
    assert len({phase for phase, _, _ in told}) == 1
    # Another Learn, another rng: the same drawings, read back, none drawn again.
    again = teach.drawn_replay(r, np.random.default_rng(1), pens)
    assert drawings == [45, 12]
    for a, b in zip(vars(first).values(), vars(again).values()):
        assert np.array_equal(a, b)
    # Other samples are other drawings; with no pool they are drawn anew every time.
    teach.drawn_replay(r, np.random.default_rng(0), pendigits.load().subset(np.arange(60, 120)))
    assert drawings == [45, 12, 45, 12]
    fresh = teach.Recipe(**{**r.__dict__, "pool": 0.0})
    teach.drawn_replay(fresh, np.random.default_rng(0), pens)
    teach.drawn_replay(fresh, np.random.default_rng(0), pens)
    assert drawings == [45, 12, 45, 12, 30, 8, 30, 8]


def test_learn_steps_back_on_the_held_back_digits_and_the_session_kept(base_net, mnist,
                                                                        monkeypatch):
    seen = []

    def spy(before, after, checks, r, should_stop=None, progress=None):
        seen.append([(np.asarray(i).copy(), np.asarray(lab).copy()) for i, lab in checks])
        return before.copy(), 0.0
    monkeypatch.setattr(teach, "step_back", spy)
    small = teach.Recipe(copies=2, mnist_samples=200, guard=0, pen_samples=20, outliers=0,
                         letters=0, epochs=1, check=30)
    session = (np.zeros((4, 28, 28), np.float32), np.array([1, 2, 3, 4]))
    learned = teach.learn(base_net, [one_correction()], mnist, np.random.default_rng(0),
                          recipe=small, kept=session)
    assert learned.moved == 0.0
    assert np.array_equal(learned.network.weights[0], base_net.weights[0])
    (checks,) = seen
    assert [len(c[1]) for c in checks] == [30, 30, 4]     # MNIST, pen digits, the session
    assert np.array_equal(checks[2][1], session[1])
    # No checks asked for and no session: step_back is handed none (and keeps the new weights).
    seen.clear()
    teach.learn(base_net, [one_correction()], mnist, np.random.default_rng(0),
                recipe=teach.Recipe(**{**small.__dict__, "check": 0}))
    assert seen == [[]]


def test_a_stop_while_the_replay_is_drawn_keeps_nothing_half_drawn(monkeypatch, tmp_path):
    from digitpad import datasets, pendigits

    monkeypatch.setenv("DIGITPAD_HOME", str(tmp_path))
    pens = pendigits.load().subset(np.arange(60))
    r = teach.Recipe(check=10, pen_samples=20, letters=8, outliers=5, pool=1.5)
    asked = []

    def stop_after_a_while():
        asked.append(1)
        return len(asked) > 2
    with pytest.raises(Stopped):
        teach.drawn_replay(r, np.random.default_rng(0), pens, should_stop=stop_after_a_while)
    assert not list(datasets.cache_folder().glob("learn-replay-*"))
    whole = teach.drawn_replay(r, np.random.default_rng(0), pens)    # drawn whole next time
    assert len(whole.pens) == 45 and len(list(datasets.cache_folder().glob("learn-replay-*"))) == 1
