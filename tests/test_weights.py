"""model.weights: the round trip, every rejection, and atomic saving."""
import json
import pickle
import zipfile

import numpy as np
import pytest

from digitpad.model import weights
from digitpad.model.network import MLP
from digitpad.model.weights import FORMAT_VERSION, WeightsError, describe, load, save

SIZES = [784, 16, 10]


@pytest.fixture
def net():
    return MLP.create(SIZES, seed=3)


@pytest.fixture
def folder(tmp_path):
    """A folder of this test's own (tmp_path also holds DIGITPAD_HOME)."""
    (tmp_path / "w").mkdir()
    return tmp_path / "w"


@pytest.fixture
def saved(folder, net):
    path = folder / "model.npz"
    save(path, net, {"mnist_test_accuracy": 0.9935, "config": {"hidden": [16]}})
    return path


def arrays_of(path):
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def rewrite(path, **changes):
    """Save the arrays of ``path`` again with some replaced (None removes one)."""
    arrays = arrays_of(path)
    arrays.update(changes)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def meta_with(path, **changes):
    meta = json.loads(arrays_of(path)["meta"].item())
    meta.update(changes)
    return np.array(json.dumps(meta))


def test_round_trip(saved, net):
    loaded, meta = load(saved)
    assert loaded.sizes == SIZES
    for a, b in zip(loaded.params, net.params):
        assert a.dtype == np.float32 and np.array_equal(a, b)
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    assert np.array_equal(loaded.predict_proba(x), net.predict_proba(x))
    assert meta["format_version"] == FORMAT_VERSION == 1
    assert meta["sizes"] == SIZES and meta["activation"] == "relu"
    assert meta["config"] == {"hidden": [16]} and meta["mnist_test_accuracy"] == 0.9935
    assert "ink 1, paper 0" in meta["input"] and meta["date"][:2] == "20"


def test_file_is_plain_npz_without_pickles(saved):
    arrays = arrays_of(saved)       # allow_pickle=False
    assert sorted(arrays) == ["bias_0", "bias_1", "meta", "weight_0", "weight_1"]
    assert arrays["weight_0"].shape == (784, 16) and arrays["bias_1"].shape == (10,)
    assert arrays["meta"].shape == () and arrays["meta"].dtype.kind == "U"


def test_save_returns_what_load_reads_and_converts_numpy_values(tmp_path, net):
    meta = save(tmp_path / "m.npz", net, {"mnist_test_accuracy": np.float32(0.5),
                                          "date": "2001-02-03", "extra": (1, 2)})
    assert load(tmp_path / "m.npz")[1] == meta
    assert meta["date"] == "2001-02-03" and meta["extra"] == [1, 2]


def test_saved_arrays_are_compressed_and_zeros_cost_little(folder):
    import zipfile
    from digitpad.model.network import MLP, average
    pair = average([MLP.create((784, 64, 32, 10), seed=k) for k in (0, 1)])  # block-diagonal
    save(folder / "pair.npz", pair, {})
    with zipfile.ZipFile(folder / "pair.npz") as archive:
        entries = archive.infolist()
    assert all(e.compress_type == zipfile.ZIP_DEFLATED for e in entries)
    second = next(e for e in entries if e.filename == "weight_1.npy")    # 128 x 64, half zeros
    assert second.compress_size < 0.6 * second.file_size
    assert np.array_equal(load(folder / "pair.npz")[0].weights[1], pair.weights[1])


def test_save_never_appends_npz(folder, net):
    save(folder / "model.weights", net)
    assert [p.name for p in folder.iterdir()] == ["model.weights"]
    assert load(folder / "model.weights")[0].sizes == SIZES


def test_describe(saved):
    assert describe(load(saved)[1]).startswith("784-16-10, 99.35% on MNIST test, trained 20")
    assert describe({"sizes": [784, 512, 10]}) == "784-512-10"


# Rejections ----------------------------------------------------------------------

def reject(path, match):
    with pytest.raises(WeightsError, match=match):
        load(path)


def test_missing_file(tmp_path):
    reject(tmp_path / "nope.npz", "no weight file at")
    reject(tmp_path, "is not a file")


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    reject(saved, "truncated or damaged")


def test_empty_file(tmp_path):
    (tmp_path / "empty.npz").touch()
    reject(tmp_path / "empty.npz", "is empty")


def test_not_an_npz(tmp_path):
    (tmp_path / "text.npz").write_text("hello, I am not a network")
    reject(tmp_path / "text.npz", "is not an .npz weight file")
    np.save(tmp_path / "one.npy", np.zeros(3, np.float32))
    reject(tmp_path / "one.npy", "single .npy array")
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as z:
        z.writestr("readme.txt", "a zip, but no arrays")
    reject(tmp_path / "other.npz", "damaged|no 'meta'")


def test_a_raw_pickle(tmp_path, net):
    path = tmp_path / "net.npz"
    path.write_bytes(pickle.dumps({"weights": net.weights}))
    reject(path, "is a Python pickle")


def test_an_npz_holding_an_object_array(saved):
    rewrite(saved, bias_0=np.array([object()] * 16, dtype=object))
    reject(saved, "pickled Python objects")


@pytest.mark.parametrize("change, match", [
    ({"weight_0": np.zeros((783, 16), np.float32)}, r"weight_0 has shape \(783, 16\)"),
    ({"weight_1": np.zeros((15, 10), np.float32)}, r"weight_1 has shape \(15, 10\)"),
    ({"bias_0": np.zeros(15, np.float32)}, r"bias_0 has shape \(15,\)"),
    ({"weight_1": np.zeros((16, 9), np.float32), "bias_1": np.zeros(9, np.float32)},
     "9 outputs, expected 10"),
    ({"weight_1": np.zeros((16, 10), np.float64)}, "float64, expected float32"),
    ({"bias_1": None}, "weight_k and bias_k for k = 0..1"),
    ({"extra": np.zeros(3)}, "unexpected array 'extra'"),
])
def test_wrong_shapes_and_names(saved, change, match):
    rewrite(saved, **change)
    reject(saved, match)


def test_sizes_in_meta_must_match_the_arrays(saved):
    rewrite(saved, meta=meta_with(saved, sizes=[784, 32, 10]))
    reject(saved, "784-32-10 but its arrays are 784-16-10")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_not_finite(saved, bad):
    w = arrays_of(saved)["weight_1"]
    w[3, 4] = bad
    rewrite(saved, weight_1=w)
    reject(saved, "NaN or infinite")


def test_unknown_format_version(saved):
    rewrite(saved, meta=meta_with(saved, format_version=2))
    reject(saved, "format version 2; this digitpad reads version 1")


@pytest.mark.parametrize("meta, match", [
    (None, "no 'meta'"),
    (np.array("{not json"), "not valid JSON"),
    (np.array("[1, 2]"), "must be a JSON object"),
    (np.array(["{}", "{}"]), "single string"),
])
def test_bad_meta(saved, meta, match):
    rewrite(saved, meta=meta)
    reject(saved, match)


def test_unknown_activation(saved):
    rewrite(saved, meta=meta_with(saved, activation="tanh"))
    reject(saved, "activation 'tanh' is not supported")


# Atomic saving ---------------------------------------------------------------------

def test_a_failed_save_keeps_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", crash)
    with pytest.raises(OSError, match="disk full"):
        save(saved, MLP.create(SIZES, seed=99))
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]   # no temp file left
    assert load(saved)[1]["mnist_test_accuracy"] == 0.9935


def test_save_replaces_and_creates_folders(saved, tmp_path):
    other = MLP.create([784, 8, 10], seed=1)
    save(saved, other)
    assert load(saved)[0].sizes == [784, 8, 10]
    deep = tmp_path / "a" / "b" / "m.npz"
    save(deep, other)
    assert load(deep)[0].sizes == [784, 8, 10]


def test_weights_module_never_loads_with_pickles(monkeypatch, saved):
    calls = []
    real = np.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("allow_pickle"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weights.np, "load", spy)
    load(saved)
    assert calls == [False]


def test_the_shipped_model_loads_and_meets_its_mnist_figure(mnist):
    from digitpad import weights
    from digitpad.model.weights import load

    net, meta = load(weights.SHIPPED)
    assert net.sizes[0] == 784 and net.sizes[-1] == 10
    accuracy = net.accuracy(mnist.test_images, mnist.test_labels)
    assert accuracy == pytest.approx(meta["mnist_test_accuracy"], abs=1e-4)
    # 99.43% (weights/README.md): issue 7's goal is 99.3%, with real letters as non-digits.
    assert accuracy >= 0.993
