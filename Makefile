# Entry points: `make run` (the full audit, with report.pdf when pdflatex is installed), `make test` (the whole
# suite, notebooks included), `make docs` (the Sphinx site) and `make notebook` (JupyterLab on notebooks/).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= audit-report
# pip compiles the installed modules to bytecode one file at a time (25 of its 40 s here); compileall uses every
# core and leaves out the installed packages' own tests, which nothing imports (most of SymPy's and SciPy's files).
# The bytecode is written at install because nothing writes it later where PYTHONDONTWRITEBYTECODE is set.
INSTALL := $(BIN)/python -m pip install --quiet --no-compile
COMPILE = $(BIN)/python -m compileall -q -j 0 -x '/tests/' "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" > /dev/null

.PHONY: run test bench docs notebook clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(INSTALL) -e .
	$(COMPILE)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(INSTALL) -e ".[test]"
	$(COMPILE)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/nnfield audit --out $(OUT)

# One BLAS thread per process: two pytest workers (and the notebooks' kernels) already use both cores, and
# OpenBLAS threads that wait for a busy core make an eigendecomposition ten times slower.
test: $(VENV)/.installed-test
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadgroup nnfield tests

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(INSTALL) -e ".[docs]"
	$(COMPILE)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(VENV)/.installed $@

$(VENV)/.installed-notebook: pyproject.toml | $(BIN)/python
	$(INSTALL) -e ".[notebook]"
	$(COMPILE)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(VENV)/.installed $@

# The HTML site in docs/_build/html; warnings are errors. Notebook outputs are cached in docs/_build/.jupyter_cache.
$(OUT)/audit.json: | $(VENV)/.installed
	$(BIN)/nnfield audit --quiet --out $(OUT)

docs: $(VENV)/.installed-docs $(OUT)/audit.json
	$(BIN)/python docs/findings.py $(OUT)/audit.json docs/findings.md
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "Documentation: docs/_build/html/index.html"

notebook: $(VENV)/.installed-notebook
	$(BIN)/jupyter lab notebooks

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/samplers.py
	$(BIN)/python benchmarks/derivations.py
	$(BIN)/python benchmarks/meanfield.py
	$(BIN)/python benchmarks/snapshot_derivations.py --check benchmarks/derivations_snapshot.json
	$(BIN)/python benchmarks/loops.py
	$(BIN)/python benchmarks/checks.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache docs/_build docs/generated docs/tutorials docs/findings.md docs/figures
