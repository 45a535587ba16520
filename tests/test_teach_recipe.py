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
    assert learned.network is not base_net
    assert read(learned.network, third, pen=22).digit == 1, (before.best, before.probabilities)
    assert read(learned.network, seven(200, 200, 140)).digit == 7
    old = base_net.accuracy(mnist.test_images, mnist.test_labels)
    new = learned.network.accuracy(mnist.test_images, mnist.test_labels)
    assert new >= old - 0.002, (old, new)
