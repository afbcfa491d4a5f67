"""`make bench-similarity`: the similarity report of a generated class of 500 submissions.

Each submission fills every TODO region of the skeleton with the code of one of the independent
implementations the tests use (tests/channels/similarity_fixtures), chosen at random per region,
and renames its local variables at random: a class where every pair shares some code, as a real
one does, which is the slow case for the pair index. Printed: the seconds of each step (written
code, copydetect fingerprints, the index over every pair, the page and the CSV) and the total,
median of --repeats runs, against the target of 60 s on 2 cores.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "channels")]

from autograder.channels.similarity import compare, extract, report  # noqa: E402
from similarity_fixtures import fill, regions  # noqa: E402

SOURCES = ("ada", "bob", "cyd", "dan", "pub")
WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")
KEEP = {"np", "self", "params", "grads", "loss", "probs", "X", "y", "N", "W", "x", "g", "return", "for", "in",
        "range", "float", "int", "sum", "dict", "if", "else", "and", "or", "not", "import", "from", "true",
        "false", "none", "def", "with", "is", "lambda", "axis", "keepdims", "size", "replace", "out", "dtype",
        "min", "learning_rate", "reg", "batch_size", "num_train", "X_batch", "y_batch", "z2", "a2"}


def generate(folder: Path, count: int, seed: int) -> list[tuple[str, Path]]:
    """`count` submission folders under `folder`; returns (name, folder) pairs."""
    rng = random.Random(seed)
    skeleton = ROOT / "student"
    by_source = {name: regions(name) for name in SOURCES}
    made = []
    for number in range(count):
        target = folder / f"s{number:03d}"
        target.mkdir(parents=True)
        suffix = f"_{rng.randrange(10**6)}" if rng.random() < 0.7 else ""
        for file in extract.skeleton_texts(skeleton):
            text = (skeleton / file).read_text()
            options = [by_source[s][file] for s in SOURCES if file in by_source[s]]
            if options:
                codes = [_rename(rng.choice(options)[k], suffix) for k in range(len(options[0]))]
                text = fill(text, codes)
            (target / file).write_text(text)
        made.append((target.name, target))
    return made


def _rename(code: str, suffix: str) -> str:
    return WORD.sub(lambda m: m.group(0) if m.group(0) in KEEP or not suffix else m.group(0) + suffix, code)


def run_once(named: list[tuple[str, Path]], out: Path) -> dict[str, float]:
    steps = {}
    started = time.perf_counter()
    skeletons = extract.skeleton_texts(ROOT / "student")
    documents = [extract.submission_document(name, folder, skeletons) for name, folder in named]
    steps["written code"] = time.perf_counter() - started
    mark = time.perf_counter()
    prints = compare.fingerprints(documents, skeletons)
    steps["fingerprints"] = time.perf_counter() - mark
    mark = time.perf_counter()
    pairs = compare.all_pairs(documents, prints)
    steps["pair index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    report.write(out, documents, prints, pairs, compare.too_short(documents, prints))
    steps["page + csv"] = time.perf_counter() - mark
    steps["total"] = time.perf_counter() - started
    steps["pairs"] = len(pairs)
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="submissions in the class (default: 500)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the median is printed (default: 3)")
    args = parser.parse_args()
    import copydetect  # noqa: F401  (its import, ~1 s with matplotlib, is not the report's work)
    with tempfile.TemporaryDirectory(prefix="hlcv-bench-similarity-") as tmp:
        named = generate(Path(tmp) / "class", args.size, seed=0)
        runs = []
        for repeat in range(args.repeats):
            runs.append(run_once(named, Path(tmp) / "out"))
            print(f"  run {repeat + 1}: " + ", ".join(f"{k} {v:.1f} s" if k != "pairs" else f"{v} pairs"
                                                     for k, v in runs[-1].items()), flush=True)
    total = statistics.median(r["total"] for r in runs)
    print(f"{args.size} submissions: median {total:.1f} s for the whole report "
          f"({runs[0]['pairs']} pairs share code; target <= 60 s on 2 cores)")


if __name__ == "__main__":
    main()
