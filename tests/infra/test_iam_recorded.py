"""Least privilege both ways, proven from the AWS calls the functions really make.

``make test`` first runs the integration, property and end-to-end tests with
``RECORD_AWS_CALLS`` set (infra/local/aws_calls.py writes down each call, attributed to the
function whose handler made it), then runs this file: every recorded call must be allowed by that
function's policy in the synthesized template, and everything the policy grants must have been
used by some recorded call or be one of the allowances below, each with its reason.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from infra.cdk.config import REPO_ROOT
from infra.local import aws_calls
from infra.local.aws_calls import Binding, Call
from tests.infra.conftest import Synth
from tests.support.iam_policies import Allowance, Template, check

pytestmark = [pytest.mark.infra]

RECORDS = Path(os.environ.get("RECORDED_AWS_CALLS", REPO_ROOT / "build" / "aws-calls"))
ALL = ("api", "webhook", "admin", "console", "reminders", "mailer", "ses_events", "relay")
# Granted, needed, and beyond what a test can exercise: each with its reason.
ALLOWANCES = (
    *(
        Allowance(
            ALL,
            action,
            "own_log_group",
            "The Lambda service writes the function's logs with the function's role; no code "
            "of ours calls CloudWatch Logs, so no test can record it.",
        )
        for action in ("logs:CreateLogStream", "logs:PutLogEvents")
    ),
    *(
        Allowance(
            ("mailer",),
            action,
            "email_queue",
            "The SQS event source mapping polls, hides and deletes messages with the mailer's "
            "role (CDK's SqsEventSource grants exactly these); the handler itself never calls "
            "SQS. Locally infra/local/mail.py plays the poller, outside any handler.",
        )
        for action in (
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueUrl",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        )
    ),
    *(
        Allowance(
            (function,),
            "sqs:SendMessage",
            queue,
            "Lambda delivers an asynchronous invocation that failed every retry to the "
            "on-failure destination with the function's own role; no code of ours sends there, "
            "and the local stack has no asynchronous invocations to fail.",
        )
        for function, queue in (("ses_events", "ses_events_dlq"), ("reminders", "scheduler_dlq"))
    ),
    *(
        Allowance(
            ("relay",),
            action,
            "table_stream",
            "The stream event source mapping reads the table's stream with the relay's role "
            "(CDK's DynamoEventSource grants exactly these); the handler never calls the "
            "stream. Locally infra/local/relay.py plays the poller, outside any handler.",
        )
        for action in (
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
        )
    ),
    Allowance(
        ("relay",),
        "dynamodb:ListStreams",
        "*",
        "The stream mapping lists streams to find the table's; ListStreams has no resource "
        "level in IAM (cdk-nag's IAM5 acknowledgement in stack.py says the same).",
    ),
    Allowance(
        ("relay",),
        "sqs:SendMessage",
        "relay_failures",
        "The stream mapping records a batch that failed every retry in its on-failure queue "
        "with the relay's role; no code of ours sends there.",
    ),
    Allowance(
        ("webhook", "reminders"),
        "secretsmanager:GetSecretValue",
        "stripe_secret_key",
        "The Stripe key is read by the one Settings.stripe_key() call the api function's "
        "recorded calls exercise in the e2e stack (and the admin's and console's in "
        "test_secret_unavailable.py); these two reach Stripe only to refund a late payment or "
        "expire a stale session, paths the integration tests drive through an injected Stripe "
        "client instead.",
    ),
)
REGION = "eu-west-2"  # the region the tests and the local stack use (infra/local/aws.py)
LOCAL_TABLE = aws_calls.table_arn("booking-local", REGION)


def _recorded() -> tuple[list[Call], list[Binding]]:
    calls, bindings = aws_calls.read(RECORDS) if RECORDS.is_dir() else ([], [])
    if not calls:
        pytest.fail(
            f"no recorded AWS calls in {RECORDS}: `make test` records them (integration, "
            "property and e2e tests with RECORD_AWS_CALLS set) before running this check"
        )
    return calls, bindings


@pytest.mark.recorded_calls
def test_every_recorded_call_is_allowed_and_every_grant_was_used(dev: Synth) -> None:
    calls, bindings = _recorded()
    findings = check(Template(dev.raw), calls, bindings, ALLOWANCES)
    assert not findings, "IAM policy vs recorded calls:\n" + "\n".join(map(str, findings))


@pytest.mark.recorded_calls
def test_the_records_cover_every_function_from_every_kind_of_test() -> None:
    calls, _ = _recorded()
    assert {c.function for c in calls} == set(ALL)
    origins = {c.origin.split("/")[1] if "/" in c.origin else c.origin for c in calls}
    assert {"integration", "property", "e2e"} <= origins, origins
    # The refund transaction's delete, which no role allowed before (issue 10).
    assert any(
        c.function == "webhook"
        and c.action == "dynamodb:DeleteItem"
        and c.operation == "TransactWriteItems"
        for c in calls
    )


# -- the check itself can fail ------------------------------------------------------------------

_REFUND_DELETE = Call(
    "webhook", "dynamodb:DeleteItem", LOCAL_TABLE, "TransactWriteItems", "synthetic"
)
_TABLE = Binding("table", LOCAL_TABLE)


def _without(raw: dict[str, object], function: str, action: str) -> dict[str, object]:
    """A copy of the template whose ``function`` role no longer grants ``action``."""
    changed = copy.deepcopy(raw)
    template = Template(changed)
    role = template.resources[template.functions()[function]]["Properties"]["Role"]
    for resource in template.resources.values():
        if (
            resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role["Fn::GetAtt"][0]} in resource["Properties"]["Roles"]
        ):
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                listed = [actions] if isinstance(actions, str) else actions
                statement["Action"] = [a for a in listed if a != action] or ["none:Nothing"]
    return changed


def test_a_call_the_role_allows_is_not_reported(dev: Synth) -> None:
    findings = check(Template(dev.raw), [_REFUND_DELETE], [_TABLE])
    assert not [f for f in findings if f.kind == "denied"]


def test_removing_a_needed_action_fails_the_check(dev: Synth) -> None:
    broken = Template(_without(dev.raw, "webhook", "dynamodb:DeleteItem"))
    findings = check(broken, [_REFUND_DELETE], [_TABLE])
    assert [(f.kind, f.function, f.action) for f in findings if f.kind == "denied"] == [
        ("denied", "webhook", "dynamodb:DeleteItem")
    ]


def test_a_grant_nothing_used_is_reported(dev: Synth) -> None:
    findings = check(Template(dev.raw), [_REFUND_DELETE], [_TABLE])
    unused = {(f.function, f.action) for f in findings if f.kind == "unused"}
    # Only the delete was recorded: the webhook's other grants count as unused.
    assert ("webhook", "dynamodb:PutItem") in unused
    assert ("webhook", "dynamodb:DeleteItem") not in unused


def test_a_call_on_another_resource_is_denied(dev: Synth) -> None:
    elsewhere = Call(
        "webhook",
        "dynamodb:DeleteItem",
        aws_calls.table_arn("someone-elses-table", REGION),
        "DeleteItem",
        "synthetic",
    )
    findings = check(Template(dev.raw), [elsewhere], [_TABLE])
    assert [f.kind for f in findings if f.function == "webhook" and f.kind == "denied"] == [
        "denied"
    ]


def test_an_allowance_that_covers_nothing_is_reported(dev: Synth) -> None:
    stale = Allowance(("ses_events",), "sqs:SendMessage", "email_queue", "test: not granted")
    findings = check(Template(dev.raw), [_REFUND_DELETE], [_TABLE], [stale])
    assert ("stale allowance", "ses_events") in {(f.kind, f.function) for f in findings}
