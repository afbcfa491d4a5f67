"""Command line: ``python -m datasets get [--from PATH] [--data-dir DIR] [--force]`` and
``python -m datasets info [--data-dir DIR]``. ``make data`` calls ``get``."""

from __future__ import annotations

import argparse
import sys
import zipfile

from . import official, paths, store
from .errors import DataFormatError, DatasetError


def build_parser() -> argparse.ArgumentParser:
    data_dir_help = (
        f"folder that holds cifar10/ (default: ${paths.ENV_VAR} if set, else <repo root>/data; "
        f"now {paths.data_dir()})"
    )
    parser = argparse.ArgumentParser(
        prog="python -m datasets",
        description="Get CIFAR-10 for the exercise, and show where it is.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{get,info}")
    get = commands.add_parser(
        "get",
        help="download (or import) CIFAR-10 into <data dir>/cifar10/cifar10.npz",
        description="Download the official CIFAR-10 python archive (md5-checked), or import an "
        "ImageFolder copy with --from, into <data dir>/cifar10/cifar10.npz.",
    )
    get.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        default=None,
        help="folder or .tar.gz archive holding train|test/<class>/*.png|jpg to import instead "
        f"of downloading (default: none, i.e. download {official.OFFICIAL_URL})",
    )
    get.add_argument("--data-dir", metavar="DIR", default=None, help=data_dir_help)
    get.add_argument(
        "--force",
        action="store_true",
        help="replace data that is already there (default: off, existing data is kept)",
    )
    info = commands.add_parser(
        "info",
        help="show where the data is, its source and counts (exit 1 when absent)",
        description="Show where the data is, its source and counts; exit 1 when it is absent.",
    )
    info.add_argument("--data-dir", metavar="DIR", default=None, help=data_dir_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "get":
            from .acquire import get

            get(args.source, args.data_dir, force=args.force)
            return 0
        return show_info(args.data_dir)
    except DatasetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; the stored data (if any) was left as it was.", file=sys.stderr)
        return 130


def show_info(data_dir: str | None = None) -> int:
    """Print the stored file's location, source and counts; 1 (with the how-to) when absent."""
    path = paths.npz_path(data_dir)
    if not path.is_file():
        print(store.not_found_message(data_dir), file=sys.stderr)
        return 1
    counts = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for split in ("train", "test"):
                f, shape, _ = store.open_array(zf, f"x_{split}", path)
                f.close()
                counts[split] = shape[0]
    except (zipfile.BadZipFile, ValueError) as err:
        if isinstance(err, DatasetError):
            raise
        raise DataFormatError(
            f"{path} is damaged ({err}). Rebuild it with `python -m datasets get --force`."
        ) from err
    source = store.read_source(data_dir) or {}
    print(f"data:        {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"source:      {source.get('source', 'unknown (source.json missing)')}"
          + (f" {source['kind']}" if "kind" in source else "")
          + (f" {source['origin']}" if "origin" in source else ""))
    if "known_as" in source:
        print(f"             {source['known_as']}")
    for key in ("md5", "sha256", "tree_sha256", "order", "created"):
        if key in source:
            print(f"{key + ':':<13}{source[key]}")
    per_class = source.get("per_class", {})
    for split in ("train", "test"):
        line = f"{split + ':':<13}{counts[split]:,} images"
        classes = per_class.get(split)
        if classes:
            same = len(set(classes)) == 1
            line += f" ({classes[0]:,} per class)" if same else f" (per class {classes})"
        print(line)
    return 0
