#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (the zip is unpacked in
# /autograder/source). It installs the pinned CPU builds for the image's Python 3.10 and puts
# CIFAR-10 into the image, so that grading never needs the network.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
TORCH_INDEX="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"

fail() { echo "setup.sh: error: $*" >&2; exit 1; }

apt-get update -q
# bubblewrap: the sandbox's namespaces; python3-venv: the grader's own environment.
apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip bubblewrap ca-certificates \
  || fail "apt-get could not install python3-venv and bubblewrap"
python3 -c 'import sys; assert sys.version_info >= (3, 10), sys.version' \
  || fail "the image's python3 is older than 3.10; pick Ubuntu 22.04 in the autograder settings"
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --no-cache-dir --quiet --upgrade pip
"$ROOT/venv/bin/pip" install --no-cache-dir --quiet --extra-index-url "$TORCH_INDEX" -r "$SOURCE/requirements.txt" \
  || fail "pip could not install $SOURCE/requirements.txt (torch from $TORCH_INDEX)"

# The official CIFAR-10 archive, md5-checked by datasets/official.py, stored as one .npz.
export HLCV_DATA_DIR="$ROOT/data"
cd "$SOURCE"
"$ROOT/venv/bin/python" -m datasets get \
  || fail "CIFAR-10 could not be downloaded or did not match its published md5 (see above). Rebuild \
the autograder image later; without the data, Q3b and Q4b score 0 with 'CIFAR-10 is not set up'."
"$ROOT/venv/bin/python" -m datasets info
# The sandbox user must run the interpreter; the grader, the data and the results stay root-only
# (run_autograder sets those modes again before every grade).
chmod -R a+rX "$ROOT/venv"
chmod 700 "$SOURCE" "$HLCV_DATA_DIR"
echo "setup.sh: done"
