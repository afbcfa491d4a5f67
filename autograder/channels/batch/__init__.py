"""Grading a whole class: `python -m autograder.channels.batch SUBMISSIONS` (`make grade-all`).

`layouts` finds the students in Gradescope's "Export Submissions" folder, nbgrader's
`submitted/<student>/<assignment>/` or plain per-student folders; `runner` grades them in
parallel, each in its own grader process; `gradebook` writes gradebook.csv from their results.
"""
