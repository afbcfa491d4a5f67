"""The class every nbgrader test reads (class_course.py): built once per session, since one
`make autograde` of seven notebooks and the gradebook writer take a few minutes."""
from __future__ import annotations

import pytest

import class_course


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    try:
        yield class_course.build(tmp_path_factory)
    finally:
        class_course.cleanup()
