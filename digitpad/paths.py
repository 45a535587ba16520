"""Where digitpad writes: one folder when DIGITPAD_HOME is set, else the platform's own.  Qt-free.

With ``DIGITPAD_HOME`` set (tests set it to a temporary folder) everything
goes under it.  Without it, the cache (MNIST) goes to the platform cache
folder and user data (trained models, corrections, settings) to the platform
data folder, as platformdirs names them.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "digitpad"


def home():
    """DIGITPAD_HOME as a Path, or None when it is not set."""
    value = os.environ.get("DIGITPAD_HOME")
    return Path(value).expanduser() if value else None


def cache_dir():
    """Downloads that can be fetched again: ``<home>`` or the platform cache folder."""
    return home() or Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir():
    """What the user made (models, corrections, settings): ``<home>`` or the data folder."""
    return home() or Path(platformdirs.user_data_dir(APP, appauthor=False))


def mnist_cache():
    return cache_dir() / "mnist"


def models_dir():
    return data_dir() / "models"
