"""Acknowledgements for cfn-lint and checkov, written beside the resource they concern.

Both checkers run on the synthesized template in the tests (tests/infra/test_checkers.py); a
finding is either fixed in the construct or acknowledged here with its reason, as cdk-nag's are
in ``nag.py``. Each acknowledgement names one rule on one resource, never a whole stack:

* cfn-lint reads ``Metadata.cfn-lint.config.ignore_checks``; it has no place for a reason, so
  the reason goes beside it in ``Metadata.cfn-lint-reasons`` (and in this code).
* checkov reads ``Metadata.checkov.skip`` as ``[{"id": ..., "comment": reason}]``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource
from constructs import IConstruct

from infra.cdk.nag import ack

CFN_LINT_REASONS = "cfn-lint-reasons"


def _resource(scope: IConstruct) -> CfnResource:
    resource = scope if isinstance(scope, CfnResource) else scope.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{scope.node.path} has no CloudFormation resource to annotate")
    return resource


def _metadata(resource: CfnResource, key: str) -> Any:
    return resource.get_metadata(key)


def ignore_cfn_lint(scope: IConstruct, rule_id: str, reason: str) -> None:
    """cfn-lint: accept ``rule_id`` on this resource, for ``reason`` (40+ characters)."""
    ack(rule_id, reason)  # the same "a real reason" rule as cdk-nag's acknowledgements
    resource = _resource(scope)
    config = dict(_metadata(resource, "cfn-lint") or {"config": {}})
    checks = [*config.get("config", {}).get("ignore_checks", []), rule_id]
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": checks}})
    reasons = dict(_metadata(resource, CFN_LINT_REASONS) or {})
    reasons[rule_id] = reason
    resource.add_metadata(CFN_LINT_REASONS, reasons)


def skip_checkov(scope: IConstruct, check_id: str, reason: str) -> None:
    """checkov: skip ``check_id`` on this resource, the reason as the skip's comment."""
    ack(check_id, reason)
    resource = _resource(scope)
    checkov = dict(_metadata(resource, "checkov") or {})
    skips = [*checkov.get("skip", []), {"id": check_id, "comment": reason}]
    resource.add_metadata("checkov", {"skip": skips})
