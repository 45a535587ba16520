"""digitpad's command line, called in-process: its outputs, exit statuses and error lines."""
import sys
from pathlib import Path
import types

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad import weights
from digitpad import cli, learning
from digitpad import paths
from digitpad.model.network import MLP
from digitpad.model.train import TrainingDiverged
from digitpad.model.weights import load, save


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err, *fragments):
    assert err.startswith("digitpad") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


@pytest.fixture
def folder(tmp_path):
    """A folder of this test's own (tmp_path also holds DIGITPAD_HOME)."""
    (tmp_path / "w").mkdir()
    return tmp_path / "w"


@pytest.fixture
def small_model(folder):
    path = folder / "small.npz"
    save(path, MLP.create([784, 16, 10], seed=0), {"mnist_test_accuracy": 0.1})
    return path


@pytest.fixture
def no_shipped_model(folder, monkeypatch):
    monkeypatch.setattr(weights, "SHIPPED", folder / "shipped" / "digitpad.npz")
    return weights.SHIPPED


# Help and usage errors -------------------------------------------------------------

def test_help_and_version(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "train" in out and "evaluate" in out and "predict" in out
    status, out, _ = run(capsys, "train", "--help")
    assert status == 0 and "--hidden SIZES" in out and "--limit" not in out
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.startswith("digitpad 0.")


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--hidden", "abc"], "--hidden: expected layer widths such as 512 or 800,300"),
    (["train", "--hidden", "512,,3"], "got '512,,3'"),
    (["train", "--hidden", "0"], "--hidden"),
    (["train", "--epochs", "-3"], "--epochs: expected a whole number from 1 to 1,000, got '-3'"),
    (["train", "--epochs", "2.5"], "--epochs"),
    (["train", "--batch-size", "0"], "--batch-size"),
    (["train", "--lr", "0"], "--lr: expected a number above 0"),
    (["train", "--lr", "nan"], "--lr"),
    (["train", "--weight-decay", "-1"], "--weight-decay"),
    (["train", "--optimizer", "rmsprop"], "invalid choice: 'rmsprop'"),
    (["train", "--schedule", "step"], "--schedule"),
    (["train", "--seed", "-1"], "--seed"),
    (["train", "extra"], "unrecognized arguments: extra"),
    (["evaluate", "a.npz", "b.npz"], "unrecognized arguments"),
    (["predict"], "IMAGE"),
    (["fly"], "invalid choice: 'fly'"),
])
def test_bad_arguments(capsys, argv, fragment):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert_one_line_error(err, fragment)


def test_out_must_be_an_npz_file_and_is_checked_before_training(capsys, folder):
    status, _, err = run(capsys, "train", "--out", folder / "model.txt", "--data", folder)
    assert status == 2
    assert_one_line_error(err, "--out must name a .npz file")
    status, _, err = run(capsys, "train", "--out", folder, "--data", folder)
    assert status == 2
    assert_one_line_error(err, "is a folder")


def test_missing_mnist_is_one_line(capsys, folder):
    status, _, err = run(capsys, "train", "--data", folder / "nowhere", "--out",
                         folder / "m.npz")
    assert status == 2
    assert_one_line_error(err, "is not a folder")
    assert not (folder / "m.npz").exists()


# Bad weight files ------------------------------------------------------------------

def test_evaluate_missing_weights_file(capsys, folder):
    status, _, err = run(capsys, "evaluate", folder / "nope.npz", "--data", folder)
    assert status == 2
    assert_one_line_error(err, "no weight file at", "nope.npz")


@pytest.mark.parametrize("content", [b"", b"not a model", b"PK\x03\x04 cut short",
                                     b"\x80\x04\x95 a pickle"])
def test_evaluate_corrupt_weights_file(capsys, folder, content):
    bad = folder / "bad.npz"
    bad.write_bytes(content)
    status, _, err = run(capsys, "evaluate", bad, "--data", folder)
    assert status == 2
    assert_one_line_error(err, "bad.npz")


def test_evaluate_without_the_shipped_model(capsys, no_shipped_model, folder):
    status, _, err = run(capsys, "evaluate", "--data", folder)
    assert status == 2
    assert_one_line_error(err, "the shipped model", "is missing")


def test_predict_with_a_corrupt_model(capsys, folder):
    (folder / "bad.npz").write_text("junk")
    status, _, err = run(capsys, "predict", folder / "x.png", "--weights", folder / "bad.npz")
    assert status == 2
    assert_one_line_error(err, "is not an .npz weight file")


# evaluate ------------------------------------------------------------------------

def test_evaluate_prints_accuracy_per_class_and_confusion(capsys, mnist_dir, small_model):
    status, out, err = run(capsys, "evaluate", small_model, "--data", mnist_dir)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"model: {small_model} (784-16-10, 10.00% on MNIST test, trained " \
                       f"{load(small_model)[1]['date'][:10]})"
    assert lines[1].startswith("MNIST test accuracy: ")
    header = lines.index("digit      0     1     2     3     4     5     6     7     8     9"
                         "   accuracy")
    rows = [line.split() for line in lines[header + 1:header + 11]]
    confusion = np.array([[int(v) for v in row[1:11]] for row in rows])
    assert [int(row[0]) for row in rows] == list(range(10))
    assert confusion.sum() == 10_000
    assert confusion.sum(axis=1).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                             974, 1009]
    right = int(np.trace(confusion))
    assert f"({right:,} of 10,000 right" in lines[1]
    assert rows[1][-1] == f"{confusion[1, 1] / 1135:.2%}"


def test_evaluate_defaults_to_the_shipped_model(capsys, mnist_dir, small_model,
                                                no_shipped_model):
    no_shipped_model.parent.mkdir()
    small_model.rename(no_shipped_model)
    status, out, _ = run(capsys, "evaluate", "--data", mnist_dir)
    assert status == 0 and out.startswith(f"model: {no_shipped_model} (784-16-10")


def test_evaluate_needs_only_the_two_test_files(capsys, mnist_dir, small_model, folder):
    test_only = folder / "test-only"
    test_only.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (test_only / name).symlink_to(mnist_dir / name)
    status, out, err = run(capsys, "evaluate", small_model, "--data", test_only)
    assert status == 0 and err == "" and "of 10,000 right" in out
    (test_only / "t10k-labels-idx1-ubyte.gz").unlink()
    status, out, err = run(capsys, "evaluate", small_model, "--data", test_only)
    assert status == 2 and out == ""
    assert_one_line_error(err, "t10k-labels-idx1-ubyte(.gz) is not in", "two MNIST test files")
    assert "train-" not in err


# train -------------------------------------------------------------------------

def test_a_short_training_run(capsys, mnist_dir, folder):
    out_file = folder / "short.npz"
    status, out, err = run(capsys, "train", "--data", mnist_dir, "--limit", 5000,
                           "--epochs", 2, "--hidden", 64, "--batch-size", 32, "--lr", 0.002,
                           "--no-augment", "--seed", 1, "--out", out_file)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("training 784-64-10 on 5,000 images for 2 epochs (adam, "
                               "lr 0.002, cosine, batch 32, augmentation off)")
    assert lines[1].startswith("epoch 1/2: loss ") and "test accuracy" in lines[1]
    assert lines[2].startswith("epoch 2/2: ")
    assert lines[3].startswith("MNIST test accuracy ") and lines[3].endswith(f"saved {out_file}")

    net, meta = load(out_file)
    assert net.sizes == [784, 64, 10]
    assert meta["mnist_test_accuracy"] > 0.85                      # chance is 0.10
    assert f"MNIST test accuracy {meta['mnist_test_accuracy']:.2%}" in lines[3]
    assert meta["config"]["hidden"] == [64] and meta["config"]["augment"] is False
    assert meta["training_images"] == 5000
    assert meta["command"].startswith("digitpad train --data ")


def test_training_saves_to_the_models_folder_by_default(capsys, mnist_dir, no_shipped_model):
    status, out, err = run(capsys, "train", "--data", mnist_dir, "--limit", 256,
                           "--epochs", 1, "--hidden", 8)
    assert status == 0, err
    saved = list(paths.models_dir().glob("digitpad-*.npz"))
    assert len(saved) == 1 and out.rstrip().endswith(f"saved {saved[0]}")
    assert not no_shipped_model.exists()


def test_ctrl_c_saves_nothing(capsys, mnist_dir, folder, monkeypatch):
    def interrupted(config, images, labels, *args, on_batch=None, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(learning, "train", interrupted)
    status, _, err = run(capsys, "train", "--data", mnist_dir, "--out", folder / "m.npz")
    assert status == 130
    assert "interrupted; nothing was saved" in err and "Traceback" not in err
    assert list(folder.iterdir()) == []


def test_divergence_saves_nothing(capsys, mnist_dir, folder, monkeypatch):
    def diverging(*args, **kwargs):
        raise TrainingDiverged("the loss became nan in epoch 1, batch 3")

    monkeypatch.setattr(learning, "train", diverging)
    status, _, err = run(capsys, "train", "--data", mnist_dir, "--out", folder / "m.npz")
    assert status == 1
    assert_one_line_error(err, "the loss became nan", "nothing was saved")
    assert list(folder.iterdir()) == []


# predict and the window ---------------------------------------------------------

def test_predict(capsys, folder, small_model):
    one = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(one).line([(100, 30), (100, 170)], fill=0, width=14)
    one.save(folder / "one.png")
    status, out, err = run(capsys, "predict", folder / "one.png", "--weights", small_model)
    assert status == 0 and err == ""
    assert out.startswith(f"{folder / 'one.png'}: ") and out.count("\n") == 1
    pairs = [p.split(":") for p in out.split()[-10:]]
    assert [d for d, _ in pairs] == [str(d) for d in range(10)]
    assert sum(float(p) for _, p in pairs) == pytest.approx(1, abs=0.02)


def test_predict_reads_a_number_digit_by_digit(capsys, folder, shipped):
    image = Image.new("L", (420, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(80, 30), (76, 170)], fill=0, width=14)                     # 1
    draw.ellipse((150, 30, 230, 170), outline=0, width=14)                 # 0
    draw.line([(280, 35), (360, 35), (310, 170)], fill=0, width=14)        # 7
    image.save(folder / "number.png")
    status, out, err = run(capsys, "predict", folder / "number.png", "--weights", shipped,
                           "--explain")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{folder / 'number.png'}: the number 107 (3 digits)"
    assert [line.split()[:3] for line in lines if line.startswith("  digit")] == [
        ["digit", "1:", "1"], ["digit", "2:", "0"], ["digit", "3:", "7"]]
    assert sorted(p.name for p in folder.glob("number-digit*-explained.png")) == [
        f"number-digit{i}-explained.png" for i in (1, 2, 3)]


def test_predict_goes_on_past_bad_images(capsys, folder, small_model):
    Image.new("L", (50, 50), 255).save(folder / "blank.png")
    (folder / "text.png").write_text("not an image")
    ImageDraw.Draw(im := Image.new("L", (50, 50), 0)).ellipse((10, 10, 40, 40), outline=255,
                                                             width=4)
    im.save(folder / "zero.png")
    status, out, err = run(capsys, "predict", folder / "blank.png", folder / "text.png",
                           folder / "zero.png", "--weights", small_model)
    assert status == 2
    assert out.startswith(f"{folder / 'zero.png'}: ") and out.count("\n") == 1
    blank, text = err.splitlines()
    assert blank.startswith("digitpad: error: blank.png") and "blank" in blank
    assert text.startswith("digitpad: error: text.png") and "Traceback" not in err


def test_no_command_opens_the_window(capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("digitpad.gui.app")
    fake.main = lambda **options: calls.append("opened") or 0
    monkeypatch.setitem(sys.modules, "digitpad.gui.app", fake)
    assert cli.main([]) == 0 and calls == ["opened"]


def test_an_ensemble_is_saved_as_one_network_with_drawings(capsys, mnist_dir, folder):
    out_file = folder / "ensemble.npz"
    status, out, err = run(capsys, "train", "--data", mnist_dir, "--limit", 300, "--epochs", 1,
                           "--hidden", 8, "--ensemble", 2, "--not-digits", 50,
                           "--out", out_file)
    assert status == 0, err
    net, meta = load(out_file)
    assert net.sizes == [784, 16, 10]
    assert meta["ensemble"]["seeds"] == [0, 1] and meta["not_digits"] == 50
    assert meta["training_images"] == 350
    assert "the average of 2 networks" in out


def test_predict_reads_with_the_model_the_window_opens_with(capsys, folder):
    from digitpad import store
    from digitpad.model.weights import save

    sevens = MLP.create([784, 4, 10])            # a model that reads everything as 7
    sevens.weights[1][:] = 0
    sevens.biases[1][7] = 20
    save(folder / "sevens.npz", sevens)
    one = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(one).line([(100, 30), (100, 170)], fill=0, width=14)
    one.save(folder / "one.png")

    store.Settings().update(model=str(folder / "sevens.npz"))
    status, out, err = run(capsys, "predict", folder / "one.png")
    assert status == 0 and err == "" and ": 7 (100.0%)" in out
    store.Settings().update(model=str(folder / "gone.npz"))
    status, out, err = run(capsys, "predict", folder / "one.png")
    assert ": 7 (100.0%)" not in out                  # falls back to the shipped model, says so
    assert status == 0 and "gone.npz" in err and "using the shipped model" in err


def test_train_never_overwrites_the_shipped_model(capsys, monkeypatch, tmp_path):
    """Relative or absolute, --out naming the shipped model is refused before training."""
    from digitpad import weights

    before = weights.SHIPPED.stat().st_mtime_ns
    monkeypatch.chdir(weights.SHIPPED.parent.parent)
    for out in (weights.SHIPPED, Path("weights") / "digitpad.npz"):
        status, _, err = run(capsys, "train", "--out", out, "--data", tmp_path)
        assert status == 2 and "shipped model" in err and "Traceback" not in err
    assert weights.SHIPPED.stat().st_mtime_ns == before


def seven_png(path):
    seven = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(seven).line([(50, 40), (150, 40), (90, 170)], fill=0, width=14)
    seven.save(path)
    return path


def test_predict_explain_prints_the_margin_and_saves_the_map(capsys, folder, shipped_net):
    from digitpad import insight, preprocess
    from digitpad.images import load_ink

    image = seven_png(folder / "seven.png")
    status, out, err = run(capsys, "predict", "--explain", image)
    assert status == 0 and err == ""
    first, why, saved = out.splitlines()
    assert first.startswith(f"{image}: 7 (")
    prepared = preprocess.prepare(load_ink(image)).image
    z = shipped_net.logits(prepared.reshape(1, -1))[0]
    runner = insight.runner_up(z, 7)
    assert why.startswith(f"  why 7, not {runner}: margin {z[7] - z[runner]:.2f} (logits) = ")
    pixels, bias = insight.contributions(shipped_net, prepared, 7, runner)
    assert f"{pixels.sum():+.2f} from the ink {bias:+.2f} from the biases" in why
    explained = folder / "seven-explained.png"
    assert saved == f"  map saved to {explained} (red: ink for 7, blue: ink for {runner})"
    picture = np.asarray(Image.open(explained))
    assert picture.shape == (280, 280, 3)
    expected = insight.tint(prepared, pixels)
    assert np.array_equal(picture[::10, ::10], expected)

    # Again, against a digit of our choice: the first map is kept, the new one beside it.
    before = explained.read_bytes()
    status, out, err = run(capsys, "predict", "--explain", "--against", 2, image)
    assert status == 0 and "why 7, not 2" in out
    assert "seven-explained.png exists and was kept" in out
    assert explained.read_bytes() == before and (folder / "seven-explained-2.png").exists()


def test_predict_explain_never_writes_beside_the_shipped_model(capsys, folder, monkeypatch):
    from digitpad import store

    shipped_folder = folder / "shipped"
    shipped_folder.mkdir()
    real = store.shipped_path()
    (shipped_folder / "digitpad.npz").write_bytes(real.read_bytes())
    monkeypatch.setattr(weights, "SHIPPED", shipped_folder / "digitpad.npz")
    image = seven_png(shipped_folder / "seven.png")
    status, out, err = run(capsys, "predict", "--explain", image)
    assert status == 2 and "why 7" in out
    assert_one_line_error(err, "the map was not saved", "shipped model")
    assert sorted(p.name for p in shipped_folder.iterdir()) == ["digitpad.npz", "seven.png"]


def test_predict_against_must_be_a_digit(capsys, folder):
    status, _, err = run(capsys, "predict", "--explain", "--against", 12, folder / "x.png")
    assert status == 2 and "a digit 0-9" in err


def test_predict_against_without_explain_is_a_usage_error(capsys, folder, small_model):
    # --against D was ignored without --explain: the digit printed, no word of D.
    image = folder / "x.png"
    Image.new("L", (40, 40), 255).save(image)
    status, out, err = run(capsys, "predict", "--weights", small_model, "--against", 3, image)
    assert status == 2 and out == ""
    assert_one_line_error(err, "--against", "--explain")


@pytest.fixture
def shipped_net():
    return load(weights.SHIPPED)[0]


def test_the_shipped_preset_on_a_small_subset_runs_the_shipped_recipe(capsys, mnist_dir,
                                                                      folder):
    out_file = folder / "shipped-small.npz"
    status, out, err = run(capsys, "train", "--preset", "shipped", "--data", mnist_dir,
                           "--limit", 300, "--epochs", 1, "--hidden", 8, "--pen-digits", 0,
                           "--letters", 0, "--not-digits", 30, "--out", out_file)
    assert status == 0, err
    net, meta = load(out_file)
    # the recipe's own values (weights/README.md), and the options given after it
    assert meta["preset"] == "shipped" and meta["ensemble"]["seeds"] == [0, 1]
    assert meta["config"]["lr"] == 0.003 and meta["config"]["augment_strength"] == 0.8
    assert meta["config"]["augment"] and meta["config"]["schedule"] == "onecycle"
    assert meta["styles"] and meta["slant"] == 0.45 and meta["letter_copies"] == 0
    assert meta["config"]["epochs"] == 1 and net.sizes == [784, 16, 10]
    assert meta["training_images"] == 330 and meta["not_digits"] == 30
    assert out.count("training 784-8-10 on 330 images for 1 epochs (adam, lr 0.003") == 1
    assert "2 networks (seeds 0-1)" in out
    assert meta["command"].startswith("digitpad train --preset shipped")


def test_an_unknown_preset_is_a_usage_error(capsys):
    status, _, err = run(capsys, "train", "--preset", "fastest")
    assert status == 2 and "invalid choice: 'fastest'" in err and "shipped" in err
