# Two commands on a fresh machine (python3 with venv, and make):
#   make demo   the bot against a local stand-in for Slack, with the seed data
#   make test   the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: demo test bench clean

$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: $(READY)
	$(BIN)/namndbot demo

test: $(READY)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
