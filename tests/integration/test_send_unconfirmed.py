"""SES took a message and recording it ``sent`` failed on every try: a copy of the same job
queued after the claim's timeout (180 s) finds the claim ``sent_unconfirmed`` and sends
nothing (``services.email_claims.SENT_UNCONFIRMED``), on the fake and on the DynamoDB adapter
(moto), the wall clock moved by time-machine. A delivery that died before SES was called is
still taken over once its claim is stale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from booking.adapters.dynamodb import DynamoRepository
from booking.domain.emails import OutgoingEmail
from booking.services.ports import EmailClaim, Ports, Repository
from booking.services.send_leases import SEND_LEASE, SENT_UNCONFIRMED, send_leased
from tests.fakes import FakeEmailSender, FakeRepository, fake_ports
from tests.support.moto_table import TABLE, the_fake_then_dynamodb
from tests.support.throttled import sent_not_recorded

NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
MESSAGE = OutgoingEmail(to=["ada@example.org"], reply_to=[], subject="S", text="T", html="H")
ABOUT = "app1"
JOB = "job-1"


@pytest.fixture(params=["fake", "dynamodb"])
def repository(request: pytest.FixtureRequest) -> Iterator[Repository]:
    repositories: Iterator[Repository] = the_fake_then_dynamodb(
        request.param, FakeRepository, lambda client: DynamoRepository(client, TABLE)
    )
    yield from repositories


@pytest.fixture
def traveller() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as moved:
        yield moved


def _ports(repository: Repository) -> Ports:
    ports = fake_ports(clock=lambda: datetime.now(UTC), repository=repository)  # type: ignore[arg-type]
    ports.pause = lambda seconds: None
    return ports


def _claimed(ports: Ports) -> EmailClaim:
    """What a delivery of the job, now, makes of its claim (the mailer's first step)."""
    now = ports.clock()
    return ports.repository.claim_email(JOB, now, now - ports.email_claim_timeout)


def _sent(ports: Ports) -> list[OutgoingEmail]:
    assert isinstance(ports.sender, FakeEmailSender)
    return ports.sender.sent


def test_a_copy_of_a_job_ses_took_but_never_recorded_sent_is_not_sent_again(
    repository: Repository, traveller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = _ports(repository)
    assert _claimed(ports) is EmailClaim.CLAIMED
    sent_not_recorded(monkeypatch, repository)
    send_leased(ports, JOB, ABOUT, MESSAGE, ports.clock() + SEND_LEASE)  # no error: SES took it
    monkeypatch.undo()
    assert _sent(ports) == [MESSAGE]
    assert repository.email_state(JOB) == SENT_UNCONFIRMED
    # The copy comes back past the claim's timeout, then days later: it finds the job done.
    for later in (ports.email_claim_timeout + timedelta(seconds=1), timedelta(days=13)):
        traveller.shift(later)
        assert _claimed(ports) is EmailClaim.DONE
    assert _sent(ports) == [MESSAGE]


def test_a_delivery_that_died_before_calling_ses_is_taken_over_once_stale(
    repository: Repository, traveller: Any
) -> None:
    ports = _ports(repository)
    assert _claimed(ports) is EmailClaim.CLAIMED  # and the delivery died here
    assert _claimed(ports) is EmailClaim.IN_FLIGHT
    traveller.shift(ports.email_claim_timeout + timedelta(seconds=1))
    assert _claimed(ports) is EmailClaim.CLAIMED
