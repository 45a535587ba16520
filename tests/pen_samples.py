"""Real pen samples for the reading tests: the validation writers' letters, and which of
them the number reader reads as a number of several digits."""
import numpy as np

from digitpad import letters, pendigits, reading
from digitpad import written_numbers as wn
from digitpad.strokes import Stroke, render


def as_strokes(arrays, pen=18):
    """Point arrays (as the sample sets give them) as Strokes of ``pen`` pixels."""
    return [Stroke([tuple(p) for p in np.rint(a)], pen) for a in arrays]


def validation_letters(labels, strokes=None, at_least=None):
    """The validation writers' pen letters (never a held-out writer's) of ``labels``, drawn
    in exactly ``strokes`` strokes or in ``at_least`` or more (None: any number)."""
    every = letters.load(letters.shared_path())
    count = np.diff(every.sample_offsets)
    keep = (np.isin(every.writer, sorted(wn.validation_writers(every)))
            & ~letters.is_heldout(every.writer) & np.isin(every.labels, list(labels)))
    if strokes is not None:
        keep &= count == strokes
    if at_least is not None:
        keep &= count >= at_least
    return every.subset(keep)


def numbers_among(net, data, size):
    """The indices of the drawings of ``data`` read as a number of several digits, each
    placed on a sheet of ``size`` at random (the same places every call)."""
    rng = np.random.default_rng(0)
    out = set()
    for i in range(len(data)):
        placed = as_strokes(pendigits.fit_to_canvas(data.strokes(i), *size, rng, margin=10))
        r = reading.read_number(net, placed, size, whole=render(placed, size))
        if r.text is not None and len(r.text) > 1:
            out.add(i)
    return out
