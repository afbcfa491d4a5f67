"""Grading a whole class: `python -m autograder.channels.batch SUBMISSIONS` (`make grade-all`).

`layouts` finds the students in Gradescope's "Export Submissions" folder, nbgrader's
`submitted/<student>/<assignment>/` or plain per-student folders; `runner` stages them and grades
each as one Dask task (`cluster`: an embedded LocalCluster or an existing cluster; `task`: what
runs on a worker, a grader process of its own); `gradebook` writes gradebook.csv from their results.
"""
