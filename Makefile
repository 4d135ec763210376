# The two commands of the README:
#   make serve   set everything up, build the site and start the intake server on 127.0.0.1
#   make test    set everything up and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mustafid-setup

.PHONY: setup serve test lint fuzz fuzz-c bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh tools/mustafid/records/_canon.c
	bash tools/setup.sh
	touch $(STAMP)

serve: setup
	$(BIN)/mustafid serve

test: setup lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: setup  # the quality gates (pyproject.toml): zero findings, or the test command stops here
	$(BIN)/ruff check tools tests benchmarks
	$(BIN)/mypy

fuzz: setup  # the property tests with many more examples, new ones each run
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n 2 --dist loadgroup -q tests/forms tests/intake/test_hostile_property.py

fuzz-c: setup  # the C record reader under AddressSanitizer + UBSan, against ruamel
	$(BIN)/python tests/forms/fuzz_canon.py

bench: setup
	for b in benchmarks/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site build test-artifacts
