# Bootstraps .venv, then hands over to the invoke tasks in tasks.py.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build serve check publish test system-tools

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

# System tools the tests use, from Debian (never downloaded by a tool at run time): chromium
# for browser tests, a CJK font so that screenshots show Chinese, rsync for deploy tests and
# faketime for the reproducibility test. Installed when root can; otherwise the exact command.
SYSTEM_PACKAGES := chromium fonts-noto-cjk rsync faketime
system-tools:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	command -v rsync >/dev/null || missing="$$missing rsync"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "测试需要以下 Debian 软件包，请运行：sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

test: setup system-tools
	$(BIN)/invoke test
