# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-test messages demo clean constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs use constraints.txt, so a fresh clone gets the versions CI tested.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed

# Refreshes constraints.txt after a change to pyproject.toml's dependencies, or to take
# newer releases: the newest versions pyproject.toml allows, every extra included, resolved
# in a throwaway environment (so nothing installed by hand slips in). Commit it once
# `make test lint` pass with it.
constraints:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && \
	"$$tmp/bin/python" -m pip install --quiet --upgrade pip && \
	"$$tmp/bin/python" -m pip install --quiet -e ".[test,production]" && \
	{ echo "# Versions CI tested (make installs with -c constraints.txt); refresh: make constraints"; \
	  "$$tmp/bin/python" -m pip freeze --exclude-editable; } > constraints.txt

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --verbosity 0

# Installs, migrates, loads the demo, prints the editor's login and serves the site.
run: messages
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_editor --site-url http://$(HOST):$(PORT)
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Installs the test tools and runs every test; browser tests run when Chromium is installed.
# Fails when the suite passes but covers less than [tool.coverage.report] fail_under.
test: $(VENV)/.installed-test
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --verbosity 0
	$(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage report

# Style and types (configured in pyproject.toml), then the pre-commit hooks on every file;
# CI runs it too. The hooks' environments are built in the venv, so a fresh clone builds
# its own and `make clean` removes them.
lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	PRE_COMMIT_HOME=$(abspath $(VENV))/pre-commit $(BIN)/pre-commit run --all-files --show-diff-on-failure

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
