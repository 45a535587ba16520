"""Style synthesis: styles added to real pen digits still are those digits, and look it."""
import numpy as np
import pytest

from digitpad import pendigits, preprocess, styles


def real(digit, count=30):
    data = pendigits.load()
    picks = np.flatnonzero(data.labels == digit)[::37][:count]
    return [data.strokes(int(i)) for i in picks]


def image(strokes, seed=0):
    """The 28x28 image the network would see, drawn with a fixed pen."""
    ink = pendigits.draw_sample(strokes, np.random.default_rng(seed), pen_width=6)
    return preprocess.to_mnist(ink)


def centre_ink(img):
    """The ink of the 4x4 pixels around the ink's centre of mass."""
    ys, xs = np.indices(img.shape)
    cy, cx = (int(round((v * img).sum() / img.sum())) for v in (ys, xs))
    return float(img[cy - 2:cy + 2, cx - 2:cx + 2].sum())


def test_a_slashed_zero_crosses_its_bowl():
    rng = np.random.default_rng(0)
    zeros = real(0)
    plain = [centre_ink(image(s)) for s in zeros]
    slashed = [styles.slashed_zero(s, rng) for s in zeros]
    assert all(len(b) == len(a) + 1 for a, b in zip(zeros, slashed))
    crossed = [centre_ink(image(s)) for s in slashed]
    # a 0's middle is paper; the slash puts ink there
    assert np.mean(np.array(plain) > 1) < 0.3
    assert np.mean(np.array(crossed) > 1) > 0.9
    for a, b in zip(zeros, slashed):      # the slash reaches from the bottom to the top
        x0, y0, x1, y1 = pendigits.bounds(a)
        slash = b[-1]
        assert slash[:, 1].min() < y0 + 0.15 * (y1 - y0)
        assert slash[:, 1].max() > y1 - 0.15 * (y1 - y0)


def test_a_flagged_one_has_a_flag_to_the_left_of_its_top():
    rng = np.random.default_rng(1)
    ones = [s for s in real(1) if styles.is_plain_one(s)]
    assert len(ones) > 10
    for s in ones:
        x0, y0, x1, y1 = pendigits.bounds(s)
        pts = np.concatenate(s)
        top = pts[np.argmin(pts[:, 1]), 0]
        out = styles.flagged_one(s, rng, base=1.0)
        flag, base = out[0], out[-1]
        assert len(out) == len(s) + 2
        assert flag[:, 0].min() < top - 0.1 * (y1 - y0)           # out to the left ...
        assert flag[:, 1].max() < y1 - 0.25 * (y1 - y0)           # ... from the upper part
        assert np.ptp(base[:, 0]) > 0.25 * (y1 - y0)              # a base along the foot
        assert base[:, 1].mean() > y1 - 0.1 * (y1 - y0)


def test_a_crossed_seven_has_a_bar_across_its_stem():
    rng = np.random.default_rng(2)
    for s in real(7):
        x0, y0, x1, y1 = pendigits.bounds(s)
        bar = styles.crossed_seven(s, rng)[-1]
        y = bar[:, 1].mean()
        assert y0 + 0.35 * (y1 - y0) < y < y0 + 0.72 * (y1 - y0)
        pts = np.concatenate(s)
        stem = pts[np.abs(pts[:, 1] - y) < 0.08 * (y1 - y0), 0]
        assert bar[:, 0].min() < np.median(stem) < bar[:, 0].max()


def test_slant_shears_the_trajectory_either_way():
    line = [np.array([[0.0, 0.0], [0.0, 10.0]])]
    tops = []
    for seed in range(40):
        out = styles.slant(line, np.random.default_rng(seed), rotate=0, aspect=0)
        (xa, ya), (xb, yb) = out[0]
        assert yb - ya == pytest.approx(10)
        tops.append((xb - xa) / 10)
    assert min(tops) < -0.2 and max(tops) > 0.2 and max(np.abs(tops)) <= 0.45


def test_styler_keeps_labels_and_leaves_letters_their_shape():
    rng = np.random.default_rng(3)
    every = styles.Styler(slash0=1, flag1=1, cross7=1, shear=0)
    zero, seven = real(0, 1)[0], real(7, 1)[0]
    assert len(every(zero, 0, rng)) == len(zero) + 1
    assert len(every(seven, 7, rng)) == len(seven) + 1
    letter = [np.array([[0.0, 0.0], [1.0, 1.0]])]
    assert every(letter, "x", rng) == letter
    none = styles.Styler(slash0=0, flag1=0, cross7=0, shear=0)
    assert none(zero, 0, rng) == zero


def test_restyled_pen_digits_keep_their_labels():
    data = pendigits.load()
    zeros = data.subset(np.flatnonzero(data.labels == 0)[:40])
    images, labels = pendigits.to_images(zeros, np.random.default_rng(4),
                                         transform=styles.Styler(slash0=1))
    assert len(images) == 40 and (labels == 0).all()
    assert np.mean([centre_ink(i / 255) > 1 for i in images]) > 0.9
