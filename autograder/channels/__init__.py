"""The ways the exercise reaches a class (nbgrader, the student handout).

A channel hands a submission folder to the engine (`autograder.engine.grade`) and renders the
`GradeReport` it gets back with the reporters; it never imports student code, never parses what
student code printed, and never recomputes a score.
"""
