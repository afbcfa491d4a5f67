"""Helpers for the datasets tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

import hashlib
import http.server
import io
import pickle
import tarfile
import threading
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from datasets.imagefolder import SHUFFLE_SEED

BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch")


def official_batch_bytes(images: np.ndarray, labels: np.ndarray, name: str) -> bytes:
    """A batch pickled like the official files: a dict with bytes keys, b"data" uint8 (n, 3072)
    in channel-first order, b"labels" a list of ints, protocol 2, numpy 1.x module names."""
    batch = {
        b"batch_label": name.encode(),
        b"labels": [int(v) for v in labels],
        b"data": np.ascontiguousarray(images.transpose(0, 3, 1, 2).reshape(len(images), 3072)),
        b"filenames": [f"{name}_{i:05d}.png".encode() for i in range(len(images))],
    }
    raw = pickle.dumps(batch, protocol=2)
    # The published files were written by numpy 1.x, whose module was numpy.core (GLOBAL opcodes
    # hold the name as text, so the replacement keeps the pickle valid).
    return raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def write_tar(path: Path, files: dict[str, bytes]) -> Path:
    """A .tar.gz holding ``files`` (name inside the archive -> content)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


class LocalServer:
    """A real HTTP server on 127.0.0.1 (random port) in a thread, serving bytes registered with
    ``add``. ``send`` < len(body) sends only that many bytes after claiming the full length (a
    dropped connection). ``hits`` counts requests per path."""

    def __init__(self):
        self.routes: dict[str, tuple[bytes, int]] = {}
        self.hits: Counter = Counter()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] += 1
                if self.path not in server.routes:
                    self.send_error(404, "Not Found")
                    return
                body, send = server.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:send])
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):  # keep the test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, name: str, body: bytes, send: int | None = None) -> str:
        self.routes[f"/{name}"] = (body, len(body) if send is None else send)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --------------------------------------------------------------------------- ImageFolder trees


def expected_order(paths: list[str], split_index: int) -> list[str]:
    """The documented order: sorted by path, then permuted with default_rng(SHUFFLE_SEED + i)."""
    ordered = sorted(paths)
    perm = np.random.default_rng(SHUFFLE_SEED + split_index).permutation(len(ordered))
    return [ordered[i] for i in perm]


def write_image(path: Path, pixels: np.ndarray, mode: str = "RGB") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(pixels)
    if mode != "RGB":
        image = image.convert(mode)
    if path.suffix == ".png":
        image.save(path)
    else:
        image.save(path, quality=95)


def assert_matches_tree(arrays: dict, expected: dict) -> None:
    """The arrays hold every image of ``expected`` in the documented order."""
    for index, split in enumerate(("train", "test")):
        rels = [r for r in expected if r.startswith(split + "/")]
        order = expected_order(rels, index)
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        assert x.shape == (len(order), 32, 32, 3) and x.dtype == np.uint8
        assert y.dtype == np.int64
        for i, rel in enumerate(order):
            label, pixels, exact = expected[rel]
            assert y[i] == label, rel
            if exact:
                np.testing.assert_array_equal(x[i], pixels, err_msg=rel)
            else:
                assert np.abs(x[i].astype(int) - pixels).max() <= 4, rel


def pack_tree(root: Path, archive: Path, inside: str = "") -> Path:
    """Pack ``root``'s contents into ``archive`` at the top, or inside the folder ``inside``."""
    mode = "w:gz" if archive.name.endswith(".gz") else "w"
    with tarfile.open(archive, mode) as tar:
        for child in sorted(root.iterdir()):
            tar.add(child, arcname=f"{inside}/{child.name}" if inside else child.name)
    return archive
