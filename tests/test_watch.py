"""Watch it learn: the Retrain dialog's first-layer units and held-out drawings read live."""
import numpy as np

from digitpad.gui.watch import DRAWINGS, UNITS, LearningWatch, choose_drawings
from digitpad.model.network import MLP
from digitpad.model.weights import load


def shown_watch(qtbot):
    watch = LearningWatch()
    qtbot.addWidget(watch)
    watch.resize(500, 400)
    watch.show()
    qtbot.waitExposed(watch)
    return watch


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
    assert len(captions) == DRAWINGS and captions[0].startswith("✓ 0")
    # the units' pictures are the first layer's weights: red and blue, not blank
    assert len(np.unique(watch.units.pictures.reshape(-1, 3), axis=0)) > 50
    assert watch.shown == 2


def test_nothing_is_drawn_while_hidden(qtbot, mnist):
    watch = shown_watch(qtbot)
    watch.set_drawings(*choose_drawings(mnist.test_images, mnist.test_labels))
    watch.hide()
    watch.show_network(MLP.create([784, 16, 10], seed=0))
    assert watch.shown == 0 and watch.units.count == 0
