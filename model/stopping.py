"""Asking long work to stop: a download, drawing training data, training, an evaluation.

Such work takes a ``should_stop()`` callable and asks it as it goes; a yes
raises :class:`Stopped` (training raises its subclass
:class:`~digitpad.model.train.TrainingStopped`), and whoever asked catches
``Stopped`` whatever the work was.
"""


class Stopped(Exception):
    """The work was asked to stop and did; nothing it would have changed was changed."""
