"""The mailer over moto, through its handler: DynamoDB throttling the steps after SES took a
message (releasing the send's lease; recording the job sent, once) fails no delivery, so the
queue delivers no job again and nobody gets a message twice (``services.send_leases``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.test_erasure_and_sending import _paid_applicant
from tests.support.groups import paid_group
from tests.support.system import System


class _ThrottledAfterSes:
    """The table's client, throttling every deletion of a send's lease and the first record
    of each job as ``sent``."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.recorded_once: set[str] = set()
        self.throttled = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def _throttle(self, operation: str) -> None:
        self.throttled += 1
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
            operation,
        )

    def delete_item(self, **kwargs: Any) -> Any:
        if kwargs["Key"]["pk"]["S"].startswith("SENDING#"):
            self._throttle("DeleteItem")
        return self.real.delete_item(**kwargs)

    def update_item(self, **kwargs: Any) -> Any:
        pk = kwargs["Key"]["pk"]["S"]
        sent = kwargs.get("ExpressionAttributeValues", {}).get(":s") == {"S": "sent"}
        if pk.startswith("EMAIL#") and sent and pk not in self.recorded_once:
            self.recorded_once.add(pk)
            self._throttle("UpdateItem")
        return self.real.update_item(**kwargs)


@pytest.fixture
def throttled(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(system: System) -> _ThrottledAfterSes:
        table = system.ports.repository.table  # type: ignore[attr-defined]
        client = _ThrottledAfterSes(table.client)
        monkeypatch.setattr(table, "client", client)
        monkeypatch.setattr(system.ports, "pause", lambda seconds: None)
        return client

    return install


def _each_once(system: System) -> None:
    said = Counter((tuple(m.to), m.subject) for m in system.sent)
    assert said
    assert set(said.values()) == {1}, said


def test_an_applicants_emails_go_once_when_dynamodb_throttles_after_ses(
    system: System, throttled: Any
) -> None:
    _paid_applicant(system)
    client = throttled(system)
    system.deliver_emails()  # asserts the handler reported no failed record
    assert client.throttled >= 2 * len(system.sent) > 0
    _each_once(system)
    assert not any(
        item["state"]["S"] != "sent"
        for item in system.items()
        if item["pk"]["S"].startswith("EMAIL#")
    )


def test_a_groups_emails_go_once_when_dynamodb_throttles_after_ses(
    invoiced: System, throttled: Any
) -> None:
    client = throttled(invoiced)
    paid_group(invoiced)
    invoiced.deliver_emails()
    assert client.throttled > 0
    _each_once(invoiced)
