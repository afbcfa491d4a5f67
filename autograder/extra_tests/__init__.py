"""The instructor's own Gradescope tests: `unittest` tests written with gradescope-utils'
decorators (@weight, @visibility, @number, @tags, @hide_errors, @leaderboard, @partial_credit),
packed into the Gradescope zip beside the grader and run after the harness's checks.

- `manifest`: when the zip is packed, lists the tests and what their decorators say (weight,
  visibility, number, leaderboard column), importing them beside the skeleton in a process of
  their own; what a student's code does at grading time cannot change those.
- `runner`: at grading time, runs each test in a sandboxed child of its own
  (probe `instructor_tests.run_one`, gradescope-utils' JSONTestRunner), at the grade's isolation
  level and with limits, and turns what comes back into results.json tests: a test that fails,
  hangs, crashes or is attacked by the student's code costs only its own points.
- `python -m autograder.extra_tests` is the runner's process, which run_autograder starts.

These tests import the student's code in the process that judges them (that is how unittest
works), so a submission written to fool them can pass them; the harness's own checks never have
that weakness (their scoring process never imports student code). Give them modest weights.
"""
