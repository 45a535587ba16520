"""``digitpad predict IMAGE...``: read the digit, or the number, in image files as the
window would, and with ``--explain`` say why (digit by digit for a number)."""
from __future__ import annotations

import sys
from pathlib import Path

from digitpad import store

from .common import EXIT_USAGE, UsageError, digit_arg, fail, load_model, path_arg


def add_predict_command(commands):
    p = commands.add_parser("predict", help="read the digit or number in image files",
                            description="Read the digit in each image file, as the window "
                                        "would: prints the digit and the ten probabilities; "
                                        "for a number, the number and each digit's.")
    p.add_argument("images", nargs="+", type=path_arg, metavar="IMAGE")
    p.add_argument("--weights", type=path_arg, metavar="WEIGHTS",
                   help="a .npz weight file (default: the model the window opens with: "
                        "your last trained or loaded one, else the shipped one)")
    p.add_argument("--explain", action="store_true",
                   help="also say why: the margin of the digit read over the runner-up (or "
                        "--against), split into the ink's share and the biases', and save "
                        "a map of each pixel's share beside the image as "
                        "IMAGE-explained.png (red for the digit, blue against; an existing "
                        "file is kept and the map gets a new name)")
    p.add_argument("--against", type=digit_arg, metavar="D",
                   help="with --explain: the digit to explain against (default: the "
                        "runner-up)")
    p.set_defaults(run=run_predict)


def run_predict(args):
    from digitpad.images import ImageError, load_ink
    from digitpad.ink_numbers import read_number_ink

    if args.against is not None and not args.explain:
        raise UsageError("--against D explains the reading against D: give --explain too")
    net = predict_model(args.weights)
    status = 0
    for file in args.images:
        try:
            number = read_number_ink(net, load_ink(file))
        except ImageError as e:
            fail(e, EXIT_USAGE)
            status = EXIT_USAGE
            continue
        if number is None or len(number) == 1:
            prediction = None if number is None else number.digits[0]
            print(f"{file}: {format_prediction(prediction)}")
            if args.explain and prediction is not None and not explain(net, prediction, file,
                                                                       args.against):
                status = EXIT_USAGE
            continue
        print(f"{file}: {format_number(number)}")
        for i, prediction in enumerate(number.digits):
            print(f"  digit {i + 1}: {format_prediction(prediction)}")
            if args.explain and not explain(net, prediction, file, args.against,
                                            suffix=f"-digit{i + 1}"):
                status = EXIT_USAGE
    return status


def format_number(number):
    """"the number 1969 (4 digits)", or "not a number (3 marks: ?1??)"."""
    shown = "".join("?" if p.digit is None else str(p.digit) for p in number.digits)
    if number.text is None:
        return f"not a number ({len(number)} marks: {shown})"
    return f"the number {number.text} ({len(number)} digits)"


EXPLAINED = "-explained"
MAP_SCALE = 10          # the map's pixels per input pixel


def explain(net, prediction, file, against=None, suffix=""):
    """Print the margin's split and save the pixel map beside ``file`` (its name ending in
    ``suffix``, e.g. one digit of a number); False if not saved."""
    from PIL import Image

    from digitpad import insight

    digit = prediction.best
    if against is None or against == digit:
        against = insight.runner_up(prediction.probabilities, digit)
    pixel_map, bias = insight.contributions(net, prediction.image, digit, against)
    ink = float(pixel_map.sum())
    print(f"  why {digit}, not {against}: margin {ink + bias:.2f} (logits) = {ink:+.2f} from "
          f"the ink {bias:+.2f} from the biases")
    try:
        out, note = explained_path(file, suffix)
        picture = Image.fromarray(insight.tint(prediction.image, pixel_map))
        with open(out, "xb") as f:             # never over a file, even one made just now
            picture.resize((28 * MAP_SCALE, 28 * MAP_SCALE), Image.NEAREST).save(f, "PNG")
    except (UsageError, OSError) as e:
        fail(f"{file}: the map was not saved: {e.strerror if isinstance(e, OSError) else e}",
             EXIT_USAGE)
        return False
    print(f"  map saved to {out} (red: ink for {digit}, blue: ink for {against}){note}")
    return True


def explained_path(file, suffix=""):
    """Where the map of ``file`` goes: beside it, never over a file, never into the
    shipped model's folder.  Returns ``(path, note)``, the note saying when the plain
    name was taken."""
    file = Path(file)
    first = file.with_name(f"{file.stem}{suffix}{EXPLAINED}.png")
    try:
        shipped = store.shipped_path().parent.resolve()
        inside = first.resolve().parent == shipped
    except OSError:
        inside = False
    if inside:
        raise UsageError(f"{file.parent} holds the shipped model, which digitpad never writes "
                         "beside; copy the image elsewhere")
    path, n = first, 2
    while path.exists():
        path = file.with_name(f"{file.stem}{suffix}{EXPLAINED}-{n}.png")
        n += 1
    return path, "" if path == first else f"; {first.name} exists and was kept"


def predict_model(path):
    """The network ``predict`` reads with: ``path``, else the model the window would open."""
    if path is not None:
        return load_model(path)[1]
    model, problem = store.startup()
    if problem:
        print(f"digitpad: {problem}", file=sys.stderr)
    if model is None:
        raise UsageError("no model could be loaded; give one with --weights")
    return model.network


def format_prediction(prediction):
    """"7 (98.1%)  0:0.00 1:0.00 ... 9:0.00", "not sure (3? 41.0%) ...", or "blank"."""
    if prediction is None:
        return "blank (no ink found)"
    p = prediction.probabilities
    if prediction.digit is None:
        head = f"not sure ({prediction.best}? {p[prediction.best]:.1%})"
    else:
        head = f"{prediction.digit} ({p[prediction.digit]:.1%})"
    return head + "  " + " ".join(f"{d}:{v:.2f}" for d, v in enumerate(p))
