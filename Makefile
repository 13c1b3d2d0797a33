# Every target sets up what it needs: `make test` and `make demo` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test test-slow demo docs readme export clean

# The virtual environment: torch first (a CPU wheel; an unpinned torch would pull a multi-GB CUDA build),
# then mrl in editable mode with its development extras. Re-runs only when the requirements change.
$(STAMP): settings.ini setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## set up .venv

test: $(STAMP) ## sync checks, every notebook (slow cells skipped), docs build; last line "N passed, M failed"
	$(PY) tools/test_all.py

test-slow: $(STAMP) ## the same with the cells flagged slow (real training runs)
	$(PY) tools/test_all.py --flags slow --no-docs

demo: $(STAMP) ## the main job: RL optimisation of QED from the default prior (trained once, cached)
	$(VENV)/bin/mrl optimize --out runs/demo

docs: $(STAMP) ## build the docs site into docs/
	$(PY) tools/build_docs.py

readme: $(STAMP) ## regenerate README.md from nbs/index.ipynb
	$(PY) tools/build_docs.py --readme

export: $(STAMP) ## notebooks -> library, and clean notebooks
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

clean: ## remove build outputs (keeps .venv)
	rm -rf _proc build dist *.egg-info
	find docs -mindepth 1 ! -name .gitignore -delete
