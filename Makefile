# Two commands on a fresh machine (python3 with venv, and make):
#   make demo   the bot against a local stand-in for Slack, with the seed data
#   make test   the code checks (ruff, mypy) and the test suite
# Installs come from requirements-dev.lock (exact versions, with hashes); `make lock` refreshes it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
LOCK   := requirements-dev.lock
CODE   := namndbot tests bench

.PHONY: demo test test-postgresql check bench lock clean

$(READY): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

demo: $(READY)
	$(BIN)/namndbot demo

check: $(READY)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest

# The suite's PostgreSQL half: the tests on the store again, on a throwaway PostgreSQL server
# (Debian's postgresql package; tests/postgresql.py starts and removes it). Without the server
# they are skipped, unless NAMNDBOT_TEST_REQUIRE names postgresql (CI).
test-postgresql: $(READY)
	NAMNDBOT_TEST_POSTGRESQL=1 $(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python -m bench

# Refresh both lockfiles from pyproject.toml: requirements.lock (what `namndbot run` needs, for
# deployments) and requirements-dev.lock (that, the tests and the code checks). pip-tools runs in a
# venv of its own so that it never mixes with what it pins.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check 'pip-tools>=7.4,<8'
	.venv-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --all-build-deps -o requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --all-build-deps --extra test -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .venv-lock build *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
