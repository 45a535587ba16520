"""Watch it learn: the Retrain dialog's first-layer units and held-out drawings read live."""
import numpy as np

from digitpad.gui.watch import DRAWINGS, UNITS, LearningWatch, choose_drawings
from digitpad.model.network import MLP
from digitpad.model.weights import load
from qtdraw import shown


def shown_watch(qtbot):
    return shown(qtbot, LearningWatch(), 500, 400)


def test_a_dozen_drawings_every_digit_in_turn(mnist):
    images, labels = choose_drawings(mnist.test_images, mnist.test_labels)
    assert images.shape == (DRAWINGS, 28, 28)
    assert list(labels) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert np.array_equal(images[0], mnist.test_images[np.flatnonzero(mnist.test_labels == 0)[0]])


def test_the_guesses_turn_right_as_the_network_learns(qtbot, mnist, shipped):
    watch = shown_watch(qtbot)
    watch.set_drawings(*choose_drawings(mnist.test_images, mnist.test_labels))
    assert watch.drawings.count == DRAWINGS and watch.drawings.captions == ["?"] * DRAWINGS
    watch.show_network(MLP.create([784, 512, 10], seed=0))          # untrained
    untrained = watch.right()
    assert watch.units.count == UNITS and watch.units.pictures.shape == (UNITS, 28, 28, 3)
    network, _ = load(shipped)
    watch.show_network(network)                                       # trained
    assert watch.right() >= DRAWINGS - 1 > untrained + 4
    captions = watch.drawings.captions
    assert len(captions) == DRAWINGS and captions[0].startswith("✓ 0\n")
    # shown, at the size the Retrain dialog gives it (the tiles under 40 px wide there)
    assert watch.drawings.labels and all(label.isVisible() for label in watch.drawings.labels)
    # the units' pictures are the first layer's weights: red and blue, not blank
    assert len(np.unique(watch.units.pictures.reshape(-1, 3), axis=0)) > 50
    assert watch.shown == 2


def test_nothing_is_drawn_while_hidden(qtbot, mnist):
    watch = shown_watch(qtbot)
    watch.set_drawings(*choose_drawings(mnist.test_images, mnist.test_labels))
    watch.hide()
    watch.show_network(MLP.create([784, 16, 10], seed=0))
    assert watch.shown == 0 and watch.units.count == 0


# -- in the Retrain dialog, with real training ------------------------------------------

from test_retrain import (loader, make_window, open_dialog, open_shipped_dialog,  # noqa: E402,F401
                          train_and_compare)


def test_the_dialog_shows_the_network_it_trains(qtbot, shipped, loader, digitpad_home,  # noqa: F811
                                                no_dialogs):
    w = make_window(qtbot, loader, 3000)
    dialog = open_dialog(w, epochs=2, hidden=32)
    copies, trained = [], []
    dialog.trained.connect(lambda network, meta, comparison: trained.append(network))
    train_and_compare(qtbot, w, dialog, lambda worker: worker.weights.connect(copies.append))
    watch = dialog.watch
    assert watch.isVisible() and copies and watch.shown == len(copies)
    assert all(c.sizes == [784, 32, 10] for c in copies)
    # a copy taken during the run, not the live network (which trained on after it)
    assert not np.array_equal(copies[0].weights[0], trained[0].weights[0])
    assert watch.units.count == 32                           # all its units (fewer than 48)
    assert watch.drawings.count == DRAWINGS and "?" not in watch.drawings.captions
    assert all(label.isVisible() for label in watch.drawings.labels)


def test_the_dialog_shows_two_networks_side_by_side_averaged(qtbot, shipped, loader,  # noqa: F811
                                                             digitpad_home, no_dialogs):
    w = make_window(qtbot, loader, 2000)
    dialog = open_shipped_dialog(w, epochs=2, hidden=16)
    train_and_compare(qtbot, w, dialog)
    watch = dialog.watch
    assert watch.shown >= 1 and watch.units.count == 32      # the two members' 16 units each
    assert "?" not in watch.drawings.captions
