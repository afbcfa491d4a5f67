"""The loaders and the stored file, on a small synthetic npz written by the real store."""

from __future__ import annotations

import numpy as np
import pytest

import datasets
from datasets import paths, store
from datasets.errors import DataFormatError, DataNotFoundError

N_TRAIN, N_TEST = 60, 20


@pytest.fixture
def stored(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (N_TRAIN, 32, 32, 3), dtype=np.uint8),
        "y_train": np.arange(N_TRAIN, dtype=np.int64) % 10,
        "x_test": rng.integers(0, 256, (N_TEST, 32, 32, 3), dtype=np.uint8),
        "y_test": (np.arange(N_TEST, dtype=np.int64) * 3) % 10,
    }
    data_dir = tmp_path / "data"
    store.save(arrays, {"source": "test"}, data_dir)
    return data_dir, arrays


def test_load_raw_round_trip(stored):
    data_dir, arrays = stored
    raw = datasets.load_raw(data_dir)
    assert set(raw) == {"x_train", "y_train", "x_test", "y_test"}
    for key in raw:
        np.testing.assert_array_equal(raw[key], arrays[key])
        assert raw[key].dtype == arrays[key].dtype
    source = datasets.read_source(data_dir)
    assert source["counts"] == {"train": N_TRAIN, "test": N_TEST}
    assert source["per_class"]["train"] == [6] * 10 and source["format_version"] == 1


def test_split_sizes_and_hwc_flattening(stored):
    data_dir, arrays = stored
    data = datasets.load_cifar10(data_dir, num_training=45, num_validation=10, num_test=15, subtract_mean=False)
    assert data["X_train"].shape == (45, 3072) and data["X_val"].shape == (10, 3072)
    assert data["X_test"].shape == (15, 3072) and data["mean_image"].shape == (3072,)
    for key in ("X_train", "X_val", "X_test", "mean_image"):
        assert data[key].dtype == np.float32, key
    for key in ("y_train", "y_val", "y_test"):
        assert data[key].dtype == np.int64, key
    # The validation images are the training images right after the first num_training.
    np.testing.assert_array_equal(data["X_val"], arrays["x_train"][45:55].reshape(10, -1))
    np.testing.assert_array_equal(data["y_val"], arrays["y_train"][45:55])
    np.testing.assert_array_equal(data["X_test"], arrays["x_test"][:15].reshape(15, -1))
    # A known pixel: image 7, row 2, column 5, green sits at (2 * 32 + 5) * 3 + 1 (HWC order).
    assert data["X_train"][7, (2 * 32 + 5) * 3 + 1] == arrays["x_train"][7, 2, 5, 1]
    assert data["X_train"][7, 1] == arrays["x_train"][7, 0, 0, 1]  # not channel-first (CHW)


def test_mean_subtraction(stored):
    data_dir, arrays = stored
    data = datasets.load_cifar10(data_dir, num_training=50, num_validation=10, num_test=20)
    mean = arrays["x_train"][:50].reshape(50, -1).mean(axis=0)
    np.testing.assert_allclose(data["mean_image"], mean, rtol=1e-6)
    np.testing.assert_allclose(data["X_train"].mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(data["X_train"] + data["mean_image"], arrays["x_train"][:50].reshape(50, -1), atol=1e-4)
    np.testing.assert_allclose(data["X_val"] + data["mean_image"], arrays["x_train"][50:60].reshape(10, -1), atol=1e-4)
    np.testing.assert_allclose(data["X_test"] + data["mean_image"], arrays["x_test"].reshape(20, -1), atol=1e-4)


def test_dtype_and_empty_parts(stored):
    data_dir, arrays = stored
    data = datasets.load_cifar10(data_dir, num_training=60, num_validation=0, num_test=0, dtype=np.float64)
    assert data["X_train"].dtype == np.float64 and data["X_val"].shape == (0, 3072)
    assert data["X_test"].shape == (0, 3072) and data["y_val"].shape == (0,)
    with pytest.raises(ValueError, match="floating dtype"):
        datasets.load_cifar10(data_dir, num_training=10, dtype=np.uint8)
    raw = datasets.load_cifar10(data_dir, num_training=10, num_validation=5, num_test=5, dtype=np.uint8, subtract_mean=False)
    np.testing.assert_array_equal(raw["X_val"], arrays["x_train"][10:15].reshape(5, -1))


def test_asking_for_more_images_than_stored(stored):
    data_dir, _ = stored
    with pytest.raises(ValueError, match="Asked for 61 train images but .* holds 60"):
        datasets.load_cifar10(data_dir, num_training=51, num_validation=10, num_test=1)
    with pytest.raises(ValueError, match="holds 20"):
        datasets.load_cifar10(data_dir, num_training=1, num_validation=1, num_test=21)


@pytest.mark.parametrize("loader", [datasets.load_raw, datasets.load_cifar10])
def test_missing_data_names_the_command(loader, tmp_path, _private_data_dir):
    with pytest.raises(DataNotFoundError) as err:
        loader(tmp_path / "empty")
    assert isinstance(err.value, FileNotFoundError)
    message = str(err.value)
    assert "make data" in message and "make data FROM=../shared/data/cifar10-jpeg.tar.gz" in message
    assert str(tmp_path / "empty" / "cifar10" / "cifar10.npz") in message
    with pytest.raises(DataNotFoundError, match="HLCV_DATA_DIR"):  # default dir from the environment
        loader()


def test_data_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("HLCV_DATA_DIR", str(tmp_path / "env"))
    assert datasets.data_dir() == tmp_path / "env"
    assert datasets.data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert datasets.npz_path() == tmp_path / "env" / "cifar10" / "cifar10.npz"
    assert datasets.source_path() == tmp_path / "env" / "cifar10" / "source.json"
    monkeypatch.delenv("HLCV_DATA_DIR")
    assert datasets.data_dir() == datasets.repo_root() / "data"
    assert (datasets.repo_root() / "datasets" / "__init__.py").is_file()
    monkeypatch.setenv("HLCV_DATA_DIR", "")  # empty counts as unset
    assert datasets.data_dir() == datasets.repo_root() / "data"


def test_damaged_or_foreign_files(tmp_path):
    data_dir = tmp_path / "data"
    target = paths.npz_path(data_dir)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"garbage, not a zip")
    for loader in (datasets.load_raw, datasets.load_cifar10):
        with pytest.raises(DataFormatError, match="--force"):
            loader(data_dir)
    np.savez(target, x_train=np.zeros((2, 32, 32, 3), np.uint8))
    for loader in (datasets.load_raw, datasets.load_cifar10):
        with pytest.raises(DataFormatError, match="not written by `python -m datasets get`"):
            loader(data_dir)


def test_store_refuses_wrong_arrays(stored, tmp_path):
    _, arrays = stored
    for key, bad in [
        ("y_train", arrays["y_train"].astype(np.int32)),
        ("x_test", arrays["x_test"].astype(np.float32)),
        ("x_train", arrays["x_train"][:, :16]),
        ("y_test", arrays["y_test"] + 10),
        ("y_train", arrays["y_train"][:-1]),
    ]:
        with pytest.raises(DataFormatError, match=key):
            store.save({**arrays, key: bad}, {"source": "test"}, tmp_path / "other")
    assert not paths.npz_path(tmp_path / "other").exists()


def test_writes_leave_no_temporary_files(stored):
    data_dir, arrays = stored
    store.save(arrays, {"source": "again"}, data_dir)  # overwrite in place
    assert sorted(p.name for p in paths.cifar10_dir(data_dir).iterdir()) == ["cifar10.npz", "source.json"]
    assert datasets.read_source(data_dir)["source"] == "again"
