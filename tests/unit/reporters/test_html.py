"""The HTML reporter: one escaped, self-contained page from a hand-built GradeReport, with real
matplotlib figures (no mocks)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from autograder.reporters import figures, html
from autograder.results import STATUSES, CheckResult, GradeReport

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script>"
FIGURE_FILES = [spec.file for spec in html.FIGURES]


def _result(status: str, n: int, **kwargs) -> CheckResult:
    fields = dict(check_id=f"Q{n}a.check_{status}", question=f"Q{n}a",
                  title=f"Check {n} ends {status}", max_points=2.0,
                  points={"passed": 2.0, "partial": 0.5}.get(status, 0.0), status=status,
                  feedback=f"feedback for {status}", details=f"details for {status}\nline two")
    fields.update(kwargs)
    return CheckResult(**fields)


def _report(results=None, artifacts=None, submission="student") -> GradeReport:
    results = results if results is not None else [
        _result(status, n) for n, status in enumerate(STATUSES)]
    return GradeReport(submission=submission, results=results, artifacts=artifacts or {},
                       metadata={"graded_at": "2024-05-01T12:00:00Z",
                                 "versions": {"python": "3.11.2", "numpy": "1.26.4"}},
                       execution_time_s=12.34)


def _good_artifacts(rng: np.random.Generator) -> dict:
    epochs = 8
    return {
        "Q3b.cifar_accuracy": {
            "loss_history": list(2.3 * np.exp(-np.arange(1000) / 300) + 0.1 * rng.random(1000)),
            "train_acc_history": list(np.linspace(0.2, 0.55, epochs)),
            "val_acc_history": list(np.linspace(0.2, 0.5, epochs)),
            "W1": rng.standard_normal((3072, 50)) * 1e-2,  # (D, H) as the Q3b probe returns it
        },
        "Q4b.cifar_accuracy": {"loss": list(np.linspace(2.0, 1.2, epochs)),
                               "train_acc": list(np.linspace(0.3, 0.6, epochs)),
                               "val_acc": list(np.linspace(0.3, 0.52, epochs))},
    }


def _assert_png(path: Path) -> None:
    assert path.is_file(), f"{path.name} was not written"
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} does not start with the PNG signature"
    assert len(data) > 1000, f"{path.name} is only {len(data)} bytes; an empty figure?"


def test_page_shows_total_titles_and_statuses(tmp_path):
    """Does the page show the header, the total, every question and every check's title?"""
    report = _report()
    page = html.write(report, tmp_path)
    assert page == tmp_path / "index.html" and page.is_file()
    text = page.read_text(encoding="utf-8")
    assert f"{report.score:g} / {report.max_score:g}" in text  # 2.5 / 12, as GradeReport says
    assert "2024-05-01T12:00:00Z" in text and "numpy 1.26.4" in text and "12.3 s" in text
    for result in report.results:
        assert result.title in text and result.question in text
        assert result.status.replace("_", " ") in text
    for question, (points, max_points) in report.question_scores().items():
        assert f"<td>{question}</td><td class=\"num\">{points:g} / {max_points:g}</td>" in text


def test_details_and_hints_for_every_check(tmp_path):
    """Are details shown in a <details><pre> block for every status, passed included, with the
    hint of a failed check and the note of a passed one?"""
    results = [_result(status, n, hint=f"advice for {status}") for n, status in enumerate(STATUSES)]
    text = html.write(_report(results), tmp_path).read_text(encoding="utf-8")
    for status in STATUSES:
        assert f"<pre>details for {status}\nline two</pre>" in text, f"no details for {status}"
        label = "note" if status == "passed" else "hint"
        assert f"<b>{label}:</b> advice for {status}" in text, f"no {label} for {status}"


def test_hostile_text_is_escaped_everywhere(tmp_path):
    """Does student-influenced text (feedback, details, title, submission) appear only escaped?"""
    results = [_result("failed", 1, feedback=HOSTILE, details=f"</pre>{HOSTILE}",
                       title='"><img src=x onerror=alert(1)>'),
               _result("error", 2, question=f"Q2{HOSTILE}")]
    report = _report(results, submission=f"subs/<b>{HOSTILE}")
    text = html.write(report, tmp_path).read_text(encoding="utf-8")
    assert "<script" not in text.lower(), "a <script> tag reached the page unescaped"
    assert "<img src=x" not in text and "<b>" not in text
    assert text.count("<pre>") == text.count("</pre>") == 2, "details cannot close their <pre>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in text


def test_page_is_self_contained(tmp_path):
    """Is the page free of JavaScript and of any link or asset outside its own folder?"""
    text = html.write(_report(artifacts=_good_artifacts(np.random.default_rng(0))),
                      tmp_path).read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "javascript:" not in text.lower()
    assert not re.search(r"<link\b", text), "CSS must be inline"
    refs = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert refs and all(ref in FIGURE_FILES for ref in refs), refs


def test_figures_are_written_and_referenced(tmp_path):
    """With good artifacts, is every figure a real PNG beside the page, linked by relative name?"""
    text = html.write(_report(artifacts=_good_artifacts(np.random.default_rng(1))),
                      tmp_path).read_text(encoding="utf-8")
    for name in FIGURE_FILES:
        _assert_png(tmp_path / name)
        assert f'<img src="{name}"' in text
    assert 'class="note"' not in text


def test_long_curves_with_nan_are_downsampled(tmp_path):
    """Does a 100,000-iteration loss with NaN and inf still draw, binned, with the PNG written?"""
    artifacts = _good_artifacts(np.random.default_rng(2))
    loss = np.random.default_rng(3).random(100_000)
    loss[::7], loss[-10:] = np.nan, np.inf  # a run that diverged at the end
    artifacts["Q3b.cifar_accuracy"]["loss_history"] = loss.tolist()
    html.write(_report(artifacts=artifacts), tmp_path)
    _assert_png(tmp_path / "q3b_curves.png")
    x, y, note = figures._series(loss, "loss")
    assert len(x) == len(y) <= figures.MAX_CURVE_POINTS and np.isfinite(y).all()
    assert "mean of every 50 points" in note and "non-finite" in note


BAD_Q3B = {
    "W1 transposed": ("W1", np.zeros((10, 3072)), "q3b_weights.png"),
    "W1 wrong D": ("W1", np.zeros((3073, 10)), "q3b_weights.png"),
    "W1 no units": ("W1", np.zeros((3072, 0)), "q3b_weights.png"),
    "W1 with NaN": ("W1", np.full((3072, 4), np.nan), "q3b_weights.png"),
    "W1 strings": ("W1", "garbage", "q3b_weights.png"),
    "W1 missing": ("W1", None, "q3b_weights.png"),
    "loss all NaN": ("loss_history", [float("nan")] * 20, "q3b_curves.png"),
    "loss empty": ("loss_history", [], "q3b_curves.png"),
    "loss ragged": ("loss_history", [1.0, [2.0, 3.0]], "q3b_curves.png"),
    "loss 2-D": ("loss_history", np.ones((5, 5)), "q3b_curves.png"),
    "loss with None": ("loss_history", [1.0, None, 2.0], "q3b_curves.png"),
    "val acc complex": ("val_acc_history", [1j, 2j], "q3b_curves.png"),
    "train acc scalar": ("train_acc_history", 0.5, "q3b_curves.png"),
}


@pytest.mark.parametrize("case", sorted(BAD_Q3B))
def test_bad_figure_data_gives_a_note(tmp_path, case):
    """Is a figure with garbage data skipped with a note, while the other figures still draw?"""
    key, value, skipped = BAD_Q3B[case]
    artifacts = _good_artifacts(np.random.default_rng(4))
    artifacts["Q3b.cifar_accuracy"][key] = value
    text = html.write(_report(artifacts=artifacts), tmp_path).read_text(encoding="utf-8")
    assert not (tmp_path / skipped).exists() and skipped not in text
    assert text.count('class="note"') == 1 and "not drawn" in text
    for name in set(FIGURE_FILES) - {skipped}:
        _assert_png(tmp_path / name)


@pytest.mark.parametrize("artifacts", [{}, {"Q3b.cifar_accuracy": "junk", "Q4b.cifar_accuracy": 3}],
                         ids=["absent", "not-dicts"])
def test_missing_artifacts_leave_notes_not_stale_figures(tmp_path, artifacts):
    """Without usable artifacts, is the page written with notes and last run's PNGs removed?"""
    html.write(_report(artifacts=_good_artifacts(np.random.default_rng(5))), tmp_path)
    text = html.write(_report(artifacts=artifacts), tmp_path).read_text(encoding="utf-8")
    assert text.count('class="note"') == len(FIGURE_FILES) and "<img" not in text
    assert not any((tmp_path / name).exists() for name in FIGURE_FILES)


def test_hostile_artifact_text_in_a_note_is_escaped(tmp_path):
    """Is student-chosen data quoted in a note (a dtype, a shape) escaped like everything else?"""
    artifacts = {"Q4b.cifar_accuracy": {"loss": [HOSTILE], "train_acc": [0.1], "val_acc": [0.1]}}
    text = html.write(_report(artifacts=artifacts), tmp_path).read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "not drawn (loss: expected numbers" in text


def test_weight_tiles_rescale_each_unit_in_a_near_square_grid():
    """Are at most 100 units tiled near-square with 1-pixel padding, each rescaled to [0, 1]?"""
    rng = np.random.default_rng(6)
    W1 = rng.standard_normal((3072, 150)) * np.arange(1, 151)  # units of very different scales
    grid = figures.weight_tiles(W1)
    assert grid.shape == (10 * 33 - 1, 10 * 33 - 1, 3), "100 units -> a 10x10 grid of 32+1 px"
    for i in range(100):
        r, c = divmod(i, 10)
        tile = grid[r * 33:r * 33 + 32, c * 33:c * 33 + 32]
        assert tile.min() == 0.0 and tile.max() == 1.0, f"unit {i} is not rescaled on its own"
        expected = W1[:, i].reshape(32, 32, 3)  # HWC: the brightest pixel stays the brightest
        assert np.unravel_index(tile.argmax(), tile.shape) == np.unravel_index(
            expected.argmax(), expected.shape)
    assert grid[32, :].min() == 1.0 and grid[:, 32].min() == 1.0, "padding rows are white"
    assert figures.weight_tiles(np.ones((3072, 5))).shape == (2 * 33 - 1, 3 * 33 - 1, 3)


def test_huge_finite_values_draw_with_gaps(tmp_path):
    """Do finite but enormous values (which overflow matplotlib's autoscale) become gaps?"""
    path = figures.training_curves([1e308, -1e308, 2.0, 1.0], [0.1, 0.2], [0.1, 0.15],
                                   tmp_path / "huge.png")
    _assert_png(path)
    with pytest.raises(figures.FigureDataError, match="nothing to draw"):
        figures.training_curves([1e308] * 3, [0.1], [0.1], tmp_path / "none.png")
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == [], "every figure is closed after saving"
