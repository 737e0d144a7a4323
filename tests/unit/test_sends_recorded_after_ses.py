"""Once SES has taken a message, nothing that fails afterwards sends it again
(``services.send_leases.send_leased``): the claim says ``sent_unconfirmed`` before the call,
the job is recorded ``sent`` first thing after it, the lease released as best effort, and a
record that cannot be made does not fail the delivery (the queue would deliver the job again)
nor leaves a claim a later copy of the job takes over."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from booking.domain.emails import GROUP_KINDS, EmailJob, EmailKind
from booking.services import applications, group_booking
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import EmailSendError, Ports
from booking.services.send_leases import SEND_LEASE
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.group_bookings import GROUP_FORM
from tests.support.throttled import every_call, marking_sent, throttled
from tests.support.use_case_steps import answers, course_definition

# Long enough for any claim left ``sending`` to count as a delivery that died.
PAST_THE_CLAIM = 600


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ports(clock: Clock) -> Ports:
    the_ports = fake_ports(clock, course=course_definition(capacity=5))
    the_ports.pause = lambda seconds: None
    return the_ports


def _applicants_job(ports: Ports) -> EmailJob:
    view = applications.submit_application(ports, "c1", answers())
    return next(
        job
        for job in repo(ports).written_emails
        if job.application_id == view.application_id and job.kind is EmailKind.APPLICATION_RECEIVED
    )


def _managers_job(ports: Ports) -> EmailJob:
    group_booking.book_places(ports, "c1", GROUP_FORM)
    return next(job for job in repo(ports).written_emails if job.kind in GROUP_KINDS)


JOBS: dict[str, Callable[[Ports], EmailJob]] = {
    "an application's": _applicants_job,
    "a group booking's": _managers_job,
}


# (the step after SES, how many times it fails, which of its calls; the job's state after)
BLIPS = {
    "releasing the lease, once": ("release_send", 1, every_call, "sent"),
    "releasing the lease, every time": ("release_send", 99, every_call, "sent"),
    "recording the job sent, once": ("finish_email", 1, marking_sent, "sent"),
    # The claim stays as marked before the SES call: ``sent_unconfirmed``, which no later
    # delivery takes over (a ``sending`` claim would be, once past the claim's timeout).
    "recording the job sent, every time": ("finish_email", 99, marking_sent, "sent_unconfirmed"),
    "adding it to the history, every time": ("add_to_timeline", 99, every_call, "sent"),
}


# A group's messages go in no application's history: no write there to fail.
BLIPS_MET = [
    (about, blip)
    for about in JOBS
    for blip, (step, *_) in BLIPS.items()
    if not (step == "add_to_timeline" and about == "a group booking's")
]


@pytest.mark.parametrize(("about", "blip"), BLIPS_MET)
def test_a_blip_after_ses_took_the_message_never_sends_it_again(
    ports: Ports, clock: Clock, monkeypatch: pytest.MonkeyPatch, about: str, blip: str
) -> None:
    job = JOBS[about](ports)
    step, times, when, state = BLIPS[blip]
    fakes = repo(ports)
    monkeypatch.setattr(fakes, step, throttled(getattr(fakes, step), when, times))

    assert send_email_job(ports, job) is SendOutcome.SENT  # the queue does not deliver it again
    assert len(ports.sender.sent) == 1  # type: ignore[attr-defined]
    monkeypatch.undo()
    assert fakes.email_state(job.job_id) == state
    # Even a second copy of the job, long after any claim went stale, is not sent.
    clock.advance(seconds=PAST_THE_CLAIM)
    assert send_email_job(ports, job) is SendOutcome.DUPLICATE
    assert len(ports.sender.sent) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("about", JOBS)
def test_a_lease_not_released_lapses_by_itself(
    ports: Ports, clock: Clock, monkeypatch: pytest.MonkeyPatch, about: str
) -> None:
    job = JOBS[about](ports)
    fakes = repo(ports)
    monkeypatch.setattr(fakes, "release_send", throttled(fakes.release_send))
    send_email_job(ports, job)
    held = fakes.sends_held(job.application_id)
    assert held
    assert all(until <= clock() + SEND_LEASE for until in held)


@pytest.mark.parametrize("about", JOBS)
def test_a_refusal_by_ses_is_recorded_failed_and_the_lease_released(
    ports: Ports, monkeypatch: pytest.MonkeyPatch, about: str
) -> None:
    job = JOBS[about](ports)

    def refusing(message: object) -> str:
        raise EmailSendError("throttled")

    monkeypatch.setattr(ports.sender, "send", refusing)
    with pytest.raises(EmailSendError):
        send_email_job(ports, job)
    assert repo(ports).email_state(job.job_id) == "failed"
    assert repo(ports).sends_held(job.application_id) == []
