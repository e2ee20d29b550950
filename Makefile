# The course's commands.  Everything runs inside .venv, created on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?= 2
# nbgrader runs `alembic` from PATH when it creates a gradebook: use the venv's tools.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: venv release refresh grade test test-fast lab data clean

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(VENV)/.installed            ## create the virtual environment

release: venv                       ## regenerate release/ from source/
	$(PY) -m course release

refresh: venv                       ## after editing source/: release/, the demo class, the contents tables
	$(PY) -m course release
	$(PY) examples/build_demo_class.py
	$(PY) -m course.contents --write README.md
	$(PY) -m course.contents --write docs/lab.md

grade: venv                         ## grade the demo class in examples/ end to end
	$(PY) -m course release
	$(PY) -m course grade all --submitted examples/submitted --jobs $(JOBS)

test: venv                          ## the whole test suite
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

lab: venv                           ## JupyterLab on the course, with nbgrader's extensions
	$(PY) -m course lab

data: venv                          ## unpack and check every data set (progress bars)
	$(PY) -m course data fetch

clean:                              ## remove generated grading output (keeps .venv)
	rm -rf autograded/* feedback submitted-work gradebook.db grades.csv reports
	touch autograded/.gitkeep
