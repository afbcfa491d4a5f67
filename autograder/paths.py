"""Where the grader's own tree is: the one repository-root constant of the `autograder` package.

REPO_ROOT is the folder that holds `autograder/` and `datasets/` (and, in a clone, `solution/`,
`student/`, `course/`). Inside a namespace sandbox the grader's code is mounted elsewhere
(sandbox/isolation.py's GRADER_MOUNT), and REPO_ROOT is that mount: it is always where this code
runs from. The scripts that are started by path (sandbox/child.py, spare.py, forkserver.py,
oracles/server.py) find this package from their own location first, since they cannot import it
before that; everything else takes REPO_ROOT from here. (`datasets.repo_root()` is the data
package's own answer: it ships without the grader in the student handout.)
"""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
