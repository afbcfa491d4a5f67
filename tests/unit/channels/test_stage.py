"""Staging an upload: what is refused, and the message the student reads about it (no grading)."""
from __future__ import annotations

import os
import zipfile

from autograder.channels import stage as staging
from grading_helpers import SOLUTION, SUBMISSION_PY, copy_solution


def test_zip_with_a_path_out_of_its_folder_is_refused(tmp_path):
    """Is a zip whose member climbs out with '../' refused, and nothing written outside?"""
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "hw.zip", "w") as zf:
        zf.write(SOLUTION / "mlp.py", "mlp.py")
        zf.writestr("../../escaped.py", "print('out')")
    staged = staging.stage(upload, tmp_path / "staged")
    assert staged.taken == [] and not list(tmp_path.rglob("escaped.py"))
    assert any("unsafe path '../../escaped.py'" in note for note in staged.notes), staged.notes


def test_zip_that_unpacks_too_large_is_refused(tmp_path):
    """Is a zip that unpacks past the cap (a zip bomb) refused before anything is unpacked?"""
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("two_layer_net.py", b"\0" * (staging.MAX_ZIP_BYTES + 1))
    staged = staging.stage(upload, tmp_path / "staged")
    assert staged.taken == [] and not (tmp_path / "staged-unzipped").exists()
    assert any("unpacks to more than 50 MB" in note for note in staged.notes), staged.notes


def test_hard_link_and_too_deep_folder(tmp_path):
    """Is a hard link refused by name, and a folder deeper than MAX_DEPTH reported as not found?"""
    upload = copy_solution(tmp_path / "upload", leave_out=("mlp.py",))
    original = tmp_path / "elsewhere.py"  # a hard link must stay on one filesystem: make both here
    original.write_bytes((SOLUTION / "mlp.py").read_bytes())
    os.link(original, upload / "mlp.py")
    staged = staging.stage(upload, tmp_path / "staged")
    assert sorted(staged.taken) == sorted(set(SUBMISSION_PY) - {"mlp.py"})
    assert "mlp.py was not taken: it is a hard link; upload the file itself" in staged.notes
    deep = copy_solution(tmp_path / "deep" / "a" / "b" / "c" / "d")
    staged = staging.stage(tmp_path / "deep", tmp_path / "staged-deep")
    assert staged.taken == [] and "none of chain_rule.py" in staged.notes[0], (deep, staged.notes)


def test_zip_inside_a_zip_is_not_opened(tmp_path):
    """Is a zip that holds only another zip (or itself) reported, not unpacked without end?"""
    upload = tmp_path / "upload"
    upload.mkdir()
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(SOLUTION / "mlp.py", "mlp.py")
    with zipfile.ZipFile(upload / "outer.zip", "w") as zf:
        zf.write(inner, "outer.zip")  # unpacks to a file of the same name as the upload
    staged = staging.stage(upload, tmp_path / "staged")
    assert staged.taken == [] and "none of chain_rule.py" in staged.notes[-1], staged.notes
