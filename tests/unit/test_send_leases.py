"""A send past its last check (``services.send_leases``), the same for a person's emails and a
group booking's: SES is only called while its call can end within the lease; a send that fails
marks its job failed; one SES took is recorded sent before the lease is released; the lease
ends with the send, whatever happens."""

from __future__ import annotations

import pytest

from booking.domain.emails import OutgoingEmail
from booking.services.ports import EmailClaim, EmailSendError, Ports
from booking.services.send_leases import SEND_LEASE, SES_CALL_LIMIT, send_leased
from tests.fakes import Clock, FakeEmailSender, fake_ports
from tests.fakes.held import repo

MESSAGE = OutgoingEmail(to=["ada@example.org"], reply_to=[], subject="S", text="T", html="H")
ABOUT = "app1"
JOB = "job-1"


def _leased(clock: Clock) -> Ports:
    """Ports whose repository has claimed JOB and leased its send about ABOUT."""
    ports = fake_ports(clock)
    assert ports.repository.claim_email(JOB, clock(), clock()) is EmailClaim.CLAIMED
    repo(ports).send_leases[(ABOUT, JOB)] = clock() + SEND_LEASE
    return ports


def _sent(ports: Ports) -> list[OutgoingEmail]:
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    return sender.sent


def test_a_send_within_its_lease_goes_and_ends_the_lease() -> None:
    clock = Clock()
    ports = _leased(clock)

    send_leased(ports, JOB, ABOUT, MESSAGE, clock() + SEND_LEASE)

    assert _sent(ports) == [MESSAGE]
    assert repo(ports).send_leases == {}
    assert ports.repository.email_state(JOB) == "sent"


def test_a_send_too_late_in_its_lease_is_not_made_and_its_job_is_failed() -> None:
    clock = Clock()
    ports = _leased(clock)
    until = clock() + SEND_LEASE
    clock.advance(seconds=(SEND_LEASE - SES_CALL_LIMIT).total_seconds() + 1)

    with pytest.raises(EmailSendError):
        send_leased(ports, JOB, ABOUT, MESSAGE, until)

    assert _sent(ports) == []
    assert ports.repository.email_state(JOB) == "failed"
    assert repo(ports).send_leases == {}


def test_a_send_at_the_last_moment_of_its_lease_is_made() -> None:
    clock = Clock()
    ports = _leased(clock)
    until = clock() + SEND_LEASE
    clock.advance(seconds=(SEND_LEASE - SES_CALL_LIMIT).total_seconds())

    send_leased(ports, JOB, ABOUT, MESSAGE, until)

    assert _sent(ports) == [MESSAGE]


def test_a_send_ses_refuses_fails_its_job_and_ends_the_lease() -> None:
    clock = Clock()
    ports = _leased(clock)
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    sender.refuse = True

    with pytest.raises(EmailSendError):
        send_leased(ports, JOB, ABOUT, MESSAGE, clock() + SEND_LEASE)

    assert ports.repository.email_state(JOB) == "failed"
    assert repo(ports).send_leases == {}


def test_any_other_error_ends_the_lease_and_leaves_the_job_to_be_claimed_again() -> None:
    clock = Clock()
    ports = _leased(clock)

    def failing() -> None:
        raise RuntimeError("the table did not answer")

    with pytest.raises(RuntimeError):
        send_leased(ports, JOB, ABOUT, MESSAGE, clock() + SEND_LEASE, first=failing)

    assert repo(ports).send_leases == {}
    assert ports.repository.email_state(JOB) == "sending"
    assert _sent(ports) == []


def test_an_error_from_the_sender_that_is_no_answer_from_ses_leaves_the_job_to_be_sent_again() -> (
    None
):
    """The claim says ``sent_unconfirmed`` before the call; a call that raised without SES
    answering (anything but EmailSendError) took nothing, so the job is ``failed``: claimed
    again by the queue's retry, never left unconfirmed."""
    clock = Clock()
    ports = _leased(clock)

    def broken(message: OutgoingEmail) -> str:
        raise RuntimeError("the message could not be built")

    ports.sender.send = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        send_leased(ports, JOB, ABOUT, MESSAGE, clock() + SEND_LEASE)

    assert ports.repository.email_state(JOB) == "failed"
    assert repo(ports).send_leases == {}
    assert ports.repository.claim_email(JOB, clock(), clock()) is EmailClaim.CLAIMED
