# The course's commands.  Everything runs inside .venv, created on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?= 2
# nbgrader runs `alembic` from PATH when it creates a gradebook: use the venv's tools.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: venv release refresh grade test test-busy test-fast lab data clean deps-grade deps-test tf test-tf

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(VENV)/.installed            ## create the virtual environment

# System packages (tools/system-deps.sh): installed as root with apt-get, else the command to run.
# Listed before venv below, so a machine without them stops before the venv is built.
deps-grade deps-test: deps-%:
	@bash tools/system-deps.sh $*

release: venv                       ## regenerate release/ from source/
	$(PY) -m course release

refresh: venv                       ## after editing source/: release/, the demo class, the contents tables
	$(PY) -m course release
	$(PY) examples/build_demo_class.py
	$(PY) -m course.contents --write README.md
	$(PY) -m course.contents --write docs/lab.md

grade: deps-grade venv              ## grade the demo class in examples/ end to end
	$(PY) -m course release
	$(PY) -m course grade all --submitted examples/submitted --jobs $(JOBS)

test: deps-test venv                ## the whole test suite
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

test-busy: deps-test venv           ## the suite beside a CPU hog (2 busy processes per core)
	bash tools/test-busy.sh $(PY) -m pytest -n $(JOBS) --dist loadgroup

lab: venv                           ## JupyterLab on the course, with nbgrader's extensions
	$(PY) -m course lab

.PHONY: hub
hub: venv                           ## JupyterHub for a class on 127.0.0.1 (root): install, then serve (HUB_ARGS=--demo-auth)
	$(PY) -m course hub setup
	$(PY) -m course hub $(HUB_ARGS)

.PHONY: dolos
dolos:                              ## Dolos (npm, into .cache/dolos) for python -m course similarity (needs node, npm, g++)
	bash tools/dolos/install.sh

data: venv                          ## unpack and check every data set (progress bars)
	$(PY) -m course data fetch

clean:                              ## remove generated grading output (keeps .venv)
	rm -rf autograded/* feedback submitted-work gradebook.db grades.csv reports
	touch autograded/.gitkeep

# --- the optional TensorFlow appendix (09, 10): its own venv, never .venv (TF and torch cannot share a process)
TF_VENV := .venv-tf
TF_PY   := $(TF_VENV)/bin/python

$(TF_VENV)/.installed: requirements-tf.txt constraints.txt pyproject.toml
	test -x $(TF_PY) || $(PYTHON) -m venv $(TF_VENV)
	$(TF_PY) -m pip install -q --disable-pip-version-check -r requirements-tf.txt -c constraints.txt
	$(TF_PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

tf: venv $(TF_VENV)/.installed       ## the TensorFlow venv and its Jupyter kernel "Python 3 (TensorFlow)"
	$(PY) -m course.tf_env install-kernel

test-tf: deps-test tf                ## the TF notebooks: their tests, corpora and one autograde
	bash tools/tf-test.sh
