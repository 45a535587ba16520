"""Shared test set-up: a private DIGITPAD_HOME per test, Qt offscreen, MNIST from ../shared,
the shipped model, and the real window."""
import os

# Before anything imports Qt: tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Before anything imports NumPy: the tests' matrices are small, and BLAS
# threads on small products, on cores that other work shares, cost tens of
# times more than they save (seen here: 12 s instead of 0.5 s for one test).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "mnist"


@pytest.fixture(autouse=True)
def digitpad_home(tmp_path, monkeypatch):
    """Every test writes (cache, models, settings) only under its own temporary folder."""
    home = tmp_path / "digitpad-home"
    home.mkdir()
    monkeypatch.setenv("DIGITPAD_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_replay_drawn_ahead(monkeypatch):
    """Keeping a correction does not start a process drawing Learn's replay for seconds
    (tests/test_teach.py turns it on where it tests it)."""
    monkeypatch.setattr("digitpad.gui.teaching.PREPARE_AHEAD", False)


@pytest.fixture(autouse=True)
def no_question_when_closing(monkeypatch):
    """Closing a window while it trains asks no question (tests/test_retrain.py turns it on
    where it tests it): offscreen, nobody would answer it."""
    monkeypatch.setattr("digitpad.gui.window.ASK_BEFORE_QUITTING", False)


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    """Tests never download MNIST: without a folder, loading it fails at once."""
    monkeypatch.setattr("digitpad.model.data.MIRRORS", ())


@pytest.fixture(scope="session")
def mnist_dir():
    """The shared MNIST files beside the repo (never downloaded by a test)."""
    from digitpad.model.data import PARTS, find

    if not all(find(SHARED_MNIST, part) for part in PARTS):
        pytest.skip(f"MNIST is not in {SHARED_MNIST} (the shared copy beside the repo)")
    return SHARED_MNIST


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """MNIST, loaded once for the whole session; do not modify its arrays."""
    from digitpad.model.data import load_mnist

    return load_mnist(mnist_dir)


@pytest.fixture
def shipped():
    """The shipped model's path: the model the window opens with (for tests that rely on it)."""
    from digitpad import weights

    return weights.SHIPPED


@pytest.fixture
def no_dialogs(monkeypatch):
    """Record QMessageBox calls instead of showing (and blocking on) them."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return QMessageBox.Ok
        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return shown


@pytest.fixture
def window(qtbot, shipped, no_dialogs):
    """The real window, shown offscreen, with the test model."""
    from digitpad.gui.window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture(autouse=True)
def small_measure_sets(monkeypatch):
    """Retrain and Learn measure every model on held-out drawings; in tests, on a few."""
    monkeypatch.setattr("digitpad.scores.HELDOUT_EVERY", 20)
    monkeypatch.setattr("digitpad.scores.NON_DIGITS", 40)
