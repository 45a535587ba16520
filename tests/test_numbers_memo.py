"""What a NumberReader keeps between reads (digitpad.memo, digitpad.pieces.Inks): never a
stale value.  Every read of a sheet as it grows point by point, with one reader, is
the read of a reader that forgot its memo and its drawings, bit for bit; strokes changed in
place, undone, erased or cleared are never taken for what they were."""
import numpy as np
import pytest

from digitpad import crossings, letterlike, letters, memo, numbers, parts, pendigits, pieces
from digitpad import segments
from digitpad import written_numbers as wn
from digitpad.strokes import Drawing, Stroke, render
from pen_samples import as_strokes
from test_numbers import SIZE, needs_shared, net  # noqa: F401  (net: the fixture)


def same(a, b):
    """Whether two NumberReadings (or None) are the same, bit for bit."""
    if a is None or b is None:
        return a is b
    return a.text == b.text and len(a.digits) == len(b.digits) and all(
        (p.digit, p.probabilities, p.reason) == (q.digit, q.probabilities, q.reason)
        and np.array_equal(p.image, q.image) for p, q in zip(a.digits, b.digits)) and \
        [[(s.points, s.width, s.erase) for s in d] for d in a.strokes] == \
        [[(s.points, s.width, s.erase) for s in d] for d in b.strokes]


def grown(readers, sheets, whole=False):
    """Read each sheet with both ``readers`` (:func:`twins`), the second forgetting its memo
    and its drawings before every read; the sheets read otherwise.  ``whole``: the sheet's
    ink given too, as the window gives it."""
    reader, other = readers
    differ = []
    for k, strokes in enumerate(sheets):
        ink = render(strokes, SIZE) if whole and strokes else None
        other._memo, other._inks = memo.Memo(), pieces.Inks()
        if not same(reader.read(strokes, SIZE, ink), other.read(strokes, SIZE, ink)):
            differ.append(k)
    return differ


def twins(net):
    """Two readers for :func:`grown`: they read the same pieces in the same batches (a
    piece's probabilities may differ in their last bits with the batch it is read in)."""
    return numbers.NumberReader(net), numbers.NumberReader(net)


def point_by_point(strokes):
    """The sheets as ``strokes`` are drawn point by point: the finished strokes the same
    objects, the one being drawn a new copy each time (as the window reads them)."""
    done = []
    for s in strokes:
        for k in range(1, len(s.points) + 1):
            yield done + [Stroke(list(s.points[:k]), s.width, s.erase)]
        done.append(s)


@needs_shared
def test_a_number_read_as_it_grows_is_read_as_afresh(net):
    """Validation writers' digits: a six-digit number written point by point, then the same
    digits as a word's letters and a stroke cut into atoms (one wide stroke)."""
    data = pendigits.load(pendigits.shared_path())
    groups = wn.by_writer(data, wn.validation_writers(data))
    rng = np.random.default_rng(7)
    idx = rng.choice(groups[sorted(groups)[1]], 6)
    written = wn.fit(wn.compose(data, idx, rng, 110, gaps=(-0.1, 0.4)), *SIZE, 12)
    strokes = as_strokes(written.strokes)
    readers = twins(net)
    assert grown(readers, list(point_by_point(strokes))) == []
    # The last stroke undone and drawn again, and the sheet read after each.
    assert grown(readers, [strokes[:-1], strokes, strokes[:-2], strokes], whole=True) == []


@needs_shared
def test_what_the_memo_keeps_is_what_is_worked_out_afresh(net):
    """Every value the memo keeps, as a number grows point by point, against the same worked
    out without a memo: the atoms, the crossings, the distances and touches of every pair of
    atoms, the bowls."""
    data = pendigits.load(pendigits.shared_path())
    groups = wn.by_writer(data, wn.validation_writers(data))
    rng = np.random.default_rng(8)
    idx = rng.choice(groups[sorted(groups)[2]], 5)
    written = wn.fit(wn.compose(data, idx, rng, 110, gaps=(-0.1, 0.3)), *SIZE, 12)
    m = memo.Memo()
    for sheet in list(point_by_point(as_strokes(written.strokes)))[::3]:
        kept = m.kept(sheet)
        atoms = segments.atoms_of(kept, memo=m)
        assert atoms == segments.atoms_of(sheet)
        assert crossings.crossed(atoms, kept, m) == crossings.crossed(atoms, sheet)
        near, near0 = parts.distance_test(atoms, kept, m), parts.distance_test(atoms, sheet)
        crosses, crosses0 = parts.crossing_test(atoms, kept, m), parts.crossing_test(atoms, sheet)
        pairs = [(k, j) for k in range(len(atoms)) for j in range(len(atoms)) if k != j]
        assert [(near(k, j), near.touches(k, j), crosses(k, j)) for k, j in pairs] == \
            [(near0(k, j), near0.touches(k, j), crosses0(k, j)) for k, j in pairs]
        alone = [[a] for a in atoms]
        assert [letterlike.stem_and_bowl(alone[k:k + 2], [True, False], kept, m)
                for k in range(len(atoms))] == \
            [letterlike.stem_and_bowl(alone[k:k + 2], [True, False], sheet)
             for k in range(len(atoms))]
        m.forget()


@needs_shared
def test_letters_read_as_they_grow_are_read_as_afresh(net):
    """A row of validation writers' letters (the bowl of an R, bars of an E: the rules of
    digitpad.letterlike) written point by point."""
    every = letters.load(letters.shared_path())
    val = wn.validation_writers(every)
    pool = [i for i in range(len(every))
            if str(every.writer[i]) in val and str(every.labels[i]) in "RPEHN"]
    rng = np.random.default_rng(2)
    placed = []
    for k, i in enumerate(rng.choice(pool, 3, replace=False)):
        xy = pendigits.fit_to_canvas(every.strokes(i), 300, 300, rng, margin=10)
        placed += [a + (300 * k, 100) for a in xy]
    assert grown(twins(net), list(point_by_point(as_strokes(placed)))) == []


def zigzag(x):
    """One stroke much wider than it is tall: cut into atoms at its low points."""
    return Stroke([(x + 20 * k, 100 + 100 * (k % 2)) for k in range(16)])


def test_strokes_changed_in_place_erased_or_cleared_are_read_afresh(net):
    readers = twins(net)
    one, zero = Stroke([(100, 100), (104, 220)]), Stroke([(200, 100), (260, 160), (200, 220),
                                                          (160, 160), (200, 100)])
    wide = zigzag(400)
    sheets = [[one], [one, zero], [one, zero, wide]]
    assert grown(readers, sheets) == []
    zero.points.append((230, 200))               # the same object, changed in place
    wide.points[3] = (460, 120)
    eraser = Stroke([(90, 160), (120, 160)], 30, erase=True)
    assert grown(readers, [[one, zero, wide], [one, zero, wide, eraser],
                               [one, wide, eraser], [zero], [], [one]]) == []
    assert grown(readers, [[one, zero], [one, zero, wide], [one]], whole=True) == []
    # A reading's strokes are made of the strokes given, as before the memo: an eraser is
    # the one given, no stroke is the memo's.
    r = readers[0].read([one, zero, eraser], SIZE)
    assert any(s is eraser for d in r.strokes for s in d)
    assert all(type(s) is Stroke for d in r.strokes for s in d)


def test_a_growing_stroke_is_drawn_as_afresh(monkeypatch):
    """pieces.Inks against pieces.ink, image for image, as a stroke grows into its canvas'
    room and past it, to the left and up (a piece that starts further out), in a piece with
    another stroke before it and an eraser after, and is then undone; and most of those
    images drawn on a kept canvas, not a new one."""
    made = []
    monkeypatch.setattr(pieces, "Drawing", lambda size: made.append(size) or Drawing(size))
    one = Stroke([(100, 100), (104, 220)], 18)
    grows = Stroke([(150, 150)] + [(150 + 3 * k, 150 + 5 * (k % 7)) for k in range(40)]
                   + [(270 - 4 * k, 180 - 4 * k) for k in range(45)], 14)
    eraser = Stroke([(130, 200), (170, 200)], 20, erase=True)
    inks, drawn, sheets = pieces.Inks(), 0, list(point_by_point([one, grows]))
    sheets += [sheets[-1] + [eraser], sheets[-1] + [Stroke(eraser.points[:1], 20, True)],
               sheets[-1], sheets[40], sheets[-1]]
    for sheet in sheets:
        atoms = segments.atoms_of(sheet)
        for piece in [p for p in (atoms, atoms[-1:], atoms[1:]) if p]:
            for size, pen in ((SIZE, None), ((260, 200), 8.0)):     # (260, 200): ink cut off
                got, want = inks.ink(sheet, piece, size, pen), pieces.ink(sheet, piece, size, pen)
                assert (got is None and want is None) or np.array_equal(got, want)
                drawn += got is not None
        inks.read_done()
    assert drawn > 500 and len(made) < 0.75 * drawn       # 341 of 554 on 2026-12-08


def test_the_memo_holds_the_last_sheet_only(net):
    reader = numbers.NumberReader(net)
    reader.read([zigzag(100 + 40 * k) for k in range(3)], SIZE)
    reader.read([Stroke([(100, 100), (104, 220)])], SIZE)
    assert sum(len(b) for b in reader._memo._known.values()) == 1
    tokens = {k.token for b in reader._memo._known.values() for k in b}
    assert all(atom[0] in tokens for key in reader._memo._values for atom in key[1:])


def test_a_kept_stroke_is_the_stroke_read_only():
    s = Stroke([(1.5, 2), (3, 4.25)], 12)
    m = memo.Memo()
    kept = m.kept([s, Stroke(list(s.points), 12), Stroke(list(s.points), 10)])
    assert kept[0] is kept[1] and kept[0] is not kept[2]
    assert np.array_equal(kept[0].array(), s.array()) and kept[0].array().dtype == np.float64
    with pytest.raises(ValueError):
        kept[0].array()[0, 0] = 7
    m.forget()
    assert m.kept([s])[0] is kept[0]          # the last read held it
    m.forget()
    m.forget()                               # a read that held nothing
    assert m.kept([s])[0] is not kept[0]


@needs_shared
def test_reading_a_number_leaves_no_reference_cycles(net):
    """Every object a read makes is freed when it is done with, not left in reference cycles
    for the garbage collector, whose full collections would land inside later reads (a
    closure naming another that names it back made thousands of them a number)."""
    import gc

    data = pendigits.load(pendigits.shared_path())
    groups = wn.by_writer(data, wn.validation_writers(data))
    rng = np.random.default_rng(9)
    idx = rng.choice(groups[sorted(groups)[3]], 4)
    written = wn.fit(wn.compose(data, idx, rng, 110, gaps=(-0.1, 0.4)), *SIZE, 12)
    sheets = list(point_by_point(as_strokes(written.strokes)))
    reader = numbers.NumberReader(net)
    reader.read(sheets[0], SIZE)                    # anything made once for good, made
    gc.collect()
    enabled, flags = gc.isenabled(), gc.get_debug()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)                  # what the collector finds, kept to look at
    try:
        for strokes in sheets:
            reader.read(strokes, SIZE)
        gc.collect()
        cyclic = sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert cyclic == []
