"""The student handout: `python -m autograder.channels.handout` builds dist/ex2-handout.zip, what a
student downloads when the course does not use nbgrader (see package.py for what it holds)."""
