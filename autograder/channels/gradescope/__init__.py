"""Gradescope: `pack` builds the autograder zip; `run` is the Python half of `run_autograder`;
the staging of an upload is shared with batch grading (`../stage.py`)."""
