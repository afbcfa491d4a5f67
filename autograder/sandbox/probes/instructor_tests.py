"""Probe for the instructor's own Gradescope tests: one unittest test, run by gradescope-utils'
JSONTestRunner on the student's files, in this child (the test imports the student's code, so it
runs where student code runs: sandboxed, with limits, one test per child).

The test's files arrive as text and are written into the probe's own working folder; the test
runs with the submission's folder as its working directory (the student's files are importable
and readable by name, as on Gradescope). Only the runner's JSON goes back; the parent takes the
test's weight, visibility and number from the manifest made when the zip was packed, never from
here.
"""
from __future__ import annotations

import io
import json
import os
import sys
import unittest
from pathlib import Path

from ..exchange import InstructorTest, InstructorTestOut
from . import StudentFailure, Submission


def run_one(inputs: InstructorTest, submission: Submission) -> InstructorTestOut:
    from gradescope_utils.autograder_utils.json_test_runner import JSONTestRunner

    folder = Path.cwd() / "instructor_tests"
    folder.mkdir()
    for name, text in inputs.sources.items():
        if Path(name).name != name or not name.endswith(".py"):
            raise ValueError(f"instructor test file {name!r} is not a plain .py name")
        (folder / name).write_text(text, encoding="utf-8")
    sys.path.insert(1, str(folder))  # after the student's folder, which child.py put first
    os.chdir(submission.folder)
    suite = unittest.defaultTestLoader.loadTestsFromName(inputs.test_id)
    stream = io.StringIO()
    JSONTestRunner(stream=stream, buffer=True).run(suite)
    try:
        report = json.loads(stream.getvalue())
    except ValueError:
        raise StudentFailure("bad_return", "the test's results could not be read (was the runner's "
                             "output replaced?)") from None
    return InstructorTestOut(report if isinstance(report, dict) else {})
