"""The pen digits: a writer-disjoint split, and drawing strokes like the canvas."""
import numpy as np
import pytest

from digitpad import pendigits as pd

needs_shared = pytest.mark.skipif(not pd.shared_path().exists(),
                                  reason="../shared/pen-digits is not there")


def test_shipped_set_holds_no_heldout_writer():
    data = pd.load()
    assert len(data) > 6000
    assert not pd.is_heldout(data.writer).any()
    assert set(np.unique(data.site)) == set(pd.SITES)


@needs_shared
def test_heldout_writers_follow_the_rule_and_cover_every_site():
    full = pd.load(pd.shared_path())
    assert pd.choose_heldout(full.writer, full.site) == pd.HELDOUT_WRITERS
    held = pd.load_heldout()
    assert set(np.unique(held.site)) == set(pd.SITES)
    assert 0.18 < len(held) / len(full) < 0.3
    assert len(held) + len(pd.load()) == len(full)


def test_render_draws_round_antialiased_lines():
    ink = pd.render([np.array([[10.0, 20.0], [50.0, 20.0]])], pen_width=8, size=(64, 40))
    assert ink.shape == (40, 64)
    assert ink[20, 30] == pytest.approx(1.0)
    assert ink[20, 7] > 0.5          # round cap reaches past the end point
    assert ink[26, 30] == 0.0
    assert 0 < ink[24, 30] < 1 or 0 < ink[16, 30] < 1   # grey edges
    dot = pd.render([np.array([[5.0, 5.0]])], pen_width=6, size=(12, 12))
    assert dot[5, 5] == pytest.approx(1.0) and dot.sum() == pytest.approx(np.pi * 9, rel=0.15)


def test_fit_to_canvas_keeps_aspect_and_stays_inside():
    rng = np.random.default_rng(0)
    strokes = [np.array([[0.0, 0.0], [10.0, 40.0]]), np.array([[5.0, 5.0], [2.0, 30.0]])]
    for _ in range(50):
        placed = pd.fit_to_canvas(strokes, 300, 200, rng, margin=4)
        x0, y0, x1, y1 = pd.bounds(placed)
        assert 4 <= x0 and x1 <= 296 and 4 <= y0 and y1 <= 196
        assert 0.4 * 200 - 1e-6 <= y1 - y0 <= 0.8 * 200 + 1e-6
        assert (x1 - x0) / (y1 - y0) == pytest.approx(10 / 40)


def test_training_images_are_mnist_like_and_seeded(monkeypatch):
    few = pd.load().subset(np.arange(0, 6000, 20))
    monkeypatch.setattr(pd, "load_training", lambda path=None: few)
    a, la = pd.training_images(np.random.default_rng(3), copies=2)
    assert a.dtype == np.uint8 and a.shape == (600, 28, 28) and la.dtype == np.int64
    assert set(np.unique(la)) == set(range(10))
    assert not np.array_equal(a[:300], a[300:])          # two different renderings
    b, _ = pd.to_images(few.subset(np.arange(20)), np.random.default_rng(3))
    assert np.array_equal(a[:20], b)
    # the ink's longer side spans about 20 of the 28 pixels, like MNIST
    for image in a[:100]:
        ys, xs = np.nonzero(image > 25)
        assert 18 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 22
