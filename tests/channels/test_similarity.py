"""The similarity report on a class of independent implementations (tests/channels/
similarity_fixtures: each written in its own style), a disguised copy and a known solution."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.channels.similarity import extract
from autograder.channels.similarity.class_report import write_class_report
from autograder.channels.similarity.report import LEAD
from grading_helpers import REPO, SOLUTION, STUDENT
from similarity_fixtures import build, fill, regions

INDEPENDENT = ("ada", "bob", "cyd", "dan")


def _pairs(out: Path) -> list[dict]:
    with open(out / "similarity.csv") as handle:
        return list(csv.DictReader(handle))


def _score(rows: list[dict], a: str, b: str) -> float:
    return next((float(r["score"]) for r in rows if {r["student"], r["other"]} == {a, b}), 0.0)


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for name in (*INDEPENDENT, "eve_copies_dan"):
        build(STUDENT, folder / name, name)
    shutil.copytree(STUDENT, folder / "zed_skeleton", ignore=shutil.ignore_patterns("*.ipynb"))
    return folder


def test_a_disguised_copy_ranks_above_every_independent_pair(klass, tmp_path):
    """Does eve's copy of dan (renamed variables, reordered statements) rank first, above every
    pair of independent implementations, with the matching code highlighted on the page?"""
    summary = write_class_report([(p.name, p) for p in sorted(klass.iterdir())], tmp_path)
    rows = _pairs(tmp_path)
    assert {rows[0]["student"], rows[0]["other"]} == {"dan", "eve_copies_dan"}, rows[:3]
    copy = float(rows[0]["score"])
    independent = [_score(rows, a, b) for i, a in enumerate(INDEPENDENT) for b in INDEPENDENT[i + 1:]]
    independent += [_score(rows, "eve_copies_dan", other) for other in INDEPENDENT if other != "dan"]
    assert copy >= 0.5 and copy > 3 * max(independent), (copy, independent)
    page = summary.page.read_text()
    assert LEAD in page and "highlight-red" in page and "highlight-green" in page
    assert "zed_skeleton" in page.split("Too little code written to compare")[1].split("</p>")[0]


def test_the_skeletons_own_lines_never_count(klass, tmp_path):
    """Is the untouched skeleton left with no code at all, is nothing of the skeleton's kept from
    a full solution, and does pasting skeleton lines into two submissions leave their score alone?"""
    skeletons = extract.skeleton_texts(STUDENT)
    assert extract.submission_document("zed", klass / "zed_skeleton", skeletons).text == ""
    for file, skeleton in skeletons.items():
        written = extract.written_code((SOLUTION / file).read_text(), skeleton, file)
        skeleton_lines = {line.strip() for line in skeleton.splitlines() if line.strip()}
        kept = [line for line in written.splitlines() if not line.startswith("# ")]
        assert kept and not skeleton_lines & {line.strip() for line in kept}, file
    # The given lines of train() and a docstring, pasted into ada's and bob's predict() regions.
    train = (STUDENT / "two_layer_net.py").read_text()
    pasted = "\n".join(line for line in train.splitlines()[100:170] if "raise NotImplementedError" not in line)
    padded = tmp_path / "padded"
    for name in ("ada", "bob"):
        folder = build(STUDENT, padded / name, name)
        codes = list(regions(name)["two_layer_net.py"])
        codes[-1] = "if False:\n" + "\n".join("    " + line.strip() for line in pasted.splitlines()) + "\n" + codes[-1]
        (folder / "two_layer_net.py").write_text(fill(train, codes))
    write_class_report([(n, klass / n) for n in ("ada", "bob")], tmp_path / "plain")
    write_class_report([(n, padded / n) for n in ("ada", "bob")], tmp_path / "with_paste")
    assert _score(_pairs(tmp_path / "with_paste"), "ada", "bob") == _score(_pairs(tmp_path / "plain"), "ada", "bob")


def test_a_copy_of_a_known_solution_is_flagged(klass, tmp_path):
    """Does `python -m autograder.channels.similarity --reference` (make similarity) flag a student
    whose two_layer_net.py is a copy of a known public solution, at the top of the ranking, and
    give the same report in two processes (Python salts its own hash differently in each)?"""
    public = build(STUDENT, tmp_path / "found_online", "pub")
    reference = tmp_path / "reference"
    reference.mkdir()
    shutil.copyfile(public / "two_layer_net.py", reference / "cs231n_two_layer_net.py")
    submissions = tmp_path / "submissions"
    shutil.copytree(klass, submissions)
    shutil.copyfile(public / "two_layer_net.py", submissions / "ada" / "two_layer_net.py")
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "autograder.channels.similarity", str(submissions),
                               "--reference", str(reference), "--out", str(tmp_path / f"out{seed}")],
                              cwd=REPO, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        assert "not a verdict" in done.stdout
    assert (tmp_path / "out1" / "similarity.csv").read_text() == (tmp_path / "out2" / "similarity.csv").read_text()
    top = _pairs(tmp_path / "out1")[0]
    assert (top["student"], top["other"], top["other_kind"], top["read_first"]) == \
        ("ada", "cs231n_two_layer_net.py", "reference", "yes"), top
    assert float(top["student_in_other"]) > 0.6, top
