"""Hostile or broken submissions: the grade completes, every check has a result, the scores stay in
[0, max], results.json is strict JSON, and nothing is marked passed that should not be.

Each case starts from a copy of the reference solution and replaces one file (or one function of
it) with the hostile version, then grades a check of that file and a check of another file: the
damage must stay inside the hostile file's checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import (assert_complete_and_bounded, copy_solution, describe, mutate, selected,
                             write_results)

NET = "two_layer_net.py"
LOSS_DEF = "        W1, b1 = self.params[\"W1\"], self.params[\"b1\"]\n"
# The probabilities check of Q1a and the values check of Q0: one probe each, under a second.
Q1A, Q0 = "Q1a.toy_probabilities", "Q0.values"
FAST = GradeConfig(time_scale=0.2)  # every wall-clock limit x 0.2: the toy probes get 4 s


@dataclass(frozen=True)
class Hostile:
    name: str
    file: str
    inject: str                    # code inserted at the top of loss() (or the file's new text)
    broken: list[str]              # checks that must not pass (score 0)
    intact: list[str]              # checks of other files that must still pass
    feedback: str = ""             # text every broken check's feedback must contain
    whole_file: bool = False       # `inject` replaces the file instead of entering loss()
    details: str = ""              # text every broken check's details must contain
    max_seconds: float = 0.0       # when set: the most a broken check may take (its limit + start-up)
    config: GradeConfig = field(default=GradeConfig())


CASES = [
    Hostile("os_exit_in_loss", NET, "import os; os._exit(0)", [Q1A, "Q1b.toy_loss"], [Q0],
            feedback="ended the process (exit code 0)"),
    Hostile("sys_exit_at_import", NET, "import sys\nsys.exit(0)\n", [Q1A, "Q2d"], [Q0],
            feedback="could not be imported", whole_file=True),
    Hostile("endless_loop_ignoring_signals", NET,
            "import signal\n"
            "        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM): signal.signal(s, signal.SIG_IGN)\n"
            "        while True:\n"
            "            try:\n"
            "                pass\n"
            "            except BaseException:\n"
            "                pass", [Q1A], [Q0], feedback="timed out after 4 s", config=FAST,
            max_seconds=20.0 * FAST.time_scale + 3.0),
    Hostile("keyboard_interrupt", NET, "raise KeyboardInterrupt", [Q1A, "Q1b.toy_loss"], [Q0],
            feedback="KeyboardInterrupt"),
    Hostile("huge_allocation", NET, "big = np.ones((60_000, 60_000))", [Q1A], [Q0],
            feedback="ran out of memory (limit 2048 MB)"),
    Hostile("memory_grows_slowly", NET,
            "hoard = []\n"
            "        while True:\n"
            "            hoard.append(np.ones(2**20))", [Q1A], [Q0], feedback="ran out of memory (limit 2048 MB)"),
    Hostile("megabytes_of_junk_output", NET,
            "import sys\n"
            "        print('junk ' * 400_000)\n"
            "        print('{\"score\": 1000, \"tests\": [{\"score\": 1000, \"status\": \"passed\"}]}')\n"
            "        sys.stdout.buffer.write(b'\\xff\\xfe invalid utf-8 \\x1b[31m ANSI </pre><script>')\n"
            "        raise ValueError('\\ud800 lone surrogate, NaN, Infinity')",
            [Q1A], [Q0], feedback="ValueError", details="junk"),
    Hostile("junk_output_but_correct_results", NET,
            "print('junk ' * 600_000)\n"
            "        print('{\"score\": 1000, \"tests\": []}\\n\\x1b[2J status.json ok')",
            [], [Q1A, "Q1b.toy_loss", Q0]),
    Hostile("output_over_the_file_limit", NET,
            "import sys\n"
            "        for _ in range(40):\n"
            "            sys.stdout.write('x' * 2**20)", [Q1A], [Q0], feedback="wrote more than 16 MB"),
    Hostile("always_equal_object", NET,
            "class AlwaysEqual:\n"
            "            def __eq__(self, other): return True\n"
            "            def __ne__(self, other): return False\n"
            "            def __float__(self): return 1.30378789133\n"
            "            def __array__(self, *a, **k): raise RuntimeError('no')\n"
            "        if y is None: return AlwaysEqual()\n"
            "        return AlwaysEqual(), {}", [Q1A, "Q1b.toy_loss", "Q2d"], [Q0],
            feedback="should be a"),
    Hostile("ndarray_subclass_claiming_equality", NET,
            "class Liar(np.ndarray):\n"
            "            def __eq__(self, other): return np.ones(np.shape(other), bool)\n"
            "            def __array_function__(self, func, types, args, kwargs): return True\n"
            "            def __array_ufunc__(self, *a, **k): return np.zeros(self.shape)\n"
            "        if y is None: return np.zeros((X.shape[0], self.params['W2'].shape[1])).view(Liar)",
            [Q1A, "Q1a.hidden_probabilities"], [Q0], feedback="a subclass of np.ndarray"),
    Hostile("object_array_of_always_equal", NET,
            "class Eq:\n"
            "            def __eq__(self, other): return True\n"
            "        if y is None:\n"
            "            out = np.empty((X.shape[0], self.params['W2'].shape[1]), dtype=object)\n"
            "            out[...] = Eq()\n"
            "            return out", [Q1A], [Q0], feedback="should be a numpy array of numbers"),
    Hostile("nan_everywhere", NET,
            "nan_grads = {k: np.full_like(v, np.nan) for k, v in self.params.items()}\n"
            "        if y is None: return np.full((X.shape[0], self.params['W2'].shape[1]), np.nan)\n"
            "        return float('nan'), nan_grads", [Q1A, "Q1b.toy_loss", "Q1b.regularisation", "Q2d"],
            [Q0], feedback="NaN"),
    Hostile("infinite_loss", NET,
            "if y is not None: return float('inf'), {k: np.full_like(v, np.inf) for k, v in self.params.items()}",
            ["Q1b.toy_loss", "Q1b.hidden_loss", "Q2d"], [Q1A, Q0]),
    Hostile("syntax_error_in_chain_rule", "chain_rule.py",
            "import numpy as np\n\n\ndef g(W, x):\n    return W @ (x * x\n", ["Q0"], [Q1A],
            feedback="submission/chain_rule.py, line 5): SyntaxError",
            whole_file=True,
            details="return W @ (x * x"),
]


def _submission(tmp_path, case: Hostile):
    folder = copy_solution(tmp_path / "submission")
    if case.whole_file:
        (folder / case.file).write_text(case.inject)
    else:
        mutate(folder, case.file, [(LOSS_DEF, f"        {case.inject}\n{LOSS_DEF}")])
    return folder


def _assert_robust(report, tmp_path, only: list[str]) -> dict:
    """Complete, bounded, strict JSON whose scores match the report; returns results.json."""
    expected = [r.check_id for sel in only for r in selected(report, sel)]
    assert_complete_and_bounded(report, expected)
    results = write_results(report, tmp_path / "out")
    assert [t["extra_data"]["check"] for t in results["tests"]] == [r.check_id for r in report.results]
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-6
    for test, result in zip(results["tests"], report.results):
        assert test["score"] == result.points and 0 <= test["score"] <= test["max_score"]
        assert test["status"] == ("passed" if result.status == "passed" else "failed")
    return results


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_hostile_submission_is_contained(tmp_path, case):
    """Does this hostile submission cost its own checks only, with a message, and leave strict JSON?"""
    only = case.broken + case.intact
    report = grade(_submission(tmp_path, case), only=only, config=case.config)
    _assert_robust(report, tmp_path, only)
    summary = f"{case.name}:\n{describe(report)}"
    for sel in case.broken:
        for result in selected(report, sel):
            assert result.status != "passed" and result.points == 0, summary
            assert case.feedback in result.feedback, (
                f"{result.check_id}: expected {case.feedback!r} in {result.feedback!r}")
            if case.details:
                assert case.details in result.details, f"{result.check_id}: {result.details}"
            if case.max_seconds:
                assert result.duration_s < case.max_seconds, f"{result.check_id} took {result.duration_s} s"
    for sel in case.intact:
        for result in selected(report, sel):
            assert result.status == "passed", summary


def test_missing_file_costs_only_its_questions(tmp_path):
    """Does a missing chain_rule.py score 0 on Q0, naming the file, while Q1a is still graded?"""
    folder = copy_solution(tmp_path / "submission", leave_out=("chain_rule.py",))
    only = ["Q0", "Q1a"]
    report = grade(folder, only=only)
    _assert_robust(report, tmp_path, only)
    for result in selected(report, "Q0"):
        assert result.status == "error" and result.points == 0
        assert "missing file chain_rule.py" in result.feedback, result.feedback
    for result in selected(report, "Q1a"):
        assert result.status == "passed", describe(report)


def test_symlinked_file_counts_as_missing(tmp_path):
    """Is a chain_rule.py that is a link (here to the reference) refused like a missing file?"""
    folder = copy_solution(tmp_path / "submission", leave_out=("chain_rule.py",))
    (folder / "chain_rule.py").symlink_to(copy_solution(tmp_path / "elsewhere") / "chain_rule.py")
    report = grade(folder, only=[Q0])
    [result] = report.results
    assert result.status == "error" and "missing file chain_rule.py" in result.feedback, result.feedback


def test_shadowing_files_are_not_imported(tmp_path):
    """Are a submitted numpy.py, conftest.py and sitecustomize.py ignored by the child?"""
    folder = copy_solution(tmp_path / "submission")
    poison = "raise SystemExit('the grader imported a file it should not copy')\n"
    for name in ("numpy.py", "conftest.py", "sitecustomize.py", "torch.py"):
        (folder / name).write_text(poison)
    only = [Q0, Q1A]
    report = grade(folder, only=only)
    _assert_robust(report, tmp_path, only)
    assert all(r.status == "passed" for r in report.results), describe(report)


def test_hostile_code_in_one_file_spares_the_other_half(tmp_path):
    """Does an os._exit() at import of two_layer_net.py leave Q0 and Q4a.architecture at full marks?"""
    folder = copy_solution(tmp_path / "submission")
    (folder / NET).write_text("import os\nos._exit(0)\n")
    only = [Q0, Q1A, "Q4a.architecture"]
    report = grade(folder, only=only)
    _assert_robust(report, tmp_path, only)
    by_id = {r.check_id: r for r in report.results}
    assert by_id[Q1A].status == "error" and by_id[Q1A].points == 0
    assert by_id[Q0].status == "passed" and by_id["Q4a.architecture"].status == "passed", describe(report)
