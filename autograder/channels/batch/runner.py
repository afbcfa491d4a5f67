"""Grade every submission of a class, each in its own grader process, several at once.

Per student, under OUT/<student>/: `submission/` (the staged copy), `results.json` (Gradescope's
format), `report/` (the HTML report) and `graded.json` (how and when, and the hash of what was
graded). A student whose graded.json matches the staged files' hash is skipped unless forced, so
an interrupted run continues where it stopped. A grader that crashes, hangs or is attacked costs
only that student's row: its results become the "autograder error" result, marked in the gradebook.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..fallback import fallback_results, kill_tree, read_results, write_json
from ..stage import stage
from .layouts import Submission

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class BatchConfig:
    jobs: int = 1                 # submissions graded at once, one grader process each
    force: bool = False           # regrade students whose graded.json is up to date
    only: str = ""                # questions to grade (default: all)
    time_scale: float = 1.0       # passed to every grade (--time-scale)
    timeout_s: float = 900.0      # a whole grade past this is killed (its row: "timed out")
    html: bool = True             # write the HTML report per student


def grade_all(submissions: list[Submission], out: Path, config: BatchConfig,
              stream: TextIO = sys.stderr) -> dict[str, str]:
    """Grade every upload once (group members share it); {student: status}, status one of
    graded | skipped | grader_error | timed_out."""
    uploads: dict[Path, list[Submission]] = {}
    for sub in submissions:
        uploads.setdefault(sub.upload, []).append(sub)
    progress = Progress(len(uploads), stream)
    statuses: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, config.jobs)) as pool:
        futures = {pool.submit(grade_one, subs[0].student, upload, out, config): subs
                   for upload, subs in uploads.items()}
        for future in as_completed(futures):
            subs = futures[future]
            status = future.result()
            for sub in subs[1:]:  # the other members of a group get the same results
                _share(out / subs[0].student, out / sub.student)
            statuses.update({sub.student: status for sub in subs})
            progress.step(status, subs[0].student)
    progress.finish()
    return statuses


def grade_one(student: str, upload: Path, out: Path, config: BatchConfig) -> str:
    """Stage, grade in a separate process, keep the results; never raises for a submission."""
    folder = out / student
    folder.mkdir(parents=True, exist_ok=True)
    staged_dir = folder / "submission"
    with tempfile.TemporaryDirectory(prefix="hlcv-batch-") as tmp:
        upload_dir = _as_folder(upload, Path(tmp))
        staged_tmp = stage(upload_dir, Path(tmp) / "staged")
        digest = _digest(staged_tmp.folder, config)
        done = _read_json(folder / "graded.json")
        if not config.force and done.get("hash") == digest and read_results(folder / "results.json"):
            return "skipped"
        shutil.rmtree(staged_dir, ignore_errors=True)
        shutil.copytree(staged_tmp.folder, staged_dir)
        private = Path(tmp) / "grader"
        private.mkdir(mode=0o700)
        started = time.monotonic()
        status = _run_grader(staged_dir, private, config)
        results = read_results(private / "results.json")
        if results is None:
            results = fallback_results(time.monotonic() - started, status)
            status = status if status != "graded" else "grader_error"
        results.setdefault("extra_data", {})["upload"] = staged_tmp.as_dict()
        write_json(results, folder / "results.json")
        shutil.rmtree(folder / "report", ignore_errors=True)
        if (private / "index.html").exists():
            shutil.copytree(private, folder / "report", ignore=shutil.ignore_patterns("results.json"))
    write_json({"hash": digest, "status": status, "seconds": round(time.monotonic() - started, 1),
                "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "upload": str(upload)}, folder / "graded.json")
    return status


def _run_grader(staged: Path, private: Path, config: BatchConfig) -> str:
    """graded | grader_error | timed_out; the grader's own output goes to private/grader.log."""
    command = [sys.executable, "-m", "autograder", "grade", str(staged), "--results",
               str(private / "results.json"), "--report", str(private), "--workers", "1",
               "--time-scale", str(config.time_scale), "--isolation", "auto"]
    if config.only:
        command += ["--only", config.only]
    if not config.html:
        command.append("--no-html")
    with open(private / "grader.log", "wb") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = process.wait(timeout=config.timeout_s * config.time_scale)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)  # the grader and every child it started
            process.wait()
            return "timed_out"
    return "graded" if code == 0 else "grader_error"


def _as_folder(upload: Path, tmp: Path) -> Path:
    """A plain-layout .zip becomes a folder holding it (staging unpacks it)."""
    if upload.is_dir():
        return upload
    holder = tmp / "upload"
    holder.mkdir()
    shutil.copyfile(upload, holder / upload.name)
    return holder


def _digest(folder: Path, config: BatchConfig) -> str:
    """What decides whether a grade is up to date: the staged files and what was asked."""
    sha = hashlib.sha256(json.dumps([config.only, config.time_scale]).encode())
    for path in sorted(folder.iterdir()):
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def _share(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("results.json", "graded.json"):
        if (source / name).exists():
            shutil.copyfile(source / name, target / name)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class Progress:
    """`[#####-----] 5/8 graded 4, errors 1, skipped 0, 1:23 elapsed, ~0:40 left (last: alice)`."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO):
        self.total, self.stream, self.done = total, stream, 0
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._draw("")

    def step(self, status: str, student: str) -> None:
        with self.lock:
            self.done += 1
            self.counts[status] = self.counts.get(status, 0) + 1
            self._draw(student)

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, last: str) -> None:
        filled = self.WIDTH * self.done // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        graded = self.done - self.counts.get("skipped", 0)
        left = elapsed / graded * (self.total - self.done) if graded else 0.0
        errors = self.counts.get("grader_error", 0) + self.counts.get("timed_out", 0)
        line = (f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {self.done}/{self.total} "
                f"graded {self.counts.get('graded', 0)}, errors {errors}, skipped "
                f"{self.counts.get('skipped', 0)}, {_clock(elapsed)} elapsed, ~{_clock(left)} left"
                + (f" (last: {last})" if last else ""))
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"
