"""The similarity report of one class: documents from submission folders, pairs, page and CSV."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import compare, report
from .extract import reference_documents, skeleton_texts, submission_document

SKELETON = Path(__file__).resolve().parents[3] / "student"


@dataclass
class Summary:
    page: Path
    csv: Path
    students: int
    references: int
    pairs: int
    read_first: int            # pairs at or above report.FLAG_AT
    seconds: float

    def line(self) -> str:
        return (f"similarity: {self.students} submission(s)"
                + (f" and {self.references} known solution(s)" if self.references else "")
                + f", {self.pairs} pair(s) share code, {self.read_first} to read first -> {self.page} "
                f"({self.seconds:.1f} s). A lead for a person to read, not a verdict.")


def write_class_report(submissions: list[tuple[str, Path]], out: Path, reference: Path | None = None,
                       skeleton_dir: Path = SKELETON) -> Summary:
    """Compare the written code of every (name, staged folder) pair of `submissions` with every
    other and with each known solution under `reference`; write out/similarity.{html,csv}."""
    started = time.perf_counter()
    skeletons = skeleton_texts(skeleton_dir)
    documents = [submission_document(name, folder, skeletons) for name, folder in submissions]
    if reference is not None:
        documents += reference_documents(reference, skeletons)
    prints = compare.fingerprints(documents, skeletons)
    pairs = compare.all_pairs(documents, prints)
    page, csv_path = report.write(out, documents, prints, pairs, compare.too_short(documents, prints))
    flagged = sum(1 for p in pairs if p.score(documents) >= report.FLAG_AT)
    return Summary(page, csv_path, len(submissions), len(documents) - len(submissions), len(pairs), flagged,
                   time.perf_counter() - started)
