"""infra/DEPLOY.md's counts, read against the synthesized template: the functions, secrets and
alarms it names (and costs) are the ones CDK makes, so a change to either shows here."""

from __future__ import annotations

import re

import pytest

from infra.cdk.config import REPO_ROOT
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra

DEPLOY = (REPO_ROOT / "infra" / "DEPLOY.md").read_text(encoding="utf-8")


def _said(pattern: str) -> set[int]:
    """Every number DEPLOY.md gives where ``pattern`` (one group: the number) matches."""
    found = {int(n) for n in re.findall(pattern, DEPLOY)}
    assert found, f"DEPLOY.md no longer says {pattern!r}"
    return found


def test_deploy_counts_what_the_template_makes(dev: Synth) -> None:
    functions = len(dev.resources("AWS::Lambda::Function"))
    secrets = len(dev.resources("AWS::SecretsManager::Secret"))
    alarms = len(dev.resources("AWS::CloudWatch::Alarm"))
    assert _said(r"(\d+) Lambda functions") == {functions}
    assert _said(r"All (\d+) functions deploy") == {functions}
    assert _said(r"each of the (\d+) functions'") == {functions}
    assert _said(r"Secrets Manager \((\d+) secrets") == {secrets}
    assert _said(r"(\d+) alarms \(") | _said(r"CloudWatch alarms \((\d+) standard") == {alarms}
    assert not re.search(r"\b(two|three|six|eight) (functions|secrets|alarms)\b", DEPLOY)
