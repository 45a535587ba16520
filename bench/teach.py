"""One session fixes a hand: draw, correct, Learn, and read the rest of the same hand.

For each writer with at least ``--min-digits`` digits (40 by default), in the order they
wrote them:

1. the first half is a drawing session: each digit is placed on a canvas of the window's
   size (582x551 px, pen 18 px, its longer side a random 40-80% of the shorter side of
   the canvas) and read as the window reads it (:func:`digitpad.reading.read`); every digit
   not read right (misread or declined) becomes a correction, as if the person clicked
   the right digit;
2. Learn from those corrections (at most ``--max-corrections``, the first ones), timed;
3. the second half is read by the model before Learn and by the model after.

It reports the mean read right of the second half before and after, the writers reaching
99%, the writers worse after, for writers with one or two corrections the second half's
digits of the classes they corrected before and after, MNIST's test set after Learn (every
writer), the other writers' digits before and after (a fixed sample of 600 of them), real
letters declined before and after (500 of them), and Learn's time (median and max).

    python bench/teach.py                          # the held-out writers, the chosen recipe
    python bench/teach.py --validation             # validation writers: tune every rule here
    python bench/teach.py --validation --min-digits 20 --personas --recipe old --writers 4

Learn is given the session's digits read right (it trains on them and checks them in its
step back, :func:`digitpad.stepback.step_back`), as the window gives it the drawings the person
cleared without correcting them; ``--no-session`` leaves them out (Learn before 2026-12-07).
``--timing --against new:check=0`` times Learn with and without its step back, alternating.

One run sways by a point or more with where the digits fall on the canvas and with Learn's
random stream: ``--seeds 0 1 2 --learn-seeds 0 1`` makes one run of each pair and sums them
(the mean read right, and how many of all the Learns left their writer worse).

``--personas`` gives each writer a continental hand of their own (every 0 slashed, every
plain 1 flagged without a base, every 7 crossed, all at the writer's own slant; see
:func:`persona`), so that a session leaves something to learn.

``--validation`` reads the writers :file:`bench/recipe_search.py` keeps apart (a fifth of
the training writers, by site), with a model that never saw them (default
``runs/recipe-search/valbase.npz``, made by ``python bench/recipe_search.py valbase
--preset shipped --ensemble 1 --epochs 12``); Learn then draws its pen-digit replay from
the other training writers (its letters likewise) and its MNIST from the first 50,000
training images, and
"MNIST" is the last 10,000 training images, so MNIST's test set and the held-out writers
are never touched while a rule is chosen.

Learn runs on this process' BLAS threads (all cores, as the window's Learn does).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import _env  # noqa: E402  (bench/_env.py: Learn timed on the BLAS kernels a user has)
_env.user_blas()
import numpy as np  # noqa: E402

CANVAS = (582, 551)         # the window's canvas at 900x600 (bench/pen_digits.py)
SPAN = (0.4, 0.8)
OTHERS = 600                # other writers' digits read before and after Learn
LETTERS = 500               # real letters, declined before and after Learn


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--validation", action="store_true",
                   help="the validation writers (bench/recipe_search.py), not the held-out ones")
    p.add_argument("--weights", type=Path, default=None,
                   help="model file (default: the shipped model; with --validation "
                        "runs/recipe-search/valbase.npz)")
    p.add_argument("--recipe", default="new",
                   help="'new' (Learn's recipe, digitpad.teach.Recipe()), 'old' (the recipe "
                        "before issue 18, digitpad.teach.BEFORE), 'checked' (Learn's recipe of "
                        "2026-12-07 morning, the session's digits only checked, "
                        "digitpad.teach.SESSION_CHECKED), 'random' (that of 2026-12-07 "
                        "afternoon, random digits held back, digitpad.teach.RANDOM_CHECKS), "
                        "'teacher' (tried 2026-12-07 night, the old network's answers kept on "
                        "the replay, digitpad.teach.TEACHER), "
                        "any with changes: "
                        "'new:lr=0.0003,letters=0' (a tuple: 'new:steps=1/0.5')")
    p.add_argument("--writers", type=int, default=None, help="only the first N writers")
    p.add_argument("--min-digits", type=int, default=40)
    p.add_argument("--max-corrections", type=int, default=30)
    p.add_argument("--seed", type=int, default=0, help="places and sizes on the canvas")
    p.add_argument("--learn-seed", type=int, default=0)
    p.add_argument("--seeds", type=int, nargs="+", default=None,
                   help="several runs: the digits placed with each of these seeds")
    p.add_argument("--learn-seeds", type=int, nargs="+", default=None,
                   help="several runs: Learn's random stream started at each of these")
    p.add_argument("--mnist", type=Path, default=REPO.parent / "shared" / "mnist")
    p.add_argument("--personas", action="store_true",
                   help="give each writer a continental hand of their own (see persona())")
    p.add_argument("--no-session", action="store_true",
                   help="do not give Learn the session's digits read right to keep "
                        "(teach.learn's kept, which the window gives it)")
    p.add_argument("--quiet", action="store_true", help="no line per writer")
    p.add_argument("--against", default="old",
                   help="with --timing: the recipe to alternate with (default 'old', the "
                        "recipe before issue 18; e.g. 'new:check=0', Learn without its step "
                        "back)")
    p.add_argument("--timing", action="store_true",
                   help="only time Learn: the recipe before and this one, alternating, for 1, "
                        "10 and 30 corrections (validation writers' digits), twice each")
    return p.parse_args(argv)


def persona(writer):
    """A continental hand for ``writer``, the same for all their digits: every 0 slashed,
    every plain 1 given a long flag and no base, every 7 crossed (digitpad.styles), and the
    whole written at a slant of the writer's own (shear -0.4 to 0.4, give or take 0.05).
    Returns ``transform(strokes, label, rng)``."""
    import hashlib
    from digitpad import styles

    seed = int.from_bytes(hashlib.sha256(writer.encode()).digest()[:4], "little")
    shear = np.random.default_rng(seed).uniform(-0.4, 0.4)

    def transform(strokes, label, rng):
        if label == 0:
            strokes = styles.slashed_zero(strokes, rng)
        elif label == 1 and styles.is_plain_one(strokes):
            strokes = styles.flagged_one(strokes, rng, base=0.0)
        elif label == 7:
            strokes = styles.crossed_seven(strokes, rng)
        pts = np.concatenate(strokes)
        centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
        m = np.array([[1.0, shear + rng.uniform(-0.05, 0.05)], [0.0, 1.0]])
        return [(np.asarray(s, np.float64) - centre) @ m.T + centre for s in strokes]
    return transform


def placed(data, indices, rng, transform=None):
    """Corrections-to-be: each sample on the canvas, as the window would have kept it."""
    from digitpad.corrections import Correction
    from digitpad.strokes import DEFAULT_PEN_WIDTH, Stroke
    from digitpad import pendigits

    out = []
    for i in indices:
        strokes = data.strokes(i)
        label = int(data.labels[i]) if str(data.labels[i]).isdigit() else -1   # -1: a letter
        if transform is not None:
            strokes = transform(strokes, label, rng)
        strokes = pendigits.fit_to_canvas(strokes, *CANVAS, rng, span=SPAN,
                                          margin=DEFAULT_PEN_WIDTH / 2 + 1)
        out.append(Correction([Stroke(s, DEFAULT_PEN_WIDTH) for s in strokes], label,
                              canvas=CANVAS))
    return out


def prepared(items):
    """What the window's reading needs, once per drawing: the 28x28 image and the reason to
    decline seen in the ink (None when the network decides)."""
    from digitpad import preprocess, reading
    from digitpad.correction_images import render

    images, reasons = [], []
    for c in items:
        p = preprocess.prepare(render(c))
        images.append(np.zeros((28, 28), np.float32) if p is None else p.image)
        reasons.append("blank" if p is None else reading.input_check(p))
    return np.array(images, np.float32), np.array([r is None for r in reasons])


def read_right(model, images, network_decides, labels):
    """Boolean per drawing: read right, exactly as :func:`digitpad.reading.read` reads.
    ``model``: a network, or a :class:`digitpad.teach.Learned`."""
    from digitpad import teach

    net, prototypes = unpack(model)
    digits = teach.read_digits(net, images, prototypes)
    return network_decides & (digits == labels)


def letter_set(validation, rng, n=LETTERS):
    """Real letters the app should decline: the validation writers' (from the shipped
    training letters) or the held-out writers', a fixed sample of ``n`` placed like digits."""
    from digitpad import letters

    if validation:
        from recipe_search import validation_writers
        _, val = validation_writers()
        written = letters.load(letters.SHIPPED)        # all the shipped writers
        written = written.subset(np.isin(written.writer, sorted(val)))
    else:
        written = letters.load_heldout()
    pick = rng.choice(len(written), size=min(n, len(written)), replace=False)
    items = placed(written, pick, rng)
    return prepared(items)


def declined(model, images, network_decides):
    from digitpad import teach
    net, prototypes = unpack(model)
    return float(np.mean(~network_decides | (teach.read_digits(net, images, prototypes) == -1)))


def mnist_read(learned, mnist):
    """MNIST's test accuracy of the top reading (the prototypes' say included)."""
    from digitpad.model.network import as_input

    net, prototypes = unpack(learned)
    if prototypes is None:
        return net.accuracy(mnist.test_images, mnist.test_labels)
    x = as_input(mnist.test_images)
    p = prototypes.adjust(net, x, net.predict_proba(x))
    return float(np.mean(p.argmax(axis=1) == mnist.test_labels))


def unpack(model):
    """``(network, prototypes)`` of a network or a :class:`digitpad.teach.Learned`."""
    return (model.network, model.prototypes) if hasattr(model, "prototypes") else (model, None)


def recipe_from(text):
    from digitpad import teach

    import dataclasses
    name, _, changes = text.partition(":")
    if name not in ("new", "old", "checked", "random", "teacher"):
        sys.exit(f"error: unknown recipe {text!r}")
    values = {}
    for item in filter(None, changes.split(",")):
        key, _, value = item.partition("=")
        default = getattr(teach.Recipe(), key)
        if isinstance(default, bool):
            values[key] = value not in ("0", "")
        elif isinstance(default, tuple):                  # steps=1/0.5/0.25
            values[key] = tuple(float(v) for v in value.split("/"))
        else:
            values[key] = type(default)(float(value))
    base = {"new": teach.Recipe(), "old": teach.BEFORE, "checked": teach.SESSION_CHECKED,
            "random": teach.RANDOM_CHECKS, "teacher": teach.TEACHER}[name]
    return dataclasses.replace(base, **values)


def main(argv=None):
    args = parse_args(argv)
    import tempfile
    os.environ["DIGITPAD_HOME"] = os.environ.get("DIGITPAD_HOME") or tempfile.mkdtemp(
        prefix="digitpad-teach-")
    from digitpad import pendigits, store
    from digitpad.model.data import Mnist, load_mnist

    mnist = load_mnist(args.mnist if args.mnist.exists() else None)
    if args.validation:
        from recipe_search import MNIST_TRAIN, validation_writers
        digit_val, _ = validation_writers()
        everyone = pendigits.load()
        data = everyone.subset(np.isin(everyone.writer, sorted(digit_val)))
        pool = everyone.subset(~np.isin(everyone.writer, sorted(digit_val)))
        mnist = Mnist(mnist.train_images[:MNIST_TRAIN], mnist.train_labels[:MNIST_TRAIN],
                      mnist.train_images[MNIST_TRAIN:], mnist.train_labels[MNIST_TRAIN:])
        # Learn's replay must not hold the validation writers' own digits or letters.
        pendigits.load = lambda path=None, _pool=pool: _pool
        from digitpad import letters
        _, letter_val = validation_writers()
        written = letters.load()
        letter_pool = written.subset(~np.isin(written.writer, sorted(letter_val)))
        letters.load = lambda path=None, _pool=letter_pool, _all=written: (
            _pool if path is None else _all)
        weights = args.weights or REPO / "runs" / "recipe-search" / "valbase.npz"
        measured_on = "validation writers; MNIST = the last 10,000 training images"
    else:
        data = pendigits.load_heldout()
        pool = None
        weights = args.weights
        measured_on = "held-out writers; MNIST test set"
    model = store.load(weights) if weights else store.load_shipped()
    net = model.network
    recipe = recipe_from(args.recipe)
    if args.timing:
        return timing(net, model, recipe, mnist, pool, np.random.default_rng(args.seed),
                      against=recipe_from(args.against))
    print(f"Model: {model.describe()}")
    print(f"Recipe: {recipe}")
    if args.personas:
        measured_on += "; each writer given a continental hand (--personas)"
    runs = []
    for seed in args.seeds or [args.seed]:
        for learn_seed in args.learn_seeds or [args.learn_seed]:
            print(f"Measured on: {measured_on}; canvas {CANVAS[0]}x{CANVAS[1]}, seed {seed}, "
                  f"Learn's seed {learn_seed}", flush=True)
            rows, mnist_before = session_run(args, seed, learn_seed, data, net, mnist, pool,
                                             recipe)
            summary(rows, mnist_before)
            runs.append(rows)
    if len(runs) > 1:
        overall(runs)


def session_run(args, seed, learn_seed, data, net, mnist, pool, recipe):
    """One run of the protocol, the digits placed with ``seed`` and Learn's random stream
    started at ``learn_seed``: a row per writer, and MNIST before Learn."""
    from digitpad import teach

    writers = [w for w in dict.fromkeys(data.writer.tolist())
               if np.sum(data.writer == w) >= args.min_digits][:args.writers]
    rng = np.random.default_rng(seed)
    # Every writer's digits placed and prepared once; the other writers' sample is fixed.
    drawn = {}
    for w in writers:
        index = np.flatnonzero(data.writer == w)
        items = placed(data, index, rng, persona(w) if args.personas else None)
        drawn[w] = (items, *prepared(items), data.labels[index].astype(int))
    everyone = np.arange(len(data))          # every writer of the set, however few digits
    other_pick = rng.choice(everyone, size=min(len(everyone), 4 * OTHERS), replace=False)
    other_items = placed(data, other_pick, rng)
    other_images, other_decides = prepared(other_items)
    other_labels, other_writers = data.labels[other_pick].astype(int), data.writer[other_pick]
    mnist_before = net.accuracy(mnist.test_images, mnist.test_labels)
    letter_images, letter_decides = letter_set(args.validation, rng)

    rows = []
    header = (f"{'writer':24s} {'n':>4s} {'corr':>4s} {'before':>7s} {'after':>7s} "
              f"{'fixed-cls':>13s} {'MNIST':>6s} {'others':>13s} {'learn s':>7s} {'moved':>5s}")
    if not args.quiet:
        print(header)
    for k, w in enumerate(writers):
        items, images, decides, labels = drawn[w]
        half = len(items) // 2
        session = read_right(net, images[:half], decides[:half], labels[:half])
        fixes = [items[i] for i in np.flatnonzero(~session)][:args.max_corrections]
        test = slice(half, None)
        before = read_right(net, images[test], decides[test], labels[test])
        others = np.flatnonzero(other_writers != w)[:OTHERS]
        others_before = read_right(net, other_images[others], other_decides[others],
                                   other_labels[others]).mean()
        if fixes:
            started = time.perf_counter()
            tuned = teach.learn(net, fixes, mnist, np.random.default_rng(learn_seed),
                                recipe=recipe, pens=pool,
                                kept=(images[:half][session], labels[:half][session])
                                if not args.no_session else None)
            seconds = time.perf_counter() - started
        else:
            tuned, seconds = teach.Learned(net), float("nan")
        after = read_right(tuned, images[test], decides[test], labels[test])
        fixed_classes = np.isin(labels[test], [c.label for c in fixes])
        row = dict(writer=w, n=len(items), corrections=len(fixes), before=before.mean(),
                   after=after.mean(), fixed_before=before[fixed_classes].mean()
                   if fixed_classes.any() else np.nan,
                   fixed_after=after[fixed_classes].mean() if fixed_classes.any() else np.nan,
                   fixed_n=int(fixed_classes.sum()),
                   mnist=mnist_read(tuned, mnist) if fixes else mnist_before,
                   others_before=others_before,
                   others_after=read_right(tuned, other_images[others], other_decides[others],
                                           other_labels[others]).mean(),
                   letters_before=declined(net, letter_images, letter_decides),
                   letters_after=declined(tuned, letter_images, letter_decides),
                   seconds=seconds, moved=tuned.moved if fixes else np.nan)
        rows.append(row)
        if not args.quiet:
            print(f"{w:24s} {row['n']:4d} {row['corrections']:4d} {100 * row['before']:6.1f}% "
                  f"{100 * row['after']:6.1f}% {100 * row['fixed_before']:5.1f}->"
                  f"{100 * row['fixed_after']:5.1f}% {100 * row['mnist']:5.2f}% "
                  f"{100 * row['others_before']:5.1f}->{100 * row['others_after']:5.1f}% "
                  f"{seconds:7.1f} {row['moved']:5.2f}", flush=True)
    return rows, mnist_before


def overall(runs):
    """Over several runs (placements and Learn's random streams): the means, and how many
    of all the Learns left their writer worse."""
    def col(key, rows):
        return np.array([r[key] for r in rows], float)
    before = np.mean([col("before", rows).mean() for rows in runs])
    after = np.mean([col("after", rows).mean() for rows in runs])
    learns = [r for rows in runs for r in rows if r["corrections"]]
    worse = sum(r["after"] < r["before"] for r in learns)
    others = col("others_after", learns) - col("others_before", learns)
    worst = [min((r["others_after"] - r["others_before"] for r in rows if r["corrections"]),
                 default=0.0) for rows in runs]
    letters = col("letters_after", learns) - col("letters_before", learns)
    print(f"Over {len(runs)} runs ({len(learns)} Learns):")
    print(f"  second half read right   {100 * before:5.2f}% -> {100 * after:5.2f}%   (mean of the "
          f"runs' means over writers: {100 * (after - before):+.2f} points)")
    print(f"  Learns that left their writer worse   {worse} of {len(learns)}")
    print(f"  other writers' digits    mean change {100 * others.mean():+.2f} points; each run's "
          f"worst, mean {100 * np.mean(worst):+.2f}, lowest {100 * min(worst):+.2f}")
    print(f"  real letters declined    mean change {100 * letters.mean():+.2f} points, worst "
          f"{100 * letters.min():+.1f}")
    print(f"  MNIST after Learn        lowest {100 * col('mnist', learns).min():.2f}%")


def timing(net, model, recipe, mnist, pool, rng, sizes=(1, 10, 30), rounds=2, against=None):
    """Learn's seconds, ``against`` (default the recipe before, teach.BEFORE) and ``recipe``
    alternating, on corrections made of validation writers' digits (never the held-out
    writers'): wall-clock seconds, and CPU seconds of this process (all its threads: less
    swayed by the other processes of a shared machine).  Learn's own recipe has its kept
    replay drawn first as the window does when the first correction is kept (in a process
    of its own: :func:`digitpad.learning.prepare_learn_in_background`), timed on its own; another
    recipe that keeps its replay (``pool``) has it drawn here, timed too: what its first
    Learn on a machine would add."""
    from recipe_search import validation_writers
    from digitpad import learning, pendigits, teach

    against = teach.BEFORE if against is None else against
    everyone = pendigits.load(pendigits.SHIPPED)
    data = everyone.subset(np.isin(everyone.writer, sorted(validation_writers()[0])))
    print(_env.describe())
    print(f"Timing Learn on {model.describe()}; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"before: {against}\nnow:    {recipe}")
    if pool is None and recipe == teach.Recipe():
        # As the window has it done when the first correction is kept: in a process of its
        # own, at a low priority, before any Learn.
        import multiprocessing
        started = time.perf_counter()
        ahead = multiprocessing.get_context("spawn").Process(
            target=learning.prepare_learn_in_background)
        ahead.start()
        ahead.join()
        print(f"  the kept replay drawn ahead, in a process of its own as the window does: "
              f"{time.perf_counter() - started:.1f} s (exit {ahead.exitcode})", flush=True)
    for side, r in (("before", against), ("now", recipe)):
        if r.pool:
            # Read back if drawn ahead; else what the first Learn on a machine draws.
            started = time.perf_counter()
            teach.drawn_replay(r, np.random.default_rng(0), pool)
            print(f"  {side}: the kept replay drawn or read back: "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
    for n in sizes:
        items = placed(data, rng.choice(len(data), size=n, replace=False), rng)
        seconds = {"before": [], "now": []}
        cpu = {"before": [], "now": []}
        for _ in range(rounds):
            for side, r in (("before", against), ("now", recipe)):
                started, cpu_started = time.perf_counter(), time.process_time()
                teach.learn(net, items, mnist, np.random.default_rng(0), recipe=r, pens=pool)
                seconds[side].append(time.perf_counter() - started)
                cpu[side].append(time.process_time() - cpu_started)
        b, a = np.median(seconds["before"]), np.median(seconds["now"])
        cb, ca = np.median(cpu["before"]), np.median(cpu["now"])
        print(f"  {n:2d} corrections: before {b:5.1f} s, now {a:5.1f} s (median of {rounds}); "
              f"ratio {a / b:.2f}; CPU {cb:5.1f} s -> {ca:5.1f} s, ratio {ca / cb:.2f}; load "
              f"average {os.getloadavg()[0]:.1f}", flush=True)


def summary(rows, mnist_before):
    def col(key):
        return np.array([r[key] for r in rows], float)
    before, after = col("before"), col("after")
    learned = col("corrections") > 0
    few = (col("corrections") >= 1) & (col("corrections") <= 2)
    seconds = col("seconds")[learned]
    print(f"Writers: {len(rows)} ({int(col('n').sum())} digits), "
          f"{int(col('corrections').sum())} corrections in all")
    print(f"  second half read right   {100 * before.mean():5.1f}% -> {100 * after.mean():5.1f}%"
          f"   (mean over writers)")
    print(f"  writers at 99% or more   {np.sum(before >= 0.99)} -> {np.sum(after >= 0.99)}"
          f" of {len(rows)}")
    worse = [r["writer"] for r in rows if r["after"] < r["before"]]
    print(f"  writers worse after      {len(worse)}" + (f" ({', '.join(worse)})" if worse else ""))
    if few.any():
        fb, fa = col("fixed_before")[few], col("fixed_after")[few]
        gain = np.sum(fa > fb)
        print(f"  1-2 corrections ({few.sum()} writers): the corrected digits of the second "
              f"half {100 * np.nanmean(fb):5.1f}% -> {100 * np.nanmean(fa):5.1f}%; "
              f"gained {gain}, same {np.sum(fa == fb)}, lost {np.sum(fa < fb)}")
    if learned.any():
        print(f"  MNIST after Learn        min {100 * col('mnist')[learned].min():5.2f}%, mean "
              f"{100 * col('mnist')[learned].mean():5.2f}%   (before {100 * mnist_before:5.2f}%;"
              f" every writer)")
        ob, oa = col("others_before")[learned], col("others_after")[learned]
        print(f"  other writers' digits    {100 * ob.mean():5.1f}% -> {100 * oa.mean():5.1f}%"
              f"   (worst change {100 * (oa - ob).min():+.1f} points)")
        lb, la = col("letters_before")[learned], col("letters_after")[learned]
        print(f"  real letters declined    {100 * lb.mean():5.1f}% -> {100 * la.mean():5.1f}%"
              f"   (worst change {100 * (la - lb).min():+.1f} points; {LETTERS} letters)")
        print(f"  Learn seconds            median {np.median(seconds):.1f}, max "
              f"{seconds.max():.1f}  (up to {int(col('corrections').max())} corrections)")
        moved = col("moved")[learned]
        if (moved != 1).any():
            steps, counts = np.unique(moved, return_counts=True)
            print("  weights moved (step back) " + ", ".join(
                f"t={t:g}: {c}" for t, c in zip(steps[::-1], counts[::-1])) + " writers")


if __name__ == "__main__":
    main()
