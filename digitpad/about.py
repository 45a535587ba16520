"""What Help > About says: the version, the model in use, and the credits the data's
licenses require.  Qt-free (HTML text)."""
from __future__ import annotations

from . import __version__

CREDITS = ("<p>MNIST: Yann LeCun, Corinna Cortes, Christopher J.C. Burges (CC BY-SA 3.0)."
           "<br>Pen-written digits and letters: UniPen train_r01_v07, categories 1a, 1b and 1c "
           "(CC BY 4.0): I. Guyon, "
           "L. Schomaker, R. Plamondon, M. Liberman, S. Janet, UNIPEN project, ICPR 1994; "
           "Unipen Consortium, Zenodo, doi 10.5281/zenodo.1195803.</p>")


def about_html(model, measured=""):
    """The About text for ``model`` (a store.LoadedModel, or None); ``measured`` says how
    it did on held-out drawings, when that is known."""
    lines = [f"<h3>digitpad {__version__}</h3>",
             "<p>Draw a digit; a neural network written from scratch in NumPy reads it "
             "as you draw.</p>"]
    if model is None:
        lines.append("<p>No model is loaded.</p>")
    else:
        acc = model.test_accuracy()
        where = "the shipped model" if model.shipped else str(model.path or "not saved")
        lines.append("<p><b>Model in use</b><br>"
                     f"Layers: {'-'.join(map(str, model.network.sizes))}<br>"
                     "MNIST test accuracy: "
                     f"{'unknown' if acc is None else f'{100 * acc:.2f}%'}<br>"
                     + (f"Measured on held-out drawings: {measured}<br>" if measured else "")
                     + f"Loaded from: {where}"
                     + (f" ({model.path})" if model.shipped and model.path else "") + "</p>")
    lines.append(CREDITS)
    return "".join(lines)
