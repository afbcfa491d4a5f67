"""The trainings convert uint8 images a batch at a time (no float copy of the whole set), with the
same numbers as converting everything first: the loaders of the PyTorch half against torchvision's
ToTensor + Normalize, and FeatureRows (the numpy half) against features()."""

from __future__ import annotations

import numpy as np
import pytest

from datasets.cifar10 import FeatureRows, features, mean_image


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).integers(0, 256, (300, 32, 32, 3), dtype=np.uint8)


def test_loader_batches_equal_torchvisions_transform(images):
    """Is every batch of make_loader (shuffled, a short last batch) exactly torchvision's ToTensor
    + Normalize of its images, one by one?"""
    pytest.importorskip("torchvision", reason="the comparison needs torchvision's transforms")
    import torch

    from datasets.torch_data import build_transform, make_loader

    transform = build_transform()
    labels = np.arange(len(images))          # unique: each label names its image
    sizes = []
    for batch, batch_labels in make_loader(images, labels, batch_size=64, shuffle=True, seed=3):
        expected = torch.stack([transform(images[i]) for i in batch_labels.tolist()])
        assert batch.dtype == torch.float32 and torch.equal(batch, expected)
        sizes.append(len(batch))
    assert sum(sizes) == len(images) and sizes[-1] == len(images) % 64
    dataset = make_loader(images, labels, batch_size=64, shuffle=False).dataset
    assert torch.equal(dataset[42][0], transform(images[42])) and int(dataset[42][1]) == 42


def test_loader_keeps_the_memory_map(images, tmp_path):
    """Does the loader keep memory-mapped images as they are (no copy of the whole set)?"""
    pytest.importorskip("torch")
    from datasets.torch_data import make_loader

    np.save(tmp_path / "x.npy", images)
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    loader = make_loader(mapped, np.zeros(len(images)), batch_size=50, shuffle=True)
    assert loader.dataset.images is mapped


def test_feature_rows_give_the_rows_of_features(images):
    """Does FeatureRows give, for a minibatch, a slice, a row and a product, exactly what the
    full features() array gives, and the whole array for any other numpy use?"""
    mean = mean_image(images)
    full, rows = features(images, mean), FeatureRows(images, mean)
    index = np.random.default_rng(2).integers(0, len(images), 40)
    assert rows.shape == full.shape and rows.dtype == full.dtype and len(rows) == len(full)
    assert np.array_equal(rows[index], full[index]) and np.array_equal(rows[index, :], full[index, :])
    assert np.array_equal(rows[10:20], full[10:20]) and np.array_equal(rows[-1], full[-1])
    assert np.array_equal(rows.take(index, axis=0), full[index])
    W = np.random.default_rng(3).standard_normal((full.shape[1], 7)).astype(np.float32)
    assert np.allclose(rows.dot(W), full @ W, rtol=1e-5, atol=1e-4) and (rows @ W).shape == (len(full), 7)
    assert np.array_equal(np.asarray(rows), full) and np.array_equal(rows.mean(axis=0), full.mean(axis=0))
