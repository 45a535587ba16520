"""Real pen digits of held-out writers, drawn into the real window with QTest mouse events,
and the window's "not a digit" state."""
import numpy as np
import pytest

from digitpad import letters, pendigits
from digitpad.gui.replay import replay

needs_shared = pytest.mark.skipif(not pendigits.shared_path().exists(),
                                  reason="../shared/pen-digits is not there")


@needs_shared
def test_heldout_writers_are_read_through_the_real_canvas(window):
    data = pendigits.load_heldout()
    rng = np.random.default_rng(7)
    picks = rng.choice(len(data), size=40, replace=False)
    right = 0
    for i in picks:
        p = replay(window, data.strokes(i), rng)
        assert p is not None and len(p.probabilities) == 10
        right += p.digit == data.labels[i]
        window.clear()
        assert window.prediction is None
    # The shipped model reads 97% of all held-out writers' digits (bench/pen_digits.py).
    assert right / len(picks) >= 0.9, f"{right} of {len(picks)} read right"


def test_a_lone_dot_is_not_a_digit(window):
    tap = np.array([[0.5, 0.5]])          # press and release at one place
    p = replay(window, [tap], np.random.default_rng(1), unit=True)
    assert p is not None and p.digit is None
    assert window.caption.text().startswith("not sure")


def test_two_digits_side_by_side_are_not_a_digit(window):
    data = pendigits.load()
    one, seven = (data.strokes(int(np.flatnonzero(data.labels == d)[0])) for d in (1, 7))
    pair = pendigits.bounds(one)
    right = [s - (pendigits.bounds(seven)[0], 0) + (pair[2] + (pair[3] - pair[1]) * 0.4, 0)
             for s in seven]
    p = replay(window, one + right, np.random.default_rng(2))
    assert p is not None and p.digit is None


def test_a_scribble_is_not_a_digit(window):
    t = np.linspace(0, 1, 150)
    scribble = [np.stack([0.5 + 0.45 * np.sin(2 * np.pi * 7 * t) * np.cos(2 * np.pi * t),
                          0.5 + 0.45 * np.sin(2 * np.pi * 5 * t + 1)], axis=1)]
    p = replay(window, scribble, np.random.default_rng(5), unit=True)
    assert p is not None and p.digit is None
    assert window.caption.text() == f"not sure: looks most like {p.best}"


needs_letters = pytest.mark.skipif(not letters.shared_path().exists(),
                                   reason="../shared/pen-letters is not there")


@needs_letters
def test_heldout_writers_letters_are_declined_in_the_real_canvas(window):
    data = letters.load_heldout()
    rng = np.random.default_rng(11)
    picks = rng.choice(len(data), size=40, replace=False)
    declined = 0
    for i in picks:
        p = replay(window, data.strokes(i), rng)
        assert p is not None
        declined += p.digit is None
        window.clear()
    # The shipped model declines 94% of all held-out letters (bench/pen_digits.py).
    assert declined / len(picks) >= 0.8, f"{declined} of {len(picks)} declined"
