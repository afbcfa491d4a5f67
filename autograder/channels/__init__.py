"""The ways the exercise reaches a class: Gradescope's autograder zip and its run_autograder
(`gradescope/`), and grading a whole folder of submissions (`batch/`).

A channel hands a folder to the grader (`python -m autograder grade`, in its own process so that
nothing a submission does to it can take the channel down) and reads back the grader's
results.json. It never imports student code and never parses what student code printed.
"""
