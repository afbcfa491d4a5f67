"""Where the data lives: one git-ignored folder, ``<data_dir>/cifar10/``.

    <data_dir>/cifar10/cifar10.npz    the arrays (see ``store.py``)
    <data_dir>/cifar10/source.json    where they came from (source, hashes, counts, date)

``data_dir`` is ``$HLCV_DATA_DIR`` when set (and not empty), else ``<repo root>/data``, where the
repo root is the folder that holds this ``datasets/`` package.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "HLCV_DATA_DIR"
NPZ_NAME = "cifar10.npz"
SOURCE_NAME = "source.json"


def repo_root() -> Path:
    """The repository root: the parent of the ``datasets/`` package folder."""
    return Path(__file__).resolve().parent.parent


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: ``override`` if given, else ``$HLCV_DATA_DIR``, else ``<repo root>/data``.

    A relative path is taken relative to the current working directory.
    """
    if override is not None and str(override) != "":
        chosen = Path(override)
    elif os.environ.get(ENV_VAR):
        chosen = Path(os.environ[ENV_VAR])
    else:
        chosen = repo_root() / "data"
    return chosen.expanduser().absolute()


def cifar10_dir(override: str | os.PathLike | None = None) -> Path:
    """``<data_dir>/cifar10``: the one folder this package writes to."""
    return data_dir(override) / "cifar10"


def npz_path(override: str | os.PathLike | None = None) -> Path:
    """``<data_dir>/cifar10/cifar10.npz``."""
    return cifar10_dir(override) / NPZ_NAME


def source_path(override: str | os.PathLike | None = None) -> Path:
    """``<data_dir>/cifar10/source.json``."""
    return cifar10_dir(override) / SOURCE_NAME
