"""The pen letters ("not a digit"): a split that keeps every writer on one side of both data
sets, the shipped training writers' copy, and drawing them like the pen digits."""
import numpy as np
import pytest

from digitpad import letters, pendigits

needs_shared = pytest.mark.skipif(
    not (letters.shared_path().exists() and pendigits.shared_path().exists()),
    reason="../shared/pen-letters or ../shared/pen-digits is not there")


def test_shipped_letters_hold_no_heldout_writer():
    data = letters.load()
    assert len(data) > 16_000
    assert not letters.is_heldout(data.writer).any()
    assert not pendigits.is_heldout(data.writer).any()
    assert set(np.unique(data.labels)) == set(letters.LETTERS)
    assert set(np.unique(data.site)) == set(pendigits.SITES)


@needs_shared
def test_one_split_for_digits_and_letters_keeps_writers_apart():
    full_letters = letters.load(letters.shared_path())
    full_digits = pendigits.load(pendigits.shared_path())
    assert letters.choose_heldout(full_letters.writer, full_letters.site,
                                  full_digits.writer) == letters.HELDOUT_LETTER_ONLY
    trained = set(pendigits.load().writer) | set(letters.load().writer)
    held = set(pendigits.load_heldout().writer) | set(letters.load_heldout().writer)
    assert trained and held and not trained & held
    assert held == set(letters.HELDOUT_WRITERS) & (set(full_letters.writer)
                                                   | set(full_digits.writer))
    # every writer of both sets who wrote digits is on the side the digits put them
    both = set(full_letters.writer) & set(full_digits.writer)
    assert {w for w in both if w in held} == {w for w in both if w in pendigits.HELDOUT_WRITERS}
    # about a quarter of the writers who wrote only letters are held out
    only = set(full_letters.writer) - set(full_digits.writer)
    assert 0.2 <= len(only & held) / len(only) <= 0.3
    assert len(letters.load_heldout()) + len(letters.load()) == len(full_letters)


@needs_shared
def test_aga_letters_get_the_same_scale_on_both_axes():
    raw = np.load(letters.shared_path(), allow_pickle=False)
    data = letters.load(letters.shared_path())
    i = int(np.flatnonzero(raw["site"] == "aga")[0])
    ppi = raw["points_per_inch"][i]
    assert ppi[0] != ppi[1]
    first = raw["stroke_offsets"][raw["sample_offsets"][i]]
    got = data.strokes(i)[0]
    want = raw["points"][first:first + len(got)] * [ppi[1] / ppi[0], 1]
    assert np.allclose(got, want)
    j = int(np.flatnonzero(raw["site"] == "apa")[0])       # square elsewhere: unchanged
    first = raw["stroke_offsets"][raw["sample_offsets"][j]]
    got = data.strokes(j)[0]
    assert np.array_equal(got, raw["points"][first:first + len(got)])


def test_letters_are_drawn_like_the_digits_and_labelled_not_a_digit(monkeypatch):
    few = letters.load().subset(np.arange(0, 16_000, 80))
    monkeypatch.setattr(letters, "load_training", lambda path=None: few)
    images, labels = letters.training_images(np.random.default_rng(1), copies=2)
    assert images.dtype == np.uint8 and images.shape == (400, 28, 28)
    assert labels.dtype == np.int64 and (labels == -1).all()
    assert not np.array_equal(images[:200], images[200:])
    for image in images[:50]:                     # MNIST's 20-pixel box, centred
        ys, xs = np.nonzero(image > 25)
        assert 18 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 22
