# The two commands a fresh machine needs: `make demo` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
PY := .venv/bin/python
PACKAGES := libs/events libs/runtime services/ingest services/scoring services/nurture services/handoff services/reporting

.PHONY: venv up down status demo test test-fast bench bench-quick schemas lag

venv: .venv/.installed

.venv/.installed: $(foreach p,$(PACKAGES),$(p)/pyproject.toml) requirements-dev.txt
	@echo "==> setting up .venv (Python packages from PyPI)"
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q $(foreach p,$(PACKAGES),-e $(p)) -r requirements-dev.txt
	@touch $@

up: venv
	@bash deploy/stack.sh up

down:
	@bash deploy/stack.sh down

status:
	@bash deploy/stack.sh status

demo: up
	@$(PY) -m tools.demo

test: venv
	@bash deploy/stack.sh infra-up
	@bash deploy/browser.sh
	@$(PY) -m pytest -q -p no:cacheprovider

test-fast: venv
	@$(PY) -m pytest -q -m 'not integration and not e2e'

bench: venv
	@bash deploy/stack.sh infra-up
	@$(PY) -m tools.bench $(ARGS)

bench-quick: venv
	@bash deploy/stack.sh infra-up
	@$(PY) -m tools.bench --quick $(ARGS)

schemas: venv
	@$(PY) -m lead_events.schemas docs/schemas

lag: venv
	@$(PY) -m lead_runtime.lag $(ARGS)
