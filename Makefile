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
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n 2 --dist loadgroup -q tests/forms tests/records tests/core tests/intake/test_hostile_property.py

fuzz-c: setup  # the C record reader under AddressSanitizer + UBSan, against ruamel
	$(BIN)/python tests/records/fuzz_canon.py

bench: setup
	for b in benchmarks/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site build test-artifacts

# Optional, never part of `make test`: both associations built by mkdocs-material and by its successor Zensical
# (pinned, with the zensical-i18n wrapper, in their own virtualenv; mustafid's site code is put on its path, with
# only the libraries that code needs), and the two sites compared. Prints what differs (README, "The site and
# mkdocs-material's successor").
ZENSICAL_VENV := .venv-zensical
ZENSICAL_PINS := zensical==0.0.73 zensical-i18n==0.3.0
ZENSICAL_SITE_DEPS := 'ruamel.yaml>=0.18' 'jsonschema>=4.21' 'jsonschema-rs>=0.20' 'ryaml>=0.5' 'hijridate>=2.5' \
	'phonenumbers>=8.13' 'python-stdnum>=1.20'

$(ZENSICAL_VENV)/.mustafid-zensical: Makefile
	$(PY) -m venv $(ZENSICAL_VENV)
	echo '*' > $(ZENSICAL_VENV)/.gitignore  # a virtualenv of its own, never committed
	$(ZENSICAL_VENV)/bin/python -m pip install -q $(ZENSICAL_PINS) $(ZENSICAL_SITE_DEPS)
	$(ZENSICAL_VENV)/bin/python -c 'import site, sys; open(site.getsitepackages()[0] + "/mustafid.pth", "w").write(sys.argv[1] + "\n")' "$(CURDIR)/tools"
	touch $@

.PHONY: site-zensical
site-zensical: setup $(ZENSICAL_VENV)/.mustafid-zensical
	$(BIN)/python tools/site_zensical.py --zensical $(ZENSICAL_VENV)/bin/zensical-i18n
