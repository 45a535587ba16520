"""Retrain and Evaluate from the window: a worker thread, progress, cancel, close while training."""
import pytest
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QRadioButton

from digitpad.gui.window import MainWindow
from digitpad import paths, recipes
from qtdraw import draw_digit


@pytest.fixture
def loader(mnist):
    """MNIST from the shared copy, loaded once per session; counts the calls."""
    def load(progress=None):
        load.calls += 1
        return mnist
    load.calls = 0
    return load


def make_window(qtbot, loader, limit):
    w = MainWindow(mnist_loader=loader, train_limit=limit)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def open_dialog(window, epochs, hidden):
    window.findChild(QAction, "retrainAction").trigger()
    dialog = window.retrain_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.epochs.setValue(epochs)
    dialog.hidden.setText(str(hidden))
    dialog.augment.setChecked(False)
    dialog.drawings.setChecked(False)
    return dialog


def open_shipped_dialog(window, epochs, hidden):
    """Retrain with the shipped preset (two networks side by side), smaller, no drawings."""
    window.findChild(QAction, "retrainAction").trigger()
    dialog = window.retrain_dialog
    QTest.mouseClick(dialog.findChild(QRadioButton, "preset_shipped"), Qt.LeftButton)
    dialog.epochs.setValue(epochs)
    dialog.hidden.setText(str(hidden))
    dialog.drawings.setChecked(False)
    assert dialog.options()["ensemble"] == 2
    return dialog


def saved_models():
    folder = paths.models_dir()
    return sorted(folder.glob("*.npz")) if folder.exists() else []


def train_and_compare(qtbot, window, dialog, watch=None):
    """Start (``watch(worker)`` then), wait for the end of the run; returns the
    comparison dialog it opens."""
    with qtbot.waitSignal(dialog.trained, timeout=60_000):
        dialog.start_button.click()
        assert dialog.is_running() and not dialog.start_button.isEnabled()
        if watch:
            watch(dialog.job.worker)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    compare = window.models.compare_dialog
    assert compare is not None and compare.isVisible()
    return compare


def test_hidden_layers_are_typed_as_on_the_command_line(qtbot, loader):
    w = make_window(qtbot, loader, None)
    w.findChild(QAction, "retrainAction").trigger()
    dialog = w.retrain_dialog
    QTest.mouseClick(dialog.findChild(QRadioButton, "preset_shipped"), Qt.LeftButton)
    assert dialog.hidden.text() == "512,256"                 # both layers, as trained
    dialog.epochs.setValue(3)
    assert dialog.options()["hidden"] == (512, 256)          # kept when left alone

    def type_layers(text):
        dialog.hidden.clear()
        QTest.keyClicks(dialog.hidden, text)

    type_layers("300, 100")
    assert dialog.options()["hidden"] == (300, 100)
    for text, said in (("abc", "expected layer widths such as 512 or 800,300"),
                       ("512,0", "expected layer widths"),
                       ("100000,100000", "digitpad saves and loads at most")):
        type_layers(text)
        QTest.mouseClick(dialog.start_button, Qt.LeftButton)
        assert not dialog.is_running()
        assert dialog.status.text().startswith("Cannot train: ") and said in dialog.status.text()


def test_presets_are_the_same_in_the_cli_and_the_dialog(qtbot, shipped, loader, capsys):
    import dataclasses

    from digitpad import cli, weights
    from digitpad.cli.train import train_options
    from digitpad.model.weights import load

    w = make_window(qtbot, loader, None)
    dialog = open_dialog(w, 1, 16)
    assert "shipped" in recipes.PRESETS and len(recipes.PRESETS) >= 3
    status = cli.main(["train", "--help"])
    help_text = capsys.readouterr().out
    assert status == 0 and "--preset NAME" in help_text
    for name, preset in recipes.PRESETS.items():
        assert name in help_text and preset.expect[:20] in " ".join(help_text.split())
        button = dialog.findChild(QRadioButton, f"preset_{name}")
        qtbot.mouseClick(button, Qt.LeftButton)
        assert button.isChecked() and dialog.preset == name
        assert preset.expect in [label.text() for label in dialog.findChildren(QLabel)]
        in_dialog = dialog.options()
        in_cli = train_options(cli.parse_args(["train", "--preset", name]))
        assert recipes.config_from(in_dialog) == recipes.config_from(in_cli)
        for key in ("pen_digits", "not_digits", "ensemble", "preset"):
            assert in_dialog[key] == in_cli[key], (name, key)
    # the shipped preset is the recipe the shipped model's file records (weights/README.md)
    shipped_options = train_options(cli.parse_args(["train", "--preset", "shipped"]))
    meta = load(weights.SHIPPED)[1]
    config = dataclasses.asdict(recipes.config_from(shipped_options))
    assert {k: tuple(v) if k == "hidden" else v for k, v in meta["config"].items()} == config
    assert (shipped_options["pen_digits"], shipped_options["not_digits"],
            shipped_options["letters"], shipped_options["styles"], shipped_options["slant"],
            shipped_options["ensemble"]) == \
        (meta["pen_digit_copies"], meta["not_digits"], meta["letter_copies"], meta["styles"],
         meta["slant"], meta["ensemble"]["members"])
    # a setting changed in the dialog overrides the preset, as an option given after it does
    dialog.epochs.setValue(3)
    assert dialog.options()["epochs"] == 3 and dialog.options()["ensemble"] == 2
    assert train_options(cli.parse_args(
        ["train", "--preset", "shipped", "--epochs", "3"]))["epochs"] == 3


def test_a_short_retrain_plots_compares_and_the_new_model_is_kept(qtbot, shipped, loader,
                                                                   digitpad_home, no_dialogs):
    w = make_window(qtbot, loader, 3000)
    draw_digit(w.canvas, 1)
    old_model = w.model
    dialog = open_dialog(w, epochs=2, hidden=32)
    batches, epochs = [], []

    def watch(worker):
        worker.batch.connect(batches.append)
        worker.epoch.connect(epochs.append)
    compare = train_and_compare(qtbot, w, dialog, watch)
    assert no_dialogs == []
    # the plot got a point per epoch, and the model in use as a reference
    mnist_x, mnist_y = dialog.plot.mnist_curve.getData()
    assert list(mnist_x) == [1, 2] and len(epochs) == 2
    assert list(mnist_y) == pytest.approx([100 * r.val_accuracy for r in epochs])
    assert len(dialog.plot.pen_curve.getData()[0]) == 2
    assert len(dialog.plot.loss_curve.getData()[0]) >= 2
    assert [line.value() for line in dialog.plot.references][0] == \
        pytest.approx(100 * compare.comparison.current.mnist)
    # nothing changes until the person answers
    assert w.model is old_model and saved_models() == []
    assert compare.table.rowCount() == 3
    qtbot.mouseClick(compare.use_new_button, Qt.LeftButton)
    assert w.model is not old_model and w.model.network.sizes == [784, 32, 10]
    assert w.model.test_accuracy() > 0.5
    (path,) = saved_models()
    assert digitpad_home in path.parents and w.model.path == path
    assert w.model.meta["scores"]["mnist"] == w.model.test_accuracy()
    assert "non-digits declined" in w.statusBar().model_label.toolTip()
    assert "Epoch 2/2" in dialog.detail.text() and "left" in dialog.detail.text()
    assert dialog.progress.value() == 1000 and "Done" in dialog.status.text()
    assert batches and batches[-1].epoch == 2
    # the drawing is read by the new model at once, and it comes back at the next start
    assert w.prediction is not None
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.model.path == path and again.model.network.sizes == [784, 32, 10]


def test_the_shipped_preset_trains_its_two_networks_side_by_side_in_the_dialog(
        qtbot, shipped, loader, digitpad_home, no_dialogs):
    w = make_window(qtbot, loader, 2000)
    dialog = open_shipped_dialog(w, epochs=2, hidden=16)
    compare = train_and_compare(qtbot, w, dialog)
    # one plot point per epoch, though two networks report from two processes
    assert list(dialog.plot.mnist_curve.getData()[0]) == [1, 2]
    assert len(dialog.plot.pen_curve.getData()[0]) == 2
    assert "Epoch 2/2" in dialog.detail.text() and dialog.progress.value() == 1000
    qtbot.mouseClick(compare.use_new_button, Qt.LeftButton)
    assert w.model.network.sizes == [784, 32, 10]          # the two averaged into one
    assert w.model.meta["ensemble"]["trained_at_a_time"] == 2


@pytest.mark.parametrize("answer", ["default", "escape", "use new"])
def test_a_worse_model_replaces_the_one_in_use_only_if_the_person_keeps_it(
        qtbot, shipped, loader, no_dialogs, answer):
    w = make_window(qtbot, loader, 300)
    old_model = w.model
    dialog = open_dialog(w, epochs=1, hidden=16)
    compare = train_and_compare(qtbot, w, dialog)
    comparison = compare.comparison
    assert not comparison.new_is_better()
    assert compare.default_button() is compare.keep_button
    assert "The model in use is better" in compare.verdict.text()
    assert "is less accurate on MNIST" in compare.verdict.text()
    if answer == "default":
        QTest.keyClick(compare, Qt.Key_Return)
    elif answer == "escape":
        QTest.keyClick(compare, Qt.Key_Escape)
    else:
        qtbot.mouseClick(compare.use_new_button, Qt.LeftButton)
    assert not compare.isVisible()
    if answer == "use new":
        assert w.model is not old_model and w.model.network.sizes == [784, 16, 10]
        assert len(saved_models()) == 1
    else:
        assert w.model is old_model and saved_models() == []
        assert "discarded" in w.statusBar().currentMessage()
        # the model in use now says how good it is, on the measures it was compared on
        assert w.model.meta["scores"]["declined"] == comparison.current.declined
        assert "non-digits declined" in w.statusBar().model_label.toolTip()
        assert "non-digits declined" in w.about_text()
        again = MainWindow()                      # and says so at the next start too
        qtbot.addWidget(again)
        assert again.model.shipped
        assert "non-digits declined" in again.statusBar().model_label.toolTip()


def test_the_new_model_can_be_saved_and_the_one_in_use_kept(qtbot, shipped, loader, no_dialogs,
                                                             tmp_path, monkeypatch):
    """Keeping the model in use need not throw the new one away: "Save the new model as..."
    writes it to a file of the person's choice, and the dialog stays to decide."""
    from digitpad import store
    from digitpad.gui import models

    asked = []

    def ask(parent, title, *args, **kwargs):
        asked.append((parent, title))
        return str(tmp_path / "mine.npz")
    monkeypatch.setattr(models, "ask_path", ask)
    w = make_window(qtbot, loader, 300)
    old_model = w.model
    compare = train_and_compare(qtbot, w, open_dialog(w, epochs=1, hidden=16))
    qtbot.mouseClick(compare.save_button, Qt.LeftButton)
    assert asked == [(compare, "Save the new model as")]
    assert compare.isVisible() and w.model is old_model         # nothing decided yet
    saved = store.load(tmp_path / "mine.npz")
    assert saved.network.sizes == [784, 16, 10]
    QTest.keyClick(compare, Qt.Key_Escape)                        # keep the one in use
    assert w.model is old_model and saved_models() == []
    assert (tmp_path / "mine.npz").exists()
    assert "the new model is in" in w.statusBar().currentMessage()


def test_cancel_during_data_preparation_is_quick(qtbot, shipped, loader, no_dialogs):
    w = make_window(qtbot, loader, 300)
    old_model = w.model
    dialog = open_dialog(w, epochs=1, hidden=16)
    dialog.drawings.setChecked(True)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: "Drawing the" in dialog.status.text(), timeout=30_000)
    assert "left" in dialog.status.text()
    with qtbot.waitSignal(dialog.job.finished, timeout=500):
        dialog.cancel_button.click()
    assert w.model is old_model and saved_models() == [] and w.models.compare_dialog is None


def test_cancel_keeps_the_model(qtbot, shipped, loader, no_dialogs):
    w = make_window(qtbot, loader, 20_000)
    old_model = w.model
    dialog = open_dialog(w, epochs=50, hidden=64)
    assert dialog.cancel_button.text() == "Close"          # nothing to cancel yet
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=30_000):
        dialog.start_button.click()
    assert dialog.is_running() and dialog.cancel_button.text() == "Cancel"
    draw_digit(w.canvas, 1)                    # drawing and reading go on meanwhile
    assert w.prediction.digit == 1
    stopped = []
    dialog.job.worker.stopped.connect(lambda: stopped.append(True))
    with qtbot.waitSignal(dialog.job.finished, timeout=1000):
        dialog.cancel_button.click()
    assert not dialog.is_running()
    qtbot.waitUntil(lambda: stopped == [True], timeout=1000)
    assert w.model is old_model and saved_models() == []
    assert "cancelled" in dialog.status.text() and dialog.cancel_button.text() == "Close"
    assert not dialog.isVisible()
    assert no_dialogs == []


def test_closing_the_window_while_training_stops_the_thread(qtbot, shipped, loader, qtlog):
    w = make_window(qtbot, loader, 20_000)
    old_model = w.model
    dialog = open_dialog(w, epochs=50, hidden=64)
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=30_000):
        dialog.start_button.click()
    thread = dialog.job.thread
    assert isinstance(thread, QThread) and thread.isRunning()
    w.close()
    assert thread.isFinished() and not thread.isRunning()
    assert w.model is old_model and saved_models() == []
    qtbot.wait(20)
    assert not any("Destroyed while thread" in r.message for r in qtlog.records)


def test_quitting_while_training_asks_first(qtbot, shipped, loader, monkeypatch):
    # Ctrl+Q (or the close button) while Retrain trained stopped the run at once: minutes of
    # training lost to one key.  Now it asks; Cancel goes on training, Yes quits.
    from PySide6.QtWidgets import QMessageBox

    from digitpad.gui import window as window_module
    monkeypatch.setattr(window_module, "ASK_BEFORE_QUITTING", True)
    answers, asked = [QMessageBox.Cancel, QMessageBox.Yes], []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda parent, title, text, *a, **k: asked.append(text) or answers.pop(0)))
    w = make_window(qtbot, loader, 20_000)
    dialog = open_dialog(w, epochs=50, hidden=64)
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=30_000):
        dialog.start_button.click()
    thread = dialog.job.thread
    w.findChild(QAction, "quitAction").trigger()
    assert len(asked) == 1 and "being trained" in asked[0]
    assert w.isVisible() and thread.isRunning() and dialog.is_running()
    w.findChild(QAction, "quitAction").trigger()
    assert len(asked) == 2 and not w.isVisible() and thread.isFinished()
    assert saved_models() == []


def test_a_ctrl_c_while_quitting_asks_closes_the_window(qtbot, shipped, loader, monkeypatch):
    # A Ctrl-C in the terminal while the question is up closes it (Cancel) and turns
    # asking off: the window must close then, not be destroyed open (its views forgotten).
    from PySide6.QtWidgets import QMessageBox

    from digitpad.gui import window as window_module
    monkeypatch.setattr(window_module, "ASK_BEFORE_QUITTING", True)
    w = make_window(qtbot, loader, 20_000)

    def interrupted(*args, **kwargs):
        w.ask_before_closing = False           # what digitpad.gui.app's stop() does
        return QMessageBox.Cancel
    monkeypatch.setattr(QMessageBox, "question", staticmethod(interrupted))
    w.findChild(QAction, "whyViewAction").trigger()          # View > Why this, not that
    assert saved_views() == ["why"]
    dialog = open_dialog(w, epochs=50, hidden=64)
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=30_000):
        dialog.start_button.click()
    w.close()
    assert not w.isVisible() and not w.jobs.busy()
    assert saved_views() == ["why"]                           # open at the next start


def saved_views():
    from digitpad import store
    return list(store.Settings().views)


def test_closing_the_window_while_two_networks_train_ends_their_processes(
        qtbot, shipped, loader, no_dialogs):
    import multiprocessing
    w = make_window(qtbot, loader, 20_000)
    dialog = open_shipped_dialog(w, epochs=50, hidden=64)
    members = lambda: [p for p in multiprocessing.active_children()
                       if p.name.startswith("digitpad: training")]
    dialog.start_button.click()
    qtbot.waitUntil(lambda: len(members()) == 2 and dialog.progress.value() > 0,
                    timeout=30_000)
    w.close()
    assert members() == [] and saved_models() == []
    assert list(paths.cache_dir().glob("training-*")) == []


def test_training_failure_is_a_dialog(qtbot, shipped, no_dialogs):
    from digitpad.model.data import DataError

    def offline(progress=None):
        raise DataError("MNIST could not be obtained: no network")

    w = make_window(qtbot, offline, 100)
    old_model = w.model
    dialog = open_dialog(w, epochs=1, hidden=16)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running() and bool(no_dialogs), timeout=5000)
    (kind, title, text), = no_dialogs
    assert kind == "warning" and "no network" in text
    assert w.model is old_model and saved_models() == []


def test_diverging_training_is_a_dialog(qtbot, shipped, loader, no_dialogs, monkeypatch):
    from digitpad import learning
    from digitpad.model.train import TrainingDiverged

    def diverge(config, *args, on_batch=None, **kwargs):
        raise TrainingDiverged("the loss became nan in epoch 1, batch 3: training diverged")

    monkeypatch.setattr(learning, "train", diverge)
    w = make_window(qtbot, loader, 2000)
    old_model = w.model
    dialog = open_dialog(w, epochs=2, hidden=32)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running() and bool(no_dialogs), timeout=10_000)
    (kind, title, text), = no_dialogs
    assert kind == "warning" and "diverged" in text
    assert w.model is old_model and saved_models() == []
    assert dialog.start_button.isEnabled()


def test_evaluate(qtbot, shipped, loader, no_dialogs):
    w = make_window(qtbot, loader, 100)
    w.findChild(QAction, "evaluateAction").trigger()
    qtbot.waitUntil(lambda: w.evaluator.job is None, timeout=10_000)
    assert no_dialogs == []                  # the results have their own window
    assert w.evaluator.results_window.isVisible() and "10,000 MNIST test images" in \
        w.evaluator.results_window.test.summary.text()
    assert w.evaluator.last_accuracy > 0.9


class Recorder(QObject):
    """Receives a worker's signals in the GUI thread (a decorated slot: queued)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    @Slot(str, int, int)
    def record(self, name, done, total):
        self.calls.append((name, done, total))

    @Slot(str)
    def say(self, text):
        """A status line, in order among the phases."""
        self.calls.append((text, None, None))


def test_download_progress_is_shown(qtbot, shipped, mnist, monkeypatch):
    from digitpad.gui.retrain import RetrainDialog

    def downloading(progress=None):
        for done in (0, 4_000_000, 9_912_422):
            progress("train-images-idx3-ubyte.gz", done, 9_912_422)
        progress("train-labels-idx1-ubyte.gz", 1000, None)
        return mnist

    recorder = Recorder()
    make_worker = RetrainDialog.make_worker

    def make_and_watch(self):
        worker = make_worker(self)
        worker.download.connect(recorder.record)
        return worker

    monkeypatch.setattr(RetrainDialog, "make_worker", make_and_watch)
    w = make_window(qtbot, downloading, 500)
    dialog = open_dialog(w, epochs=1, hidden=16)
    with qtbot.waitSignal(dialog.trained, timeout=20_000):
        dialog.start_button.click()
    assert recorder.calls == [("train-images-idx3-ubyte.gz", 0, 9_912_422),
                              ("train-images-idx3-ubyte.gz", 4_000_000, 9_912_422),
                              ("train-images-idx3-ubyte.gz", 9_912_422, 9_912_422),
                              ("train-labels-idx1-ubyte.gz", 1000, 0)]
    # how the dialog shows them
    dialog._on_download("train-images-idx3-ubyte.gz", 4_000_000, 9_912_422)
    assert dialog.status.text() == "Downloading train-images-idx3-ubyte.gz: 4.0 of 9.9 MB"
    assert dialog.progress.value() == 403
    dialog._on_download("train-labels-idx1-ubyte.gz", 1000, 0)
    assert dialog.status.text() == "Downloading train-labels-idx1-ubyte.gz: 0.0 MB"


def test_retrain_with_drawings_learns_pen_digits_and_non_digits(qtbot, shipped, loader,
                                                                no_dialogs, monkeypatch):
    small = recipes.Preset(dict(recipes.PRESETS["demo"].options, not_digits=40), "small")
    monkeypatch.setitem(recipes.PRESETS, "demo", small)
    w = make_window(qtbot, loader, 300)
    dialog = open_dialog(w, epochs=1, hidden=16)
    dialog.apply_preset("demo")
    assert dialog.drawings.isChecked()
    dialog.epochs.setValue(1)
    dialog.hidden.setText("16")
    with qtbot.waitSignal(dialog.trained, timeout=60_000) as trained:
        dialog.start()
    network, meta, comparison = trained.args
    assert meta["training_images"] == 300 + 40 and meta["preset"] == "demo"
    assert comparison.current.mnist > 0.99 and comparison.new.mnist < comparison.current.mnist
    dialog.drawings.setChecked(False)
    assert dialog.options()["not_digits"] == 0


def test_the_loss_plot_stays_bounded_over_a_long_run(qtbot, monkeypatch):
    from digitpad.gui import training_plot as plot
    from digitpad.model.train import BatchProgress, EpochReport

    monkeypatch.setattr(plot, "MAX_LOSS_POINTS", 100)
    chart = plot.TrainingPlot()
    qtbot.addWidget(chart)
    for b in range(1, 1001):
        chart.add_batch(BatchProgress(1, 1, b, 1000, b / 1000, 1.0, 0.5, 1.0, 2.0 / b))
    chart.add_epoch(EpochReport(1, 1, 0.5, 0.9, 0.95, 1.0, {"pen": 0.9}))
    x, y = chart.loss_curve.getData()
    assert 50 <= len(x) <= 100 and x[-1] == 1.0 and y[-1] == pytest.approx(0.002)
    assert list(x) == sorted(x)
