"""How long a retrain takes to start training, cold and warm, and how fast Cancel is.

    python bench/retrain_phases.py [--preset quick] [--data DIR] [--letters-here]

Runs what the Retrain dialog's worker runs (MNIST, the measure sets, the
preset's drawings, then training) in a fresh ``DIGITPAD_HOME``, twice: the
first time everything is drawn, the second time the drawings come from the
cache.  It prints the seconds until the first training batch each time.
Then, for each phase (drawing the measure sets, drawing the training data,
training), it starts a cold run in another fresh home, asks it to stop from
another thread half a second into that phase, as Cancel does, and prints
how long the run took to stop.  ``--letters-here`` draws the letters in this
process too, as before they were drawn by a second one (``datasets.Alongside``),
for comparison.  Loading MNIST asks nothing (it takes under
half a second, and the window reads it once per session); its time is printed.
"""
from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitpad import learning, recipes, scores  # noqa: E402
from digitpad.mnist import load as load_mnist  # noqa: E402
from digitpad.model.stopping import Stopped  # noqa: E402


class FirstBatch(Exception):
    pass


def kind(name):
    """The phase a drawing progress report belongs to."""
    return "drawing the measure sets" if "held-out" in name or "test" in name \
        else "drawing the training data"


def retrain(options, data, home, stop_in=None):
    """One retrain as the dialog's worker runs it, in ``home``.

    Without ``stop_in``: the seconds until the first training batch.  With a
    phase name: a stop is asked from another thread half a second into that
    phase; returns how long the run took to stop after that.
    """
    os.environ["DIGITPAD_HOME"] = str(home)
    flag, asked = threading.Event(), {}

    def ask():
        asked["at"] = time.perf_counter()
        flag.set()

    def enter(phase):
        if phase == stop_in and "timer" not in asked:
            asked["timer"] = threading.Timer(0.5, ask)
            asked["timer"].start()

    def on_batch(progress):
        if stop_in is None:
            raise FirstBatch
        enter("training")

    start = time.perf_counter()
    try:
        mnist = load_mnist(data)
        sets = scores.measure_sets(flag.is_set, lambda name, *_: enter(kind(name)))
        learning.make_model(options, mnist, progress=lambda name, *_: enter(kind(name)),
                            on_batch=on_batch, should_stop=flag.is_set,
                            measure=lambda network: {"pen": scores.pen_accuracy(network,
                                                                                  sets)})
    except FirstBatch:
        return time.perf_counter() - start
    except Stopped:
        return time.perf_counter() - asked["at"]
    raise SystemExit(f"the run ended before the stop asked for in {stop_in}")


def fresh_home():
    """A new DIGITPAD_HOME (its drawings are tens of MB), removed at exit."""
    home = Path(tempfile.mkdtemp(prefix="digitpad-phases-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = ROOT.parent / "shared" / "mnist"
    parser.add_argument("--data", type=Path,
                        default=default_data if default_data.is_dir() else None)
    parser.add_argument("--preset", default="quick", choices=tuple(recipes.PRESETS))
    parser.add_argument("--letters-here", action="store_true",
                        help="draw the letters in this process, not in a second one")
    args = parser.parse_args()
    print(_env.describe())
    if args.letters_here:
        from digitpad import datasets
        datasets.LETTERS_ALONGSIDE = False
    options = recipes.recipe(args.preset)

    start = time.perf_counter()
    load_mnist(args.data)
    print("loading MNIST (read and checked byte for byte) takes "
          f"{time.perf_counter() - start:.2f} s")
    home = fresh_home()
    cold = retrain(options, args.data, home)
    warm = retrain(options, args.data, home)
    print(f"--preset {args.preset}: the first training batch after {cold:.1f} s the first "
          f"time (drawing), {warm:.1f} s the second (the drawings from the cache)")
    for phase in ("drawing the measure sets", "drawing the training data", "training"):
        took = retrain(options, args.data, fresh_home(), stop_in=phase)
        print(f"  Cancel while {phase}: stopped {1000 * took:.0f} ms after it was asked")


if __name__ == "__main__":
    main()
