# Two commands matter: `make run` and `make test`. Both install into .venv on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov pins boto3/botocore 1.35 (and packaging, networkx): in .venv it would downgrade the
# boto3 that moto and the functions need, so it lives in a venv of its own.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
# Files stay on one worker (module fixtures, one local stack each); in the order
# tests/conftest.py sets (the longest test first), not xdist's largest-file-first.
XDIST := -n auto --dist loadfile --no-loadscope-reorder
# Every AWS call the functions make in the tests is written here, then checked against IAM.
AWS_CALLS := $(CURDIR)/build/aws-calls
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# Bytecode is cached (in __pycache__, ignored by git and left out of the Lambda asset): pytest
# keeps each module whose asserts it rewrote there too (every test file, and the whole of
# schemathesis, hypothesis and anyio, its plugins' packages), so a process after the first reads
# them instead of rewriting them again (a worker's collection: 16.7 s CPU cold, 4.2 s cached).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help docs iam-check run test lint format unit integration e2e infra-test bench screenshots soak synth deploy clean

# Deployment settings (see infra/DEPLOY.md).
STAGE ?= dev
SITE_ORIGIN ?= http://localhost:5173
SENDER_EMAIL ?= bookings@example.org
CDK = npx --yes aws-cdk@2
CDK_CONTEXT = -c stage=$(STAGE) -c site_origin=$(SITE_ORIGIN) -c sender_email=$(SENDER_EMAIL) \
	-c require_asset=true $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL))

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' --constraint constraints.txt
	touch $(STAMP)

$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(CHECKOV_STAMP)

help: ## list the targets and what each does
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## /\1\t/' | expand -t 14

run: $(STAMP) ## start the local stack (PORT, OUTBOX_DIR, ADMIN_TOKEN, STRIPE_*, PUBLIC_BASE_URL honoured)
	$(PY) -m infra.local.server

test: $(STAMP) $(CHECKOV_STAMP) ## every test (unit, contract, integration, property, infra, e2e), then their AWS calls checked against IAM
	rm -rf $(AWS_CALLS)
	RECORD_AWS_CALLS=$(AWS_CALLS) $(PY) -m pytest $(XDIST) -q --durations=25
	@echo "== the AWS calls recorded above, against each function's IAM policy"
	RECORDED_AWS_CALLS=$(AWS_CALLS) $(PY) -m pytest -q -p no:xdist -m recorded_calls tests/infra

iam-check: $(STAMP) ## record the AWS calls of the integration, property and e2e tests; check IAM
	rm -rf $(AWS_CALLS)
	RECORD_AWS_CALLS=$(AWS_CALLS) $(PY) -m pytest $(XDIST) -q \
		tests/integration tests/property tests/e2e
	RECORDED_AWS_CALLS=$(AWS_CALLS) $(PY) -m pytest -q -p no:xdist -m recorded_calls tests/infra

unit: $(STAMP) ## tests/unit only
	$(PY) -m pytest -q tests/unit

integration: $(STAMP) ## tests/integration only
	$(PY) -m pytest -q tests/integration

soak: $(STAMP) ## the property tests with thousands of examples, from a fresh seed (SOAK_SEED=N repeats one)
	@seed=$${SOAK_SEED:-$$($(PY) -c 'import secrets; print(secrets.randbelow(2**32))')}; \
	echo "== soak seed $$seed (make soak SOAK_SEED=$$seed explores the same examples again)"; \
	SOAK_SEED=$$seed LIFECYCLE_EXAMPLES=$${LIFECYCLE_EXAMPLES:-3000} \
		PROGRAMME_EXAMPLES=$${PROGRAMME_EXAMPLES:-2000} \
		$(PY) -m pytest -q $(XDIST) tests/property; status=$$?; \
	echo "== soak seed $$seed"; exit $$status

e2e: $(STAMP) ## tests/e2e: the stack over HTTP, the CLI, the browser tests
	$(PY) -m pytest -q tests/e2e

infra-test: $(STAMP) $(CHECKOV_STAMP) ## tests/infra: the CDK template, checkov, IAM
	$(PY) -m pytest -q tests/infra -m "not recorded_calls"

screenshots: $(STAMP) ## the README's pictures of the console (docs/console*.png), from a fresh stack
	$(PY) -m tests.support.screenshots

bench: $(STAMP) ## cold start, calls per operation, warm latency, load: prints and writes bench-results.json
	$(PY) -m bench

lint: $(STAMP) ## ruff (lint + format), mypy and the import layers: all must be clean
	@# A merge's conflict markers in any tracked text file (README, templates, data included).
	@! git grep -nIE '^(<<<<<<<|>>>>>>>)( |$$)' -- . || (echo "conflict markers left by a merge" >&2; exit 1)
	$(VENV)/bin/ruff check functions infra tests bench
	$(VENV)/bin/ruff format --check functions infra tests bench
	$(VENV)/bin/mypy
	PYTHONPATH=functions:. $(VENV)/bin/lint-imports

format: $(STAMP) ## ruff format
	$(VENV)/bin/ruff format functions infra tests bench

docs: $(STAMP) ## docs/API.md from the OpenAPI document
	$(PY) -m infra.api_reference > docs/API.md

build/lambda: $(STAMP) pyproject.toml $(shell find functions -type f -not -path '*/__pycache__/*')
	rm -rf build/lambda
	$(PY) -m infra.cdk.bundle build/lambda

synth: build/lambda ## CloudFormation template into cdk.out (no AWS credentials needed)
	@# --quiet: the template is written to cdk.out, not also printed (thousands of lines).
	$(CDK) synth --quiet $(CDK_CONTEXT)
	@echo "== the template: cdk.out/Booking-$(STAGE).template.json"

deploy: build/lambda ## deploy the stage to the AWS account in your environment
	$(CDK) deploy $(CDK_CONTEXT) --require-approval broadening

clean: ## remove the venvs and everything built
	rm -rf $(VENV) $(CHECKOV_VENV) build cdk.out .pytest_cache .mypy_cache .ruff_cache outbox
	find functions infra tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
