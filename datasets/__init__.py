"""CIFAR-10 for the exercise: get it once, then load the exercise's split.

    python -m datasets get                      # = make data: official archive, md5-checked
    python -m datasets get --from PATH          # = make data FROM=PATH: ImageFolder folder/.tar.gz
    python -m datasets info                     # where the data is, its source and counts

    from datasets import load_cifar10, load_raw
    data = load_cifar10()   # X_train (49000, 3072), X_val (1000, 3072), X_test (10000, 3072), ...

Both sources end up in one git-ignored file, ``<data_dir>/cifar10/cifar10.npz`` (``data_dir`` =
``$HLCV_DATA_DIR`` or ``<repo root>/data``). Modules: ``paths`` (where), ``download`` (HTTP +
md5), ``official`` (pickled batches), ``imagefolder`` (PNG/JPEG tree), ``store`` (the npz),
``cifar10`` (loaders), ``acquire`` (``get``), ``cli`` (command line).

This folder is named like the HuggingFace ``datasets`` package. The project's entry points run
with the repository root first on ``sys.path`` (``python -m`` / ``python -c`` from the root, pytest
with ``pythonpath = ["."]``), so this package wins; ``tests/datasets/test_shadowing.py`` checks it.
``HLCV_LOCAL_DATASETS`` lets code confirm it got this package and not the other one.
"""

from .acquire import get
from .cifar10 import CLASSES, load_cifar10, load_raw
from .errors import (
    ChecksumError,
    DataFormatError,
    DataNotFoundError,
    DatasetError,
    DownloadError,
    SourceNotFoundError,
)
from .official import OFFICIAL_MD5, OFFICIAL_URL
from .paths import cifar10_dir, data_dir, npz_path, repo_root, source_path
from .store import read_source

HLCV_LOCAL_DATASETS = True

__all__ = [
    "HLCV_LOCAL_DATASETS",
    "CLASSES",
    "OFFICIAL_MD5",
    "OFFICIAL_URL",
    "ChecksumError",
    "DataFormatError",
    "DataNotFoundError",
    "DatasetError",
    "DownloadError",
    "SourceNotFoundError",
    "cifar10_dir",
    "data_dir",
    "get",
    "load_cifar10",
    "load_raw",
    "npz_path",
    "read_source",
    "repo_root",
    "source_path",
]
