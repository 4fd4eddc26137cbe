# Each target creates .venv and installs the project when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test conform bench lint serve clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto -q

conform: $(STAMP)
	$(BIN)/shopsync conform --impl reference --seed 0 --report-dir reports/out

# Benchmarks need moto's server as the baseline fake (not a test dependency).
bench: $(STAMP)
	$(BIN)/pip install --quiet "moto[server]"
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .

serve: $(STAMP)
	$(BIN)/shopsync serve

clean:
	rm -rf $(VENV) reports/out .pytest_cache
