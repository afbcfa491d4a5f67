"""Download one file over HTTP(S) with a plain-text progress bar and an md5 check.

No third-party dependency (no tqdm, no requests): ``urllib`` and ``hashlib`` only.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TextIO

from .errors import ChecksumError, DownloadError

CHUNK_BYTES = 1 << 16


def file_hashes(path: str | os.PathLike) -> dict[str, str]:
    """md5 and sha256 (hex) of a file, read once in chunks."""
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            md5.update(chunk)
            sha256.update(chunk)
    return {"md5": md5.hexdigest(), "sha256": sha256.hexdigest()}


class ProgressBar:
    """``name  [#########-----------]  45%   73.2/162.6 MB   8.1 MB/s`` on a text stream.

    On a terminal the line is redrawn in place (carriage return, at most ~10 times a second); in a
    log file (CI, ``make`` output piped somewhere) a new line is written every 10 % instead, so the
    log stays readable. With an unknown total size only the bytes received are shown.
    """

    WIDTH = 30

    def __init__(self, name: str, total: int | None, stream: TextIO):
        self.name, self.total, self.stream = name, total, stream
        self.done = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._last_decile = -1
        self._tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, n: int) -> None:
        self.done += n
        if self._tty:
            now = time.monotonic()
            if now - self._last_draw >= 0.1:
                self._last_draw = now
                self.stream.write("\r" + self._line())
                self.stream.flush()
        elif self.total:
            decile = min(10, self.done * 10 // self.total)
            if decile > self._last_decile:
                self._last_decile = decile
                self.stream.write(self._line() + "\n")
                self.stream.flush()

    def close(self) -> None:
        """Draw the final state once and end the line."""
        if self._tty:
            self.stream.write("\r" + self._line() + "\n")
        elif not self.total or self._last_decile < 10:
            self.stream.write(self._line() + "\n")
        self.stream.flush()

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        speed = f"{self.done / elapsed / 1e6:6.1f} MB/s"
        if not self.total:
            return f"{self.name}  {self.done / 1e6:8.1f} MB  {speed}"
        frac = min(1.0, self.done / self.total)
        filled = int(round(frac * self.WIDTH))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sizes = f"{self.done / 1e6:6.1f}/{self.total / 1e6:.1f} MB"
        return f"{self.name}  [{bar}] {frac * 100:3.0f}%  {sizes}  {speed}"


def download(
    url: str,
    dest: str | os.PathLike,
    expected_md5: str,
    *,
    stream: TextIO | None = None,
    retry_hint: str = "make data",
    timeout: float = 60.0,
) -> dict[str, str]:
    """Download ``url`` to ``dest`` and check its md5; return ``{"md5": ..., "sha256": ...}``.

    The bytes go to ``<dest>.part`` first and are renamed to ``dest`` only after the size and the
    md5 match, so ``dest`` is always either absent or complete and verified. A short, corrupt or
    interrupted download is deleted and reported with ``retry_hint`` (the command to run again).
    """
    stream = sys.stderr if stream is None else stream
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    try:
        try:
            response = urllib.request.urlopen(url, timeout=timeout)
        except urllib.error.HTTPError as err:
            raise DownloadError(
                f"The server answered {err.code} ({err.reason}) for {url}.\n"
                f"Check the address, try `{retry_hint}` again later, or import the offline copy: "
                f"`make data FROM=../shared/data/cifar10-jpeg.tar.gz`."
            ) from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise DownloadError(
                f"Could not connect to {url}: {reason}.\n"
                f"Check your internet connection and run `{retry_hint}` again, or import the "
                f"offline copy: `make data FROM=../shared/data/cifar10-jpeg.tar.gz`."
            ) from err
        with response, open(part, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = ProgressBar(dest.name, total, stream)
            try:
                for chunk in iter(lambda: response.read(CHUNK_BYTES), b""):
                    out.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    bar.update(len(chunk))
            except (http.client.HTTPException, OSError) as err:
                # IncompleteRead (connection closed early) is an HTTPException, not an OSError.
                raise DownloadError(
                    f"The download of {url} stopped after {bar.done / 1e6:.1f} MB ({err!r}).\n"
                    f"The partial file was deleted; run `{retry_hint}` again."
                ) from err
            finally:
                bar.close()
        if total is not None and bar.done != total:
            raise DownloadError(
                f"The download of {url} is incomplete: {bar.done} of {total} bytes arrived.\n"
                f"The partial file was deleted; run `{retry_hint}` again."
            )
        if md5.hexdigest() != expected_md5.lower():
            raise ChecksumError(
                f"The downloaded file from {url} is corrupt or incomplete: its md5 is "
                f"{md5.hexdigest()}, expected {expected_md5.lower()}.\n"
                f"It was deleted; run `{retry_hint}` again (if this keeps happening, the file on "
                f"the server changed or a proxy alters it)."
            )
        os.replace(part, dest)
    except BaseException:
        # Never leave a partial or unverified file behind (also on Ctrl-C).
        part.unlink(missing_ok=True)
        raise
    return {"md5": md5.hexdigest(), "sha256": sha256.hexdigest()}
