# The front door. `make help` lists the targets; every target a newcomer meets says what to try
# when it fails.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUBMISSION ?= student
Q ?=
V ?=
FROM ?=
GPU ?=
TORCH_INDEX ?=
OFFLINE_CIFAR := $(wildcard ../shared/data/cifar10-jpeg.tar.gz)

.PHONY: help venv grade test test-fast student check-student data bench bench-isolation clean
.PHONY: bench-made-up gradescope grade-all bench-container bench-grade-all similarity bench-similarity bench-portable

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

# A student's venv: torch's CPU build on Linux without an NVIDIA GPU (GPU=1 keeps CUDA;
# TORCH_INDEX=<url>, or =default for pip's own index, as in Gradescope's setup.sh).
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null || \
	  { echo "error: Python >= 3.10 is needed; run e.g. 'make PYTHON=python3.11 ...'"; exit 1; }
	$(PYTHON) -m autograder.install --venv $(VENV) $(if $(GPU),--gpu) $(if $(TORCH_INDEX),--torch-index $(TORCH_INDEX)) || \
	  { echo "hint: install your system's python3-venv package, check your connection, then 'make clean venv'"; exit 1; }
	@touch $@

# The staff's tools (nbgrader, gradescope-utils) and the harness's test tools (pytest, vermin).
$(VENV)/.installed-instructor: $(VENV)/.installed
	$(PY) -m pip install --quiet ".[instructor]" || { echo "hint: pip could not install nbgrader; check your connection"; exit 1; }
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet ".[test,instructor]" || { echo "hint: pip could not install pytest; check your connection"; exit 1; }
	@touch $@

venv: $(VENV)/.installed ## build .venv with what a student needs (GPU=1: CUDA torch on Linux; TORCH_INDEX=...)

grade: venv ## grade a submission: make grade [SUBMISSION=student] [Q=Q1a,Q2d] [V=1: every check's details]
	@$(PY) -m datasets info >/dev/null 2>&1 || $(MAKE) --no-print-directory data-auto || \
	  echo "warning: CIFAR-10 is not set up; the training checks (Q3b, Q4b) will say how to get it"
	@$(PY) -m autograder grade $(SUBMISSION) $(if $(Q),--only $(Q)) $(if $(V),-v) || \
	  { echo "hint: the grader itself failed; 'make grade Q=Q1a' grades one question, 'make grade V=1' prints every check's details"; exit 1; }

data: venv ## get CIFAR-10: official download, or make data FROM=<folder or .tar.gz>
	$(PY) -m datasets get $(if $(FROM),--from $(FROM))

data-auto: venv
	$(PY) -m datasets get $(if $(OFFLINE_CIFAR),--from $(OFFLINE_CIFAR))

test: $(VENV)/.installed-test ## run all the harness's own tests (what CI runs; ~15 min on 2 cores)
	$(PY) -m pytest $(if $(CI),-q,)

test-fast: $(VENV)/.installed-test ## the unit tier while you work: no grade, no CIFAR-10 (< 1 min)
	$(PY) -m pytest -q tests/unit || { echo "hint: make test-fast runs tests/unit only; 'make test' runs everything"; exit 1; }

student: venv ## regenerate student/ from solution/
	$(PY) -m autograder assign

check-student: venv ## fail if student/ is stale
	$(PY) -m autograder assign --check

bench: venv ## print grading and training speed measurements
	$(PY) bench/grade_speed.py

gradescope: $(VENV)/.installed-instructor ## build dist/gradescope-autograder.zip for Gradescope [TESTS=folder of your own tests]
	$(PY) -m autograder.channels.gradescope.pack $(if $(TESTS),--tests $(TESTS)) || \
	  { echo "hint: the zip could not be built; run the tests of tests/channels for details"; exit 1; }

grade-all: $(VENV)/.installed-instructor ## grade a class: make grade-all SUBMISSIONS=dir [OUT=reports/class] [FORCE=1] [SCHEDULER=tcp://host:8786] [REFERENCE=dir]
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=<folder of submissions>"; exit 2; }
	$(PY) -m autograder.channels.batch $(SUBMISSIONS) $(if $(OUT),--out $(OUT)) $(if $(FORCE),--force) \
	  $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(REFERENCE),--reference $(REFERENCE)) || \
	  { echo "hint: see the messages above; a finished student is skipped when you run it again"; exit 1; }

similarity: $(VENV)/.installed-instructor ## rank look-alike submissions: make similarity SUBMISSIONS=dir [REFERENCE=dir] [OUT=reports/class]
	@test -n "$(SUBMISSIONS)" || { echo "usage: make similarity SUBMISSIONS=<folder of submissions> [REFERENCE=<known solutions>]"; exit 2; }
	$(PY) -m autograder.channels.similarity $(SUBMISSIONS) $(if $(REFERENCE),--reference $(REFERENCE)) $(if $(OUT),--out $(OUT)) || \
	  { echo "hint: SUBMISSIONS is a folder grade-all reads; REFERENCE holds .py files or one folder per known solution"; exit 1; }

bench-container: venv ## full grades of the solution under real cgroup CPU/memory limits (root) [GRADER_PYTHON=venv/bin/python]
	$(PY) bench/container_fit.py $(if $(GRADER_PYTHON),--python $(GRADER_PYTHON)) || \
	  { echo "hint: it needs root, cgroups and CIFAR-10 (make data, or HLCV_DATA_DIR); see the message above"; exit 1; }

bench-grade-all: $(VENV)/.installed-instructor ## a class of 8 on 1 vs 2 Dask workers, and Dask against a plain process pool
	$(PY) bench/grade_all.py

bench-similarity: $(VENV)/.installed-instructor ## the similarity report of 500 generated submissions: seconds
	$(PY) bench/similarity_speed.py

bench-made-up: venv ## the points of each made-up submission (tests/made_up_table.py), per question [GRADER=checkout]
	$(PY) bench/made_up_points.py $(if $(GRADER),--grader $(GRADER))

bench-isolation: venv ## print the cost of isolating student code (a full grade with and without)
	$(PY) bench/isolation_cost.py

bench-portable: venv ## a full grade at the portable level (macOS/Windows path) vs the default one
	$(PY) bench/isolation_cost.py --levels auto,portable --goal 2.0

clean: ## remove the virtual environment and reports (keeps data/)
	rm -rf $(VENV) reports .pytest_cache

# ---- nbgrader and the student handout (autograder/channels/) ----
COURSE ?= course
STUDENT ?=
.PHONY: release autograde gradebook handout bench-nbgrader bench-autograde

release: $(VENV)/.installed-instructor ## nbgrader release: fill $(COURSE)/source/ex2, run nbgrader generate_assignment
	$(PY) -m autograder.channels.nbgrader source --course $(COURSE)
	@# nbgrader runs `alembic` (its database migrations) from PATH: the venv's bin/ goes first.
	cd $(COURSE) && PATH="$(abspath $(VENV))/bin:$$PATH" $(abspath $(PY)) -m nbgrader generate_assignment ex2 --force || \
	  { echo "hint: run nbgrader from $(COURSE)/ (it reads nbgrader_config.py there); see the README's nbgrader section"; exit 1; }

autograde: $(VENV)/.installed-instructor ## nbgrader autograde, every notebook's kernel sandboxed: make autograde [STUDENT=id]
	$(PY) -m autograder.channels.nbgrader autograde --course $(COURSE) $(if $(STUDENT),--student $(STUDENT)) || \
	  { echo "hint: see nbgrader's messages above; 'make release' first, submissions in $(COURSE)/submitted/<student>/ex2"; exit 1; }

gradebook: $(VENV)/.installed-instructor ## after make autograde: write the sandbox's points into $(COURSE)/gradebook.db
	@# The grader's files are checked first by a script of the standard library (never a bytecode cache).
	$(PY) -I -B autograder/channels/nbgrader/manifest.py check --course $(COURSE)
	$(PY) -m autograder.channels.nbgrader gradebook --course $(COURSE) || \
	  { echo "hint: run 'make autograde' first"; exit 1; }

handout: $(VENV)/.installed-instructor ## build dist/ex2-handout.zip (student files, notebook, grader, Makefile; no solution)
	$(PY) -m autograder.channels.handout

bench-nbgrader: $(VENV)/.installed-instructor ## time nbgrader autograde + the gradebook writer against make grade; release size
	$(PY) bench/nbgrader_speed.py

bench-autograde: $(VENV)/.installed-instructor ## make autograde's sandboxed kernels against the bare nbgrader autograde (3 students)
	$(PY) bench/autograde_sandbox.py
