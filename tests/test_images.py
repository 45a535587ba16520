"""Image files to ink (Qt-free): either polarity, alpha, and clear errors."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.images import ImageError, load_ink


def drawn_one(size=(120, 160), ink=0, paper=255, mode="L"):
    img = Image.new(mode, size, paper)
    ImageDraw.Draw(img).line([(60, 20), (60, 140)], fill=ink, width=12)
    return img


@pytest.mark.parametrize("ink, paper, suffix", [(0, 255, "png"), (255, 0, "png"),
                                                (30, 220, "jpg"), (240, 10, "bmp")])
def test_both_polarities_give_ink_on_zero_paper(tmp_path, ink, paper, suffix):
    path = tmp_path / f"one.{suffix}"
    drawn_one(ink=ink, paper=paper).save(path)
    got = load_ink(path)
    assert got.shape == (160, 120) and got.dtype == np.float32
    assert got[80, 60] > 0.9          # the stroke is ink
    assert got[5, 5] == 0 and got[80, 10] == 0      # the paper is 0
    assert 0 <= got.min() and got.max() <= 1


def test_colour_and_transparency(tmp_path):
    rgb = drawn_one(ink=(20, 40, 200), paper=(250, 250, 240), mode="RGB")
    rgb.save(tmp_path / "blue.png")
    assert load_ink(tmp_path / "blue.png")[80, 60] > 0.9
    rgba = drawn_one(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA")
    rgba.save(tmp_path / "clear.png")
    got = load_ink(tmp_path / "clear.png")
    assert got[80, 60] > 0.9 and got[5, 5] == 0


def test_big_pictures_are_reduced(tmp_path):
    path = tmp_path / "big.png"
    drawn_one().resize((3000, 4000)).save(path)
    assert max(load_ink(path).shape) <= 1024


def truncated_png():
    import io
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), np.uint8)).save(
        buffer, "PNG")
    return buffer.getvalue()[:5000]


@pytest.mark.parametrize("content, words", [(b"", "empty"), (truncated_png(), "could not read"),
                                            (b"hello", "not an image")])
def test_bad_files(tmp_path, content, words):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=words):
        load_ink(path)


def test_blank_missing_and_folder(tmp_path):
    Image.new("L", (64, 64), 200).save(tmp_path / "grey.png")
    with pytest.raises(ImageError, match="blank"):
        load_ink(tmp_path / "grey.png")
    with pytest.raises(ImageError, match="no such file"):
        load_ink(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="folder"):
        load_ink(tmp_path)


def test_decompression_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    drawn_one(size=(150, 150)).save(tmp_path / "bomb.png")     # over the limit: a warning
    with pytest.raises(ImageError, match="too large"):
        load_ink(tmp_path / "bomb.png")
    drawn_one(size=(150, 150)).resize((300, 300)).save(tmp_path / "bomb2.png")   # an error
    with pytest.raises(ImageError, match="too large"):
        load_ink(tmp_path / "bomb2.png")
