"""cdk-nag 3.x wiring: the rule pack is a CDK policy-validation plugin.

Acknowledgements use CDK's native ``Validations.of(scope).acknowledge(...)`` and must name a single
finding (``Rule[Finding]`` when a rule reports several per resource): cdk-nag 3 has no prefix
matching, so an acknowledgement never hides a *new* finding of the same rule.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

_MIN_REASON = 40  # forces a real justification, not "ok" / "n/a"


def ack(rule_id: str, reason: str) -> Acknowledgment:
    if len(reason.strip()) < _MIN_REASON:
        raise ValueError(f"acknowledgement of {rule_id} needs a real reason")
    return Acknowledgment(id=rule_id, reason=reason)


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    Validations.of(scope).acknowledge(ack(rule_id, reason))


def add_nag(app: App) -> None:
    """Run AWS Solutions checks on synth; any unacknowledged finding makes ``synth()`` raise."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
