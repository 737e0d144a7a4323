"""The lifecycle machine's examples share one moto (ReusedAws) and still start from nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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


def _what_it_sees(machine: BookingLifecycle) -> tuple[int, int, int, int]:
    """Items in the table, messages queued, applications, and events at Stripe."""
    repository = machine.system.ports.repository
    applications = sum(len(repository.list_applications(course)) for course in COURSES)
    events = len(machine._stripe("events")["data"])
    return (*_what_aws_holds(machine), applications, events)


@pytest.mark.usefixtures("_no_real_aws", "reused_aws")
def test_an_example_sees_nothing_the_one_before_left() -> None:
    def fresh_then_busy(machine: BookingLifecycle) -> tuple[int, int, int, int]:
        fresh = _what_it_sees(machine)
        made = machine._apply(PAY_NOW, False, {})
        assert isinstance(made, str)
        machine.pay(made, asynchronous=False)
        machine._deliver_all()
        # Something left on each queue, as a run can end with mail not yet sent or dead.
        resources = machine.system.resources
        for url in (resources.email_queue_url, resources.email_dlq_url):
            machine.system.sqs.send_message(QueueUrl=url, MessageBody="{}")
        busy = _what_it_sees(machine)
        # Written, queued and applied (what Stripe holds is the System's own in any case).
        assert all(after > before for before, after in zip(fresh[:3], busy[:3], strict=True)), busy
        return fresh

    first_fresh = _run(BookingLifecycle(), fresh_then_busy)
    # The next example on the same moto sees what the first saw when it began.
    assert _run(BookingLifecycle(), _what_it_sees) == first_fresh


@pytest.mark.usefixtures("_no_real_aws")
def test_each_shard_runs_on_its_own_reused_aws_and_leaves_none_running() -> None:
    case = shard_case(1)("runTest")
    case.setUp()
    try:
        assert REUSED_AWS.running
    finally:
        case.tearDown()
    assert not REUSED_AWS.running
