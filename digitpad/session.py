"""What the window works with, apart from Qt: the model in use, MNIST's test set once it
is loaded, the model Learn started from, and the readings the person let stand.  Qt-free.

:class:`~digitpad.gui.window.MainWindow` owns one :class:`Session` and is its
only writer (:meth:`~digitpad.gui.window.MainWindow.set_model` and the slots
that receive a loaded test set or a model Learn made); the views, dialogs and
jobs read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_ACCEPTED = 1000     # readings let stand that are remembered (the oldest go first)


@dataclass
class Session:
    model: object = None             # the store.LoadedModel in use, or None
    test_set: tuple | None = None    # MNIST's (test images, labels), once loaded
    learnt: tuple | None = None      # (the model Learn made, the model it started from)
    accepted: list = field(default_factory=list)    # [(28x28 image, digit)], oldest first

    def accept(self, number):
        """Remember the digits of ``number`` (a :class:`digitpad.numbers.NumberReading`), a
        drawing the person cleared without correcting it, as read right: Learn's step back
        keeps them read so (:func:`digitpad.teach.learn`'s ``kept``).  Only a number every
        digit of which was named is taken; at most :data:`MAX_ACCEPTED` digits are kept, in
        memory only.  Returns how many digits were taken."""
        if number is None or number.text is None or "?" in number.text:
            return 0
        for p in number.digits:
            self.accepted.append((np.asarray(p.image, np.float32).reshape(28, 28), p.digit))
        del self.accepted[:-MAX_ACCEPTED]
        return len(number.digits)

    def kept(self):
        """The readings let stand as ``(images (n, 28, 28), digits (n,))``, or None."""
        if not self.accepted:
            return None
        return (np.stack([image for image, _ in self.accepted]),
                np.array([digit for _, digit in self.accepted], np.int64))

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
