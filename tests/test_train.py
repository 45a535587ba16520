"""model.train: a short run learns, a stop is quick, divergence is caught."""
import time

import numpy as np
import pytest

from digitpad.model.network import MLP
from digitpad.model.train import TrainConfig, TrainingDiverged, TrainingStopped, train


def test_a_short_run_learns(mnist):
    batches, epochs = [], []
    # 5,000 images, 2 epochs: small steps, and a few of them, reach about 88%.
    config = TrainConfig(hidden=(64,), epochs=2, batch_size=32, lr=2e-3, augment=False, seed=1)
    result = train(config, mnist.train_images[:5000], mnist.train_labels[:5000],
                   mnist.test_images[:2000], mnist.test_labels[:2000],
                   on_batch=batches.append, on_epoch=epochs.append)
    assert result.network.sizes == [784, 64, 10]
    assert [r.epoch for r in epochs] == [1, 2] and result.history == epochs
    assert epochs[-1].val_accuracy > 0.85           # chance is 0.10
    assert epochs[1].loss < epochs[0].loss
    assert len(batches) == 2 * 157 and batches[-1].fraction == 1.0
    assert batches[0].batches == 157 and batches[0].eta > 0
    assert result.network.accuracy(mnist.test_images[:2000], mnist.test_labels[:2000]) \
        == pytest.approx(epochs[-1].val_accuracy)


def test_an_augmented_run_learns_too(mnist):
    config = TrainConfig(hidden=(64,), epochs=2, batch_size=32, lr=3e-3, augment=True, seed=1)
    result = train(config, mnist.train_images[:5000], mnist.train_labels[:5000],
                   mnist.test_images[:2000], mnist.test_labels[:2000])
    assert result.history[-1].val_accuracy > 0.75


def test_a_stop_request_ends_the_run_at_once_and_keeps_the_start_model(mnist):
    start = MLP.create([784, 32, 10], seed=0)
    before = [p.copy() for p in start.params]
    calls = []

    def should_stop():
        calls.append(time.perf_counter())
        return len(calls) > 3

    config = TrainConfig(hidden=(32,), epochs=5, augment=True)
    with pytest.raises(TrainingStopped):
        train(config, mnist.train_images[:5000], mnist.train_labels[:5000],
              init=start, should_stop=should_stop)
    assert time.perf_counter() - calls[-1] < 0.2
    assert len(calls) == 4
    assert all(np.array_equal(p, q) for p, q in zip(start.params, before))


def test_a_huge_learning_rate_is_caught_as_divergence(mnist):
    config = TrainConfig(hidden=(32,), epochs=1, optimizer="sgd", lr=1e10,
                         schedule="constant", augment=False)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="lower learning rate"):
        train(config, mnist.train_images[:2000], mnist.train_labels[:2000])


@pytest.mark.parametrize("change, match", [
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch size"), ({"lr": -1}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"), ({"hidden": (0,)}, "hidden"),
    ({"optimizer": "lbfgs"}, "optimizer"), ({"schedule": "step"}, "schedule"),
    ({"weight_decay": -0.1}, "weight decay"),
])
def test_config_validation(change, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**change).validate()


def test_config_to_dict_is_plain():
    d = TrainConfig(hidden=(800, 300)).to_dict()
    assert d["hidden"] == [800, 300] and d["optimizer"] == "adam"


def test_bad_data_is_refused():
    with pytest.raises(ValueError, match="expected images"):
        train(TrainConfig(epochs=1), np.zeros((5, 27, 27), np.uint8), np.zeros(5))


def test_late_batches_are_bigger(mnist):
    batches, epochs = [], []
    config = TrainConfig(hidden=(16,), epochs=4, batch_size=50, late_batch_size=200,
                         lr=5e-3, augment=False)
    train(config, mnist.train_images[:1000], mnist.train_labels[:1000],
          mnist.test_images[:500], mnist.test_labels[:500],
          on_batch=batches.append, on_epoch=epochs.append)
    per_epoch = {p.epoch: p.batches for p in batches}
    assert per_epoch == {1: 20, 2: 20, 3: 5, 4: 5}
    assert len(batches) == 50 and batches[-1].fraction == 1.0
    assert epochs[-1].val_accuracy > 0.5


def test_batches_prepared_in_this_thread_make_the_same_network(mnist):
    config = TrainConfig(hidden=(16,), epochs=2, batch_size=64, augment_strength=0.8)
    x, y = mnist.train_images[:512], mnist.train_labels[:512]
    ahead = train(config, x, y).network
    here = train(config, x, y, prefetch=False).network
    for a, b in zip(ahead.params, here.params):
        np.testing.assert_array_equal(a, b)


def test_a_teacher_keeps_what_it_shares(mnist):
    """Fine-tuning whose every target is the starting network's own reading (share 1)
    leaves it where it was; with share 0.5 it moves less than on the labels alone, and
    only the rows the teacher keeps are shared."""
    start = MLP.create([784, 32, 10], seed=0)
    x, y = mnist.train_images[:600], mnist.train_labels[:600]
    config = TrainConfig(hidden=(32,), epochs=1, batch_size=50, lr=3e-3, augment=True, seed=2)
    everything = np.ones(len(x), bool)

    def moved(teacher):
        net = train(config, x, y, init=start, teacher=teacher).network
        return sum(float(np.abs(a - b).sum()) for a, b in zip(net.params, start.params))

    assert moved((start, everything, 1.0)) < 1e-6
    labels_only = moved(None)
    assert labels_only > 1
    assert moved((start, everything, 0.5)) < labels_only
    assert moved((start, np.zeros(len(x), bool), 1.0)) == pytest.approx(labels_only)
