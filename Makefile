# Bootstraps .venv, then hands over to the invoke tasks in tasks.py.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build serve check publish test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/invoke build

serve: setup
	$(BIN)/invoke serve

check: setup
	$(BIN)/invoke check

publish: setup
	$(BIN)/invoke publish

test: setup
	$(BIN)/invoke test
