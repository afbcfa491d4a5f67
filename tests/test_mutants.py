"""Mutation tests: one realistic bug in a copy of the reference, graded by the real engine.

Each row of tests/mutants_table.py copies solution/*.py into a temporary folder, applies a textual
mutation, grades the questions the row names (never the CIFAR-10 trainings), and asserts that the
bug loses points where it should (`lose`), nowhere else (`kept()`: by default every other quick
question of the file), and that the feedback names it. A realistic bug the grader does not catch
stays in the table as a strict xfail naming the missing check.

Each distinct mutation is also graded once at the portable isolation level (spawned interpreters,
the way macOS and Windows run probes) on the checks where it differs from the solution (its rows'
`lose` and `feedback` checks), and must get the same points, status and feedback there as in the
default-level grade the rows share. (The checks a mutant keeps pay full marks as the solution's
do; test_reference.py grades the solution's whole catalogue at the portable level.)
"""
from __future__ import annotations

import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import copy_solution, describe, mutate, points
from mutants_table import MLP_MUTANTS, NUMPY_MUTANTS, Mutant

_REPORTS: dict[tuple, object] = {}  # one grading per distinct mutation, shared by its rows


def _param(mutant: Mutant):
    marks = [pytest.mark.xfail(strict=True, reason=mutant.xfail)] if mutant.xfail else []
    return pytest.param(mutant, id=mutant.name, marks=marks)


def _grade_mutant(tmp_path_factory, mutant: Mutant):
    """The mutation graded on the union of what every row with the same mutation needs."""
    key = (mutant.file, tuple(mutant.replacements))
    if key not in _REPORTS:
        rows = [m for m in NUMPY_MUTANTS + MLP_MUTANTS if (m.file, tuple(m.replacements)) == key]
        only = list(dict.fromkeys(sel for m in rows for sel in [*m.lose, *m.kept(), *m.feedback]))
        folder = copy_solution(tmp_path_factory.mktemp(mutant.name) / "submission")
        mutate(folder, mutant.file, mutant.replacements)
        _REPORTS[key] = grade(folder, only=only, config=GradeConfig())
    return _REPORTS[key]


def _assert_outcome(report, mutant: Mutant) -> None:
    summary = f"{mutant.name}:\n{describe(report)}"
    for selector in mutant.lose:
        got, full = points(report, selector)
        assert got < full, f"{selector} kept full marks ({got:g}/{full:g})\n{summary}"
    for selector in mutant.kept():
        got, full = points(report, selector)
        assert got == full, f"{selector} lost points ({got:g}/{full:g})\n{summary}"
    for check_id, text in mutant.feedback.items():
        [result] = [r for r in report.results if r.check_id == check_id]
        assert text in result.feedback + result.details, (
            f"{check_id}: expected {text!r} in the feedback\n{result.feedback}\n{result.details}")


@pytest.mark.parametrize("mutant", [_param(m) for m in NUMPY_MUTANTS])
def test_numpy_mutant(tmp_path_factory, mutant):
    """Does this numpy bug lose points in its own question(s), only there, with a message naming it?"""
    _assert_outcome(_grade_mutant(tmp_path_factory, mutant), mutant)


@pytest.mark.parametrize("mutant", [_param(m) for m in MLP_MUTANTS])
def test_mlp_mutant(tmp_path_factory, mutant):
    """Does this PyTorch bug lose points in its own check(s), only there, with a message naming it?"""
    _assert_outcome(_grade_mutant(tmp_path_factory, mutant), mutant)


def _distinct_mutations() -> list:
    first: dict[tuple, Mutant] = {}
    for mutant in NUMPY_MUTANTS + MLP_MUTANTS:
        first.setdefault((mutant.file, tuple(mutant.replacements)), mutant)
    return [pytest.param(m, id=m.name) for m in first.values()]


@pytest.mark.parametrize("mutant", _distinct_mutations())
def test_same_points_at_the_portable_level(tmp_path_factory, mutant):
    """Does this mutation get the same points, status and feedback at the portable level as at
    the default level, on every check where it loses points or must say something?"""
    key = (mutant.file, tuple(mutant.replacements))
    rows = [m for m in NUMPY_MUTANTS + MLP_MUTANTS if (m.file, tuple(m.replacements)) == key]
    only = list(dict.fromkeys(sel for m in rows for sel in [*m.lose, *m.feedback]))
    default = {r.check_id: r for r in _grade_mutant(tmp_path_factory, mutant).results}
    folder = copy_solution(tmp_path_factory.mktemp(f"{mutant.name}-portable") / "submission")
    mutate(folder, mutant.file, mutant.replacements)
    portable = grade(folder, only=only, config=GradeConfig(isolation="portable"))
    assert portable.metadata["isolation"]["level"] == "portable"
    folders = {"portable": str(folder), "default": _grade_mutant(tmp_path_factory, mutant).submission}
    for result in portable.results:
        expected = default[result.check_id]
        got = (result.points, result.status, result.feedback.replace(folders["portable"], "<submission>"))
        assert got == (expected.points, expected.status, expected.feedback.replace(folders["default"], "<submission>")), (
            f"{result.check_id}: portable {result.points:g} [{result.status}] {result.feedback!r}, "
            f"default {expected.points:g} [{expected.status}] {expected.feedback!r}")


def test_every_mutant_names_what_it_loses_keeps_and_says():
    """Does every row assert a lost question, a kept one, and a word of its message, under a unique name?"""
    rows = NUMPY_MUTANTS + MLP_MUTANTS
    assert len({m.name for m in rows}) == len(rows), "two mutants share a name"
    for mutant in rows:
        assert mutant.lose and mutant.kept() and mutant.feedback, mutant.name
    assert len(NUMPY_MUTANTS) >= 40 and len(MLP_MUTANTS) >= 15, (len(NUMPY_MUTANTS), len(MLP_MUTANTS))


def test_mutations_apply_to_the_current_solution(tmp_path):
    """Does every mutation's old snippet still occur exactly once in solution/?"""
    for mutant in NUMPY_MUTANTS + MLP_MUTANTS:
        folder = copy_solution(tmp_path / mutant.name)
        mutate(folder, mutant.file, mutant.replacements)
