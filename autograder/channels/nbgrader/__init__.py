"""The nbgrader channel: the course folder's source, the notebook's test cells, the gradebook writer.

- course.py: the names shared with the notebook (assignment, cells, points from autograder/course.py).
- cell.py: what the notebook's autograded test cells call (a preview in the student's kernel).
- gradebook.py: after `nbgrader autograde`, grades each submission in the sandbox and writes
  those points into nbgrader's gradebook (the points that count).
- `python -m autograder.channels.nbgrader source|gradebook`: the commands `make release` and
  `make gradebook` run.
"""
