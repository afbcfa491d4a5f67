"""``python -m datasets get|info`` run as students and ``make data`` run them (subprocesses)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


import datasets
from datasets.cli import build_parser

REPO = datasets.repo_root()


def run(*args: str, env_data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    if env_data_dir is not None:
        env["HLCV_DATA_DIR"] = str(env_data_dir)
    return subprocess.run(
        [sys.executable, "-m", "datasets", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_get_from_info_and_no_op(image_tree, tmp_path):
    root, _ = image_tree
    data_dir = tmp_path / "data"
    done = run("get", "--from", str(root), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stderr and "20 training and 10 test images" in done.stderr
    npz = data_dir / "cifar10" / "cifar10.npz"
    stamp = npz.stat().st_mtime_ns

    again = run("get", "--from", str(root), "--data-dir", str(data_dir))
    assert again.returncode == 0 and "already" in again.stderr and npz.stat().st_mtime_ns == stamp

    info = run("info", env_data_dir=data_dir)  # the data dir from $HLCV_DATA_DIR
    assert info.returncode == 0, info.stderr
    assert str(npz) in info.stdout and "imagefolder folder" in info.stdout
    assert "20 images (2 per class)" in info.stdout and "10 images (1 per class)" in info.stdout

    forced = run("get", "--from", str(root), "--data-dir", str(data_dir), "--force")
    assert forced.returncode == 0 and npz.stat().st_mtime_ns != stamp
    assert datasets.load_raw(data_dir)["x_train"].shape == (20, 32, 32, 3)


def test_info_without_data(tmp_path):
    done = run("info", "--data-dir", str(tmp_path / "nothing"))
    assert done.returncode == 1 and done.stdout == ""
    assert "make data" in done.stderr and "FROM=../shared/data/cifar10-jpeg.tar.gz" in done.stderr


def test_info_on_a_damaged_file(tmp_path):
    npz = tmp_path / "d" / "cifar10" / "cifar10.npz"
    npz.parent.mkdir(parents=True)
    npz.write_bytes(b"half a file")
    done = run("info", "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 1 and "Traceback" not in done.stderr and "--force" in done.stderr


def test_errors_are_messages_not_tracebacks(image_tree, tmp_path):
    root, _ = image_tree
    (root / "train" / "cat" / "big.png").write_bytes(b"\x89PNG broken")
    done = run("get", "--from", str(root), "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "\nerror: Could not decode" in done.stderr and "big.png" in done.stderr
    missing = run("get", "--from", str(tmp_path / "nope"), "--data-dir", str(tmp_path / "d"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "d" / "cifar10" / "cifar10.npz").exists()


def test_every_flag_documents_its_default():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    seen = set()
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                seen.add((name, action.option_strings[0]))
                assert "(default:" in action.help, (name, action.option_strings)
    assert seen == {("get", "--from"), ("get", "--data-dir"), ("get", "--force"), ("info", "--data-dir")}
    assert run("get", "--help").returncode == 0
