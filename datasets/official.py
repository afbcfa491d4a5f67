"""The official CIFAR-10 "python version": download it and read its pickled batches.

The archive ``cifar-10-python.tar.gz`` holds ``cifar-10-batches-py/`` with ``data_batch_1`` ..
``data_batch_5`` (training, 10,000 images each) and ``test_batch`` (10,000 images). Each is a
pickled dict with bytes keys (it was written by Python 2):

    b"data"    uint8 array (10000, 3072): per row the 1024 red, then 1024 green, then 1024 blue
               values of a 32x32 image, row-major (channel-first, "CHW")
    b"labels"  list of 10000 ints in 0..9 (CIFAR-10 label order, see ``cifar10.CLASSES``)

The images keep the official order: batches 1..5 then the test batch.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
from pathlib import Path
from typing import TextIO

import numpy as np

from .download import download, file_hashes
from .errors import ChecksumError, DataFormatError

OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
OFFICIAL_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
BATCH_FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"


def fetch_official(
    dest_dir: str | os.PathLike,
    *,
    url: str = OFFICIAL_URL,
    md5: str = OFFICIAL_MD5,
    stream: TextIO | None = None,
) -> tuple[dict[str, np.ndarray], dict, Path]:
    """Download (or reuse a verified earlier download) and read the official archive.

    Returns ``(arrays, source_info, archive_path)``; ``arrays`` as in ``read_official_archive``.
    ``url`` and ``md5`` are parameters so that tests can serve a small archive of their own.
    """
    archive = Path(dest_dir) / ARCHIVE_NAME
    hashes = file_hashes(archive) if archive.exists() else None
    if hashes is not None and hashes["md5"] != md5.lower():
        # A leftover that does not match (e.g. a different file copied there): fetch it again.
        archive.unlink()
        hashes = None
    if hashes is None:
        hashes = download(url, archive, md5, stream=stream)
    arrays = read_official_archive(archive, md5)
    info = {
        "source": "official",
        "origin": url,
        "md5": hashes["md5"],
        "sha256": hashes["sha256"],
        "order": "official: data_batch_1..5, then test_batch",
    }
    return arrays, info, archive


def read_official_archive(path: str | os.PathLike, expected_md5: str) -> dict[str, np.ndarray]:
    """Read the official batches from the archive at ``path``.

    Returns x_train uint8 (50000, 32, 32, 3), y_train int64 (50000,), x_test uint8 (10000, 32, 32,
    3), y_test int64 (10000,) for the official archive (fewer rows for a small test archive).

    Safety: unpickling can run arbitrary code, so pickle is only ever loaded from an archive whose
    md5 matched ``expected_md5``; the check is done here, right before reading, on the very file
    that is then opened. With the default md5 this pins the bytes to the published archive.
    """
    path = Path(path)
    actual = file_hashes(path)["md5"]
    if actual != expected_md5.lower():
        raise ChecksumError(
            f"{path} has md5 {actual}, expected {expected_md5.lower()}: it is not the official "
            f"CIFAR-10 archive (or it is damaged), so its pickled batches are not loaded.\n"
            f"Delete it and run `make data` again."
        )
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = {m.name.removeprefix("./"): m for m in tar.getmembers() if m.isfile()}
            train = [_read_batch(tar, members, name, path) for name in TRAIN_BATCHES]
            test = _read_batch(tar, members, TEST_BATCH, path)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise DataFormatError(f"Could not read the archive {path}: {err}") from err
    return {
        "x_train": np.concatenate([x for x, _ in train]),
        "y_train": np.concatenate([y for _, y in train]),
        "x_test": test[0],
        "y_test": test[1],
    }


def _read_batch(
    tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str, archive: Path
) -> tuple[np.ndarray, np.ndarray]:
    """One batch as (images uint8 (n, 32, 32, 3) in HWC order, labels int64 (n,))."""
    member_name = f"{BATCH_FOLDER}/{name}"
    member = members.get(member_name)
    if member is None:
        raise DataFormatError(f"{archive} has no {member_name}; it is not the CIFAR-10 python archive.")
    raw = tar.extractfile(member).read()
    # Safe to unpickle: the caller verified the archive's md5 (see read_official_archive).
    # encoding="bytes" keeps the Python 2 str keys as bytes (b"data", b"labels").
    batch = pickle.load(io.BytesIO(raw), encoding="bytes")
    where = f"{member_name} in {archive}"
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise DataFormatError(f"{where} is not a dict with b'data' and b'labels'.")
    data = np.asarray(batch[b"data"])
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise DataFormatError(f"{where}: b'data' is {data.dtype} {data.shape}, expected uint8 (n, 3072).")
    if labels.shape != (data.shape[0],) or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise DataFormatError(f"{where}: b'labels' must hold {data.shape[0]} ints in 0..9.")
    # Rows are channel-first (3, 32, 32); the project stores channel-last (32, 32, 3).
    images = np.ascontiguousarray(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return images, labels
