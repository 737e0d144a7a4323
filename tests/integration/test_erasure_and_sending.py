"""An erasure and the mailer at once, interleaved at the two moments that matter: once the
erasure has answered, nothing about the person is sent (``services.mailer``'s send lease).

The mailer and the erasure run on two threads over the same moto table, as two Lambdas would:
the hooks below put the erasure exactly where the race is, so each interleaving happens every
time rather than by luck."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from booking.domain.emails import GROUP_KINDS, EmailJob, OutgoingEmail
from booking.services.mailer import send_email_job
from booking.services.ports import EmailClaim, EmailSender
from tests.support.groups import MANAGER, paid_group
from tests.support.races import at_the_first
from tests.support.system import System

PERSON = "leaving@example.org"
# Long enough for an erasure that does not wait to have answered many times over.
ERASURE_GIVEN = 3.0


@dataclass
class _Events:
    said: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: str) -> None:
        with self.lock:
            self.said.append(event)


def _paid_applicant(system: System) -> str:
    application = system.booked(email=PERSON, name="Leaving Person")
    return str(application["application_id"])


def _erase(system: System, events: _Events, person: str = PERSON) -> None:
    answer = system.admin("DELETE", f"/people/{person}")
    events.add(f"erasure answered {answer.status}")


@dataclass
class _ErasingWhileSending:
    """SES that, at its first message, has the erasure start on another thread and gives it
    time to answer before the message goes: a send the erasure must not answer before."""

    system: System
    real: EmailSender
    events: _Events
    person: str = PERSON
    eraser: threading.Thread | None = None
    sent_before_answer: int = 0  # how many messages went before the erasure answered

    def send(self, message: OutgoingEmail) -> str:
        erasing = self.eraser is None and self.person in message.to
        if erasing:
            self.eraser = threading.Thread(
                target=_erase, args=(self.system, self.events, self.person)
            )
            self.eraser.start()
            self.eraser.join(ERASURE_GIVEN)
        message_id = self.real.send(message)
        if erasing:
            self.events.add("sent")
            self.sent_before_answer = len(self.system.sent)
        return message_id


def test_an_erasure_waits_for_a_send_already_in_ses_hands(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    _paid_applicant(system)
    events = _Events()
    hooked = _ErasingWhileSending(system, system.ports.sender, events)
    monkeypatch.setattr(system.ports, "sender", hooked)

    system.deliver_emails()
    assert hooked.eraser is not None
    hooked.eraser.join()

    # The message in SES's hands when the erasure began went out before it answered; the
    # other jobs about the person, still queued, were not sent after it.
    assert events.said == ["sent", "erasure answered 200"]
    assert not any(item["pk"]["S"].startswith("SENDING#") for item in system.items())


def test_a_send_checked_before_an_erasure_is_not_made_after_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The erasure lands after the mailer read the person and composed the message, before
    its last check: the job is skipped, and nothing is sent."""
    _paid_applicant(system)
    events = _Events()
    repository = system.ports.repository
    real_claim = repository.claim_email
    claimed: list[str] = []

    def erasing_then_claiming(job_id: str, now: object, stale_before: object) -> EmailClaim:
        if not claimed:
            _erase(system, events)
        claimed.append(job_id)
        return real_claim(job_id, now, stale_before)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "claim_email", erasing_then_claiming)

    assert system.deliver_emails() == []
    assert events.said == ["erasure answered 200"]
    assert repository.email_state(claimed[0]) == "skipped_gone"


# -- a group booking's emails: its manager erased ------------------------------------------------


def _jobs_queued(system: System) -> list[EmailJob]:
    """Every job on the email queue, taken off it (the test hands each to the mailer)."""
    system.relay()
    url = system.resources.email_queue_url
    jobs: list[EmailJob] = []
    while messages := system.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in messages:
            jobs.append(EmailJob.model_validate_json(message["Body"]))
            system.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return jobs


def test_a_group_email_in_ses_hands_is_waited_for_by_its_managers_erasure(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = invoiced
    paid_group(system)
    events = _Events()
    hooked = _ErasingWhileSending(system, system.ports.sender, events, person=MANAGER)
    monkeypatch.setattr(system.ports, "sender", hooked)

    system.deliver_emails()
    assert hooked.eraser is not None
    hooked.eraser.join()

    answered = events.said.index("erasure answered 200")
    assert "sent" in events.said[:answered]
    assert [MANAGER] not in [m.to for m in system.sent[hooked.sent_before_answer :]]


def test_a_group_email_checked_before_its_managers_erasure_is_not_made_after_it(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = invoiced
    paid_group(system)
    jobs = [job for job in _jobs_queued(system) if job.kind in GROUP_KINDS]
    # The manager's page, sent once the group is paid (its "booked" email is superseded).
    [first] = [job for job in jobs if job.job_id.endswith(":paid")]
    events = _Events()
    at_the_first(
        monkeypatch,
        system.ports.repository,
        "claim_email",
        lambda: _erase(system, events, MANAGER),
        lambda job_id, *claim: job_id == first.job_id,
    )

    # The group changed after it was read: no lease, so the group is read again in the same
    # delivery, and the manager is no longer there to be told.
    send_email_job(system.ports, first)
    assert events.said
    assert [MANAGER] not in [m.to for m in system.sent]
    for job in jobs:
        send_email_job(system.ports, job)
    assert [MANAGER] not in [m.to for m in system.sent]
