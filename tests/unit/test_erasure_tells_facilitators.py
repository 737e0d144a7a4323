"""Who is asked to delete an erased person's application (``domain.facilitators_told``,
``lists_sent`` and ``delete_your_copy``): every list of facilitators a copy of it went to,
once each, and nobody else (UK GDPR Article 19)."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.facilitators_told import (
    delete_your_copy,
    lists_sent,
    moved_in_copy,
    moved_out_copy,
)
from booking.domain.wording import cohort_name
from booking.services import applications, courses, people
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import Ports
from tests.fakes import fake_ports
from tests.fakes.held import repo
from tests.fakes.outside import FakeEmailSender
from tests.support.applications import an_application, application_body
from tests.support.moved_bookings import moved_through
from tests.support.use_case_steps import course_definition

NOW = datetime(2027, 1, 5, tzinfo=UTC)
BOOKED = "facilitator_copy:app1:booked"  # the first cohort's "New booking"
TO_REVIEW = "facilitator_copy:app1"  # a course that asks for approval: the application at once
PERSON = "ada@example.org"
TITLE = "Compassionate Leadership"


def _moved(*cohorts: str) -> Application:
    """A booking (``app1``) moved through ``cohorts``, the first its own."""
    return moved_through(*cohorts, at=NOW)


def test_a_booking_told_to_its_cohort_is_asked_of_that_cohort_alone() -> None:
    booked = _moved("spring")
    [job] = delete_your_copy(booked, {BOOKED}.__contains__)
    assert job.kind is EmailKind.DELETE_YOUR_COPY
    assert (job.application_id, job.course_id) == ("app1", "spring")
    # Ids only: the message is worded from the application's reference at send time.
    assert job.job_id == "delete_your_copy:app1:spring"


def test_an_application_sent_to_review_is_asked_of_its_cohort() -> None:
    waiting = an_application(S.PENDING_REVIEW, at=NOW, course_id="spring")
    assert lists_sent(waiting, {TO_REVIEW}.__contains__) == ["spring"]


def test_nobody_is_asked_where_no_copy_went() -> None:
    # Never reached the facilitators (a checkout abandoned, a copy still queued): nothing.
    assert delete_your_copy(_moved("spring"), set[str]().__contains__) == ()
    # Moved before the first cohort's copy went, the new cohort's copy not gone either.
    assert delete_your_copy(_moved("spring", "summer"), set[str]().__contains__) == ()


def test_every_list_a_copy_went_to_is_asked_once_each() -> None:
    """Moved spring -> summer -> autumn, every copy gone: spring was told the person moved
    away, but still holds what it was sent; each list is asked once."""
    application = _moved("spring", "summer", "autumn")
    went = {
        BOOKED,
        moved_out_copy("app1", "spring", 1).job_id,
        moved_in_copy("app1", "summer", 1).job_id,
        moved_out_copy("app1", "summer", 2).job_id,
        moved_in_copy("app1", "autumn", 2).job_id,
    }
    jobs = delete_your_copy(application, went.__contains__)
    assert [j.course_id for j in jobs] == ["spring", "summer", "autumn"]
    assert len({j.job_id for j in jobs}) == 3
    # Asked again (a repeated erasure), the same jobs: the mailer sends each once.
    assert delete_your_copy(application, went.__contains__) == jobs


def test_a_move_whose_copy_never_went_is_not_asked() -> None:
    application = _moved("spring", "summer", "spring")
    # Moved away and back before the mailer reached the moves: only spring ever heard.
    assert lists_sent(application, {BOOKED}.__contains__) == ["spring"]
    went = {BOOKED, moved_in_copy("app1", "summer", 1).job_id}
    assert lists_sent(application, went.__contains__) == ["spring", "summer"]


def test_the_cohort_told_of_a_withdrawal_is_asked() -> None:
    """A booking whose "New booking" left no trace but whose withdrawal went (the one list it
    reached): that list is asked."""
    ended = an_application(S.CANCELLED, at=NOW, course_id="spring")
    assert lists_sent(ended, {"facilitator_copy:app1:withdrawn"}.__contains__) == ["spring"]


# -- the erasure and the mailer, on the fakes ----------------------------------------------------


def _submitted_for_review(ports: Ports) -> tuple[str, EmailJob]:
    """Ada's application on a course that asks for approval (its facilitators' copy queued at
    once): its id and that copy's job."""
    courses.put_course(ports, "c1", course_definition(approval=True))
    view = applications.submit_application(ports, "c1", application_body(email=PERSON))
    [copy] = [j for j in repo(ports).written_emails if j.kind is EmailKind.FACILITATOR_COPY]
    return view.application_id, copy


def _asked(ports: Ports) -> list[EmailJob]:
    return [j for j in repo(ports).written_emails if j.kind is EmailKind.DELETE_YOUR_COPY]


def _sent(ports: Ports) -> list[OutgoingEmail]:
    assert isinstance(ports.sender, FakeEmailSender)
    return list(ports.sender.sent)


def test_the_erasure_queues_the_request_and_the_mailer_words_it_for_the_facilitators() -> None:
    ports = fake_ports()
    application_id, copy = _submitted_for_review(ports)
    assert send_email_job(ports, copy) is SendOutcome.SENT
    reference = repo(ports).applications[application_id].reference

    people.erase_person(ports, PERSON)

    [job] = _asked(ports)
    assert (job.application_id, job.course_id) == (application_id, "c1")
    assert send_email_job(ports, job) is SendOutcome.SENT
    message = _sent(ports)[-1]
    assert message.to == ["facilitator@example.org"]
    assert message.reply_to == ["enquiries@example.org"]
    # The cohort by its title and first day: the facilitators run every cohort of the programme.
    course = ports.repository.get_course("c1")
    assert course is not None
    assert message.subject == (
        f"Please delete an application you were sent: {cohort_name(course)} ({reference})"
    )
    assert message.subject.startswith(f"Please delete an application you were sent: {TITLE}, ")
    for said in (PERSON, "Ada", "Ward Manager", "St Elsewhere", "surgical ward", "compassion."):
        assert said not in message.text + message.html
    # Delivered again (the queue's retry, or a repeated erasure's copy of it): not sent again.
    assert send_email_job(ports, job) is SendOutcome.DUPLICATE


def test_a_copy_refused_once_the_person_was_erased_is_not_followed_by_a_request() -> None:
    """The copy was taken up by the mailer as the erasure read it (so the erasure queued a
    request), then refused at its last check (the person erased): the list never got it, and
    the request is not sent either."""
    ports = fake_ports()
    _, copy = _submitted_for_review(ports)
    now = ports.clock()
    repo(ports).claim_email(copy.job_id, now, now)  # taken up: "sending"

    people.erase_person(ports, PERSON)
    [job] = _asked(ports)
    # The copy's delivery goes on: its lease is refused (the person erased), its claim ended.
    assert not repo(ports).hold_send(copy.application_id, copy.job_id, now)
    repo(ports).finish_email(copy.job_id, SendOutcome.SKIPPED_GONE.value, now)

    assert send_email_job(ports, job) is SendOutcome.SKIPPED_GONE
    assert [m.to for m in _sent(ports)] == []


def test_an_erasure_before_any_copy_went_queues_nothing() -> None:
    ports = fake_ports()
    _submitted_for_review(ports)
    people.erase_person(ports, PERSON)
    assert _asked(ports) == []
