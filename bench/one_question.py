"""How many mutants of the mutation tests cost exactly one question?

Grades every distinct mutation of the mutant table on all the quick questions of its file (the
numpy half for two_layer_net.py, Q4a and Q4b's quick checks for mlp.py, Q0 for chain_rule.py),
never on the CIFAR-10 trainings, and prints the questions each one loses, then the count that
lose exactly one. Numbers only; the mutation tests themselves assert the outcomes.

    .venv/bin/python bench/one_question.py [--table tests.mutants_table]
"""
from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0:0] = [str(ROOT), str(ROOT / "tests")]

from autograder.engine import GradeConfig, grade  # noqa: E402
from grading_helpers import copy_solution, mutate  # noqa: E402

# The quick checks of each file: what a mutation of that file could lose.
GRADED = {
    "two_layer_net.py": ["Q1a", "Q1b", "Q1c", "Q2d", "Q3a"],
    "mlp.py": ["Q4a", "Q4b.two_training_steps", "Q4b.evaluation"],
    "chain_rule.py": ["Q0"],
}


def lost_questions(report) -> list[str]:
    """The questions of `report` that scored below their maximum."""
    return [q for q, (got, full) in report.question_scores().items() if got < full]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", default="test_mutants",
                        help="module holding NUMPY_MUTANTS and MLP_MUTANTS (default: test_mutants)")
    args = parser.parse_args(argv)
    table = importlib.import_module(args.table)
    seen: dict[tuple, str] = {}
    for mutant in table.NUMPY_MUTANTS + table.MLP_MUTANTS:
        seen.setdefault((mutant.file, tuple(mutant.replacements)), mutant.name)
    exactly_one = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, ((file, replacements), name) in enumerate(seen.items()):
            folder = copy_solution(Path(tmp) / f"m{i}")
            mutate(folder, file, list(replacements))
            lost = lost_questions(grade(folder, only=GRADED[file], config=GradeConfig()))
            exactly_one += len(lost) == 1
            print(f"{name:60} loses {', '.join(lost) or 'nothing'}", flush=True)
    print(f"\n{exactly_one} of {len(seen)} distinct mutants cost exactly one question "
          f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
