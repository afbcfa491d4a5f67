"""The one atomic JSON writer: a reader never sees half a file, and the JSON is strict.

results.json (the Gradescope reporter, run_autograder), the gradebook's and the batch channel's
files all go through `write_json`: the text goes to a temporary file in the same folder, which then
replaces the target in one rename. NaN and Infinity are refused (Gradescope's parser refuses them).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json(value: Any, path: Path, mode: int = 0o644, indent: int | None = 2) -> Path:
    """Write `value` as strict ASCII JSON to `path` atomically (parent folders made); returns `path`."""
    text = json.dumps(value, indent=indent, allow_nan=False, ensure_ascii=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
