"""cdk-nag (3.x, CDK policy-validation plugin): the app is clean, and the check can fail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sqs as sqs

from infra.cdk.nag import ack, acknowledge, add_nag
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra


def _violations(outdir: Path) -> list[dict[str, object]]:
    report = outdir / "validation-report.json"
    if not report.exists():
        return []
    data = json.loads(report.read_text())
    return [v for plugin in data["pluginReports"] for v in plugin["violations"]]


def test_dev_synth_with_aws_solutions_checks_has_no_unacknowledged_findings(dev: Synth) -> None:
    # The fixture synthesizes with AwsSolutionsChecks registered; with cdk-nag 3 any
    # unacknowledged error *or* warning makes synth() raise, so reaching here means clean.
    assert _violations(dev.outdir) == []


def test_prod_synth_is_nag_clean_too(prod: Synth) -> None:
    assert _violations(prod.outdir) == []


def test_synth_warns_of_nothing(dev: Synth, prod: Synth) -> None:
    """`make synth` printed a warning per SnapStart function ("SnapStart only supports
    published Lambda versions"), though each is invoked through its alias of a published
    version: a newcomer following the README met four warnings that asked nothing of them."""
    assert dev.warnings == ()
    assert prod.warnings == ()


def _noncompliant_app(tmp_path: Path, *, acknowledged: bool) -> App:
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Bad")
    # No enforceSSL, no DLQ: AwsSolutions-SQS3 and AwsSolutions-SQS4.
    queue = sqs.Queue(stack, "Plain", encryption=sqs.QueueEncryption.SQS_MANAGED)
    if acknowledged:
        acknowledge(queue, "AwsSolutions-SQS3", "test: this queue exists only to exercise nag.")
        acknowledge(queue, "AwsSolutions-SQS4", "test: this queue exists only to exercise nag.")
    add_nag(app)
    return app


def test_noncompliant_construct_is_reported(tmp_path: Path) -> None:
    app = _noncompliant_app(tmp_path, acknowledged=False)
    with pytest.raises(Exception, match=re.compile("validation", re.IGNORECASE)):
        app.synth()
    rules = {str(v["ruleName"]) for v in _violations(tmp_path)}
    assert {"AwsSolutions-SQS3", "AwsSolutions-SQS4"} <= rules


def test_acknowledgement_suppresses_exactly_that_finding(tmp_path: Path) -> None:
    _noncompliant_app(tmp_path, acknowledged=True).synth()  # does not raise
    assert _violations(tmp_path) == []


def test_acknowledgement_requires_a_real_reason() -> None:
    with pytest.raises(ValueError, match="real reason"):
        ack("AwsSolutions-SQS3", "ok")
