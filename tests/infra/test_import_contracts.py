"""Each layer's import contract breaks when its layer imports what it must not.

One throwaway module per forbidden import is written into a copy of the package, and
``lint-imports`` is run on the copy with the project's own configuration: every contract must
be broken, each by its own probe (and only the copy is touched). ``make lint`` shows the
unchanged package keeps them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# (module written into the copy, what it imports, the contract that must break)
DOMAIN = "The domain is pure"
SERVICES = "Use cases reach the outside only through their ports"
HANDLERS = "Handlers parse, call one service and answer"
PROBES = (
    ("domain/probe_requests.py", "import requests", DOMAIN),
    ("domain/probe_network.py", "from urllib.request import urlopen", DOMAIN),
    ("domain/probe_environment.py", "import os", DOMAIN),
    ("domain/probe_boto3.py", "def later():\n    import boto3", DOMAIN),
    ("domain/probe_jinja.py", "from jinja2 import Template", DOMAIN),
    ("domain/probe_powertools.py", "from aws_lambda_powertools import Logger", DOMAIN),
    ("services/probe_config.py", "from booking.config import settings", SERVICES),
    (
        "services/probe_parameters.py",
        "from aws_lambda_powertools.utilities.parameters import get_secret",
        SERVICES,
    ),
    ("services/probe_stripe.py", "import stripe", SERVICES),
    ("services/probe_secrets.py", "def later():\n    from booking.aws import secret", SERVICES),
    ("handlers/probe_stripe.py", "import stripe", HANDLERS),
    ("handlers/probe_adapter.py", "from booking.adapters import stripe_gateway", HANDLERS),
    ("handlers/probe_boto3.py", "import boto3", HANDLERS),
    ("handlers/probe_settings.py", "from booking import config", HANDLERS),
    ("handlers/probe_aws.py", "from booking import aws", HANDLERS),
)


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "functions" / "booking",
        copy / "booking",
        ignore=shutil.ignore_patterns("__pycache__", "templates"),
    )
    for module, statement, _ in PROBES:
        (copy / "booking" / module).write_text(f"{statement}\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=copy,
        # The copy's booking first; the contract type and the other root packages from here.
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0, done.stdout
    return " ".join(done.stdout.split())  # the report, unwrapped


@pytest.mark.parametrize(("module", "statement", "contract"), PROBES)
def test_each_forbidden_import_breaks_its_layers_contract(
    broken_copy: str, module: str, statement: str, contract: str
) -> None:
    dotted = "booking." + module.removesuffix(".py").replace("/", ".")
    broken = broken_copy.split("Broken contracts", 1)[1]
    section = broken.split(contract, 1)[1]
    following = [c for c in (DOMAIN, SERVICES, HANDLERS) if c != contract and c in section]
    for other in following:
        section = section.split(other, 1)[0]
    assert f"{dotted} is not allowed to import" in section, (contract, dotted)


def test_the_copy_breaks_no_other_contract(broken_copy: str) -> None:
    assert "Handlers over bootstrap over adapters over services over domain KEPT" in broken_copy
    assert "Deployed code never imports the local stack or the tests KEPT" in broken_copy
