"""The model in use, as the File and Model menus change it: load, save, reset, and a new
model offered beside the one in use (:class:`~digitpad.gui.compare.CompareDialog`).

:class:`Models` changes the model in use (a :class:`digitpad.store.LoadedModel`)
through the window, which keeps it (``window.set_model``; its session is the one
place the model in use is written), and speaks to the person through the
window: file dialogs, error messages, status-bar messages.  The
files themselves are :mod:`digitpad.store`'s business.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from digitpad import store
from digitpad.model.weights import WeightsError
from digitpad.scores import known_scores, network_digest, remember_scores

from .compare import CompareDialog
from .filedialog import ask_path

ERRORS = (WeightsError, OSError, ValueError, TypeError)
MODEL_FILES = "digitpad models (*.npz)"


def scores_text(model, before=""):
    """How good ``model`` is on the held-out drawings, when it has been measured."""
    scores = known_scores(model) if model is not None else None
    return f"{before}{scores.summary()}" if scores else ""


def model_line(model):
    """``(short, whole)``: the status bar's line for ``model`` (a store.LoadedModel, or
    None), its name and MNIST accuracy; and all that is known of it, for its tooltip."""
    if model is None:
        return "No model", "No model"
    accuracy = model.test_accuracy()
    short = f"Model: {model.name()}" + ("" if accuracy is None else f", {accuracy:.2%} on MNIST")
    return short, f"Model: {model.describe()}{scores_text(model, '; ')}"


class Models(QObject):
    """Every way the person changes the model in use."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.compare_dialog = None      # asking whether to use a new model

    @property
    def model(self):
        """The store.LoadedModel in use (the window's), or None."""
        return self.window.model

    def _say(self, text, ms=5000):
        self.window.statusBar().showMessage(text, ms)

    def _error(self, title, text):
        QMessageBox.warning(self.window, title, text)

    def use(self, model, remember=True):
        """Use ``model`` (a store.LoadedModel, or None) from now on."""
        self.window.set_model(model, remember)

    @Slot()
    def load(self, path=None):
        """Load a model file and use it; a bad file gets a message and changes nothing."""
        path = path or ask_path(self.window, "Load a model", "models",
                                f"{MODEL_FILES};;All files (*)")
        if not path:
            return False
        try:
            model = store.keep(store.load(path))
        except ERRORS as e:
            self._error("Cannot load the model", f"{e}\n\nThe model in use is unchanged.")
            return False
        self.use(model)
        self._say(f"Loaded {Path(path).name}")
        return True

    @Slot()
    def save(self, path=None, new=None):
        """Save the model in use, or ``new`` (a network and its metadata, offered beside
        it), to a file of the person's choice (never the shipped one); the path, or False."""
        if self.model is None and new is None:
            return False
        network, meta = new or (self.model.network, self.model.meta)
        parent = self.compare_dialog if new is not None and self.compare_dialog else self.window
        path = path or ask_path(parent, "Save the new model as" if new else "Save the model as",
                                "models", MODEL_FILES, name="digitpad-model.npz", save=True,
                                suffix="npz")
        if not path:
            return False
        try:
            store.save(path, network, meta)
        except ERRORS as e:
            QMessageBox.warning(parent, "Cannot save the model", str(e))
            return False
        self._say(f"Saved the {'new ' if new else ''}model as {Path(path).name}")
        return path

    @Slot()
    def reset(self):
        """Go back to the shipped model."""
        try:
            model = store.load_shipped()
        except WeightsError as e:
            self._error("Cannot load the shipped model", str(e))
            return False
        self.use(model)
        self._say("Using the shipped model")
        return True

    def offer(self, network, meta, comparison, stem="retrained", note="", adopted=None):
        """Show a new model beside the one in use; use it only if the person keeps it
        (then call ``adopted()``)."""
        def use():
            self.adopt(network, meta, stem)
            if adopted is not None:
                adopted()
        if comparison is None or self.model is None:      # nothing to compare with
            return use()
        name = self.model.name()
        if not self._measured(comparison):
            name = "the model in use when it began"
            note = ((note + " ") if note else "") + (
                "Another model was loaded while it ran: the new model is compared with the "
                "one in use when it began, and Keep keeps the one in use now.")
        dialog = self.compare_dialog = CompareDialog(comparison, name, note, self.window)
        saved = []                  # where "Save the new model as..." wrote it

        def save():
            path = self.save(new=(network, meta))
            if path:
                saved.append(path)
        dialog.save_requested.connect(save)
        dialog.accepted.connect(use)
        dialog.rejected.connect(lambda: self._keep(comparison, saved[-1] if saved else None))
        dialog.finished.connect(lambda _: setattr(self, "compare_dialog", None))
        dialog.open()
        return dialog

    def _measured(self, comparison):
        """The comparison's "in use" scores are those of the model in use now (by content:
        another model may have been loaded while the job ran)."""
        measured = comparison.measured
        if measured is None or self.model is None:
            return measured is None
        return measured is self.model.network or (
            network_digest(measured) == network_digest(self.model.network))

    def _keep(self, comparison, saved_to=None):
        """The new model is not used (``saved_to``: the file the person saved it to, if any).
        The scores measured are remembered for the network they were measured on, and shown
        for the model in use only if it is that one."""
        scores = comparison.current
        if comparison.measured is not None:
            remember_scores(comparison.measured, scores)
        if self.model is not None and self._measured(comparison):
            self.model.meta["scores"] = scores.to_dict()
            if comparison.measured is None and self.model.path is not None:
                remember_scores(self.model.network, scores)
            self.use(self.model, remember=False)
        self._say("Kept the model in use; " + (f"the new model is in {Path(saved_to).name}."
                                                if saved_to else "the new model was discarded."),
                  8000)

    def adopt(self, network, meta, stem="retrained"):
        """Save a new network under the models folder and use it."""
        try:
            model = store.adopt(network, meta, stem)
        except ERRORS as e:
            self._error("Cannot save the new model",
                        f"{e}\n\nIt is in use now but will be gone at the next start.")
            self.use(store.LoadedModel(network, dict(meta)), remember=False)
            return
        self.use(model)
        self._say(f"New model saved as {model.path.name}", 8000)
