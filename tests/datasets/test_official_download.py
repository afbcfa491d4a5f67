"""The official route end to end: a real HTTP download of an official-format archive (written
by the test), the progress bar, the md5 check, reading the pickled batches, the stored npz."""

from __future__ import annotations

import io
import os
import pickle

import numpy as np
import pytest

import datasets
from datasets import official
from datasets.download import ProgressBar
from datasets.errors import ChecksumError, DataFormatError, DownloadError

from cifar_helpers import md5_of, official_batch_bytes, write_tar


def get_official(server, archive, data_dir, body=None, md5=None, send=None):
    """Serve ``body`` (default: the archive) and run the real ``get`` against it."""
    body = archive["path"].read_bytes() if body is None else body
    url = server.add("cifar-10-python.tar.gz", body, send=send)
    out = io.StringIO()
    path = datasets.get(data_dir=data_dir, url=url, md5=md5 or archive["md5"], stream=out)
    return path, out.getvalue(), url


def leftovers(data_dir):
    folder = data_dir / "cifar10"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_verify_read_and_store(http_server, official_archive, tmp_path):
    data_dir = tmp_path / "data"
    path, log, url = get_official(http_server, official_archive, data_dir)

    assert path == data_dir / "cifar10" / "cifar10.npz"
    raw = datasets.load_raw(data_dir)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(raw[key], official_archive[key], err_msg=key)
    assert raw["x_train"].shape == (15, 32, 32, 3) and raw["y_train"].dtype == np.int64
    # The progress bar reached the end (the StringIO is not a terminal: one line per 10 %).
    assert "cifar-10-python.tar.gz" in log and "100%" in log and "#" * 30 in log
    source = datasets.read_source(data_dir)
    assert source["source"] == "official" and source["origin"] == url
    assert source["md5"] == official_archive["md5"] and len(source["sha256"]) == 64
    assert source["counts"] == {"train": 15, "test": 3}
    # The npz is the one stored form: the downloaded archive is gone, nothing else is left.
    assert leftovers(data_dir) == ["cifar10.npz", "source.json"]
    assert http_server.hits["/cifar-10-python.tar.gz"] == 1


def test_second_get_is_a_no_op_unless_forced(http_server, official_archive, tmp_path):
    data_dir = tmp_path / "data"
    path, _, _ = get_official(http_server, official_archive, data_dir)
    before = path.stat().st_mtime_ns
    _, log, _ = get_official(http_server, official_archive, data_dir)
    assert "already" in log and "--force" in log
    assert http_server.hits["/cifar-10-python.tar.gz"] == 1 and path.stat().st_mtime_ns == before
    url = http_server.url("cifar-10-python.tar.gz")
    datasets.get(data_dir=data_dir, url=url, md5=official_archive["md5"], force=True, stream=io.StringIO())
    assert http_server.hits["/cifar-10-python.tar.gz"] == 2


def test_corrupt_download_is_rejected_and_deleted(http_server, official_archive, tmp_path):
    body = bytearray(official_archive["path"].read_bytes())
    body[len(body) // 2] ^= 0xFF  # one flipped byte
    data_dir = tmp_path / "data"
    with pytest.raises(ChecksumError) as err:
        get_official(http_server, official_archive, data_dir, body=bytes(body))
    message = str(err.value)
    assert official_archive["md5"] in message and "deleted" in message and "make data" in message
    assert leftovers(data_dir) == []


def test_short_download_is_rejected(http_server, official_archive, tmp_path):
    half = official_archive["path"].read_bytes()[:1000]  # a consistent but truncated file
    with pytest.raises(ChecksumError):
        get_official(http_server, official_archive, tmp_path / "data", body=half)
    assert leftovers(tmp_path / "data") == []


def test_dropped_connection_is_reported(http_server, official_archive, tmp_path):
    body = official_archive["path"].read_bytes()
    with pytest.raises(DownloadError) as err:
        get_official(http_server, official_archive, tmp_path / "data", body=body, send=len(body) // 3)
    assert "run `make data` again" in str(err.value)
    assert leftovers(tmp_path / "data") == []


def test_missing_file_on_server(http_server, tmp_path):
    url = http_server.url("nothing-here.tar.gz")
    with pytest.raises(DownloadError) as err:
        datasets.get(data_dir=tmp_path / "data", url=url, md5="0" * 32, stream=io.StringIO())
    assert "404" in str(err.value) and url in str(err.value)
    assert "FROM=../shared/data/cifar10-jpeg.tar.gz" in str(err.value)


def test_no_server_at_all(tmp_path, http_server):
    url = http_server.url("x.tar.gz")
    http_server.close()  # the port is closed now: connection refused
    with pytest.raises(DownloadError, match="Could not connect"):
        datasets.get(data_dir=tmp_path / "data", url=url, md5="0" * 32, stream=io.StringIO())


def test_verified_leftover_download_is_reused(http_server, official_archive, tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "cifar10").mkdir(parents=True)
    leftover = data_dir / "cifar10" / official.ARCHIVE_NAME
    leftover.write_bytes(official_archive["path"].read_bytes())
    get_official(http_server, official_archive, data_dir)
    assert http_server.hits["/cifar-10-python.tar.gz"] == 0
    assert leftovers(data_dir) == ["cifar10.npz", "source.json"]


def test_wrong_leftover_is_replaced_by_a_download(http_server, official_archive, tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "cifar10").mkdir(parents=True)
    (data_dir / "cifar10" / official.ARCHIVE_NAME).write_bytes(b"not the archive")
    get_official(http_server, official_archive, data_dir)
    assert http_server.hits["/cifar-10-python.tar.gz"] == 1
    np.testing.assert_array_equal(datasets.load_raw(data_dir)["x_test"], official_archive["x_test"])


class _Marker:
    """Unpickling this creates a folder: stands for code a malicious pickle would run."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


def test_pickle_is_never_loaded_from_an_archive_with_the_wrong_md5(tmp_path, http_server):
    marker = tmp_path / "pickle-code-ran"
    evil = pickle.dumps({b"data": _Marker(marker), b"labels": []}, protocol=2)
    files = {f"cifar-10-batches-py/{name}": evil for name in (*official.TRAIN_BATCHES, official.TEST_BATCH)}
    archive = write_tar(tmp_path / "evil.tar.gz", files)
    with pytest.raises(ChecksumError, match="not loaded"):
        official.read_official_archive(archive, "0" * 32)
    url = http_server.add("evil.tar.gz", archive.read_bytes())
    with pytest.raises(ChecksumError):
        datasets.get(data_dir=tmp_path / "data", url=url, md5=official.OFFICIAL_MD5, stream=io.StringIO())
    assert not marker.exists()
    # The guard matters: the same bytes do run code when unpickled.
    pickle.loads(evil)
    assert marker.is_dir()


def test_malformed_batch_in_a_verified_archive(tmp_path):
    bad = official_batch_bytes(np.zeros((2, 32, 32, 3), np.uint8), np.array([1, 2]), "b")
    batch = pickle.loads(bad, encoding="bytes")
    batch[b"labels"] = [1, 2, 3]  # one label too many
    files = {f"cifar-10-batches-py/{name}": bad for name in official.TRAIN_BATCHES}
    files[f"cifar-10-batches-py/{official.TEST_BATCH}"] = pickle.dumps(batch, protocol=2)
    archive = write_tar(tmp_path / "bad.tar.gz", files)
    with pytest.raises(DataFormatError, match="test_batch"):
        official.read_official_archive(archive, md5_of(archive))
    del files[f"cifar-10-batches-py/{official.TEST_BATCH}"]
    archive = write_tar(tmp_path / "short.tar.gz", files)
    with pytest.raises(DataFormatError, match="has no cifar-10-batches-py/test_batch"):
        official.read_official_archive(archive, md5_of(archive))


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_forms():
    log = io.StringIO()
    bar = ProgressBar("file.tar.gz", 1000, log)
    for _ in range(20):
        bar.update(50)
    bar.close()
    lines = log.getvalue().splitlines()  # a log gets one line per 10 % (0 % .. 100 %)
    assert len(lines) == 11 and lines[-1].startswith("file.tar.gz  [" + "#" * 30 + "] 100%")
    tty = _Terminal()  # a terminal gets one line redrawn with carriage returns
    bar = ProgressBar("file.tar.gz", 1000, tty)
    bar.update(1000)
    bar.close()
    assert tty.getvalue().startswith("\r") and tty.getvalue().count("\n") == 1
    assert "100%" in tty.getvalue().rsplit("\r", 1)[-1]
    unknown = io.StringIO()
    bar = ProgressBar("file.tar.gz", None, unknown)
    bar.update(2_500_000)
    bar.close()
    assert "2.5 MB" in unknown.getvalue() and "%" not in unknown.getvalue()
