"""The similarity report: similarity.html (the ranked pairs, matching code side by side) and
similarity.csv (every pair that shares code), from the documents and pairs of `compare`.

Every string on the page comes from submissions (names, code) and goes through html.escape;
copydetect's highlighter escapes the code it wraps. The page is self-contained: inline CSS, no
script, no external asset.
"""
from __future__ import annotations

import csv
import html
import os
from pathlib import Path

from . import compare
from .extract import Document

TABLE_ROWS = 200     # pairs listed in the page's table (the CSV has them all)
SHOWN = 40           # pairs shown side by side
FLAG_AT = 0.5        # a pair at or above this score is marked "read first" (an order to read in)
READ_FIRST = '<span class="flag">read first</span>'

LEAD = ("Similarity is a lead for a person to read, not a verdict. Independent solutions of this "
        "exercise share a lot of code, because the skeleton fixes names, shapes and steps and numpy "
        "offers few ways to write them; students may also have worked together as the course allows. "
        "A high score only says which pairs to read first. Decide nothing from the number: read both "
        "sides, and talk to the students before concluding anything.")

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1400px; color: #222; }
.lead { background: #fff4d6; border: 1px solid #e0c060; padding: .8em 1em; font-size: 1.05em; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #e4e4e4; padding: .3em .6em; }
td.num { text-align: right; } .flag { color: #a33; font-weight: 600; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f7f7f7; padding: .6em; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
.highlight-red { background: #ffc9c9; } .highlight-green { background: #c9f2c9; }
"""


def write(out: Path, documents: list[Document], prints: list, pairs: list[compare.Pair],
          too_short: list[str]) -> tuple[Path, Path]:
    """Write out/similarity.html and out/similarity.csv; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "similarity.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rank", "student", "other", "other_kind", "score", "student_in_other",
                         "other_in_student", "shared_fingerprints", "read_first"])
        for rank, pair in enumerate(pairs, 1):
            a, b = documents[pair.a], documents[pair.b]
            score = pair.score(documents)
            writer.writerow([rank, a.name, b.name, b.kind, f"{score:.3f}", f"{pair.a_in_b:.3f}",
                             f"{pair.b_in_a:.3f}", pair.shared, "yes" if score >= FLAG_AT else ""])
    page = out / "similarity.html"
    tmp = page.with_suffix(".tmp")
    tmp.write_text(render(documents, prints, pairs, too_short), encoding="utf-8")
    os.replace(tmp, page)
    return page, csv_path


def render(documents: list[Document], prints: list, pairs: list[compare.Pair], too_short: list[str]) -> str:
    students = sum(1 for d in documents if d.kind == "student")
    references = len(documents) - students
    parts = [f"<h1>Similarity of the code students wrote</h1>\n<p class=\"lead\"><strong>{html.escape(LEAD)}"
             "</strong></p>",
             f"<p>{students} submission(s) compared with each other"
             + (f" and with {references} known solution(s)" if references else "")
             + f": {len(pairs)} pair(s) share code. Only the lines each student wrote count: the skeleton's "
             "lines are left out, and so are its fingerprints wherever they appear. Scores are the share of "
             "fingerprints (winnowing, copydetect) found on the other side; renamed variables do not "
             "change them, reordered statements change them little.</p>"]
    if too_short:
        parts.append("<p>Too little code written to compare (an untouched skeleton, or a few lines): "
                     + html.escape(", ".join(too_short)) + ".</p>")
    parts.append(_table(documents, pairs))
    for rank, pair in enumerate(pairs[:SHOWN], 1):
        parts.append(_side_by_side(rank, documents, prints, pair))
    parts.append(f"<p class=\"settings\">copydetect fingerprints: k = {compare.NOISE} characters of filtered "
                 f"code, guaranteed matches from {compare.GUARANTEE}; documents with fewer than "
                 f"{compare.MIN_FINGERPRINTS} fingerprints are not compared; the CSV beside this page lists "
                 "every pair that shares code.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Similarity report"
            f"</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def _table(documents: list[Document], pairs: list[compare.Pair]) -> str:
    rows = ["<table><tr><th>rank</th><th>student</th><th>other</th><th>score</th><th>student in other</th>"
            "<th>other in student</th><th>shared fingerprints</th><th></th></tr>"]
    for rank, pair in enumerate(pairs[:TABLE_ROWS], 1):
        a, b = documents[pair.a], documents[pair.b]
        score = pair.score(documents)
        other = html.escape(b.name) + (" (known solution)" if b.kind == "reference" else "")
        link = f"<a href=\"#pair-{rank}\">{rank}</a>" if rank <= SHOWN else str(rank)
        rows.append(f"<tr><td class=\"num\">{link}</td><td>{html.escape(a.name)}</td><td>{other}</td>"
                    f"<td class=\"num\">{score:.0%}</td><td class=\"num\">{pair.a_in_b:.0%}</td>"
                    f"<td class=\"num\">{pair.b_in_a:.0%}</td><td class=\"num\">{pair.shared}</td>"
                    f"<td>{READ_FIRST if score >= FLAG_AT else ''}</td></tr>")
    if len(pairs) > TABLE_ROWS:
        rows.append(f"<tr><td colspan=\"8\">{len(pairs) - TABLE_ROWS} more pair(s) in similarity.csv</td></tr>")
    return "\n".join(rows) + "</table>"


def _side_by_side(rank: int, documents: list[Document], prints: list, pair: compare.Pair) -> str:
    from copydetect.utils import highlight_overlap

    a, b = documents[pair.a], documents[pair.b]
    sim_a, sim_b, slices_a, slices_b = compare.matching_slices(prints, pair)
    sides = []
    for doc, slices, colour, share in ((a, slices_a, "red", sim_a), (b, slices_b, "green", sim_b)):
        if slices.shape[-1] if slices.ndim == 2 else 0:
            code, _ = highlight_overlap(doc.text, slices, f"<span class='highlight-{colour}'>", "</span>",
                                        escape_html=True)
        else:
            code = html.escape(doc.text)
        kind = "known solution" if doc.kind == "reference" else "student"
        sides.append(f"<div><h3>{html.escape(doc.name)} ({kind}): {share:.0%} of its tokens match</h3>"
                     f"<pre>{code}</pre></div>")
    return (f"<h2 id=\"pair-{rank}\">{rank}. {html.escape(a.name)} and {html.escape(b.name)}: "
            f"score {pair.score(documents):.0%}</h2>\n<div class=\"sides\">" + "".join(sides) + "</div>")
