"""``digitpad evaluate [WEIGHTS]``: a model's MNIST test accuracy, per digit, and its
confusion matrix, measured as the window's Evaluate measures it
(:func:`digitpad.evaluation.evaluate`)."""
from __future__ import annotations

from digitpad import evaluation, mnist
from digitpad.model.data import TEST_PARTS
from digitpad.model.weights import describe

from .common import DownloadProgress, load_model, path_arg


def add_evaluate_command(commands):
    p = commands.add_parser("evaluate", help="measure a model on the MNIST test set",
                            description="Measure a model on the 10,000 MNIST test images: "
                                        "accuracy, accuracy per digit, confusion matrix.")
    p.add_argument("weights", nargs="?", type=path_arg, metavar="WEIGHTS",
                   help="a .npz weight file (default: the model shipped with digitpad)")
    p.add_argument("--data", type=path_arg, metavar="DIR",
                   help="folder holding the two MNIST test files, t10k-images-idx3-ubyte "
                        "and t10k-labels-idx1-ubyte, gzipped or not; the training files "
                        "are not needed (default: the cache, downloading them if needed)")
    p.set_defaults(run=run_evaluate)


def run_evaluate(args):
    path, net, meta = load_model(args.weights)
    data = mnist.load(args.data, progress=DownloadProgress(), parts=TEST_PARTS)
    measured = evaluation.evaluate(net, data.test_images, data.test_labels)
    right, count = measured.right, len(measured)
    print(f"model: {path} ({describe(meta)})")
    print(f"MNIST test accuracy: {right / count:.2%} ({right:,} of {count:,} "
          f"right, {count - right:,} wrong)")
    print()
    print(format_confusion(measured))
    return 0


def format_confusion(evaluation):
    """The confusion matrix, one row per true digit, with each digit's accuracy."""
    lines = ["rows: the true digit; columns: what the network read",
             "digit " + "".join(f"{d:>6}" for d in range(10)) + "   accuracy"]
    for d, (row, accuracy) in enumerate(zip(evaluation.confusion, evaluation.per_digit())):
        shown = "-" if accuracy != accuracy else f"{accuracy:.2%}"     # NaN: no such digit
        lines.append(f"{d:>5} " + "".join(f"{v:>6}" for v in row) + f"{shown:>11}")
    return "\n".join(lines)
