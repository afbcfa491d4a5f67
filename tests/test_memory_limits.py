"""Memory: a child killed for memory is told the limit that applied, the grading process outlives
it, and the CIFAR-10 trainings never hold the training set as floats.

The container test runs the real grader in a real cgroup with a small memory limit (as Gradescope's
container has); it needs root and a writable cgroup hierarchy, and is skipped with the reason
where they are missing.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grading_helpers import REPO, SOLUTION, copy_solution

sys.path.insert(0, str(REPO / "bench"))
from cgroup_limits import LimitedGroup  # noqa: E402  (the bench's container, reused)

CONTAINER_MB = 300   # room for the grader and its numpy fork server, not for the hoard below
HOARD_AT_IMPORT = """import numpy as np
hoard = []
while True:
    hoard.append(np.ones(2**24))   # 128 MB at a time, every page touched
"""


def _container_or_skip(memory_mb: int) -> LimitedGroup:
    group = LimitedGroup(cpus=2.0, memory_mb=memory_mb)
    try:
        group.__enter__()
    except (PermissionError, OSError) as exc:
        pytest.skip(f"needs root and a writable cgroup hierarchy to limit the grader's memory: {exc}")
    return group


def test_memory_kill_names_the_containers_limit_and_the_grader_survives(tmp_path):
    """In a 300 MB container, does a submission that hoards memory at import get killed with a
    message naming 300 MB (not the per-check limit of 2048 MB), while the grading process survives
    and writes a complete results.json?"""
    folder = copy_solution(tmp_path / "submission")
    (folder / "chain_rule.py").write_text(HOARD_AT_IMPORT)
    results = tmp_path / "results.json"
    group = _container_or_skip(CONTAINER_MB)
    try:
        done = subprocess.run(group.wrap([sys.executable, "-m", "autograder", "grade", str(folder), "--only", "Q0",
                                          "--results", str(results), "--no-html", "--workers", "1"]),
                              cwd=REPO, capture_output=True, text=True, timeout=240)
        usage = group.usage()
    finally:
        group.__exit__(None, None, None)
    assert done.returncode == 0 and results.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    tests = json.loads(results.read_text())["tests"]
    assert len(tests) == 2 and all(t["score"] == 0 for t in tests), tests
    for test in tests:
        assert f"{CONTAINER_MB} MB" in test["output"] and "2048 MB" not in test["output"], test["output"]
    assert usage.oom_kills >= 1, "the kernel should have killed the hoarding child"


TRAINING_SCRIPT = """
import json, sys
from pathlib import Path
import numpy as np
from autograder.sandbox.exchange import CifarData
from autograder.sandbox.probes import Submission
from autograder.sandbox.probes import mlp_training, two_layer_training

N = int(sys.argv[2])
path = Path(sys.argv[3])
rng = np.random.RandomState(0)
np.save(path, rng.randint(0, 256, size=(N, 32, 32, 3)).astype(np.uint8))
x_train = np.asarray(np.load(path, mmap_mode="r"))   # as the child's transport maps it
labels = rng.randint(10, size=N)
x_val, y_val = rng.randint(0, 256, size=(50, 32, 32, 3)).astype(np.uint8), labels[:50]
settings = {
    "two_layer_training": dict(hidden_size=8, learning_rate=1e-3, learning_rate_decay=0.95, reg=0.0,
                               num_iters=300, batch_size=200),
    "mlp_training": dict(hidden_layers=[8], epochs=1, batch_size=500, learning_rate=1e-3,
                         learning_rate_decay=0.95, weight_decay=0.0, dropout=0.0),
}

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

out = {}
for probe in (two_layer_training, mlp_training):
    name = probe.__name__.rsplit(".", 1)[1]
    for n in (1000, N):  # 1,000 first: the libraries a first training loads are not the training set
        open("/proc/self/clear_refs", "w").write("5")   # the peak starts again from here
        before = peak_mb()
        probe.cifar_training(CifarData(x_train[:n], labels[:n], x_val, y_val, settings[name], seed=0),
                             Submission(Path(sys.argv[1])))
    out[name] = peak_mb() - before
print(json.dumps(out))
"""


def test_trainings_never_hold_the_training_set_as_floats(tmp_path):
    """Do the Q3b and Q4b training probes, on 20,000 memory-mapped uint8 images (60 MB; 240 MB as
    float32), stay far below one float copy of them (they convert a minibatch at a time)?"""
    n = 20_000
    uint8_mb, float32_mb = n * 3072 / 2**20, n * 3072 * 4 / 2**20
    done = subprocess.run([sys.executable, "-c", TRAINING_SCRIPT, str(SOLUTION), str(n), str(tmp_path / "x.npy")],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    growth = json.loads(done.stdout.strip().splitlines()[-1])
    for probe, grown_mb in growth.items():
        # The peak counts the mapped uint8 pages the training reads (file-backed, reclaimable) too.
        assert grown_mb < uint8_mb + 0.4 * float32_mb, (
            f"{probe}: the peak grew by {grown_mb:.0f} MB during training on {uint8_mb:.0f} MB of uint8 "
            f"images; a float32 copy of them is {float32_mb:.0f} MB")
