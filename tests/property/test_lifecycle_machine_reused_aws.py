"""The lifecycle machine's examples share one moto (ReusedAws) and still start from nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import is_hypothesis_test

from infra.local import aws
from tests.property.test_lifecycle_machine import (
    COURSES,
    PAY_NOW,
    REUSED_AWS,
    BookingLifecycle,
    shard_case,
)


@pytest.fixture
def reused_aws() -> Iterator[None]:
    REUSED_AWS.start()
    try:
        yield
    finally:
        REUSED_AWS.stop()


def _what_aws_holds(machine: BookingLifecycle) -> tuple[int, int]:
    """How many items the table holds, and how many messages both queues hold."""
    system = machine.system
    items = system.dynamodb.scan(TableName=system.resources.table_name, Select="COUNT")["Count"]
    messages = 0
    for url in (system.resources.email_queue_url, system.resources.email_dlq_url):
        attributes = system.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        messages += sum(int(count) for count in attributes.values())
    return int(items), messages


def _run(machine: BookingLifecycle, then: Any) -> Any:
    try:
        machine.start()
        return then(machine)
    finally:
        machine.teardown()


def _mail_sent() -> int:
    """How many messages moto's SES keeps as sent."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return len(ses_backends[DEFAULT_ACCOUNT_ID][aws.REGION].sent_messages)


def _what_it_sees(machine: BookingLifecycle) -> tuple[int, int, int, int]:
    """Items in the table, messages queued, applications, and mail sent through SES."""
    repository = machine.system.ports.repository
    applications = sum(len(repository.list_applications(course)) for course in COURSES)
    return (*_what_aws_holds(machine), applications, _mail_sent())


@pytest.mark.usefixtures("_no_real_aws", "reused_aws")
def test_an_example_sees_nothing_the_one_before_left() -> None:
    def fresh_then_busy(machine: BookingLifecycle) -> tuple[int, int, int, int]:
        fresh = _what_it_sees(machine)
        made = machine._apply(PAY_NOW, False, {})
        assert isinstance(made, str)
        machine.pay(made, asynchronous=False)
        machine._deliver_all()
        machine.system.deliver_emails()
        # Something left on each queue, as a run can end with mail not yet sent or dead.
        resources = machine.system.resources
        for url in (resources.email_queue_url, resources.email_dlq_url):
            machine.system.sqs.send_message(QueueUrl=url, MessageBody="{}")
        busy = _what_it_sees(machine)
        # Written, queued, applied and mailed (what Stripe holds is the System's own anyway).
        assert all(after > before for before, after in zip(fresh, busy, strict=True)), busy
        return fresh

    first_fresh = _run(BookingLifecycle(), fresh_then_busy)
    # The next example on the same moto sees what the first saw when it began.
    assert _run(BookingLifecycle(), _what_it_sees) == first_fresh


@pytest.mark.usefixtures("_no_real_aws")
def test_a_shard_starts_one_reused_aws_and_leaves_none_running() -> None:
    case = shard_case(1)("runTest")
    case.setUp()
    try:
        assert REUSED_AWS.running
    finally:
        case.tearDown()
    assert not REUSED_AWS.running


def test_a_shards_run_is_still_hypothesis_own_test() -> None:
    # Its pytest plugin reads the mark for --hypothesis-show-statistics (the machine's notes)
    # and its report section on a failure.
    assert is_hypothesis_test(shard_case(0)("runTest").runTest)


@pytest.mark.usefixtures("_no_real_aws")
def test_a_reused_aws_that_fails_to_start_leaves_no_moto_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails() -> aws.LocalResources:
        raise RuntimeError("provision failed")

    monkeypatch.setattr(aws, "provision", fails)
    case = shard_case(1)("runTest")
    try:
        with pytest.raises(RuntimeError, match="provision failed"):
            case.setUp()  # unittest calls no tearDown when setUp raises
        assert not REUSED_AWS.running, "moto left patched into every later test"
    finally:
        REUSED_AWS.stop()


@pytest.mark.usefixtures("_no_real_aws", "reused_aws")
def test_a_step_whose_reads_fail_leaves_no_snapshot_for_teardown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    machine = BookingLifecycle()
    try:
        machine.start()

        def unreadable() -> list[Any]:
            raise RuntimeError("a group that does not load")

        monkeypatch.setattr(machine, "_groups", unreadable)
        with pytest.raises(RuntimeError, match="does not load"):
            machine.check_invariants(None, None, None)
        assert machine._applications_this_step is None
        assert machine._courses_this_step is None
    finally:
        monkeypatch.undo()
        machine.teardown()
