"""Is the notebook wired to the catalogue, and does its test cell speak nbgrader's language?"""
from __future__ import annotations

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.channels.nbgrader import cell as cell_module
from autograder.channels.nbgrader.course import CIFAR_CHECKS, NOTEBOOK, auto_points, cell_id_of
from autograder.course import COURSE
from autograder.catalogue import all_checks
from grading_helpers import SOLUTION, STUDENT


def nbgrader_cells(folder) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(folder / f"{NOTEBOOK}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


@pytest.mark.parametrize("folder", [SOLUTION, STUDENT], ids=["solution", "student"])
def test_one_test_cell_per_question_with_the_catalogues_points(folder):
    """Does every question with automatic points have one locked test cell worth exactly those points?"""
    cells = nbgrader_cells(folder)
    tests = {gid: c for gid, c in cells.items() if c.metadata["nbgrader"].get("grade") and c.cell_type == "code"}
    assert set(tests) == {cell_id_of(q) for q in auto_points()}
    for question, points in auto_points().items():
        meta = tests[cell_id_of(question)].metadata["nbgrader"]
        assert meta["points"] == points and meta["locked"] and not meta["solution"], (question, meta)
        assert f'grade_cell("{question}")' in tests[cell_id_of(question)].source


def test_the_manual_cells_and_the_student_version():
    """Are the answer cells markdown, graded by hand, answered in solution/ and blank in student/?"""
    solution, student = nbgrader_cells(SOLUTION), nbgrader_cells(STUDENT)
    for grade_id, points in COURSE.hand_cells().items():
        meta = solution[grade_id].metadata["nbgrader"]
        assert solution[grade_id].cell_type == "markdown" and meta["solution"] and meta["points"] == points
        assert "BEGIN SOLUTION" in solution[grade_id].source
        assert student[grade_id].source.strip() == "YOUR ANSWER HERE", student[grade_id].source
    assert all(not c.get("outputs") for c in nbformat.read(STUDENT / f"{NOTEBOOK}.ipynb", 4).cells)


def test_cifar_checks_exist():
    """Do the checks the test cells leave to the gradebook writer exist in the catalogue?"""
    assert set(CIFAR_CHECKS) <= {c.id for c in all_checks()}


def as_grade_cell(question: str, value: float) -> nbformat.NotebookNode:
    """A test cell with the output IPython gives when the cell's last value is `value`."""
    cell = nbformat.v4.new_code_cell(f'grade_cell("{question}")')
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": cell_id_of(question), "locked": True,
                                 "points": auto_points()[question], "solution": False, "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": repr(value)}, execution_count=1)]
    return cell


def test_the_skeleton_cell_returns_a_float_that_nbgrader_reads_as_zero(capsys):
    """Does grade_cell give a plain 0.0 for the skeleton, print the engine's lines, and nbgrader read 0?"""
    score = cell_module.grade_cell("Q1a", folder=STUDENT)
    out = capsys.readouterr()
    assert type(score) is float and score == 0.0
    assert "not implemented yet" in out.out and "Total: 0/4" in out.out and not out.err
    assert determine_grade(as_grade_cell("Q1a", score)) == (0.0, 4.0)
    assert determine_grade(as_grade_cell("Q1a", 2.5)) == (2.5, 4.0)


def test_a_cifar_cell_defers_its_training_during_autograde(monkeypatch, capsys):
    """During nbgrader's run, does the Q3b cell skip the training (left to the writer) and say so?"""
    monkeypatch.setenv(cell_module.BATCH_ENV, "autograde")
    assert cell_module.grade_cell("Q3b", folder=SOLUTION) == 0.0
    assert "Q3b.cifar_accuracy: not trained in the notebook" in capsys.readouterr().out


def test_a_test_cell_gives_the_kernel_back_its_torch_settings():
    """The oracles run in the student's kernel and set torch up their way: after a test cell, are
    the notebook's thread count, determinism and random stream what they were?"""
    import torch
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(False)  # (an earlier grade in this process may have set it)
    torch.manual_seed(1234)
    expected_draw = torch.rand(3)
    torch.manual_seed(1234)
    try:
        assert cell_module.grade_cell("Q0", folder=SOLUTION) == 2.0
        assert torch.get_num_threads() == 2 and not torch.are_deterministic_algorithms_enabled()
        assert torch.equal(torch.rand(3), expected_draw)  # the stream goes on where the notebook left it
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
