"""cfn-lint (with the serverless rules) and checkov on the synthesized templates.

Zero findings, except the ones acknowledged beside their resource with a reason
(infra/cdk/checkers.py). Each checker is also run on a copy with the acknowledgements stripped,
which must report findings: proof the checker runs with its rules, and that nothing but a
reasoned acknowledgement keeps a finding out.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from infra.cdk.checkers import CFN_LINT_REASONS
from infra.cdk.config import REPO_ROOT
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra

CHECKOV = Path(os.environ.get("CHECKOV", REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))
MIN_REASON = 40


def _cfn_lint(raw: dict[str, Any]) -> list[str]:
    config = ManualArgs(regions=["eu-west-2"], append_rules=["cfn_lint_serverless.rules"])
    return [f"{m.rule.id} {m.message}" for m in lint(json.dumps(raw), config=config)]


def _stripped(raw: dict[str, Any], *keys: str) -> dict[str, Any]:
    bare = copy.deepcopy(raw)
    for resource in bare["Resources"].values():
        for key in keys:
            resource.get("Metadata", {}).pop(key, None)
    return bare


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cfn_lint_with_serverless_rules_finds_nothing_unacknowledged(
    stage: str, request: pytest.FixtureRequest
) -> None:
    synth: Synth = request.getfixturevalue(stage)
    assert _cfn_lint(synth.raw) == []


def test_every_cfn_lint_acknowledgement_has_its_reason(dev: Synth) -> None:
    for logical_id, resource in dev.raw["Resources"].items():
        metadata = resource.get("Metadata", {})
        ignored = metadata.get("cfn-lint", {}).get("config", {}).get("ignore_checks", [])
        reasons = metadata.get(CFN_LINT_REASONS, {})
        assert set(ignored) == set(reasons), logical_id
        assert all(len(reason) >= MIN_REASON for reason in reasons.values()), logical_id


def test_cfn_lint_reports_what_the_acknowledgements_hide(dev: Synth) -> None:
    rules = {finding.split()[0] for finding in _cfn_lint(_stripped(dev.raw, "cfn-lint"))}
    # One cfn-lint rule and serverless rules from cfn-lint-serverless: both rule sets ran.
    assert {"W3005", "WS1000", "ES1001", "ES1007", "ES6000"} <= rules


def _checkov(directory: Path) -> dict[str, Any]:
    if not CHECKOV.exists():
        pytest.fail(f"checkov is not installed at {CHECKOV}: run `make test` (it installs it)")
    answer = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "cloudformation", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(answer.stdout)
    reports = report if isinstance(report, list) else [report]
    merged: dict[str, Any] = {"failed": [], "skipped": [], "parsing_errors": 0, "files": set()}
    for part in reports:
        merged["failed"] += part["results"]["failed_checks"]
        merged["skipped"] += part["results"]["skipped_checks"]
        merged["parsing_errors"] += part["summary"]["parsing_errors"]
    return merged


@pytest.fixture(scope="module")
def checkov_reports(
    dev: Synth, prod: Synth, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """One checkov run over the dev, prod and stripped-dev templates (it takes ~20 s)."""
    directory = tmp_path_factory.mktemp("checkov")
    templates = {"dev": dev.raw, "prod": prod.raw, "stripped": _stripped(dev.raw, "checkov")}
    for name, raw in templates.items():
        (directory / f"{name}.template.json").write_text(json.dumps(raw))
    merged = _checkov(directory)
    assert merged["parsing_errors"] == 0
    return {
        name: {
            kind: [c for c in merged[kind] if Path(c["file_path"]).name.startswith(f"{name}.")]
            for kind in ("failed", "skipped")
        }
        for name in templates
    }


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_checkov_finds_nothing_unacknowledged(
    stage: str, checkov_reports: dict[str, dict[str, Any]]
) -> None:
    failed = checkov_reports[stage]["failed"]
    assert [(c["check_id"], c["resource"]) for c in failed] == []


def test_every_checkov_skip_has_its_reason(checkov_reports: dict[str, dict[str, Any]]) -> None:
    skipped = checkov_reports["dev"]["skipped"]
    assert skipped
    short = [
        (c["check_id"], c["resource"])
        for c in skipped
        if len(c["check_result"].get("suppress_comment", "")) < MIN_REASON
    ]
    assert short == []


def test_checkov_reports_what_the_skips_hide(checkov_reports: dict[str, dict[str, Any]]) -> None:
    failed = {c["check_id"] for c in checkov_reports["stripped"]["failed"]}
    assert {"CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_158"} <= failed
