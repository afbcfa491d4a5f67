"""The ways the exercise reaches a class: Gradescope's autograder zip and its run_autograder
(`gradescope/`), grading a whole folder of submissions (`batch/`), nbgrader's test cells and
gradebook writer (`nbgrader/`) and the student handout (`handout/`).

A channel hands a folder to the grader (`python -m autograder grade` in its own process, so that
nothing a submission does to it can take the channel down, or the engine in process where the
channel already runs in a process of its own) and reads back the one result model. It never
imports student code and never parses what student code printed.
"""

# The instructor's generators of student/ (the .py files and the notebook) are not needed to
# grade, and they spell out the solution markers: nothing a student or Gradescope receives holds them.
INSTRUCTOR_ONLY = ("assign.py", "assign_notebook.py")
