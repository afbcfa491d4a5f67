"""Grade every submission of a class on a Dask cluster, one task per student, several at once.

Per student, under OUT/<student>/: `submission/` (the staged copy), `results.json` (Gradescope's
format), `report/` (the HTML report) and `graded.json` (how, where and when, and the hash of what
was graded). The driver (this module) stages each upload and hashes it; a student whose
graded.json matches that hash is skipped unless forced, so an interrupted run continues where it
stopped. The others become tasks (`task.grade_submission`, see `cluster.py`): their staged files
travel with the task and their results come back, and only the driver writes OUT, once per
student, when a result arrives. A grader that crashes, hangs or is attacked, and a task whose
workers keep dying, cost only that student's row: its results become the "autograder error" result,
marked in the gradebook.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..fallback import fallback_results, read_results, write_json
from ..stage import EXPECTED, Staged, stage
from . import cluster
from .layouts import Submission, group_uploads
from .task import GradeOptions


@dataclass(frozen=True)
class BatchConfig:
    jobs: int = 1                 # grades at once on the embedded cluster (its worker processes)
    force: bool = False           # regrade students whose graded.json is up to date
    only: str = ""                # questions to grade (default: all)
    time_scale: float = 1.0       # passed to every grade (--time-scale)
    timeout_s: float = 900.0      # a whole grade past this is killed (its row: "timed out")
    html: bool = True             # write the HTML report per student
    scheduler: str = ""           # a Dask scheduler's address; "" = an embedded LocalCluster of `jobs`

    def options(self) -> GradeOptions:
        return GradeOptions(self.only, self.time_scale, self.timeout_s, self.html)


@dataclass
class Upload:
    """One upload to grade (group members share it) and what staging found in it."""

    members: list[Submission]
    staged: Staged
    digest: str

    def files(self) -> dict[str, bytes]:
        """What travels with the task: the grader's own files only (a notebook can be 20 MB)."""
        return {p.name: p.read_bytes() for p in sorted(self.staged.folder.iterdir()) if p.name in EXPECTED}


def grade_all(submissions: list[Submission], out: Path, config: BatchConfig,
              stream: TextIO = sys.stderr) -> dict[str, str]:
    """Grade every upload once (group members share it); {student: status}, status one of
    graded | skipped | grader_error | timed_out."""
    uploads = group_uploads(submissions)
    statuses: dict[str, str] = {}
    progress = Progress(len(uploads), stream)

    def finished(members: list[Submission], status: str) -> None:
        for sub in members[1:]:  # the other members of a group get the same results
            _share(out / members[0].student, out / sub.student)
        statuses.update({sub.student: status for sub in members})
        progress.step(status, members[0].student)

    with tempfile.TemporaryDirectory(prefix="hlcv-batch-") as tmp:
        pending: dict[str, Upload] = {}
        for number, (upload, members) in enumerate(uploads.items()):
            prepared = _prepare(members, upload, Path(tmp) / str(number), config)
            done = _read_json(out / members[0].student / "graded.json")
            if (not config.force and done.get("hash") == prepared.digest
                    and read_results(out / members[0].student / "results.json")):
                finished(members, "skipped")
            else:
                pending[members[0].student] = prepared
        if pending:
            address = cluster.scheduler_address(config.scheduler)
            with cluster.connect(address, config.jobs) as client:
                progress.note(cluster.describe(client))
                requests = {student: (job.files(), config.options()) for student, job in pending.items()}
                for student, outcome in cluster.grade_each(client, requests):
                    job = pending[student]
                    finished(job.members, _record(job, outcome, out / student))
    progress.finish()
    return statuses


def _prepare(members: list[Submission], upload: Path, tmp: Path, config: BatchConfig) -> Upload:
    """Stage the upload into `tmp` and hash what the grade depends on."""
    tmp.mkdir(parents=True)
    staged = stage(as_folder(upload, tmp), tmp / "staged")
    return Upload(members, staged, _digest(staged.folder, config))


def _record(job: Upload, outcome: dict, folder: Path) -> str:
    """Write one student's outputs from the task's outcome; returns the row's status. Everything
    is keyed by the student and replaced whole, so writing the same outcome twice changes nothing."""
    status = outcome["status"]
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "submission", ignore_errors=True)
    shutil.copytree(job.staged.folder, folder / "submission")
    results = outcome["results"]
    if results is None:
        results = fallback_results(outcome["seconds"], status)
        status = status if status != "graded" else "grader_error"
    results.setdefault("extra_data", {})["upload"] = job.staged.as_dict()
    write_json(results, folder / "results.json")
    shutil.rmtree(folder / "report", ignore_errors=True)
    if outcome["report"]:
        (folder / "report").mkdir()
        for name, content in outcome["report"].items():
            (folder / "report" / Path(name).name).write_bytes(content)
    record = {"hash": job.digest, "status": status, "seconds": outcome["seconds"],
              "worker": outcome["worker"], "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "upload": str(job.members[0].upload)}
    if status != "graded":
        record["log"] = outcome["log"]  # the grader's last words, for the staff
    write_json(record, folder / "graded.json")  # last: a student is done once this file says so
    return status


def as_folder(upload: Path, tmp: Path) -> Path:
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

    def note(self, text: str) -> None:
        """One line of its own above the bar (e.g. which cluster grades)."""
        with self.lock:
            self.stream.write(("\r" if self.tty else "") + text + "\n")
            if self.tty:
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
