"""Real pen digits of held-out writers, drawn into the real window with QTest mouse events,
and the window's "not a digit" state."""
import numpy as np
import pytest

from digitpad import letters, pendigits
from digitpad.gui.replay import replay

needs_shared = pytest.mark.skipif(not pendigits.shared_path().exists(),
                                  reason="../shared/pen-digits is not there")


def read_some(window, data, seed, count=40):
    """Replay ``count`` random samples of ``data`` into the window: (readings, labels)."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(data), size=count, replace=False)
    readings = []
    for i in picks:
        p = replay(window, data.strokes(i), rng)
        assert p is not None and len(p.probabilities) == 10
        readings.append(p.digit)
        window.clear()
        assert window.prediction is None
    return readings, data.labels[picks]


@needs_shared
def test_heldout_writers_are_read_through_the_real_canvas(window):
    readings, labels = read_some(window, pendigits.load_heldout(), seed=7)
    right = sum(r == label for r, label in zip(readings, labels))
    # The shipped model reads 98% of all held-out writers' digits (bench/pen_digits.py).
    assert right / len(labels) >= 0.9, f"{right} of {len(labels)} read right"


def test_a_lone_dot_is_not_a_digit(window):
    tap = np.array([[0.5, 0.5]])          # press and release at one place
    p = replay(window, [tap], np.random.default_rng(1), unit=True)
    assert p is not None and p.digit is None
    assert window.panel.caption.text().startswith("not sure")


def test_two_digits_side_by_side_are_a_number(window):
    data = pendigits.load()
    one, seven = (data.strokes(int(np.flatnonzero(data.labels == d)[0])) for d in (1, 7))
    pair = pendigits.bounds(one)
    right = [s - (pendigits.bounds(seven)[0], 0) + (pair[2] + (pair[3] - pair[1]) * 0.4, 0)
             for s in seven]
    replay(window, one + right, np.random.default_rng(2))
    assert window.number.text == "17"
    assert [len(s) for s in window.number.strokes] == [len(one), len(seven)]


def test_a_scribble_is_not_a_digit(window):
    t = np.linspace(0, 1, 150)
    scribble = [np.stack([0.5 + 0.45 * np.sin(2 * np.pi * 7 * t) * np.cos(2 * np.pi * t),
                          0.5 + 0.45 * np.sin(2 * np.pi * 5 * t + 1)], axis=1)]
    p = replay(window, scribble, np.random.default_rng(5), unit=True)
    assert p is not None and p.digit is None
    assert window.panel.caption.text() == f"not sure: looks most like {p.best}"


needs_letters = pytest.mark.skipif(not letters.shared_path().exists(),
                                   reason="../shared/pen-letters is not there")


@needs_letters
def test_heldout_writers_letters_are_declined_in_the_real_canvas(window):
    readings, _ = read_some(window, letters.load_heldout(), seed=11)
    declined = sum(r is None for r in readings)
    # The shipped model declines 98% of all held-out letters (bench/pen_digits.py).
    assert declined / len(readings) >= 0.8, f"{declined} of {len(readings)} declined"
