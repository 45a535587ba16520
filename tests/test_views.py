"""The insight views and Evaluate's results, in the real window with real QTest strokes."""
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from digitpad import corrections, insight, store
from digitpad.gui import views as views_module
from digitpad.gui.window import MainWindow
from qtdraw import digit_strokes, draw_digit, stroke

ALL = list(views_module.NAMES)


def open_views(w, qtbot, names=ALL):
    for name in names:
        action = w.findChild(QAction, f"{name}ViewAction")
        assert not action.isChecked()
        action.trigger()
    qtbot.waitUntil(lambda: all(w.views.docks[n].isVisible() for n in names), timeout=5000)


def draw_and_wait(w, qtbot, digit):
    with qtbot.waitSignal(w.views.updated, timeout=5000):
        draw_digit(w.canvas, digit)
    qtbot.waitUntil(lambda: not w.views._stale & set(w.views.open()), timeout=5000)


def test_the_view_menu_names_every_view(window):
    titles = [a.text() for a in window.views.actions()]
    assert titles == ["Why this, not that", "What would change its mind", "Hidden units",
                      "All units"]
    assert window.views.open() == []


def test_views_follow_a_real_stroke(window, qtbot):
    open_views(window, qtbot)
    draw_and_wait(window, qtbot, 7)
    p, net = window.prediction, window.model.network
    v = window.views.views
    digit, against = p.best, insight.runner_up(p.probabilities, p.best)
    assert v["why"].pair == (digit, against)
    pixel_map, bias = insight.contributions(net, p.image, digit, against)
    assert np.allclose(v["why"].pixel_map, pixel_map, atol=1e-5)
    assert v["why"].bias_share == pytest.approx(bias, abs=1e-4)
    assert f"<b>{digit}</b> beats <b>{against}</b>" in v["why"].caption.text()
    assert v["flip"].pair == (digit, against) and v["flip"].flip.against == against
    units, values = insight.top_units(net, p.image, views_module.TOP_UNITS)
    assert list(v["units"].units) == list(units) and len(units) == views_module.TOP_UNITS
    assert v["units"].grid.count == len(units)
    assert v["grid"].order is not None and len(v["grid"].order) == net.sizes[1]

    # A second stroke changes the reading, and the views follow it.
    before = v["why"].pixel_map.copy()
    with qtbot.waitSignal(window.views.updated, timeout=5000):
        stroke(window.canvas, [(20, 20), (60, 40), (100, 60)])
    qtbot.waitUntil(lambda: not window.views._stale & set(ALL), timeout=5000)
    assert not np.allclose(v["why"].pixel_map, before)
    assert np.allclose(v["why"].pixel_map, insight.contributions(
        net, window.prediction.image, *v["why"].pair)[0], atol=1e-5)


@pytest.mark.parametrize("digit", [0, 1, 7])
def test_contributions_are_exact_on_real_drawings_with_the_shipped_model(window, digit):
    draw_digit(window.canvas, digit)
    image = window.prediction.image
    net = window.model.network
    assert window.model.shipped
    exact = [w.astype(np.float64) for w in net.weights], [b.astype(np.float64)
                                                          for b in net.biases]
    a = image.reshape(-1).astype(np.float64)
    for w, b in zip(*exact):
        z = a @ w + b
        a = np.maximum(z, 0)
    for against in range(10):
        if against == window.prediction.best:
            continue
        pixel_map, bias = insight.contributions(net, image, window.prediction.best, against)
        assert pixel_map.sum() + bias == pytest.approx(z[window.prediction.best] - z[against],
                                                       abs=1e-4)


def test_picking_the_other_digit(window, qtbot):
    open_views(window, qtbot, ["why"])
    draw_and_wait(window, qtbot, 1)
    why = window.views.views["why"]
    why.against_box.setCurrentIndex(why.against_box.findData(4))
    assert why.pair == (window.prediction.best, 4)
    pixel_map, bias = insight.contributions(window.model.network, window.prediction.image,
                                            window.prediction.best, 4)
    assert np.allclose(why.pixel_map, pixel_map, atol=1e-5)
    # Picking the digit read itself falls back to the runner-up.
    why.against_box.setCurrentIndex(why.against_box.findData(window.prediction.best))
    assert why.pair[1] == insight.runner_up(window.prediction.probabilities,
                                            window.prediction.best)


def test_typing_a_digit_in_a_digit_box_picks_it_and_keeps_no_correction(window, qtbot):
    # Click "Why this digit and not [the runner-up]", close its list, type 3: the window's
    # shortcut took the 3, kept the drawing (read right) as a correction "3" and cleared it.
    open_views(window, qtbot, ["why"])
    window.activateWindow()
    qtbot.waitActive(window)
    draw_and_wait(window, qtbot, 1)
    box = window.views.views["why"].against_box
    box.setFocus()
    QTest.keyClick(box, Qt.Key_3)
    assert box.currentData() == 3
    assert corrections.list_all() == [] and window.canvas.has_drawing()
    # Drawing again takes the keys back to the sheet: 3 keeps it as a correction.
    stroke(window.canvas, digit_strokes(7, window.canvas)[0])
    assert window.focusWidget() is window.canvas
    QTest.keyClick(window.canvas, Qt.Key_3)
    assert [c.label for c in corrections.list_all()] == [3]


def test_views_update_once_for_many_readings(window, qtbot, monkeypatch):
    open_views(window, qtbot, ["why", "units"])
    draw_and_wait(window, qtbot, 7)
    calls = []
    for name in ("why", "units", "flip"):
        view = window.views.views[name]
        monkeypatch.setattr(view, "refresh", lambda name=name: calls.append(name))
    for _ in range(5):
        window.update_reading()                 # five readings within one frame
    assert calls == []                          # nothing until the frame's timer fires
    with qtbot.waitSignal(window.views.updated, timeout=5000):
        pass
    assert sorted(calls) == ["units", "why"]    # once each; the closed view not at all


def test_closed_views_cost_nothing(window, qtbot, monkeypatch):
    calls = []
    for name, view in window.views.views.items():
        monkeypatch.setattr(view, "refresh", lambda name=name: calls.append(name))
    draw_digit(window.canvas, 7)
    qtbot.wait(50)
    assert calls == [] and not window.views._timer.isActive()


def test_open_views_are_remembered(qtbot, shipped, no_dialogs):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    open_views(w, qtbot, ["why", "grid"])
    assert store.Settings().views == ["why", "grid"]
    w.views.docks["why"].close()                # the dock's own close button
    assert store.Settings().views == ["grid"]
    w.close()
    assert store.Settings().views == ["grid"]   # closing the window is not closing the view

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.views.open() == ["grid"]
    assert again.views.docks["grid"].isVisible() and not again.views.docks["why"].isVisible()
    assert again.findChild(QAction, "gridViewAction").isChecked()

    store.Settings().update(views=["gone", "units"])      # a view a later version dropped
    third = MainWindow()
    qtbot.addWidget(third)
    third.show()
    qtbot.waitExposed(third)
    assert third.views.open() == ["units"]


def click_tile(grid, index):
    QTest.mouseClick(grid.viewport(), Qt.LeftButton, Qt.NoModifier, grid.tile_center(index))


def test_clicking_a_unit_shows_the_images_that_excite_it(window, qtbot, mnist):
    release = threading.Event()

    def slow_loader(progress=None):
        release.wait(20)
        return mnist

    window.mnist_loader = slow_loader
    assert window.session.test_set is None
    open_views(window, qtbot, ["grid"])        # loads the test set in the background
    grid = window.views.views["grid"]
    qtbot.waitUntil(lambda: grid.order is not None, timeout=5000)
    assert "until the MNIST test images are loaded" in grid.caption.text()
    assert list(grid.order) == list(insight.units_for(window.model.network, 0)[0])
    release.set()
    qtbot.waitUntil(lambda: window.session.test_set is not None, timeout=20_000)
    assert "mean share of 0's logit over the mean of all ten on the MNIST test images" \
        in grid.caption.text()
    grid.digit_box.setCurrentIndex(grid.digit_box.findData(3))
    units, _ = insight.units_for(window.model.network, 3, mnist.test_images,
                                 mnist.test_labels)
    assert list(grid.order) == list(units)
    click_tile(grid.grid, 5)
    qtbot.waitUntil(lambda: len(grid.exciting) > 0, timeout=20_000)
    assert grid.unit == units[5]
    expected, _ = insight.exciting(window.model.network, mnist.test_images, units[5],
                                   views_module.EXCITING)
    assert list(grid.exciting) == list(expected)
    assert grid.detail.count == 1 + views_module.EXCITING
    assert f"Unit {units[5]}" in grid.detail_caption.text()


# -- Evaluate's results ------------------------------------------------------------------

@pytest.fixture
def evaluated(window, qtbot, mnist):
    window.mnist_loader = lambda progress=None: mnist
    window.findChild(QAction, "evaluateAction").trigger()
    qtbot.waitUntil(lambda: window.evaluator.job is None
                    and window.evaluator.results_window is not None, timeout=30_000)
    return window.evaluator.results_window


def test_evaluate_shows_the_results(window, evaluated, mnist, no_dialogs):
    assert no_dialogs == []
    assert window.evaluator.last_accuracy == pytest.approx(window.model.network.accuracy(
        mnist.test_images, mnist.test_labels))
    assert evaluated.isVisible() and "the shipped model" in evaluated.windowTitle()
    view = evaluated.test
    e = view.evaluation
    assert e.confusion.sum() == 10_000 and view.table.item(4, 4).text() == str(
        e.confusion[4, 4])
    assert list(view.shown) == list(e.mistakes())
    assert f"The {len(e.mistakes())} misread" in view.gallery_caption.text()
    assert evaluated.mine is None and evaluated.tabs.count() == 1


def test_a_confusion_cell_opens_exactly_its_images(evaluated, mnist, qtbot):
    view = evaluated.test
    table = view.table
    predicted = view.evaluation.predicted
    t, r = np.unravel_index(np.argmax(view.evaluation.confusion - np.diag(
        np.diag(view.evaluation.confusion))), (10, 10))
    rect = table.visualItemRect(table.item(t, r))
    QTest.mouseClick(table.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    expected = np.flatnonzero((mnist.test_labels == t) & (predicted == r))
    assert len(expected) > 0 and sorted(view.shown) == list(expected)
    assert all(predicted[i] == r and mnist.test_labels[i] == t for i in view.shown)
    assert view.gallery.count == len(expected) and int(table.item(t, r).text()) == len(expected)
    assert f"of {t} read as {r}" in view.gallery_caption.text()
    # A diagonal cell: more images than the gallery shows; the surest first.
    rect = table.visualItemRect(table.item(1, 1))
    QTest.mouseClick(table.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    assert len(view.shown) == view.evaluation.confusion[1, 1]
    assert view.gallery.count == min(len(view.shown), 240)


def test_evaluate_and_the_views_read_only_the_two_test_files(window, qtbot, mnist_dir, mnist,
                                                              no_dialogs, tmp_path, monkeypatch):
    """The window's own loader, MNIST in a folder without the training files (which Retrain
    needs, Evaluate and the views do not): the All units view and Evaluate both work."""
    import shutil

    from digitpad.model.data import TEST_PARTS, find

    folder = tmp_path / "test-files-only"
    folder.mkdir()
    for part in TEST_PARTS:
        shutil.copy(find(mnist_dir, part), folder)
    monkeypatch.setenv("DIGITPAD_MNIST", str(folder))
    failed = []
    window.test_set_loader.failed.connect(failed.append)
    open_views(window, qtbot, ["grid"])        # loads the test set in the background
    qtbot.waitUntil(lambda: window.session.test_set is not None or bool(failed), timeout=30_000)
    assert failed == [] and window.session.test_set is not None
    window.findChild(QAction, "evaluateAction").trigger()
    qtbot.waitUntil(lambda: window.evaluator.job is None, timeout=30_000)
    assert no_dialogs == [] and window.evaluator.results_window is not None
    assert window.evaluator.last_accuracy == pytest.approx(window.model.network.accuracy(
        mnist.test_images, mnist.test_labels))


def test_the_report_card_reads_my_corrections_before_and_after_learn(window, qtbot, mnist):
    for digit, size in ((1, 0.6), (7, 0.6), (7, 0.5)):      # two 7s: not the same drawing
        corrections.add(digit_strokes(digit, window.canvas, size), digit, pen_width=18,
                        canvas=(window.canvas.width(), window.canvas.height()))
    before = store.LoadedModel(window.model.network.copy(), {}, None)
    before.network.weights[-1][:, 7] -= 5            # a model that reads no 7s
    window.session.learnt = (window.model, before)
    window.mnist_loader = lambda progress=None: mnist
    window.findChild(QAction, "evaluateAction").trigger()
    qtbot.waitUntil(lambda: window.evaluator.results_window is not None, timeout=30_000)
    card = window.evaluator.results_window.mine
    assert window.evaluator.results_window.tabs.count() == 2 and card is not None
    assert sorted(card.evaluation.labels) == [1, 7, 7]
    assert card.before is not None and 7 not in card.before.predicted
    assert card.evaluation.right == 3 and card.before.right < 3
    assert "Before Learn" in card.summary.text()
    assert card.gallery.count == 3 and list(card.shown) == [0, 1, 2]


@pytest.mark.parametrize("sizes", [(784, 10), (784, 24, 16, 10)])
def test_views_work_for_any_depth(window, qtbot, sizes):
    from digitpad.model.network import MLP

    window.set_model(store.LoadedModel(MLP.create(sizes, seed=1), {}, None), remember=False)
    open_views(window, qtbot)
    draw_and_wait(window, qtbot, 7)
    p, net = window.prediction, window.model.network
    why = window.views.views["why"]
    pixel_map, bias = insight.contributions(net, p.image, *why.pair)
    assert np.allclose(why.pixel_map, pixel_map, atol=1e-5)
    units = window.views.views["units"]
    if len(sizes) == 2:
        assert len(units.units) == 0 and "no hidden layer" in units.caption.text()
        assert "No hidden layer" in window.views.views["grid"].caption.text()
    else:
        assert list(units.units) == list(insight.top_units(net, p.image,
                                                           views_module.TOP_UNITS)[0])
        assert len(window.views.views["grid"].order) == 24
        assert "as if all their units were active" in window.views.views["grid"].caption.text()


def test_pyqtgraph_uses_pyside6_whatever_the_environment_says():
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYQTGRAPH_QT_LIB="PyQt5", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", "import digitpad.gui.plots as p; "
                          "print(p.pg.Qt.QT_LIB)"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "PySide6"
