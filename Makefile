# The front door. `make help` lists the targets; every target a newcomer meets says what to try
# when it fails.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUBMISSION ?= student
Q ?=
V ?=
FROM ?=
OFFLINE_CIFAR := $(wildcard ../shared/data/cifar10-jpeg.tar.gz)

.PHONY: help venv grade test student check-student data bench bench-isolation clean
.PHONY: gradescope grade-all bench-container bench-grade-all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null || \
	  { echo "error: Python >= 3.10 is needed; run e.g. 'make PYTHON=python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "hint: install your system's python3-venv package"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet . || \
	  { echo "hint: pip could not install the dependencies of pyproject.toml; check your connection, then 'make clean venv'"; exit 1; }
	@touch $@

venv: $(VENV)/.installed ## build the virtual environment (.venv) with every dependency

grade: venv ## grade a submission: make grade [SUBMISSION=student] [Q=Q1a,Q2d] [V=1: every check's details]
	@$(PY) -m datasets info >/dev/null 2>&1 || $(MAKE) --no-print-directory data-auto || \
	  echo "warning: CIFAR-10 is not set up; the training checks (Q3b, Q4b) will say how to get it"
	@$(PY) -m autograder grade $(SUBMISSION) $(if $(Q),--only $(Q)) $(if $(V),-v) || \
	  { echo "hint: the grader itself failed; 'make grade Q=Q1a' grades one question, 'make grade V=1' prints every check's details"; exit 1; }

data: venv ## get CIFAR-10: official download, or make data FROM=<folder or .tar.gz>
	$(PY) -m datasets get $(if $(FROM),--from $(FROM))

data-auto: venv
	$(PY) -m datasets get $(if $(OFFLINE_CIFAR),--from $(OFFLINE_CIFAR))

test: venv ## run the harness's own tests
	$(PY) -m pytest $(if $(CI),-q,)

student: venv ## regenerate student/ from solution/
	$(PY) -m autograder assign

check-student: venv ## fail if student/ is stale
	$(PY) -m autograder assign --check

bench: venv ## print grading and training speed measurements
	$(PY) bench/grade_speed.py

gradescope: venv ## build dist/gradescope-autograder.zip for Gradescope (see README, Gradescope)
	$(PY) -m autograder.channels.gradescope.pack || \
	  { echo "hint: the zip could not be built; run the tests of tests/channels for details"; exit 1; }

grade-all: venv ## grade a class: make grade-all SUBMISSIONS=dir [OUT=reports/class] [FORCE=1]
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=<folder of submissions>"; exit 2; }
	$(PY) -m autograder.channels.batch $(SUBMISSIONS) $(if $(OUT),--out $(OUT)) $(if $(FORCE),--force) || \
	  { echo "hint: see the messages above; a finished student is skipped when you run it again"; exit 1; }

bench-container: venv ## full grades of the solution under real cgroup CPU/memory limits (root) [GRADER_PYTHON=venv/bin/python]
	$(PY) bench/container_fit.py $(if $(GRADER_PYTHON),--python $(GRADER_PYTHON)) || \
	  { echo "hint: it needs root, cgroups and CIFAR-10 (make data, or HLCV_DATA_DIR); see the message above"; exit 1; }

bench-grade-all: venv ## a class of 8 graded one at a time vs in parallel: speed-up, peak memory
	$(PY) bench/grade_all.py

bench-isolation: venv ## print the cost of isolating student code (a full grade with and without)
	$(PY) bench/isolation_cost.py

clean: ## remove the virtual environment and reports (keeps data/)
	rm -rf $(VENV) reports .pytest_cache

# ---- nbgrader and the student handout (autograder/channels/) ----
COURSE ?= course
STUDENT ?=
.PHONY: release autograde gradebook handout bench-nbgrader bench-autograde

release: venv ## nbgrader release: fill $(COURSE)/source/ex2, run nbgrader generate_assignment
	$(PY) -m autograder.channels.nbgrader source --course $(COURSE)
	@# nbgrader runs `alembic` (its database migrations) from PATH: the venv's bin/ goes first.
	cd $(COURSE) && PATH="$(abspath $(VENV))/bin:$$PATH" $(abspath $(PY)) -m nbgrader generate_assignment ex2 --force || \
	  { echo "hint: run nbgrader from $(COURSE)/ (it reads nbgrader_config.py there); see the README's nbgrader section"; exit 1; }

autograde: venv ## nbgrader autograde, every notebook's kernel sandboxed: make autograde [STUDENT=id]
	$(PY) -m autograder.channels.nbgrader autograde --course $(COURSE) $(if $(STUDENT),--student $(STUDENT)) || \
	  { echo "hint: see nbgrader's messages above; 'make release' first, submissions in $(COURSE)/submitted/<student>/ex2"; exit 1; }

gradebook: venv ## after make autograde: write the sandbox's points into $(COURSE)/gradebook.db
	@# The grader's files are checked first by a script of the standard library (never a bytecode cache).
	$(PY) -I -B autograder/channels/nbgrader/manifest.py check --course $(COURSE)
	$(PY) -m autograder.channels.nbgrader gradebook --course $(COURSE) || \
	  { echo "hint: run 'make autograde' first"; exit 1; }

handout: venv ## build dist/ex2-handout.zip (student files, notebook, grader, Makefile; no solution)
	$(PY) -m autograder.channels.handout

bench-nbgrader: venv ## time nbgrader autograde + the gradebook writer against make grade; release size
	$(PY) bench/nbgrader_speed.py

bench-autograde: venv ## make autograde's sandboxed kernels against the bare nbgrader autograde (3 students)
	$(PY) bench/autograde_sandbox.py
