"""`python -m autograder.channels.handout [--out dist/ex2-handout.zip]`: build the student handout."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .package import handout_zip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.channels.handout", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("dist/ex2-handout.zip"),
                        help="the zip to write (default: dist/ex2-handout.zip)")
    parser.add_argument("--build", type=Path, default=Path("build/handout"),
                        help="scratch folder for its contents (default: build/handout)")
    args = parser.parse_args(argv)
    out = handout_zip(args.out, args.build)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB); a student unzips it and runs `make grade`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
