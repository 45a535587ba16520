"""digitpad.learning: recipes, and how a new model is compared with the one in use."""
import numpy as np
import pytest

from digitpad import learning, recipes, scores
from digitpad.scores import Comparison, Scores
from digitpad.model.stopping import Stopped
from digitpad.model.train import TrainingStopped


def test_a_recipe_is_the_defaults_then_the_preset_then_the_overrides():
    options = recipes.recipe("shipped", epochs=3)
    assert options["epochs"] == 3 and options["ensemble"] == 2 and options["preset"] == "shipped"
    config = recipes.config_from(options)
    assert config.lr == 0.003 and config.augment_strength == 0.8 and config.hidden == (512, 256)
    assert recipes.config_from(recipes.recipe(optimizer="sgd")).lr == 0.05
    with pytest.raises(KeyError):
        recipes.recipe("fastest")


def test_the_comparison_says_what_the_new_model_does_worse():
    current = Scores(mnist=0.9931, pen=0.974, declined=0.90)
    new = Scores(mnist=0.9940, pen=0.950, declined=0.60)
    comparison = Comparison(current, new)
    assert not comparison.new_is_better()
    losses = comparison.losses()
    assert len(losses) == 2
    assert "reads fewer pen-written digits right (95.0% against 97.4%)" in losses[0]
    assert "declines fewer non-digits" in losses[1] and "(60.0% against 90.0%)" in losses[1]
    better = Comparison(current, Scores(0.9935, 0.980, 0.905))
    assert better.new_is_better() and better.losses() == []
    assert [label for label, _, _ in better.rows()] == [
        "MNIST test accuracy", "held-out pen digits read right", "non-digits declined"]


def test_without_the_held_out_writers_that_measure_is_left_out(monkeypatch, tmp_path, mnist):
    from digitpad import pendigits
    from digitpad.model.network import MLP

    monkeypatch.setattr(pendigits, "shared_path", lambda: tmp_path / "absent.npz")
    sets = scores.measure_sets()
    assert sets.pen is None and "not on this computer" in sets.note
    assert sets.non_digits.shape == (scores.NON_DIGITS, 28, 28)
    found = scores.score(MLP.create([784, 16, 10]), mnist, sets)
    assert found.pen is None and 0 <= found.declined <= 1
    comparison = Comparison(found, found)
    assert len(comparison.rows()) == 2 and not comparison.new_is_better()
    assert Scores.from_meta({"scores": found.to_dict()}) == found
    assert Scores.from_meta({}) is None and Scores.from_meta({"scores": "bad"}) is None


def test_scores_count_what_the_app_would_say(mnist):
    """Read right: the right digit, sure enough to be named; declined: not sure."""
    from digitpad.model.network import MLP

    sevens = MLP.create([784, 4, 10])            # reads everything as a sure 7
    sevens.weights[1][:] = 0
    sevens.biases[1][7] = 20
    unsure = MLP.create([784, 4, 10])            # spreads its bets: declines everything
    unsure.weights[1][:] = 0
    labels = np.array([7, 7, 1, 2])
    sets = scores.MeasureSets((np.zeros((4, 28, 28), np.uint8), labels),
                                np.zeros((5, 28, 28), np.uint8))
    s = scores.score(sevens, mnist, sets)
    assert s.pen == 0.5 and s.declined == 0.0
    assert s.mnist == pytest.approx(np.mean(mnist.test_labels == 7))
    u = scores.score(unsure, mnist, sets)
    assert u.pen == 0.0 and u.declined == 1.0


def test_an_ensemble_reports_its_progress_over_the_whole_run(mnist):
    batches, epochs = [], []
    options = recipes.recipe(epochs=2, hidden=(8,), augment=False, ensemble=2, limit=256,
                              batch_size=128)
    network, meta = learning.make_model(options, mnist, on_batch=batches.append,
                                        on_epoch=epochs.append, workers=1)
    assert network.sizes == [784, 16, 10] and meta["ensemble"]["seeds"] == [0, 1]
    assert [r.epoch for r in epochs] == [1, 2, 3, 4] and {r.epochs for r in epochs} == {4}
    fractions = [p.fraction for p in batches]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(batches) == 8
    assert batches[4].elapsed >= batches[3].elapsed


def test_members_trained_side_by_side_make_the_same_network_and_report_each_epoch_once(mnist):
    options = recipes.recipe(epochs=2, hidden=(8,), augment=True, ensemble=2, limit=256,
                              batch_size=64)
    alone, _ = learning.make_model(options, mnist, workers=1)
    batches, epochs = [], []
    together, meta = learning.make_model(options, mnist, workers=2, on_batch=batches.append,
                                         on_epoch=epochs.append,
                                         measure=lambda net: {"pen": 0.5, "note": None})
    assert meta["ensemble"]["trained_at_a_time"] == 2
    for a, b in zip(alone.params, together.params):
        np.testing.assert_array_equal(a, b)
    assert [(r.epoch, r.epochs) for r in epochs] == [(1, 2), (2, 2)]
    assert all(r.measures == {"pen": 0.5} for r in epochs)
    fractions = [p.fraction for p in batches]   # each member's epoch ends are reported
    assert 4 <= len(batches) <= 16 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum(p.batch == p.batches for p in batches) >= 4


def test_a_stop_ends_every_member_trained_side_by_side(mnist):
    options = recipes.recipe(epochs=50, hidden=(8,), augment=False, ensemble=2, limit=256)
    seen = []
    with pytest.raises(TrainingStopped):
        learning.make_model(options, mnist, workers=2, on_batch=seen.append,
                            should_stop=lambda: len(seen) >= 5)
    assert len(seen) < 12          # both members stopped within a batch or two


def test_a_stop_while_drawing_the_test_non_digits_ends_it_at_once():
    phases = []
    stop = lambda: any(phase == "Drawing the test non-digits" for phase, _ in phases)
    with pytest.raises(Stopped, match="test non-digits") as stopped:
        scores.measure_sets(should_stop=stop,
                              progress=lambda phase, done, total: phases.append((phase, done)))
    assert [done for phase, done in phases if phase == "Drawing the test non-digits"] == [0]
    assert not isinstance(stopped.value, TrainingStopped)       # drawing, not training


def test_one_check_of_a_runs_options():
    """recipes.check: what the command line, the Retrain dialog and make_model refuse alike."""
    assert recipes.check(recipes.recipe("demo")).hidden == (128,)
    for change, words in ((dict(epochs=1001), "epochs must be from 1 to 1,000"),
                          (dict(ensemble=17), "ensemble must be from 1 to 16"),
                          (dict(slant=1.5), "slant must be from 0 to 1"),
                          (dict(hidden=(8192, 8192)), "digitpad saves and loads at most"),
                          (dict(lr=-1.0), "learning rate must be a positive number")):
        with pytest.raises(ValueError, match=words):
            recipes.check(recipes.recipe(**change))
    with pytest.raises(ValueError, match="epochs must be from"):
        learning.make_model(recipes.recipe(epochs=5000), mnist=None)   # before any work
    high = recipes.LIMITS["epochs"][1]
    from digitpad.cli import parse_args
    with pytest.raises(SystemExit):
        parse_args(["train", "--epochs", str(high + 1)])
    assert parse_args(["train", "--epochs", str(high)]).epochs == high


def test_the_window_reads_on_one_blas_thread_and_training_takes_its_cores_back(monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    from digitpad import learning

    def blas():
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}
    monkeypatch.setattr(learning.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(learning, "_BLAS_BEFORE_WINDOW", None)
    with threadpool_limits(limits=4, user_api="blas"):         # as on a 4-core machine
        learning.window_threads()
        assert blas() == {1}
        with learning.training_threads():
            assert blas() == {3}                                 # all cores but the helper's
        assert blas() == {1}
    monkeypatch.setattr(learning, "_BLAS_BEFORE_WINDOW", None)
    with threadpool_limits(limits=1, user_api="blas"):         # OPENBLAS_NUM_THREADS=1
        with learning.training_threads():
            assert blas() == {1}                                 # never more than asked
