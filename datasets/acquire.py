"""``get``: put CIFAR-10 into ``<data_dir>/cifar10/`` from the official archive or an ImageFolder.

Whatever the source, the result is the one stored form of ``store.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

from . import official, paths, store


def get(
    source: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    force: bool = False,
    url: str = official.OFFICIAL_URL,
    md5: str = official.OFFICIAL_MD5,
    workers: int | None = None,
    stream: TextIO | None = None,
) -> Path:
    """Fetch CIFAR-10 and store it; returns the path of ``cifar10.npz``.

    source:   None downloads the official archive from ``url`` (checked against ``md5``); a
              folder or .tar/.tar.gz path imports an ImageFolder tree (see ``imagefolder.py``).
    data_dir: see ``paths.data_dir`` (default ``$HLCV_DATA_DIR`` or ``<repo root>/data``).
    force:    replace data that is already there; without it an existing file is kept.
    workers:  image-decoding processes for an ImageFolder import (default: all CPUs).
    stream:   where messages and the progress bar go (default stderr).
    """
    stream = sys.stderr if stream is None else stream
    target = paths.npz_path(data_dir)
    if target.is_file() and not force:
        found = store.read_source(data_dir) or {}
        origin = f"{found.get('source', 'unknown source')}: {found.get('origin', '?')}"
        stream.write(
            f"CIFAR-10 is already at {target} ({origin}). Nothing to do; "
            f"add --force to replace it.\n"
        )
        return target
    store.remove_stale_temporaries(data_dir)
    start = time.monotonic()
    archive = None
    if source is None:
        stream.write(f"Getting the official CIFAR-10 archive from {url}\n")
        arrays, info, archive = official.fetch_official(
            paths.cifar10_dir(data_dir), url=url, md5=md5, stream=stream
        )
    else:
        from .imagefolder import read_imagefolder  # needs Pillow; loading the data does not

        stream.write(f"Importing the ImageFolder tree {source}\n")
        arrays, info = read_imagefolder(source, workers=workers, stream=stream)
    path = store.save(arrays, info, data_dir)
    if archive is not None:
        # The npz is now the one stored form; the 163 MB download is not needed any more.
        archive.unlink(missing_ok=True)
    n_train, n_test = len(arrays["y_train"]), len(arrays["y_test"])
    stream.write(
        f"Wrote {path}: {n_train:,} training and {n_test:,} test images "
        f"in {time.monotonic() - start:.1f} s.\n"
    )
    stream.flush()
    return path
