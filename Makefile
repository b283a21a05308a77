# Two entry points: `make run` (the full audit) and `make test` (the whole suite, notebooks included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= audit-report

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/nnfield audit --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest nnfield tests

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/samplers.py
	$(BIN)/python benchmarks/loops.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
