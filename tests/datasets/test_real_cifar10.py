"""Checks on the real CIFAR-10, imported once per session from the offline archive
(``../shared/data/cifar10-jpeg.tar.gz``); skipped with a reason where that archive is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import datasets

pytestmark = pytest.mark.cifar
REPO = Path(__file__).resolve().parents[2]
# sha256 of the offline archive, from /work/shared/data/README.md.
OFFLINE_SHA256 = "0bfcb68717a0ecb0d51ed61034906a773d48d424d94b766a46d7d1c55702a4d9"


@pytest.fixture(scope="module")
def raw(real_cifar_dir):
    return datasets.load_raw(real_cifar_dir)


def test_counts_per_split_and_class(raw, real_cifar_dir):
    assert raw["x_train"].shape == (50000, 32, 32, 3) and raw["x_test"].shape == (10000, 32, 32, 3)
    assert raw["x_train"].dtype == np.uint8 and raw["y_train"].dtype == np.int64
    assert np.bincount(raw["y_train"], minlength=10).tolist() == [5000] * 10
    assert np.bincount(raw["y_test"], minlength=10).tolist() == [1000] * 10
    source = datasets.read_source(real_cifar_dir)
    assert source["sha256"] == OFFLINE_SHA256 and source["counts"] == {"train": 50000, "test": 10000}


def test_order_is_the_documented_one(raw):
    """Pins the order (sorted by path, shuffled with the fixed seed): changing it would change
    every student's validation set."""
    assert raw["y_train"][:12].tolist() == [5, 1, 2, 5, 1, 8, 5, 4, 0, 9, 6, 2]
    assert raw["y_train"][49000:49012].tolist() == [9, 4, 2, 7, 5, 2, 2, 7, 3, 2, 4, 1]
    assert raw["y_test"][:12].tolist() == [6, 9, 2, 4, 7, 4, 3, 3, 8, 5, 4, 5]


def test_validation_split_is_class_balanced(raw):
    counts = np.bincount(raw["y_train"][49000:], minlength=10)
    assert counts.sum() == 1000 and counts.min() >= 60 and counts.max() <= 140, counts


def test_class_mean_images_differ(raw):
    means = np.stack([raw["x_train"][raw["y_train"] == c].mean(axis=0, dtype=np.float64) for c in range(10)])
    gaps = np.abs(means[:, None] - means[None]).mean(axis=(2, 3, 4))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 2.0, gaps  # distinct classes, not one class copied under ten names
    # Channel order is RGB: ships and airplanes are bluer than they are red on average.
    for cls in ("airplane", "ship"):
        mean = means[datasets.CLASSES.index(cls)]
        assert mean[..., 2].mean() > mean[..., 0].mean(), cls


def test_load_cifar10_defaults(real_cifar_dir, raw):
    data = datasets.load_cifar10(real_cifar_dir)
    shapes = {k: v.shape for k, v in data.items()}
    assert shapes == {
        "X_train": (49000, 3072), "y_train": (49000,), "X_val": (1000, 3072), "y_val": (1000,),
        "X_test": (10000, 3072), "y_test": (10000,), "mean_image": (3072,),
    }
    assert data["X_train"].dtype == np.float32 and data["mean_image"].dtype == np.float32
    np.testing.assert_array_equal(data["y_val"], raw["y_train"][49000:])
    np.testing.assert_allclose(data["X_train"].mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(data["X_val"][0] + data["mean_image"], raw["x_train"][49000].ravel(), atol=1e-3)


def test_load_cifar10_peak_memory(real_cifar_dir):
    """The float32 outputs are ~737 MB; loading must not hold a second copy (peak < 1 GB)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc/self/status (Linux only)")
    # VmHWM: the peak resident size of this process image. (ru_maxrss would not do: after
    # fork/vfork + exec it still counts the parent's, here the whole pytest process.)
    code = (
        "import datasets; "
        f"datasets.load_cifar10({str(real_cifar_dir)!r}); "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    peak = int(done.stdout) * 1024  # kB
    assert peak < 1e9, f"peak {peak / 1e6:.0f} MB"


def test_split_files_hold_the_exercise_split(raw, real_cifar_dir, tmp_path):
    """Does write_split (the grader's memory-mapped copy, streamed from the file) hold exactly the
    exercise's split and the training mean image?"""
    from datasets.cifar10 import NUM_TRAINING, mean_image, write_split

    split = {k: np.load(path, mmap_mode="r") for k, path in write_split(tmp_path, real_cifar_dir).items()}
    end = NUM_TRAINING + 1000
    expected = {"x_train": raw["x_train"][:NUM_TRAINING], "y_train": raw["y_train"][:NUM_TRAINING],
                "x_val": raw["x_train"][NUM_TRAINING:end], "y_val": raw["y_train"][NUM_TRAINING:end],
                "x_test": raw["x_test"], "y_test": raw["y_test"],
                "mean_image": mean_image(raw["x_train"][:NUM_TRAINING])}
    for key, array in expected.items():
        assert split[key].dtype == array.dtype and np.array_equal(split[key], array), key
