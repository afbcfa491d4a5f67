"""The HTML report: one self-contained page (inline CSS, no JavaScript, no external assets) plus
PNG figures next to it, rendered from the one GradeReport; no score is computed here.

Every string that comes from a result (titles, feedback, details, the submission path, artifact
data) may carry student text, so all of it goes through `_e` (html.escape, quotes included)
before it reaches the page, in element text and attribute values alike.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Callable

from ..results import CheckResult, GradeReport
from . import figures
from .text import explanation

PAGE = "index.html"
MAX_DETAIL_CHARS = 20_000  # a runaway print loop or traceback must not make a 100 MB page

# CSS class of each status's badge; unknown statuses fall back to "bad" rather than raising.
BADGE = {"passed": "ok", "partial": "part", "failed": "bad", "skipped": "skip", "error": "bad",
         "grader_error": "staff"}


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the page: which artifact feeds it, from which fields, into which function."""

    artifact: str                    # key of report.artifacts, i.e. the check id
    file: str                        # PNG name, next to index.html
    caption: str
    draw: Callable[..., Path]        # figures.<function>(*fields, path, **options)
    fields: tuple[str, ...]          # the artifact's entries, passed in order
    options: dict[str, Any] = field(default_factory=dict)


FIGURES = (
    FigureSpec("Q3b.cifar_accuracy", "q3b_curves.png",
               "Q3b two-layer net: loss per iteration, accuracy per epoch", figures.training_curves,
               ("loss_history", "train_acc_history", "val_acc_history"), {"loss_per": "iteration"}),
    FigureSpec("Q3b.cifar_accuracy", "q3b_weights.png",
               "Q3b two-layer net: first-layer weights, one 32x32 image per hidden unit",
               figures.weight_grid, ("W1",)),
    FigureSpec("Q4b.cifar_accuracy", "q4b_curves.png",
               "Q4b MLP: loss and accuracy per epoch", figures.training_curves,
               ("loss", "train_acc", "val_acc"), {"loss_per": "epoch"}),
)

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.total { font-size: 1.6em; font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .35em .6em; text-align: left; }
td { vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; min-width: 5.5em; text-align: center; border-radius: 3px;
         padding: 0 .4em; font-size: .85em; font-weight: 600; color: #fff; }
.ok { background: #2e7d32; } .part { background: #ef8f00; } .bad { background: #c62828; }
.skip { background: #78909c; } .staff { background: #6a1b9a; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
p.note { color: #8a4b00; background: #fff6e5; padding: .4em .6em; }
"""


def write(report: GradeReport, folder: Path) -> Path:
    """Write folder/index.html and its PNG figures; return the page's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figure_parts = _figures(report, folder)
    page = folder / PAGE
    tmp = folder / (PAGE + ".tmp")
    # "replace" keeps a lone surrogate in captured student output from aborting the whole page.
    tmp.write_bytes(render(report, figure_parts).encode("utf-8", errors="replace"))
    os.replace(tmp, page)  # a reader never sees a half-written page
    return page


def render(report: GradeReport, figure_parts: list[str]) -> str:
    """The whole page as a string; figure_parts are already-escaped <figure>/<p> fragments."""
    body = [_header(report), _summary(report), _checks(report),
            "<h2>Figures</h2>", *(figure_parts or ['<p class="note">No figures.</p>'])]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>Grade report: {_e(report.submission)}</title>\n<style>{CSS}</style>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _header(report: GradeReport) -> str:
    meta = report.metadata if isinstance(report.metadata, dict) else {}
    versions = meta.get("versions")
    if isinstance(versions, dict):
        versions = ", ".join(f"{name} {version}" for name, version in versions.items())
    rows = [("Submission", report.submission),
            ("Score", f"{_num(report.score)} / {_num(report.max_score)}"),
            ("Execution time", f"{report.execution_time_s:.1f} s"),
            ("Graded at", meta.get("graded_at", "unknown")),
            ("Versions", versions or "unknown"),
            ("Isolation", _isolation(meta.get("isolation")))]
    items = "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return (f"<h1>Grade report</h1>\n<p class=\"total\">{_num(report.score)} / "
            f"{_num(report.max_score)}</p>\n<dl class=\"meta\">\n{items}\n</dl>")


def _isolation(described: Any) -> str:
    """One line on what the student's code could reach during the grade."""
    if not isinstance(described, dict):
        return "unknown"
    notes = "; ".join(str(n) for n in described.get("notes") or [])
    return f"{described.get('level')}: {described.get('mechanism')}" + (f" ({notes})" if notes else "")


def _summary(report: GradeReport) -> str:
    rows = "\n".join(f"<tr><td>{_e(q)}</td><td class=\"num\">{_num(p)} / {_num(m)}</td></tr>"
                     for q, (p, m) in report.question_scores().items())
    return ("<h2>Questions</h2>\n<table class=\"summary\">\n"
            "<thead><tr><th>Question</th><th class=\"num\">Points</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n<tfoot><tr><th>Total</th><th class=\"num\">"
            f"{_num(report.score)} / {_num(report.max_score)}</th></tr></tfoot>\n</table>")


def _checks(report: GradeReport) -> str:
    rows = "\n".join(_check_row(r) for r in report.results)
    return ("<h2>Checks</h2>\n<table class=\"checks\">\n<thead><tr><th>Status</th><th>Question"
            "</th><th>Check</th><th class=\"num\">Points</th><th>Feedback</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n</table>")


def _check_row(result: CheckResult) -> str:
    badge = (f"<span class=\"badge {BADGE.get(result.status, 'bad')}\">"
             f"{_e(result.status.replace('_', ' '))}</span>")
    feedback = _e(result.feedback)
    if result.hint:
        label = "note" if result.status == "passed" else "hint"
        feedback += f"<br><small><b>{label}:</b> {_e(result.hint)}</small>"
    full = explanation(result)
    if full:
        details = full
        if len(details) > MAX_DETAIL_CHARS:
            details = (details[:MAX_DETAIL_CHARS]
                       + f"\n... ({len(full)} characters, truncated)")
        feedback += f"\n<details><summary>details</summary><pre>{_e(details)}</pre></details>"
    return (f"<tr><td>{badge}</td>"
            f"<td>{_e(result.question)}</td><td>{_e(result.title)}</td>"
            f"<td class=\"num\">{_num(result.points)} / {_num(result.max_points)}</td>"
            f"<td>{feedback}</td></tr>")


def _figures(report: GradeReport, folder: Path) -> list[str]:
    """Draw every figure whose data is usable; a short note for each that is not."""
    artifacts = report.artifacts if isinstance(report.artifacts, dict) else {}
    parts = []
    for spec in FIGURES:
        target = folder / spec.file
        target.unlink(missing_ok=True)  # a figure skipped this time must not leave last run's PNG
        artifact = artifacts.get(spec.artifact)
        if artifact is None:
            parts.append(_note(f"{spec.caption}: not drawn ({spec.artifact} recorded no data; "
                               "the check did not run or did not finish)."))
            continue
        if not isinstance(artifact, dict):
            parts.append(_note(f"{spec.caption}: not drawn ({spec.artifact} data is not a dict)."))
            continue
        try:
            spec.draw(*(artifact.get(name) for name in spec.fields), target, **spec.options)
        except figures.FigureDataError as exc:
            parts.append(_note(f"{spec.caption}: not drawn ({exc})."))
            continue
        except (ValueError, OverflowError, FloatingPointError) as exc:
            # Validated data should always draw; if matplotlib still chokes on some student data,
            # the scores and the other figures matter more than this one figure.
            target.unlink(missing_ok=True)
            parts.append(_note(f"{spec.caption}: could not be drawn "
                               f"({type(exc).__name__}: {exc})."))
            continue
        parts.append(f"<figure><img src=\"{_e(spec.file)}\" alt=\"{_e(spec.caption)}\">"
                     f"<figcaption>{_e(spec.caption)}</figcaption></figure>")
    return parts


def _note(text: str) -> str:
    return f"<p class=\"note\">{_e(text)}</p>"


def _e(value: Any) -> str:
    """Escape anything for element text or a double-quoted attribute."""
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:g}"
