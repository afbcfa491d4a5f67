"""The one stored form of CIFAR-10, whatever the source: ``<data_dir>/cifar10/``.

    cifar10.npz   uncompressed ``np.savez``:
                    x_train uint8 (50000, 32, 32, 3)   RGB, channel-last (HWC)
                    y_train int64 (50000,)             labels 0..9 in ``cifar10.CLASSES`` order
                    x_test  uint8 (10000, 32, 32, 3)
                    y_test  int64 (10000,)
    source.json   which source (official / imagefolder), its md5/sha256, counts, order, date

Both files are written atomically (a temporary file in the same folder, then ``os.replace``):
an interrupted import leaves either the old file or the new one, never half a file. Uncompressed
so that ``cifar10.load_cifar10`` can stream rows straight out of the zip member.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Iterator

import numpy as np

from . import paths
from .errors import DataFormatError, DataNotFoundError

KEYS = ("x_train", "y_train", "x_test", "y_test")
IMAGE_SHAPE = (32, 32, 3)
NUM_CLASSES = 10
FORMAT_VERSION = 1
TMP_PREFIX = ".tmp-"


def not_found_message(data_dir: str | os.PathLike | None = None) -> str:
    """What to run when ``cifar10.npz`` is missing (used by the loaders and ``info``)."""
    lines = [
        f"CIFAR-10 has not been fetched yet: {paths.npz_path(data_dir)} does not exist.",
        "Get it (once) from the repository root with one of:",
        "  make data                                          # downloads the official archive (170 MB)",
        "  make data FROM=../shared/data/cifar10-jpeg.tar.gz  # imports the offline copy",
        "(the same as `python -m datasets get` and `python -m datasets get --from PATH`).",
    ]
    if data_dir is None and os.environ.get(paths.ENV_VAR):
        lines.append(f"(${paths.ENV_VAR}={os.environ[paths.ENV_VAR]} chose this folder.)")
    elif data_dir is None:
        lines.append(f"If the data is elsewhere, set ${paths.ENV_VAR} to the folder that holds cifar10/.")
    return "\n".join(lines)


def require_npz(data_dir: str | os.PathLike | None = None) -> Path:
    """Path of the stored file, or ``DataNotFoundError`` naming the command that creates it."""
    path = paths.npz_path(data_dir)
    if not path.is_file():
        raise DataNotFoundError(not_found_message(data_dir))
    return path


def validate(arrays: dict[str, np.ndarray]) -> None:
    """Check the shapes, dtypes and label range described in the module docstring."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
            raise DataFormatError(f"x_{split} is {x.dtype} {x.shape}; expected uint8 (n, 32, 32, 3).")
        if y.dtype != np.int64 or y.shape != (x.shape[0],):
            raise DataFormatError(f"y_{split} is {y.dtype} {y.shape}; expected int64 ({x.shape[0]},).")
        if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
            raise DataFormatError(f"y_{split} holds labels outside 0..9.")


def save(arrays: dict[str, np.ndarray], source: dict, data_dir: str | os.PathLike | None = None) -> Path:
    """Validate and write ``cifar10.npz`` and ``source.json`` atomically; returns the npz path.

    ``source`` is completed with the counts (per split and per class), the date and the format.
    """
    validate(arrays)
    folder = paths.cifar10_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(paths.npz_path(data_dir), lambda f: np.savez(f, **{k: arrays[k] for k in KEYS}))
    info = dict(source)
    info.update(
        counts={s: int(arrays[f"x_{s}"].shape[0]) for s in ("train", "test")},
        per_class={
            s: np.bincount(arrays[f"y_{s}"], minlength=NUM_CLASSES).tolist() for s in ("train", "test")
        },
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        format_version=FORMAT_VERSION,
    )
    text = json.dumps(info, indent=2) + "\n"
    _write_atomic(paths.source_path(data_dir), lambda f: f.write(text.encode()))
    return paths.npz_path(data_dir)


def read_source(data_dir: str | os.PathLike | None = None) -> dict | None:
    """The contents of ``source.json``, or None when it is missing or unreadable."""
    try:
        return json.loads(paths.source_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove_stale_temporaries(data_dir: str | os.PathLike | None = None) -> None:
    """Delete temporary files left by an import that was killed (they are never read)."""
    folder = paths.cifar10_dir(data_dir)
    if folder.is_dir():
        for leftover in folder.glob(TMP_PREFIX + "*"):
            leftover.unlink(missing_ok=True)


def _write_atomic(target: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TMP_PREFIX + target.name + ".")
    try:
        # mkstemp creates the file private (0600); give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the rename makes it visible
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_array(zf: zipfile.ZipFile, key: str, where: Path) -> tuple[IO[bytes], tuple, np.dtype]:
    """Open member ``<key>.npy`` of the npz for streaming: (file positioned at the data, shape,
    dtype). Lets the loader convert images chunk by chunk without holding the uint8 copy."""
    try:
        f = zf.open(f"{key}.npy")
    except KeyError:
        raise DataFormatError(
            f"{where} has no array '{key}': it was not written by `python -m datasets get`. "
            f"Rebuild it with `make data` (add --force to `python -m datasets get`)."
        ) from None
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(f)
    else:
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(f)
    if fortran_order or dtype.hasobject:
        raise DataFormatError(f"{where}: '{key}' is stored in an unexpected layout; rebuild the file.")
    return f, shape, dtype


def iter_rows(f: IO[bytes], row_shape: tuple, dtype: np.dtype, count: int, chunk: int = 1024) -> Iterator[np.ndarray]:
    """Yield ``count`` rows from an opened member in blocks of up to ``chunk`` rows (read-only)."""
    row_bytes = int(np.prod(row_shape)) * dtype.itemsize
    done = 0
    while done < count:
        n = min(chunk, count - done)
        raw = f.read(n * row_bytes)
        if len(raw) != n * row_bytes:
            raise DataFormatError("the stored file is truncated; rebuild it with `make data`.")
        yield np.frombuffer(raw, dtype=dtype).reshape((n,) + tuple(row_shape))
        done += n
