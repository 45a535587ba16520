"""Teach it your hand: store corrected drawings, and learn a European "1" from five of them."""
import json

import numpy as np
import pytest

from digitpad import corrections, learning, pendigits, reading
from digitpad.strokes import Stroke  # what the canvas hands over


@pytest.fixture(scope="module")
def base_net(mnist):
    """The shipped model, which takes a European 1 for a 7."""
    from digitpad import weights
    from digitpad.model import weights as weights_io

    return weights_io.load(weights.SHIPPED)[0]


def european_one(cx, cy, h, flag=0.45, angle=35, slant=4, one_stroke=True):
    """A "1" with a flag and no base: up the flag to the top, then straight down."""
    top = np.array([cx + np.tan(np.deg2rad(slant)) * h, cy - h])
    a = np.deg2rad(angle)
    tip = top + flag * h * np.array([-np.cos(a), np.sin(a)])
    bottom = np.array([cx - np.tan(np.deg2rad(slant)) * h, cy + h])
    up = np.linspace(tip, top, 8)
    down = np.linspace(top, bottom, 20)
    return [np.vstack([up, down[1:]])] if one_stroke else [up, down]


def seven(cx, cy, h):
    return [np.vstack([np.linspace((cx - 0.6 * h, cy - h), (cx + 0.6 * h, cy - h), 10),
                       np.linspace((cx + 0.6 * h, cy - h), (cx - 0.15 * h, cy + h), 20)[1:]])]


def read(net, strokes, pen=18):
    return reading.read(net, pendigits.render(strokes, pen, (420, 420)))


def test_store_list_delete_export(tmp_path):
    assert corrections.list_all() == []
    c1 = corrections.add(european_one(200, 200, 120), 1, pen_width=18, canvas=(420, 420),
                         when=1000.0)

    c2 = corrections.add([Stroke([(10.0, 10.0), (50.0, 90.0)], 12),
                          Stroke([(30.0, 50.0), (31.0, 52.0)], 30, True)], 7, when=2000.0)
    files = sorted(corrections.folder().glob("*.json"))
    assert len(files) == 2 and not list(corrections.folder().glob(".tmp-*"))
    assert json.loads(files[0].read_text())["label"] in (1, 7)
    (corrections.folder() / "broken.json").write_text("{not json")
    items = corrections.list_all()
    assert [c.id for c in items] == [c1.id, c2.id]
    assert [(s.width, s.erase) for s in items[1].strokes] == [(12.0, False), (30.0, True)]
    assert np.allclose(items[0].strokes[0].array(), c1.strokes[0].array(), atol=0.01)

    assert corrections.export(tmp_path / "mine.npz") == 2
    with np.load(tmp_path / "mine.npz", allow_pickle=False) as d:
        assert list(d["labels"]) == [1, 7] and list(d["sample_offsets"]) == [0, 1, 3]
        assert list(d["erase"]) == [False, False, True]

    assert corrections.delete(c1) and not corrections.delete(c1.id)
    assert [c.id for c in corrections.list_all()] == [c2.id]
    with pytest.raises(ValueError):
        corrections.add(european_one(200, 200, 100), 12, pen_width=18)
    with pytest.raises(ValueError):
        corrections.delete("../settings")


def test_the_same_drawing_is_stored_once_whenever_it_was_kept(monkeypatch):
    drawn = [Stroke([(10.004, 20.0), (50.5, 90.25), (60.0, 91.0)], 18),
             Stroke([(30.0, 50.0), (31.0, 52.0)], 30, True)]
    first = corrections.add(drawn, 7, when=1000.0)
    monkeypatch.setattr(corrections, "_read", {})          # a later session: nothing in memory
    again = corrections.add([Stroke(list(s.points), s.width, s.erase) for s in drawn], 7)
    assert again.id == first.id and len(list(corrections.folder().glob("*.json"))) == 1
    other = corrections.add(drawn, 1)                      # another digit: the store keeps it
    moved = corrections.add([Stroke([(11.0, 20.0), (50.5, 90.25), (60.0, 91.0)], 18)], 7)
    assert len({first.id, other.id, moved.id}) == 3 and len(corrections.list_all()) == 3


def test_finding_the_same_drawing_among_1500_reads_only_new_files(monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(corrections, "find", lambda *a: [])     # stored as fast as they can be
        for k in range(1500):
            corrections.add([Stroke([(k, 0.0), (k, 40.0)], 18)], k % 10, when=1000.0 + k)
    assert len(corrections.list_all()) == 1500            # read once
    read, keyed = [], []
    read_one, drawing_key = corrections._read_one, corrections.drawing_key
    monkeypatch.setattr(corrections, "_read_one", lambda path: read.append(path) or
                        read_one(path))
    monkeypatch.setattr(corrections, "drawing_key", lambda s: keyed.append(s) or
                        drawing_key(s))
    (found,) = corrections.find([Stroke([(1234.0, 0.0), (1234.0, 40.0)], 18)])
    assert found.label == 4 and read == [] and len(keyed) == 1501     # each key, once
    keyed.clear()
    corrections.add([Stroke([(1234.0, 0.0), (1234.0, 40.0)], 18)], 4)      # kept already
    corrections.add([Stroke([(1234.0, 0.0), (1234.0, 41.0)], 18)], 4)      # a new one
    assert read == [] and len(keyed) == 2                  # the two drawings asked about
    keyed.clear()
    assert len(corrections.find([Stroke([(1234.0, 0.0), (1234.0, 41.0)], 18)])) == 1
    assert len(read) == 1 and len(keyed) == 2              # the new file, read and keyed once


def test_five_european_ones_teach_the_sixth(base_net, mnist):
    net = base_net
    # Long, flat flags: the kind of "1" a network trained on MNIST takes for a 7.
    variants = [dict(cx=200, cy=210, h=150, flag=0.8, angle=20, slant=3),
                dict(cx=150, cy=180, h=90, flag=0.9, angle=15, slant=6, one_stroke=False),
                dict(cx=260, cy=240, h=120, flag=0.75, angle=28, slant=0),
                dict(cx=210, cy=200, h=170, flag=0.85, angle=22, slant=8),
                dict(cx=120, cy=300, h=70, flag=0.7, angle=18, slant=2, one_stroke=False)]
    for i, v in enumerate(variants):
        corrections.add(european_one(**v), 1, pen_width=[18, 10, 28, 18, 14][i])
    sixth = european_one(300, 160, 110, flag=0.8, angle=25, slant=5, one_stroke=False)
    before = read(net, sixth, pen=22)

    tuned = learning.fine_tune(net, corrections.list_all(), mnist,
                               np.random.default_rng(0)).network

    assert read(tuned, sixth, pen=22).digit == 1, (before.best, before.probabilities)
    assert read(tuned, seven(200, 200, 140)).digit == 7       # a 7 is still a 7
    old = net.accuracy(mnist.test_images, mnist.test_labels)
    new = tuned.accuracy(mnist.test_images, mnist.test_labels)
    assert new >= old - 0.002, (old, new)
