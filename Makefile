# Two commands matter: `make run` and `make test`. Both install into .venv on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format unit integration e2e infra-test bench soak synth deploy clean

# Deployment settings (see infra/DEPLOY.md).
STAGE ?= dev
SITE_ORIGIN ?= http://localhost:5173
SENDER_EMAIL ?= bookings@example.org
CDK = npx --yes aws-cdk@2
CDK_CONTEXT = -c stage=$(STAGE) -c site_origin=$(SITE_ORIGIN) -c sender_email=$(SENDER_EMAIL) \
	-c require_asset=true $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL))

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) ## start the local stack (PORT, OUTBOX_DIR, ADMIN_TOKEN, STRIPE_* honoured)
	$(PY) -m infra.local.server

test: $(STAMP) ## every test: unit, integration, infrastructure, end-to-end
	$(PY) -m pytest -n auto --dist loadfile -q

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

integration: $(STAMP)
	$(PY) -m pytest -q tests/integration

soak: $(STAMP) ## the lifecycle state machine with thousands of examples
	LIFECYCLE_EXAMPLES=$${LIFECYCLE_EXAMPLES:-3000} $(PY) -m pytest -q -p no:xdist tests/property

e2e: $(STAMP)
	$(PY) -m pytest -q tests/e2e

infra-test: $(STAMP)
	$(PY) -m pytest -q tests/infra

bench: $(STAMP) ## cold start, calls per operation, warm latency, load: prints and writes bench-results.json
	$(PY) -m bench

lint: $(STAMP) ## ruff (lint + format), mypy and the import layers: all must be clean
	$(VENV)/bin/ruff check functions infra tests bench
	$(VENV)/bin/ruff format --check functions infra tests bench
	$(VENV)/bin/mypy
	PYTHONPATH=functions:. $(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format functions infra tests bench

build/lambda: $(STAMP) pyproject.toml $(shell find functions -type f -not -path '*/__pycache__/*')
	rm -rf build/lambda
	$(PY) -m infra.cdk.bundle build/lambda

synth: build/lambda ## CloudFormation template into cdk.out (no AWS credentials needed)
	$(CDK) synth $(CDK_CONTEXT)

deploy: build/lambda ## deploy the stage to the AWS account in your environment
	$(CDK) deploy $(CDK_CONTEXT) --require-approval broadening

clean:
	rm -rf $(VENV) build cdk.out .pytest_cache .mypy_cache .ruff_cache outbox
