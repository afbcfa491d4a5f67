"""The grader's own truth. Nothing here reads solution/: torch autograd in float64, centred
differences, and the exercise's published reference values."""
