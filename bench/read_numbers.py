"""Reading numbers: numbers of 1-6 digits by one held-out writer, replayed into the real window.

Each number is composed from one writer's real pen digits
(:mod:`digitpad.written_numbers`): every digit scaled to a common height (+-12%),
the gap between neighbouring boxes uniform in -0.1..0.6 of that height (negative:
the boxes overlap and the ink often touches), the baseline wobbling by up to 4%.
The height is uniform in 90-200 px (``--heights``), shrunk when the number would not fit
the canvas; the pen is the app's default (``--pen``).  The number is drawn into the real
window's canvas, offscreen, stroke by stroke with QTest mouse events (press, moves,
release), and read as the window reads it (``MainWindow.number`` when the window has it, else
:func:`digitpad.numbers.read_number` of the canvas' strokes and ink).

It prints, per length and per smallest gap between neighbours:

* the count of digits right;
* each digit read right (its strokes cut out exactly and read as its digit), next
  to the same digits read alone (each digit's strokes, as placed, read as one
  drawing, :func:`digitpad.reading.read`);
* the whole number right (``text`` equal to the digits);

then the words: rows of 2-6 pen letters by one held-out writer, composed the same
way, declined (``text`` None); the held-out single digits drawn in several strokes
read as one digit, and every single digit read exactly as a lone digit is read;
the one-stroke 0s broken into two arcs (a 0 in two strokes) read as one digit;
generated non-digits declined (except "two digits side by side", which is now a
number).  Last, the issue's goals in one table.

    python bench/read_numbers.py                          # held-out writers, the real window
    python bench/read_numbers.py --validation             # validation writers (for tuning)
    python bench/read_numbers.py --training               # every training writer (for tuning)
    python bench/read_numbers.py --offline                # no Qt: strokes drawn by digitpad.strokes
    python bench/read_numbers.py --numbers 600 --words 300 --seed 1 --weights my.npz
    python bench/read_numbers.py --offline --heights 50 110 --pen 28   # small, thick pen
    python bench/read_numbers.py --offline --lengths 1 --numbers 2000  # lone digits only

Data: ``../shared/pen-digits`` and ``../shared/pen-letters`` (CC BY 4.0: Guyon et al.,
UNIPEN project, ICPR 1994; Unipen Consortium, Zenodo, doi 10.5281/zenodo.1195803).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import _env  # noqa: E402  (bench/_env.py: a private DIGITPAD_HOME)
import numpy as np  # noqa: E402

GAP_BINS = ((-0.1, 0.0), (0.0, 0.1), (0.1, 0.3), (0.3, 0.6))
HEIGHTS = (90, 200)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--numbers", type=int, default=1200, help="numbers to write (1-6 digits)")
    p.add_argument("--words", type=int, default=500, help="rows of 2-6 letters (0: none)")
    p.add_argument("--singles", type=int, default=None,
                   help="single digits to write (default: every one drawn in several "
                        "strokes, and as many in one stroke)")
    p.add_argument("--letters", type=int, default=1000,
                   help="single pen letters, placed as bench/pen_digits.py places them; "
                        "declined when the bars show no digit (0: none)")
    p.add_argument("--arcs", type=int, default=None,
                   help="one-stroke 0s to break into two arcs, each in three ways "
                        "(default: every one; 0: none)")
    p.add_argument("--nondigits", type=int, default=500,
                   help="generated non-digit drawings (0: none)")
    p.add_argument("--validation", action="store_true",
                   help="validation writers (a share of the training writers) instead of "
                        "the held-out writers: for choosing the segmentation's constants")
    p.add_argument("--training", action="store_true",
                   help="every training writer (the validation writers and the others, never "
                        "a held-out one): more single digits and letters for choosing rules")
    p.add_argument("--offline", action="store_true",
                   help="no window: draw the strokes with digitpad.strokes and read them")
    p.add_argument("--heights", type=float, nargs=2, default=HEIGHTS, metavar=("LOW", "HIGH"),
                   help="the numbers' heights in pixels, uniform in LOW..HIGH "
                        f"(default {HEIGHTS[0]} {HEIGHTS[1]})")
    p.add_argument("--lengths", type=int, nargs="+", default=list(range(1, 7)), metavar="N",
                   help="the numbers' lengths in digits, chosen evenly (default 1 to 6)")
    p.add_argument("--pen", type=int, default=None,
                   help="the canvas pen's width in pixels (default: the app's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weights", type=Path, default=None,
                   help="model file (default: the model the app would open)")
    p.add_argument("--pen-digits", type=Path, default=None)
    p.add_argument("--pen-letters", type=Path, default=None)
    p.add_argument("--failures", type=int, default=0,
                   help="print this many failures (a wrong count, or a digit read right "
                        "alone but not in the number)")
    p.add_argument("--why", action="store_true",
                   help="say how the single letters not declined were read: as one piece, "
                        "or cut into several sure digits; and whether the whole drawing read "
                        "alone (digitpad.reading.read, as before numbers) declines them")
    p.add_argument("--constant", action="append", default=[], metavar="MODULE.NAME=VALUE",
                   help=_env.CONSTANT_HELP)
    return p.parse_args(argv)


class WindowReader:
    """The real window, offscreen; strokes drawn into its canvas with QTest."""

    def __init__(self, weights=None, pen=None):
        from PySide6.QtWidgets import QApplication

        from digitpad import store
        from digitpad.gui.window import MainWindow

        self.app = QApplication.instance() or QApplication([])
        self.window = MainWindow()
        if weights is not None:
            self.window.set_model(store.load(weights), remember=False)
        self.window.resize(1400, 760)
        self.window.show()
        self.app.processEvents()
        self.canvas = self.window.canvas
        if pen is not None:
            self.canvas.set_pen_width(pen)
        self.net = self.window.model.network
        self.size = (self.canvas.width(), self.canvas.height())
        self.pen = self.canvas.pen_width()
        self._reader = None
        self.today = None

    def read(self, strokes):
        from digitpad import numbers
        from digitpad.gui.replay import draw

        draw(self.canvas, strokes)
        self.app.processEvents()
        if hasattr(self.window, "number"):
            result = self.window.number
        else:
            if self._reader is None:
                self._reader = numbers.NumberReader(self.net)
            result = self._reader.read(self.canvas.strokes, self.size, self.canvas.ink())
        self.today = self.window.prediction      # what the window reads as a lone digit
        self.shown = self.today                  # what its bars show
        self.window.clear()
        self.app.processEvents()
        return result


class OfflineReader:
    """No Qt: strokes drawn by :func:`digitpad.strokes.render`, read by a NumberReader."""

    def __init__(self, weights=None, size=(1180, 640), pen=None):
        from digitpad import sheet, store
        from digitpad.strokes import DEFAULT_PEN_WIDTH

        model = store.load(weights) if weights is not None else store.load_shipped()
        self.net = model.network
        self.size = size
        self.pen = DEFAULT_PEN_WIDTH if pen is None else pen
        self._sheet = sheet.SheetReading()   # as the window reads: the number, and the bars
        self.today = None
        self.shown = None

    def read(self, strokes):
        from digitpad.strokes import Stroke, render

        strokes = [Stroke([tuple(p) for p in np.rint(s)], self.pen) for s in strokes]
        whole = render(strokes, self.size)
        self._sheet.read(self.net, strokes, whole, self.size)
        self.shown = self._sheet.prediction          # what the window's bars would show
        return self._sheet.number


def alone(net, part, pen, size):
    """The digit of ``part`` (its strokes as placed) written alone on the sheet, read as
    the window reads a sheet (:class:`digitpad.sheet.SheetReading`); None unless it reads
    as one digit."""
    from digitpad import sheet
    from digitpad.strokes import Stroke, render

    strokes = [Stroke([tuple(p) for p in np.rint(s)], pen) for s in part]
    one = sheet.SheetReading()
    one.read(net, strokes, render(strokes, size), size)
    number = one.number
    return None if number is None or len(number) != 1 else number.digits[0].digit


def same_strokes(piece, part):
    """Whether a read digit's strokes are exactly the drawn digit's strokes (the points
    of the pen's path, however a stroke was cut)."""
    got = {tuple(p) for s in piece for p in np.rint(s.array()).astype(int).tolist()}
    want = {tuple(p) for s in part for p in np.rint(s).astype(int).tolist()}
    return got == want


def write_numbers(reader, data, groups, rng, count, failures=0, lengths=range(1, 7),
                  heights=HEIGHTS):
    """Compose and read ``count`` numbers; returns one row per number."""
    from digitpad import written_numbers as wn

    writers = sorted(groups)
    rows, shown = [], 0
    start = time.perf_counter()
    for k in range(count):
        w = writers[rng.integers(len(writers))]
        n = int(rng.choice(list(lengths)))
        indices = rng.choice(groups[w], n)
        written = wn.fit(wn.compose(data, indices, rng, rng.uniform(*heights)),
                         reader.size[0], reader.size[1], reader.pen / 2 + 2)
        result = reader.read(written.strokes)
        digits = [] if result is None else [p.digit for p in result.digits]
        labels = [int(v) for v in written.labels]
        right = []
        for part, label in zip(written.parts, labels):
            hit = [j for j, piece in enumerate(result.strokes) if same_strokes(piece, part)] \
                if result is not None else []
            right.append(bool(hit) and digits[hit[0]] == label)
        lone = [alone(reader.net, part, reader.pen, reader.size) == label
                for part, label in zip(written.parts, labels)]
        text = None if result is None else result.text
        chars = [] if text is None else list(text)
        unsure = [] if result is None else [p.confidence for p in result.digits
                                            if p.digit is None]
        rows.append(dict(n=n, gap=written.smallest_gap, count=len(digits) == n,
                         right=right, alone=lone, text=text, unsure=unsure,
                         pieces=0 if result is None else len(result.digits),
                         in_text=[len(chars) == n and chars[i] == str(label)
                                  for i, label in enumerate(labels)],
                         whole=text == "".join(map(str, labels)), writer=w))
        lost = [i for i in range(n) if lone[i] and not right[i]]
        if failures and shown < failures and (len(digits) != n or lost):
            shown += 1
            print(f"  failure: wrote {''.join(map(str, labels))} (smallest gap "
                  f"{written.smallest_gap:+.2f}), read {text!r} as {len(digits)} digits; "
                  f"read alone but not in the number: digits {lost}", file=sys.stderr)
        if (k + 1) % 200 == 0:
            print(f"  {k + 1}/{count} numbers, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr)
    return rows


def write_words(reader, letters, groups, rng, count):
    """Rows of 2-6 letters by one writer; returns the texts read (None: declined)."""
    from digitpad import written_numbers as wn

    writers = sorted(w for w in groups if len(groups[w]) >= 2)
    texts = []
    for _ in range(count):
        w = writers[rng.integers(len(writers))]
        indices = rng.choice(groups[w], int(rng.integers(2, 7)))
        written = wn.fit(wn.compose(letters, indices, rng, rng.uniform(*HEIGHTS)),
                         reader.size[0], reader.size[1], reader.pen / 2 + 2)
        result = reader.read(written.strokes)
        texts.append(None if result is None else result.text)
    return texts


def write_singles(reader, data, rng, count=None):
    """Single digits, placed as the single-digit bench places them: (several strokes,
    read as one digit, read exactly as a lone digit) per digit."""
    from digitpad import pendigits, reading
    from digitpad.strokes import Stroke, render

    strokes_per = np.diff(data.sample_offsets)
    several = np.flatnonzero(strokes_per > 1)
    one = rng.permutation(np.flatnonzero(strokes_per == 1))[:len(several)]
    order = rng.permutation(np.concatenate([several, one]))[:count]
    rows = []
    for i in order:
        placed = pendigits.fit_to_canvas(data.strokes(i), reader.size[0], reader.size[1], rng,
                                         margin=reader.pen / 2 + 1)
        result = reader.read(placed)
        today = reader.today
        if today is None:          # offline: the lone-digit reading of the same drawing
            strokes = [Stroke([tuple(p) for p in np.rint(s)], reader.pen) for s in placed]
            today = reading.read(reader.net, render(strokes, reader.size))
        as_today = (result is not None and len(result.digits) == 1 and today is not None
                    and result.digits[0].digit == today.digit
                    and np.allclose(result.digits[0].probabilities, today.probabilities,
                                    atol=1e-3))
        rows.append(dict(several=strokes_per[i] > 1, one=result is not None
                         and len(result.digits) == 1, as_today=as_today,
                         label=int(data.labels[i])))
    return rows


ARCS = ("onward", "from the top", "from the top, put down off")


def write_arcs(reader, data, rng, count=None):
    """The writers' 0s drawn in one stroke, broken at their lowest point into two arcs (a 0
    in two strokes): the second arc drawn on from there ("onward"), or from the top as the
    first ("from the top"), or from the top and put down up to a tenth of the 0's height
    off ("..., put down off"); placed as the single digits are.  Returns (how, read as one
    digit, read as a 0, how far apart the arcs' ends at the top lie, in the 0's height) per
    drawing."""
    from digitpad import pendigits

    per = np.diff(data.sample_offsets)
    zeros = np.flatnonzero((data.labels == 0) & (per == 1))
    rows = []
    for i in rng.permutation(zeros)[:count]:
        s = np.asarray(data.strokes(i)[0], np.float64)
        if len(s) < 8:
            continue
        k = int(np.argmax(s[:, 1]))
        if not 3 <= k <= len(s) - 4:
            k = len(s) // 2
        height = s[:, 1].max() - s[:, 1].min()
        for how in ARCS:
            first, second = s[:k + 1], s[k:]
            if how != "onward":
                second = second[::-1]
            if how == ARCS[2]:
                r, t = rng.uniform(0, 0.1) * height, rng.uniform(0, 2 * np.pi)
                second = second + (r * np.cos(t), r * np.sin(t))
            _, top = sorted((second[0], second[-1]),
                            key=lambda e: np.hypot(*(e - first[-1])))
            placed = pendigits.fit_to_canvas([first, second], reader.size[0], reader.size[1],
                                             rng, margin=reader.pen / 2 + 1)
            result = reader.read(placed)
            one = result is not None and len(result.digits) == 1
            rows.append((how, one, one and result.digits[0].digit == 0,
                         np.hypot(*(top - first[0])) / max(height, 1e-6)))
    return rows


def write_letters(reader, data, rng, count, why=None):
    """Single pen letters, placed as bench/pen_digits.py places them (longer side 40-80% of
    the canvas' shorter side, at random); returns (letter, declined: the bars show no
    digit, as bench/pen_digits.py counts a letter declined).  ``why``: a list given gets
    (letter, how it was read, the whole drawing read alone declined) per letter not
    declined."""
    from digitpad import pendigits, reading
    from digitpad.strokes import Stroke, render

    rows = []
    for i in rng.permutation(len(data))[:count]:
        placed = pendigits.fit_to_canvas(data.strokes(i), reader.size[0], reader.size[1], rng,
                                         margin=reader.pen / 2 + 1)
        number = reader.read(placed)
        declined = reader.shown is None or reader.shown.digit is None
        rows.append((str(data.labels[i]), declined))
        if why is not None and not declined:
            strokes = [Stroke([tuple(p) for p in np.rint(s)], reader.pen) for s in placed]
            whole = reading.read(reader.net, render(strokes, reader.size))
            if number is None or number.text is None:
                how = "read as one drawing (no number)"
            elif len(number) == 1:
                how = "one piece: the whole drawing"
            else:
                how = f"cut into {len(number)} digits ({number.text})"
            why.append((str(data.labels[i]), how, whole is None or whole.digit is None))
    return rows


def report_why(rows, why):
    """How the single letters not declined were read."""
    from collections import Counter

    print(f"  not declined: {len(why)} of {len(rows)}")
    kinds = Counter(("cut into several digits" if h.startswith("cut") else h, d)
                    for _, h, d in why)
    for (how, declined), n in sorted(kinds.items(), key=lambda t: -t[1]):
        alone = "declined" if declined else "a digit too"
        print(f"    {n:4d}  {how}; the whole drawing read alone: {alone}")
    cut = Counter(f"{c} {h[h.index('(') + 1:-1]}" for c, h, _ in why if h.startswith("cut"))
    if cut:
        print("    cut: " + ", ".join(f"{k} x{n}" if n > 1 else k for k, n in cut.most_common()))


def write_nondigits(reader, drawings, rng):
    from digitpad import pendigits

    rows = []
    for d in drawings:
        placed = pendigits.fit_to_canvas(d.strokes, reader.size[0], reader.size[1], rng,
                                         margin=reader.pen / 2 + 1, unit=True)
        result = reader.read(placed)
        rows.append((d.kind, result is None or result.text is None))
    return rows


def pct(x):
    return f"{100 * x:6.2f}%"


def report_numbers(rows):
    print(f"Numbers: {len(rows)}")
    print("      digits  numbers  count right  digits right  same digits alone  "
          "whole number right")

    def line(name, sel):
        if not sel:
            return
        right = [r for s in sel for r in s["right"]]
        lone = [r for s in sel for r in s["alone"]]
        print(f"  {name:>10}  {len(sel):7d}  {pct(np.mean([s['count'] for s in sel]))}  "
              f"{pct(np.mean(right))}      {pct(np.mean(lone))}        "
              f"{pct(np.mean([s['whole'] for s in sel]))}")
    for n in range(1, 7):
        line(str(n), [r for r in rows if r["n"] == n])
    line("2-6", [r for r in rows if r["n"] > 1])
    print("  by the smallest gap between neighbours (2-6 digits; a share of the height):")
    for lo, hi in GAP_BINS:
        line(f"{lo:+.1f}..{hi:+.1f}",
             [r for r in rows if r["n"] > 1 and lo <= r["gap"] < hi + (hi == GAP_BINS[-1][1])])


def report_declined(multi):
    """How many numbers of 2-6 digits were declined whole ("Not a number"), and why: more
    than numbers.UNSURE_SHARE of their digits unsure (how sure the unsure ones were), or
    one of the shape rules (digits over each other, bars, 1s leaning apart, letters)."""
    from digitpad import numbers

    none = [r for r in multi if r["text"] is None]
    by_share = [r for r in none if len(r["unsure"]) > numbers.UNSURE_SHARE * r["pieces"]]
    sure = [c for r in by_share for c in r["unsure"]]
    two = sum(r["pieces"] == 2 and len(r["unsure"]) == 1 for r in by_share)
    print(f"  declined whole: {len(none)} of {len(multi)} numbers of 2-6 digits; "
          f"{len(by_share)} for their unsure digits ({two} of them two digits, one unsure"
          + (f"; the network's top probability for the unsure digits: median "
             f"{np.median(sure):.2f}, {min(sure):.2f}-{max(sure):.2f}" if sure else "")
          + f"), {len(none) - len(by_share)} by a shape rule")


def main(argv=None):
    args = parse_args(argv)
    from digitpad import letters, nondigits, pendigits
    from digitpad import written_numbers as wn

    _env.set_constants(args.constant)

    path = args.pen_digits or pendigits.shared_path()
    if not Path(path).exists():
        sys.exit(f"error: the pen digits are not at {path} (use --pen-digits)")
    _env.private_home()        # the shipped model, the user's settings untouched

    reader = OfflineReader(args.weights, pen=args.pen) if args.offline else \
        WindowReader(args.weights, pen=args.pen)
    full = pendigits.load(path)
    if args.validation:
        writers = wn.validation_writers(full)
        which = f"validation writers ({len(writers)} training writers)"
    elif args.training:
        writers = frozenset(map(str, full.writer[~pendigits.is_heldout(full.writer)]))
        which = f"training writers ({len(writers)}, every one)"
    else:
        writers = frozenset(pendigits.HELDOUT_WRITERS)
        which = f"held-out writers ({len(writers)}, never trained on)"
    if (args.validation or args.training) and args.weights is None:
        which += "; the shipped network saw them"
    data = full.subset(np.isin(full.writer, sorted(writers)))
    print(f"{'Offline (no window)' if args.offline else 'The real window, QTest strokes'}, "
          f"canvas {reader.size[0]}x{reader.size[1]} px, pen {reader.pen} px, "
          f"seed {args.seed}; {which}")
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    rows = write_numbers(reader, data, wn.by_writer(data, writers), rng, args.numbers,
                         args.failures, lengths=args.lengths, heights=args.heights)
    report_numbers(rows)

    word_declined = None
    letters_path = args.pen_letters or letters.shared_path()
    if args.words and Path(letters_path).exists():
        every = letters.load(letters_path)
        if args.validation:
            lw = wn.validation_writers(every)
            lw = {w for w in lw if not letters.is_heldout([w])[0]}
        elif args.training:
            lw = set(map(str, every.writer[~letters.is_heldout(every.writer)]))
        else:
            lw = set(letters.HELDOUT_WRITERS)
        texts = write_words(reader, every, wn.by_writer(every, lw), rng, args.words)
        declined = np.array([t is None for t in texts])
        word_declined = declined.mean()
        read = [t for t in texts if t is not None]
        print(f"Words (rows of 2-6 letters by one writer): {len(texts)}, declined "
              f"{pct(word_declined)}; read as e.g. {read[:8]}")
    elif args.words:
        print(f"(no letters: {letters_path} is not there; use --pen-letters)")

    letter_declined = None
    if args.letters and Path(letters_path).exists():
        every = letters.load(letters_path)
        mask = letters.is_heldout(every.writer)
        if args.validation:
            mask = np.isin(every.writer, sorted(wn.validation_writers(every))) & ~mask
        elif args.training:
            mask = ~mask
        why = [] if args.why else None
        rows_l = write_letters(reader, every.subset(mask), np.random.default_rng(args.seed + 7),
                               args.letters, why)
        letter_declined = np.mean([d for _, d in rows_l])
        worst = sorted({c for c, _ in rows_l},
                       key=lambda c: np.mean([d for k, d in rows_l if k == c]))[:6]
        print(f"Single letters: {len(rows_l)}, declined {pct(letter_declined)}; least: "
              + ", ".join(f"{c} {100 * np.mean([d for k, d in rows_l if k == c]):.0f}%"
                          for c in worst))
        if why is not None:
            report_why(rows_l, why)

    singles = write_singles(reader, data, rng, args.singles) if args.singles != 0 else []
    several = [r for r in singles if r["several"]]
    one_several = np.mean([r["one"] for r in several]) if several else None
    if singles:
        print(f"Single digits: {len(singles)} ({len(several)} in several strokes)")
        print(f"  several strokes, read as one digit  {pct(one_several)}")
        for d in range(10):
            m = [r["one"] for r in several if r["label"] == d]
            if m:
                print(f"    {d}: {pct(np.mean(m))} of {len(m)}")
        print(f"  one stroke, read as one digit       "
              f"{pct(np.mean([r['one'] for r in singles if not r['several']]))}")
        as_today = np.mean([r["as_today"] for r in singles])
        print(f"  read exactly as a lone digit        {pct(as_today)}")

    arcs_whole = None
    if args.arcs != 0:
        arcs = write_arcs(reader, data, np.random.default_rng(args.seed + 11), args.arcs)
        arcs_whole = np.mean([one for _, one, _, _ in arcs]) if arcs else None
        print(f"0s in two arcs (one-stroke 0s broken at their lowest point): {len(arcs)}, "
              f"read as one digit {pct(arcs_whole)}, as a 0 "
              f"{pct(np.mean([zero for _, _, zero, _ in arcs]) if arcs else np.nan)}")
        for how in ARCS:
            m = [(one, zero) for h, one, zero, _ in arcs if h == how]
            print(f"    {how:28s} one digit {pct(np.mean([o for o, _ in m]))}, "
                  f"a 0 {pct(np.mean([z for _, z in m]))} of {len(m)}")
        apart = [top for _, one, _, top in arcs if not one]
        if apart:
            print(f"    not one digit: {len(apart)}; their arcs' ends at the top "
                  f"{min(apart):.2f}-{max(apart):.2f} of the 0's height apart (median "
                  f"{np.median(apart):.2f})")

    nondigit_declined = None
    if args.nondigits:
        drawings = [d for d in nondigits.nondigit_eval_set(
            np.random.default_rng(args.seed + 2024), args.nondigits, data)
            if d.kind != "two_digits"]
        nd = write_nondigits(reader, drawings, rng)
        nondigit_declined = np.mean([ok for _, ok in nd])
        print(f"Generated non-digits (not 'two digits'): {len(nd)}, declined "
              f"{pct(nondigit_declined)}")
        for kind in sorted({k for k, _ in nd}):
            m = [ok for k, ok in nd if k == kind]
            print(f"    {kind:18s} {pct(np.mean(m))} of {len(m)}")

    multi = [r for r in rows if r["n"] > 1]
    overlap = [r for r in multi if r["gap"] < 0]
    goals = []
    if multi:
        right = np.mean([x for r in rows for x in r["right"]])
        lone = np.mean([x for r in rows for x in r["alone"]])
        goals += [("count right, 2-6 digits", np.mean([r["count"] for r in multi]), ">=", 0.99),
                  ("count right, boxes overlapping", np.mean([r["count"] for r in overlap]),
                   ">=", 0.97),
                  ("digits right minus alone (points)", 100 * (right - lone), ">=", -0.5)]
    if one_several is not None:
        goals.append(("several-stroke digit kept whole", one_several, ">=", 0.995))
    if arcs_whole is not None:
        goals.append(("0s in two arcs kept whole", arcs_whole, ">=", 0.995))
    if word_declined is not None:
        goals.append(("words declined", word_declined, ">=", 0.90))
    if letter_declined is not None:
        goals.append(("single letters declined", letter_declined, ">=", 0.979))
    if nondigit_declined is not None:
        goals.append(("non-digits declined", nondigit_declined, ">=", 0.95))
    print("Goals (issue 17):")
    for name, value, op, goal in goals:
        ok = value >= goal
        shown = f"{value:+7.2f}" if "points" in name else f"{100 * value:6.2f}%"
        goal_s = f"{goal:+g}" if "points" in name else f"{100 * goal:g}%"
        print(f"  {name:36s} {shown}   goal {op} {goal_s}   {'met' if ok else 'NOT met'}")
    if multi:
        report_declined(multi)
        in_text = np.mean([x for r in rows for x in r["in_text"]])
        print(f"  (each digit right in the text shown, the place it holds in a number whose "
              f"count is right, minus alone: {100 * (in_text - lone):+.2f} points; its strokes "
              f"need not be cut exactly)")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
