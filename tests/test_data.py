"""model.data: the IDX reader, its checks, the cache and downloads (from a local fake)."""
import gzip
import http.server
import shutil
import struct
import threading

import numpy as np
import pytest

from digitpad import paths
from digitpad.model.data import PARTS, DataError, find, load_mnist, read_idx

LABELS = PARTS[3]            # t10k-labels: small, so cheap to damage in many ways


def raw_labels(mnist_dir):
    return gzip.decompress(find(mnist_dir, LABELS).read_bytes())


def write(path, data):
    path.write_bytes(data)
    return path


# Reading good and bad files ------------------------------------------------------

def test_reads_the_shared_gz_files(mnist):
    assert mnist.train_images.shape == (60_000, 28, 28)
    assert mnist.test_images.shape == (10_000, 28, 28)
    assert mnist.train_labels.shape == (60_000,) and mnist.test_labels.shape == (10_000,)
    for array in (mnist.train_images, mnist.train_labels, mnist.test_images, mnist.test_labels):
        assert array.dtype == np.uint8
    assert mnist.train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert mnist.train_images.max() == 255 and mnist.train_images[0, 0, 0] == 0
    assert np.bincount(mnist.test_labels).tolist()[:3] == [980, 1135, 1032]


def test_reads_uncompressed_files(mnist_dir, tmp_path):
    raw = write(tmp_path / LABELS.name, raw_labels(mnist_dir))
    labels = read_idx(raw, LABELS)
    assert labels.shape == (10_000,) and labels[:3].tolist() == [7, 2, 1]


def test_a_folder_may_mix_gz_and_raw_files(mnist_dir, tmp_path):
    for part in PARTS[:3]:
        (tmp_path / (part.name + ".gz")).symlink_to(find(mnist_dir, part))
    write(tmp_path / LABELS.name, raw_labels(mnist_dir))
    assert load_mnist(tmp_path, download=False).test_labels[0] == 7


def test_truncated_gz_file(mnist_dir, tmp_path):
    data = find(mnist_dir, LABELS).read_bytes()
    bad = write(tmp_path / "t10k-labels-idx1-ubyte.gz", data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated"):
        read_idx(bad, LABELS)


def test_truncated_raw_file(mnist_dir, tmp_path):
    bad = write(tmp_path / LABELS.name, raw_labels(mnist_dir)[:-100])
    with pytest.raises(DataError, match="truncated: 9908 bytes, expected 10008"):
        read_idx(bad, LABELS)


def test_wrong_checksum(mnist_dir, tmp_path):
    data = bytearray(raw_labels(mnist_dir))
    data[100] = (data[100] + 1) % 10                  # still a valid label, but not MNIST's
    bad = write(tmp_path / "t10k-labels-idx1-ubyte.gz", gzip.compress(bytes(data)))
    with pytest.raises(DataError, match="SHA-256"):
        read_idx(bad, LABELS)


def test_wrong_magic_number(mnist_dir, tmp_path):
    data = struct.pack(">I", 2051) + raw_labels(mnist_dir)[4:]
    bad = write(tmp_path / LABELS.name, data)
    with pytest.raises(DataError, match="magic number 2051, expected 2049"):
        read_idx(bad, LABELS)


def test_wrong_count_and_image_size(tmp_path):
    labels = write(tmp_path / "labels", struct.pack(">II", 2049, 9_999) + bytes(9_999))
    with pytest.raises(DataError, match="holds 9999 items, expected 10000"):
        read_idx(labels, LABELS)
    images = write(tmp_path / "images", struct.pack(">IIII", 2051, 10_000, 32, 32))
    with pytest.raises(DataError, match="32x32 images, expected 28x28"):
        read_idx(images, PARTS[2])


def test_not_gzip_although_named_gz(tmp_path):
    bad = write(tmp_path / "t10k-labels-idx1-ubyte.gz", b"\x1f\x8bnot really gzip")
    with pytest.raises(DataError, match="not a valid gzip file"):
        read_idx(bad, LABELS)


def test_explicit_folder_is_the_only_place_looked(tmp_path, server):
    with pytest.raises(DataError, match="train-images-idx3-ubyte.*is not in") as e:
        load_mnist(tmp_path, mirrors=[server + "/good/"])
    assert "To place MNIST by hand" in str(e.value)
    assert not paths.mnist_cache().exists()
    with pytest.raises(DataError, match="is not a folder"):
        load_mnist(tmp_path / "nowhere")


# The cache and downloads -----------------------------------------------------------

@pytest.fixture
def server(mnist_dir):
    """A local HTTP server: /good/ serves MNIST, /cut/ stops halfway, /bad/ serves junk."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            _, kind, name = self.path.split("/", 2)
            source = mnist_dir / name
            if kind not in ("good", "cut", "bad") or not source.is_file():
                self.send_error(404)
                return
            data = source.read_bytes()
            if kind == "bad":
                data = gzip.compress(b"no digits here" * 1000)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if kind == "cut" else data)
            self.close_connection = True

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def cache_contents():
    folder = paths.mnist_cache()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_uses_the_cache_without_downloading(mnist_dir):
    cache = paths.mnist_cache()
    cache.mkdir(parents=True)
    for part in PARTS:
        (cache / (part.name + ".gz")).symlink_to(find(mnist_dir, part))
    mnist = load_mnist(cache=paths.mnist_cache(), download=False, mirrors=[])
    assert mnist.folder == cache and mnist.train_labels[0] == 5


def test_nothing_cached_and_no_download(tmp_path):
    with pytest.raises(DataError, match="downloading is off") as e:
        load_mnist(cache=paths.mnist_cache(), download=False)
    assert str(paths.mnist_cache()) in str(e.value)


def test_downloads_from_the_next_mirror_and_caches(server):
    reports = []
    mnist = load_mnist(cache=paths.mnist_cache(),
                       mirrors=[server + "/missing/", server + "/good/"],
                       progress=lambda *r: reports.append(r))
    assert mnist.train_images.shape == (60_000, 28, 28)
    assert cache_contents() == sorted(p.name + ".gz" for p in PARTS)
    last = {name: (done, total) for name, done, total in reports}
    assert set(last) == {p.name + ".gz" for p in PARTS}
    assert all(done == total > 0 for done, total in last.values())
    # Cached now: a second load needs no mirror at all.
    assert load_mnist(cache=paths.mnist_cache(), mirrors=[]).test_labels[0] == 7


def test_downloads_from_file_urls(mnist_dir):
    mnist = load_mnist(cache=paths.mnist_cache(), mirrors=[mnist_dir.as_uri() + "/"])
    assert mnist.test_labels[0] == 7 and len(cache_contents()) == 4


def test_the_test_set_alone_downloads_only_its_two_files(mnist_dir, tmp_path):
    from digitpad.model.data import TEST_PARTS

    mirror = tmp_path / "test-only-mirror"
    mirror.mkdir()
    for part in TEST_PARTS:
        (mirror / (part.name + ".gz")).symlink_to(find(mnist_dir, part))
    mnist = load_mnist(cache=paths.mnist_cache(), mirrors=[mirror.as_uri() + "/"],
                       parts=TEST_PARTS)
    assert mnist.test_labels[0] == 7 and mnist.train_images is None
    assert cache_contents() == sorted(p.name + ".gz" for p in TEST_PARTS)


def test_interrupted_download_leaves_nothing_behind(server):
    with pytest.raises(DataError) as e:
        load_mnist(cache=paths.mnist_cache(),
                   mirrors=[server + "/cut/", server + "/missing/"])
    message = str(e.value)
    assert "connection closed before the whole file arrived" in message
    assert "HTTP 404" in message and server + "/cut/train-images-idx3-ubyte.gz" in message
    assert "To place MNIST by hand" in message and "\n" not in message
    assert cache_contents() == []


def test_corrupt_download_is_not_cached(server):
    with pytest.raises(DataError, match="the download is unusable.*SHA-256|unusable.*magic"):
        load_mnist(cache=paths.mnist_cache(), mirrors=[server + "/bad/"])
    assert cache_contents() == []


def test_damaged_cache_file_is_replaced_by_a_download(server, mnist_dir):
    cache = paths.mnist_cache()
    cache.mkdir(parents=True)
    for part in PARTS[1:]:
        shutil.copy(find(mnist_dir, part), cache)
    write(cache / "train-images-idx3-ubyte.gz", b"\x1f\x8b damaged")
    mnist = load_mnist(cache=paths.mnist_cache(), mirrors=[server + "/good/"])
    assert mnist.train_labels[0] == 5
    assert read_idx(cache / "train-images-idx3-ubyte.gz", PARTS[0]).shape == (60_000, 28, 28)


def test_the_session_reads_the_test_files_alone_until_all_four_are_needed(mnist_dir, tmp_path,
                                                                           monkeypatch):
    """The window's loader: Evaluate and the views read the two test files (a folder
    without the training files will do); Retrain and Learn need all four, read then, and
    what was read serves every later call."""
    from digitpad import mnist
    from digitpad.model.data import TEST_PARTS

    folder = tmp_path / "mnist"
    folder.mkdir()
    for part in TEST_PARTS:
        shutil.copy(find(mnist_dir, part), folder)
    monkeypatch.setenv("DIGITPAD_MNIST", str(folder))
    monkeypatch.setattr(mnist, "_SESSION", {})
    test = mnist.session_loader(parts=TEST_PARTS)
    assert test.train_images is None and test.test_images.shape == (10_000, 28, 28)
    assert mnist.session_loader(parts=TEST_PARTS) is test            # not read again
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        mnist.session_loader()                                       # Retrain's: all four
    for part in PARTS[:2]:
        shutil.copy(find(mnist_dir, part), folder)
    full = mnist.session_loader()
    assert full.train_images.shape == (60_000, 28, 28)
    assert mnist.session_loader() is full and mnist.session_loader(parts=TEST_PARTS) is full
