"""Choose a recipe without looking at the held-out writers: train on part of the
training data, measure on the rest.

    python bench/recipe_search.py NAME [digitpad train options ...]
    python bench/recipe_search.py ref --preset shipped --epochs 30 --ensemble 1

The run learns what ``digitpad train`` with the same options would, less a
validation share kept apart from it:

* MNIST's last 10,000 training images (it trains on the first 50,000);
* a fifth of the 73 training writers (per site, by the hash rule that chose
  the held-out writers, :func:`digitpad.pendigits.choose_heldout`): their
  digits and their letters, and a fifth of the writers who wrote only letters.

It then reads the validation share as the app reads (top probability under
50% declines): MNIST validation accuracy, the validation writers' digits
(drawn twice with random pens) read right / declined / 0s and 1s read right,
their letters declined, 1,000 generated non-digits declined, and the
validation writers' digits given the styles of ``bench/styles.py`` (a slashed
0, a flagged 1, a crossed 7, a left slant) read right, beside the 8s and 7s
as written.  The
held-out writers of ``bench/pen_digits.py`` and MNIST's test set are never
touched, so the recipe chosen here can then be measured on them once.

Each run appends its row to ``HOME/results.tsv`` and keeps its model in
``HOME/NAME.npz``; HOME (``--home``, default ``runs/recipe-search``) is the
run's DIGITPAD_HOME, so the drawings of the reduced training set are cached
there and never mixed with the real ones.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

VALIDATION_FRACTION = 0.2
MNIST_TRAIN = 50_000
# Read right among the validation writers' digits given a style (bench/styles.py), and the
# digits a style could be confused with, as written.
STYLE_COLUMNS = {"slashed_0": "0 slashed", "eights": "8 as written",
                 "flagged_1": "1 flagged, no base", "sevens": "7 as written",
                 "crossed_7": "7 crossed", "leaning": "all leaning left"}


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a name for this run (its row and its model file)")
    parser.add_argument("--home", type=Path, default=REPO / "runs" / "recipe-search")
    args, train_options = parser.parse_known_args(argv)
    return args, train_options


def validation_writers():
    """(digit writers, letter writers) kept apart from training, by the hash rule."""
    from digitpad import letters, pendigits
    digits, written = pendigits.load(), letters.load()     # the shipped training writers
    digit_val = pendigits.choose_heldout(digits.writer, digits.site, VALIDATION_FRACTION)
    only_val = letters.choose_heldout(written.writer, written.site, digits.writer,
                                      VALIDATION_FRACTION)
    return digit_val, digit_val | only_val


def without(module, writers):
    """Make ``module.load_training`` leave ``writers`` out; returns the original."""
    original = module.load_training

    def load_training(path=None):
        data = original(path)
        return data.subset(~np.isin(np.asarray(data.writer, str), sorted(writers)))
    module.load_training = load_training
    return original


def main(argv=None):
    args, train_options = parse(argv)
    args.home.mkdir(parents=True, exist_ok=True)
    os.environ["DIGITPAD_HOME"] = str(args.home)
    mnist_dir = REPO.parent / "shared" / "mnist"
    if mnist_dir.is_dir():
        os.environ.setdefault("DIGITPAD_MNIST", str(mnist_dir))

    from digitpad import cli, datasets, learning, letters, nondigits, pendigits
    from digitpad.cli import train as train_command
    from digitpad.mnist import session_loader
    from digitpad.model.data import Mnist
    from digitpad.model.weights import save
    sys.path.insert(0, str(REPO / "bench"))
    from compare_models import drawn, readings
    from styles import measure as style_measure, style_sets

    digit_val, letter_val = validation_writers()
    digits, written = pendigits.load(), letters.load()
    val_digits = digits.subset(np.isin(digits.writer, sorted(digit_val)))
    val_letters = written.subset(np.isin(written.writer, sorted(letter_val)))
    training_pen = without(pendigits, digit_val)
    training_letters = without(letters, letter_val)
    datasets.LETTERS_ALONGSIDE = False          # a second process would not see the above

    options = train_command.train_options(cli.parse_args(["train", *train_options]))
    mnist = session_loader()
    train_part = Mnist(mnist.train_images[:MNIST_TRAIN], mnist.train_labels[:MNIST_TRAIN],
                         mnist.train_images[MNIST_TRAIN:], mnist.train_labels[MNIST_TRAIN:])
    start = time.perf_counter()
    network, meta = learning.make_model(options, train_part, source="recipe_search",
                                        status=lambda text: print(text, flush=True))
    seconds = time.perf_counter() - start
    save(args.home / f"{args.name}.npz", network, meta)
    pendigits.load_training, letters.load_training = training_pen, training_letters

    digits = drawn([val_digits.strokes(i) for i in range(len(val_digits))],
                   np.random.default_rng(5), 2)
    labels = val_digits.labels[digits[2]].astype(int)
    others = drawn([val_letters.strokes(i) for i in range(len(val_letters))],
                   np.random.default_rng(6))
    shapes = nondigits.nondigit_eval_set(np.random.default_rng(2024), 1000, val_digits)
    shapes = drawn([d.strokes for d in shapes], np.random.default_rng(7), unit=True)
    read = readings(network, *digits[:2])
    row = dict(name=args.name, options=" ".join(train_options), seconds=round(seconds),
               mnist_val=network.accuracy(mnist.train_images[MNIST_TRAIN:],
                                          mnist.train_labels[MNIST_TRAIN:]),
               digits_right=np.mean(read == labels), declined=np.mean(read == -1),
               zeros=np.mean(read[labels == 0] == 0), ones=np.mean(read[labels == 1] == 1),
               letters=np.mean(readings(network, *others[:2]) == -1),
               non_digits=np.mean(readings(network, *shapes[:2]) == -1))
    styled = style_measure(network, style_sets(val_digits, copies=2))
    for key, style in STYLE_COLUMNS.items():
        row[key] = styled[style][0]
    header = "\t".join(row)
    line = "\t".join(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row.values())
    log = args.home / "results.tsv"
    if not log.exists():
        log.write_text(header + "\n")
    with open(log, "a") as out:
        out.write(line + "\n")
    print(f"validation: {len(digit_val)} digit writers ({len(labels)} drawings), "
          f"{len(val_letters)} letters, 1,000 non-digits; MNIST's last 10,000 training images")
    print(header)
    print(line)


if __name__ == "__main__":
    main()
