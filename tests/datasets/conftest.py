"""Shared fixtures for the datasets tests: small sources written by the tests themselves (an
official-format archive, ImageFolder trees), a real local HTTP server, and the real data."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

import datasets
from cifar_helpers import BATCHES, LocalServer, md5_of, official_batch_bytes, write_image, write_tar

REPO = datasets.repo_root()
# The course's offline copy of CIFAR-10 (an ImageFolder tree as JPEG) beside the repository; CI
# imports it where the official download cannot be fetched.
OFFLINE_ARCHIVE = (REPO / ".." / "shared" / "data" / "cifar10-jpeg.tar.gz").resolve()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """No test may read or write the repository's data/: the default data dir points to tmp."""
    folder = tmp_path / "default-data"
    monkeypatch.setenv("HLCV_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def official_archive(tmp_path):
    """A small cifar-10-python.tar.gz (3 images per batch) and the arrays it must give."""
    rng = np.random.default_rng(123)
    per_batch = 3
    files, xs, ys = {}, {}, {}
    for name in BATCHES:
        xs[name] = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        ys[name] = rng.integers(0, 10, per_batch)
        files[f"cifar-10-batches-py/{name}"] = official_batch_bytes(xs[name], ys[name], name)
    meta = {b"label_names": [c.encode() for c in datasets.CLASSES], b"num_cases_per_batch": per_batch}
    files["cifar-10-batches-py/batches.meta"] = pickle.dumps(meta, protocol=2)
    files["cifar-10-batches-py/readme.html"] = b"<html>test archive</html>"
    (tmp_path / "served").mkdir()
    path = write_tar(tmp_path / "served" / "cifar-10-python.tar.gz", files)
    train = BATCHES[:5]
    return {
        "path": path,
        "md5": md5_of(path),
        "x_train": np.concatenate([xs[b] for b in train]),
        "y_train": np.concatenate([ys[b] for b in train]).astype(np.int64),
        "x_test": xs["test_batch"],
        "y_test": ys["test_batch"].astype(np.int64),
    }


@pytest.fixture
def http_server():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def image_tree(tmp_path):
    """A tree with all 10 classes: per class 2 training images (a random PNG, a flat-colour JPEG)
    and 1 test image (alternately PNG and JPEG), plus clutter that must be ignored.

    Returns (root, expected) where expected[path inside tree] = (label, pixels, exact) and
    ``exact`` is False for JPEGs (lossy: compared within a tolerance)."""
    root = tmp_path / "tree"
    rng = np.random.default_rng(7)
    expected = {}
    for label, cls in enumerate(datasets.CLASSES):
        rand = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
        flat = np.empty((32, 32, 3), np.uint8)
        flat[:] = rng.integers(20, 236, 3, dtype=np.uint8)
        items = [(f"train/{cls}/{cls}_a.png", rand, True), (f"train/{cls}/{cls}_b.jpg", flat, False)]
        test_pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
        if label % 2:
            test_pixels[:] = test_pixels[0, 0]
            items.append((f"test/{cls}/{cls}_t.jpeg", test_pixels, False))
        else:
            items.append((f"test/{cls}/{cls}_t.png", test_pixels, True))
        for rel, pixels, exact in items:
            write_image(root / rel, pixels)
            expected[rel] = (label, pixels, exact)
    (root / "README.txt").write_text("not part of the data")
    (root / "train" / "cat" / ".DS_Store").write_bytes(b"\0junk")
    (root / "train" / "dog" / "Thumbs.db").write_bytes(b"\0junk")
    return root, expected



# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="session")
def real_cifar_dir(tmp_path_factory):
    """A data dir holding the real CIFAR-10, imported once per session from the offline archive."""
    archive = OFFLINE_ARCHIVE
    if not archive.is_file():
        pytest.skip(f"the offline archive {archive} is absent, so the real-data checks cannot run here")
    folder = tmp_path_factory.mktemp("real-cifar")
    datasets.get(archive, folder, stream=io.StringIO())
    return folder
