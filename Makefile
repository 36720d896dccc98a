# Bootstraps .venv, then hands over to the invoke tasks in tasks.py.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build serve check publish test chromium

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

# Browser tests drive Debian's chromium (never a downloaded browser): install it when root can.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && apt-get install -y chromium; \
	  else \
	    echo "浏览器测试需要 Debian 的 chromium，请运行：sudo apt-get update && sudo apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

test: setup chromium
	$(BIN)/invoke test
