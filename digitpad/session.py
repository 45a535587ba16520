"""What the window works with, apart from Qt: the model in use, MNIST's test set once it
is loaded, and the model Learn started from.  Qt-free.

:class:`~digitpad.gui.window.MainWindow` owns one :class:`Session` and is its
only writer (:meth:`~digitpad.gui.window.MainWindow.set_model` and the slots
that receive a loaded test set or a model Learn made); the views, dialogs and
jobs read it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Session:
    model: object = None             # the store.LoadedModel in use, or None
    test_set: tuple | None = None    # MNIST's (test images, labels), once loaded
    learnt: tuple | None = None      # (the model Learn made, the model it started from)

    @property
    def network(self):
        """The network in use, or None."""
        return None if self.model is None else self.model.network

    def before_learn(self):
        """The model Learn started from while the model in use is the one it made, else None."""
        if self.learnt is None:
            return None
        made, before = self.learnt
        return before if made is self.model else None
