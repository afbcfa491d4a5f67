#!/usr/bin/env bash
# The grader's worst case: the numpy net and the MLP train at the same time, one core each, with the
# settings of solution/hyperparams.py. Prints each run's JSON line and the wall time of the pair.
#     bash bench/tuning/parallel_grade.sh        (needs both cores free to mean anything)
set -eu
cd "$(dirname "$0")/../.."
python=${PYTHON:-.venv/bin/python}
start=$(date +%s.%N)
"$python" bench/tuning/tune_numpy.py & numpy_pid=$!
"$python" bench/tuning/tune_mlp.py & mlp_pid=$!
wait "$numpy_pid" "$mlp_pid"
echo "both done in $(echo "$(date +%s.%N) - $start" | bc) s (process start, data loading and test evaluation included)"
