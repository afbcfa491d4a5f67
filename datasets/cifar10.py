"""Load the stored CIFAR-10 (``<data_dir>/cifar10/cifar10.npz``, see ``store.py``).

``load_raw`` gives the uint8 images; ``load_cifar10`` gives the exercise's split, flattened and
mean-subtracted, in the shape the two-layer net expects.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from . import store
from .errors import DataFormatError

CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
IMAGE_SHAPE = store.IMAGE_SHAPE  # (32, 32, 3): height, width, RGB channels
NUM_FEATURES = int(np.prod(IMAGE_SHAPE))  # 3072
NUM_TRAINING, NUM_VALIDATION = 49_000, 1_000  # the exercise's split of the 50,000 training images
# Per-channel mean and standard deviation of the CIFAR-10 training images on the [0, 1] scale: the
# normalisation of the PyTorch half (torchvision's Normalize after ToTensor).
CHANNEL_MEAN = (0.4914, 0.4822, 0.4465)
CHANNEL_STD = (0.2470, 0.2435, 0.2616)


def mean_image(x_train: np.ndarray, dtype=np.float32) -> np.ndarray:
    """The mean image (3072,) of uint8 images (N, 32, 32, 3), accumulated in float64 (as
    ``load_cifar10`` computes it), returned as ``dtype``."""
    return x_train.reshape(len(x_train), -1).mean(axis=0, dtype=np.float64).astype(dtype)


def features(images: np.ndarray, mean: np.ndarray, block: int = 4096) -> np.ndarray:
    """uint8 images (N, 32, 32, 3) flattened (HWC order) to (N, 3072) of mean's dtype, minus
    ``mean``: the same numbers ``load_cifar10`` gives, filled block by block (no float64 copy)."""
    out = np.empty((len(images), NUM_FEATURES), mean.dtype)
    flat = images.reshape(len(images), -1)
    for start in range(0, len(images), block):
        out[start:start + block] = flat[start:start + block]
    out -= mean
    return out


class FeatureRows:
    """uint8 images (N, 32, 32, 3) seen as the (N, 3072) rows ``features`` gives, converted only
    when rows are taken, so a training holds its minibatch as floats, never the whole set
    (49,000 rows are 602 MB as float32, the uint8 images 147 MB and memory-mapped).

    ``X[idx]``, ``X[a:b]``, ``X[idx, :]``, ``X.take(idx, axis=0)``, ``X.dot(W)``, ``X @ W``, ``len(X)``,
    ``X.shape``, ``X.dtype`` and iteration work row by row, with the same numbers ``features`` gives.
    Anything else (``np.asarray(X)``, ``X.mean(0)``, ``X.T``...) builds the whole array once and
    keeps it, so any numpy use works, at the memory cost of a full copy.
    """

    def __init__(self, images: np.ndarray, mean: np.ndarray, block: int = 4096):
        self._flat = images.reshape(len(images), -1)            # (N, 3072) uint8, a view
        self._mean = mean                                        # (3072,)
        self._block = block
        self._whole: np.ndarray | None = None
        self.shape = (len(images), NUM_FEATURES)
        self.dtype, self.ndim, self.size = mean.dtype, 2, len(images) * NUM_FEATURES

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key):
        rows, columns = key if isinstance(key, tuple) and len(key) == 2 else (key, slice(None))
        taken = self._flat[rows].astype(self.dtype) - self._mean  # (B, 3072) or (3072,)
        return taken[..., columns]

    def __iter__(self):
        for start in range(0, len(self), self._block):
            yield from self[start:start + self._block]

    def take(self, indices, axis: int = 0) -> np.ndarray:
        return self[np.asarray(indices)] if axis == 0 else np.asarray(self).take(indices, axis=axis)

    def dot(self, other: np.ndarray) -> np.ndarray:
        """(N, 3072) @ other (3072, ...), a block of rows at a time."""
        return np.concatenate([self[start:start + self._block] @ other
                               for start in range(0, len(self), self._block)])

    __matmul__ = dot

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if self._whole is None:
            self._whole = features(self._flat, self._mean, self._block)
        return self._whole if dtype is None else self._whole.astype(dtype)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(np.asarray(self), name)


def write_split(folder: os.PathLike, data_dir: str | os.PathLike | None = None) -> dict[str, Path]:
    """The exercise's split as uint8 .npy files in ``folder``, streamed from the stored file (never
    all in memory): x_train/y_train (the first 49,000), x_val/y_val (the next 1,000), x_test/y_test,
    and mean_image (3072,) float32 of x_train. Returns {key: path}; read them with mmap_mode="r"."""
    path = store.require_npz(data_dir)
    files = split_files(folder)
    with zipfile.ZipFile(path) as zf:
        labels = _read_whole(zf, "y_train", path)
        end = NUM_TRAINING + NUM_VALIDATION
        np.save(files["y_train"], labels[:NUM_TRAINING])
        np.save(files["y_val"], labels[NUM_TRAINING:end])
        y_test = _read_whole(zf, "y_test", path)
        np.save(files["y_test"], y_test)
        sizes = {"x_train": NUM_TRAINING, "x_val": NUM_VALIDATION, "x_test": len(y_test)}
        for key, parts in (("x_train", ("x_train", "x_val")), ("x_test", ("x_test",))):
            outputs = [np.lib.format.open_memmap(files[p], "w+", np.uint8, (sizes[p], *IMAGE_SHAPE))
                       for p in parts]
            _fill_rows(zf, key, path, [out.reshape(len(out), -1) for out in outputs])
            for out in outputs:
                out.flush()
            del outputs
    np.save(files["mean_image"], mean_image(np.load(files["x_train"], mmap_mode="r")))
    return files


SPLIT_KEYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test", "mean_image")


def split_files(folder: os.PathLike) -> dict[str, Path]:
    """Where write_split puts each array of the split in ``folder``."""
    return {k: Path(folder) / f"cifar_{k}.npy" for k in SPLIT_KEYS}


def load_raw(data_dir: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """All images and labels as stored.

    Returns x_train uint8 (50000, 32, 32, 3), y_train int64 (50000,), x_test uint8 (10000, 32, 32,
    3), y_test int64 (10000,). Images are RGB, channel-last; labels index ``CLASSES``.
    Raises ``DataNotFoundError`` (whose message names the command to run) when absent.
    """
    path = store.require_npz(data_dir)
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in store.KEYS if k not in npz.files]
            if missing:
                raise DataFormatError(
                    f"{path} lacks {', '.join(missing)}: it was not written by `python -m datasets "
                    f"get`. Rebuild it with `python -m datasets get --force` (or `make data`)."
                )
            arrays = {k: npz[k] for k in store.KEYS}
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        if isinstance(err, DataFormatError):
            raise
        raise DataFormatError(
            f"Could not read {path} ({err}); the file is damaged. Rebuild it with "
            f"`python -m datasets get --force` (or delete it and run `make data`)."
        ) from err
    store.validate(arrays)
    return arrays


def load_cifar10(
    data_dir: str | os.PathLike | None = None,
    num_training: int = 49000,
    num_validation: int = 1000,
    num_test: int = 10000,
    dtype=np.float32,
    subtract_mean: bool = True,
) -> dict[str, np.ndarray]:
    """The exercise's split, each image flattened in HWC order (index ``(row * 32 + col) * 3 + c``).

    Returns:
        X_train (num_training, 3072)   training images 0 .. num_training-1
        y_train (num_training,) int64
        X_val   (num_validation, 3072) training images num_training .. num_training+num_validation-1
                                       (by default images 49000-49999)
        y_val   (num_validation,) int64
        X_test  (num_test, 3072)       test images 0 .. num_test-1
        y_test  (num_test,) int64
        mean_image (3072,)             mean of X_train (before subtraction; computed in float64)
    The X arrays and mean_image have ``dtype``. With ``subtract_mean`` (default) mean_image is
    subtracted from X_train, X_val and X_test.

    Memory: the uint8 images are streamed from the file in blocks straight into the ``dtype``
    outputs, so the peak is about the size of the outputs (about 740 MB for float32 defaults).
    """
    dtype = np.dtype(dtype)
    if subtract_mean and not np.issubdtype(dtype, np.floating):
        raise ValueError(f"subtract_mean=True needs a floating dtype, not {dtype}; pass subtract_mean=False.")
    for name, value in (("num_training", num_training), ("num_validation", num_validation), ("num_test", num_test)):
        if int(value) != value or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, not {value!r}.")
    path = store.require_npz(data_dir)
    try:
        with zipfile.ZipFile(path) as zf:
            X_train = np.empty((num_training, NUM_FEATURES), dtype)
            X_val = np.empty((num_validation, NUM_FEATURES), dtype)
            y_train_all = _read_whole(zf, "y_train", path)
            _fill_rows(zf, "x_train", path, [X_train, X_val])
            y_test_all = _read_whole(zf, "y_test", path)
            X_test = np.empty((num_test, NUM_FEATURES), dtype)
            _fill_rows(zf, "x_test", path, [X_test])
    except zipfile.BadZipFile as err:
        raise DataFormatError(
            f"{path} is damaged ({err}). Rebuild it with `python -m datasets get --force`."
        ) from err
    # float64 accumulation: the mean of 49,000 values does not depend on the output dtype.
    mean_image = X_train.mean(axis=0, dtype=np.float64).astype(dtype)
    if subtract_mean:
        # In place: no second (49000, 3072) array.
        X_train -= mean_image
        X_val -= mean_image
        X_test -= mean_image
    return {
        "X_train": X_train,
        "y_train": y_train_all[:num_training].copy(),
        "X_val": X_val,
        "y_val": y_train_all[num_training:num_training + num_validation].copy(),
        "X_test": X_test,
        "y_test": y_test_all[:num_test].copy(),
        "mean_image": mean_image,
    }


def _read_whole(zf: zipfile.ZipFile, key: str, path) -> np.ndarray:
    """A small array (the labels) read completely."""
    f, shape, dtype = store.open_array(zf, key, path)
    count = int(np.prod(shape))
    with f:
        raw = f.read(count * dtype.itemsize)
    if len(raw) != count * dtype.itemsize:
        raise DataFormatError(f"{path}: '{key}' is truncated. Rebuild it with `python -m datasets get --force`.")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _fill_rows(zf: zipfile.ZipFile, key: str, path, outputs: list[np.ndarray]) -> None:
    """Copy the leading rows of image array ``key`` into ``outputs`` one after another,
    converting uint8 (n, 32, 32, 3) to the outputs' dtype and flattening each image (HWC)."""
    f, shape, dtype = store.open_array(zf, key, path)
    wanted = sum(len(out) for out in outputs)
    if tuple(shape[1:]) != IMAGE_SHAPE or dtype != np.uint8:
        raise DataFormatError(f"{path}: '{key}' is {dtype} {shape}; expected uint8 (n, 32, 32, 3).")
    if wanted > shape[0]:
        split = key.removeprefix("x_")
        raise ValueError(
            f"Asked for {wanted} {split} images but {path} holds {shape[0]} "
            f"(lower num_training/num_validation/num_test)."
        )
    targets = iter(outputs)
    out, filled = None, 0
    with f:
        for block in store.iter_rows(f, (NUM_FEATURES,), dtype, wanted):
            while len(block):
                while out is None or filled == len(out):  # next output (skips empty ones)
                    out, filled = next(targets), 0
                take = min(len(block), len(out) - filled)
                out[filled:filled + take] = block[:take]  # uint8 -> dtype, no full-size temporary
                filled += take
                block = block[take:]
