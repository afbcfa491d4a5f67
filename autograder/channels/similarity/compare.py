"""Fingerprints with copydetect, and every pair of documents scored by the fingerprints they share.

copydetect (a maintained implementation of winnowing, the method of MOSS) tokenises each document
with pygments, replaces every name by one letter (so renamed variables still match), drops
comments and whitespace, hashes every k-gram (k = NOISE characters of that filtered code) and
keeps the minimum hash of every window (winnowing: a match of GUARANTEE characters or more is
always caught). Fingerprints of the skeleton are removed as boilerplate.

copydetect's own pairwise loop compares every pair of files with Python sets, about 1 ms a pair:
125,000 pairs for a class of 500 would take minutes. Here its fingerprints go into an index
instead: a (documents x shared fingerprints) 0/1 matrix, whose product with its transpose counts
the fingerprints every pair shares, for all pairs at once. A pair's score is the fraction of each
side's fingerprints found in the other (the mean of both for two students; for a student and a
known solution, the student's side: a public solution holds much more than the exercise). Only the
pairs shown on the page go through copydetect's `compare_files`, for the matching code itself.
Reordered statements keep the fingerprints inside each statement; renamed names change nothing.

copydetect hashes k-grams with Python's hash(), which is salted anew in every process
(PYTHONHASHSEED): winnowing would keep other fingerprints, and give other scores, on every run.
While fingerprinting, a blake2b digest of each k-gram stands in for it, so that the same class
always gets the same report.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass

import numpy as np

from .extract import Document

NOISE = 20           # k: matches shorter than this many characters of filtered code are noise
GUARANTEE = 25       # every match at least this long is found (winnowing window = 6)
MIN_FINGERPRINTS = 8 # a document with fewer (a few lines) is too short to compare
BLOCK = 4096         # fingerprints per block of the index's product (bounds its memory)


@dataclass
class Pair:
    """Two documents and what they share; a is always a student."""

    a: int                   # index into the documents
    b: int
    shared: int              # fingerprints in both
    a_in_b: float            # fraction of a's fingerprints found in b
    b_in_a: float

    def score(self, documents: list[Document]) -> float:
        if documents[self.b].kind == "reference":
            return self.a_in_b
        return (self.a_in_b + self.b_in_a) / 2


def fingerprints(documents: list[Document], skeletons: dict[str, str]) -> list:
    """copydetect's CodeFingerprint of every document, the skeleton's k-grams removed."""
    from copydetect import CodeFingerprint

    with _stable_hashes():
        boilerplate = np.unique(np.concatenate([
            np.fromiter(CodeFingerprint(name, NOISE, 1, fp=io.StringIO(text), language="python").hashes, dtype=np.int64)
            for name, text in skeletons.items()] or [np.zeros(0, np.int64)]))
        return [CodeFingerprint(doc.name, NOISE, GUARANTEE - NOISE + 1, boilerplate, fp=io.StringIO(doc.text),
                                language="python") for doc in documents]


def all_pairs(documents: list[Document], prints: list) -> list[Pair]:
    """Every student-student and student-reference pair that shares a fingerprint, best first
    (ties: more shared fingerprints, then names). Documents below MIN_FINGERPRINTS take no part."""
    usable = [i for i, fp in enumerate(prints) if len(fp.hashes) >= MIN_FINGERPRINTS]
    columns = _shared_columns([prints[i].hashes for i in usable])
    shared = np.zeros((len(usable), len(usable)), dtype=np.int64)
    for start in range(0, len(columns), BLOCK):
        block = np.zeros((len(usable), min(BLOCK, len(columns) - start)), dtype=np.float32)
        for row, i in enumerate(usable):
            hit = [columns[h] - start for h in prints[i].hashes if start <= columns.get(h, -1) < start + BLOCK]
            block[row, hit] = 1.0
        shared += np.rint(block @ block.T).astype(np.int64)
    sizes = np.array([len(prints[i].hashes) for i in usable], dtype=np.float64)
    found = []
    for row, i in enumerate(usable):
        for col in range(row + 1, len(usable)):
            j = usable[col]
            count = int(shared[row, col])
            if count == 0 or documents[i].kind == documents[j].kind == "reference":
                continue
            a, b, ra, rb = (i, j, row, col) if documents[i].kind == "student" else (j, i, col, row)
            found.append(Pair(a, b, count, count / sizes[ra], count / sizes[rb]))
    found.sort(key=lambda p: (-p.score(documents), -p.shared, documents[p.a].name, documents[p.b].name))
    return found


def too_short(documents: list[Document], prints: list) -> list[str]:
    """The students whose written code is too short to compare (an untouched skeleton has none)."""
    return [doc.name for doc, fp in zip(documents, prints)
            if doc.kind == "student" and len(fp.hashes) < MIN_FINGERPRINTS]


def matching_slices(prints: list, pair: Pair):
    """copydetect's comparison of one pair: (token similarity of a, of b, slices of a, slices of b),
    the slices being (2, M) arrays of character ranges of each document's text that match."""
    from copydetect import compare_files

    _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(prints[pair.a], prints[pair.b])
    return float(sim_a), float(sim_b), slices_a, slices_b


@contextlib.contextmanager
def _stable_hashes():
    """copydetect's k-gram hash replaced by a digest that is the same in every process."""
    from copydetect import utils

    original = utils.hashed_kgrams
    utils.hashed_kgrams = _kgram_digests
    try:
        yield
    finally:
        utils.hashed_kgrams = original


def _kgram_digests(text: str, k: int) -> np.ndarray:
    """(len(text) - k + 1,) int64: the first 8 bytes of each k-gram's blake2b digest."""
    return np.array([int.from_bytes(hashlib.blake2b(text[i:i + k].encode("utf-8", "surrogatepass"),
                                                    digest_size=8).digest(), "little", signed=True)
                     for i in range(len(text) - k + 1)], dtype=np.int64)


def _shared_columns(hash_sets: list) -> dict:
    """{fingerprint: column} for the fingerprints at least two documents hold (only they can
    make a pair share anything)."""
    seen: set = set()
    repeated: set = set()
    for hashes in hash_sets:
        repeated |= seen & hashes
        seen |= hashes
    return {h: c for c, h in enumerate(sorted(repeated))}
