"""Every test's `system` starts from the same fresh AWS: the table holding the sample course
alone, its stream not yet relayed, the queues empty, nothing sent. moto's state is made once
per process and put back from a copy for each test (tests/support/moto_state.py): what one
test writes, the next must never see.

The turns below run one after the other on one worker (a file stays on one), each checking the
fresh start and then writing wherever a test can: a turn sees what one before it left, if
anything is left. Three turns, as the first in a process may make the state the others start
from, and each of the others must start from a copy of it, not from it.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.aws import client
from tests.support.system import COURSE_ID, System


def _queued(system: System, queue_url: str) -> int:
    attributes = system.sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(count) for count in attributes.values())


def _assert_fresh(system: System) -> None:
    items: list[dict[str, Any]] = system.items()
    keys = {(item["pk"]["S"], item["sk"]["S"]) for item in items}
    sessions = len(system.ports.repository.get_course(COURSE_ID).schedule)  # type: ignore[union-attr]
    expected = {(f"COURSE#{COURSE_ID}", "COURSE")} | {
        (f"COURSE#{COURSE_ID}", f"SESSION#{index:03d}") for index in range(1, sessions + 1)
    }
    assert keys == expected, keys
    # The save's records are still on the stream, for the relay's first pump (as when the
    # course was saved after the harness was made): one or more per item written.
    assert system.relay() >= len(items)
    assert system.relay() == 0
    resources = system.resources
    assert _queued(system, resources.email_queue_url) == 0
    assert _queued(system, resources.email_dlq_url) == 0
    assert sorted(system.sqs.list_queues()["QueueUrls"]) == sorted(
        [resources.email_queue_url, resources.email_dlq_url]
    )
    assert client("ses").get_send_quota()["SentLast24Hours"] == 0
    assert system.sent == []


@pytest.mark.parametrize("turn", ["first", "second", "third"])
def test_each_test_starts_where_no_other_test_wrote(system: System, turn: str) -> None:
    _assert_fresh(system)
    # Then write what tests write: a course, applications (one paid, so emails are sent, one
    # whose emails stay queued), a queue of its own.
    assert system.admin("PUT", f"/courses/{turn}-course", json_body=system.one_session_file())
    system.booked(email=f"{turn}-paid@example.org")
    assert system.deliver_emails()
    system.apply(email=f"{turn}-queued@example.org")
    system.sqs.create_queue(QueueName=f"{turn}-queue")
    assert client("ses").get_send_quota()["SentLast24Hours"] > 0
    assert _queued(system, system.resources.email_queue_url) > 0
    assert len(system.applications()) == 2
