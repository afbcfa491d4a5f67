"""Q4c (mlp.py, written): the depth study's table, for the staff to grade by hand.

The 4 points are awarded by a person (in nbgrader's formgrader or on Gradescope); this check only
tells the student, at 0 points, whether the table is complete and well-formed.
"""
from __future__ import annotations

from ..catalogue import check
from ..outcome import Outcome
from ..probes import mlp as mlp_probes
from ..sandbox import TORCH
from ..sandbox.codec import Nothing

DEPTHS = ("2", "3", "4", "5")


@check("Q4c", time_limit_s=60.0)
def depth_study_table(ctx) -> Outcome:
    """depth_study() reports train/validation accuracy for 2, 3, 4 and 5 layers (graded by hand)"""
    got = ctx.probe(mlp_probes.depth_study, Nothing(), TORCH)
    rows = got.rows
    problems = [f"no row for {d} layers" for d in DEPTHS if d not in rows]
    for depth, row in rows.items():
        for name, value in row.items():
            if not 0.0 <= value <= 1.0:
                problems.append(f"{depth} layers: {name} = {value} is not a fraction in [0, 1]")
    if len(got.notes.strip()) < 20:
        problems.append("notes: add a few sentences on what the depth changed and why")
    table = "\n".join(f"{d} layers: train {r['train_acc']:.1%}, val {r['val_acc']:.1%}" for d, r in sorted(rows.items()))
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems) + "\n\n" + table)
    return Outcome.passed("table complete (graded by hand)", table + "\n\nnotes: " + got.notes[:2000],
                          depth_study=rows)
