# Each target creates .venv and installs the project when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test conform sweep bench lint serve clean

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

# The nightly run: the whole suite at every seed of SEEDS (~45 min on 2 cores for 100). Each seed's report
# goes to reports/sweep/seed-N/; reports/sweep/sweep.html lists, per requirement, the seeds it failed at.
SEEDS ?= 1-100
sweep: $(STAMP)
	$(BIN)/shopsync conform --impl reference --seeds $(SEEDS) --report-dir reports/sweep

# Benchmarks need moto's server as the baseline fake (not a test dependency).
bench: $(STAMP)
	$(BIN)/pip install --quiet "moto[server]"
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .

serve: $(STAMP)
	$(BIN)/shopsync serve

clean:
	rm -rf $(VENV) reports/out reports/sweep .pytest_cache
