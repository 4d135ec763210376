# The two commands of the README:
#   make serve   set everything up, build the site and start the intake server on 127.0.0.1
#   make test    set everything up and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mustafid-setup

.PHONY: setup serve test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml tools/setup.sh
	bash tools/setup.sh
	touch $(STAMP)

serve: setup
	$(BIN)/mustafid serve

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup

bench: setup
	for b in benchmarks/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site build test-artifacts
