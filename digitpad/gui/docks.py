"""The insight views' docks: made, restored, remembered, and kept up to date.

:class:`Views` puts each view of :mod:`digitpad.gui.views` in a dock of the
window, gives the window its View menu, remembers in ``settings.json`` which
views are open, and refreshes the open ones with the reading the window's
``predictionChanged`` carries: each view at most once per display frame (or
its own interval), one view per pass of the event loop so that mouse events
get in between, after the probabilities are on screen.  Closed views cost
nothing.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDockWidget

from .views import NAMES, VIEWS


class Views(QObject):
    """The insight docks of ``window``: made, restored, remembered, and kept up to date.

    ``updated`` is emitted when every open view shows the current reading.
    """
    updated = Signal()

    def __init__(self, window, frame_ms=16):
        super().__init__(window)
        self.window, self.frame_ms = window, frame_ms
        self.views, self.docks = {}, {}
        wanted = set(window.settings.views)          # names it does not know are ignored
        for cls in VIEWS:
            view = cls(window)
            dock = QDockWidget(cls.title, window, objectName=f"{cls.name}Dock")
            dock.setWidget(view)
            window.addDockWidget(cls.area, dock)
            dock.toggleViewAction().setObjectName(f"{cls.name}ViewAction")
            dock.setVisible(cls.name in wanted)
            dock.visibilityChanged.connect(self._schedule)
            dock.toggleViewAction().toggled.connect(self._remember)
            self.views[cls.name], self.docks[cls.name] = view, dock
        window.splitDockWidget(self.docks["units"], self.docks["grid"], Qt.Horizontal)
        self._stale = set(NAMES)
        self._last = dict.fromkeys(NAMES, 0.0)      # when each view was last refreshed
        self._closing = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._refresh_one)
        window.predictionChanged.connect(self._changed)
        window.modelChanged.connect(self._model_changed)

    def actions(self):
        """The View menu's check items, one per view."""
        return [self.docks[name].toggleViewAction() for name in NAMES]

    def open(self):
        """The names of the views the person has open (shown, not closed)."""
        return [name for name in NAMES if self.docks[name].toggleViewAction().isChecked()]

    def set_open(self, names):
        for name in NAMES:
            self.docks[name].setVisible(name in names)

    def closing(self):
        """The window is closing: its docks hide with it, but the person did not close them."""
        self._closing = True

    @Slot(bool)
    def _remember(self, shown):
        if self._closing:
            return
        self.window.settings.update(views=self.open())
        if shown:
            self.make_room()

    def make_room(self):
        """Make room for the docks when the window is small (never past the screen)."""
        w = self.window
        if w.isMaximized() or w.isFullScreen() or w.screen() is None:
            return
        room = w.screen().availableGeometry()
        width, height = min(max(w.width(), 1200), room.width()), min(max(w.height(), 820),
                                                                       room.height())
        if (width, height) != (w.width(), w.height()):
            w.resize(width, height)
        bottom = [self.docks[n] for n in ("units", "grid")]
        w.resizeDocks(bottom, [width // 2, width // 2], Qt.Horizontal)

    @Slot(object)
    def _changed(self, prediction):
        """A new reading: every view shows it when it is next refreshed."""
        for view in self.views.values():
            view.prediction = prediction
        self._stale.update(NAMES)
        self._schedule()

    @Slot(object)
    def _model_changed(self, _model):
        for view in self.views.values():
            view.model_changed()
        self._stale.update(NAMES)
        self._schedule()

    def _due(self):
        return [n for n in NAMES if n in self._stale and self.docks[n].isVisible()]

    @Slot()
    def _schedule(self, *_):
        """Refresh the open views soon: each not again within a frame, one per pass of the
        event loop (so that mouse events get in between), once for many readings."""
        due = self._due()
        if self._timer.isActive() or not due:
            return
        now = time.perf_counter()
        wait = min(self._interval(n) - (now - self._last[n]) * 1000 for n in due)
        self._timer.start(max(0, int(np.ceil(wait))))

    def _interval(self, name):
        return max(self.frame_ms, self.views[name].interval_ms)

    @Slot()
    def _refresh_one(self):
        now = time.perf_counter()
        ready = [n for n in self._due() if (now - self._last[n]) * 1000 >= self._interval(n)]
        if ready:
            self._refresh(ready[0], now)
        if self._due():
            self._schedule()
        else:
            self.updated.emit()

    def _refresh(self, name, now):
        self.views[name].refresh()
        self._last[name] = now
        self._stale.discard(name)

    def refresh(self):
        """Bring every open, visible view up to the window's current reading now."""
        self._timer.stop()
        for name in self._due():
            self._refresh(name, time.perf_counter())
        self.updated.emit()
