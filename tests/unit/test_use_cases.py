"""The use cases on in-memory fakes of every port: the whole booking life in milliseconds.

The same rules run against moto and the Stripe stand-in in ``tests/integration``; here they run
on ``tests/fakes`` (held to the real adapters by ``tests/contract``), so a rule can be tried in
every corner without I/O.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.emails import EmailKind
from booking.domain.errors import AlreadyApplied, Conflict, DependencyUnavailable, NotFound
from booking.domain.payments import CheckoutEvent, CheckoutEventKind, RefundEvent
from booking.domain.run_time import RunAheadOfClock
from booking.services import (
    applications,
    courses,
    lifecycle,
    outbox,
    payments,
    people,
    person_export,
)
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.payments import apply_checkout_event
from booking.services.ports import Ports
from booking.services.reminders import dispatch_reminders, scheduled_run
from tests.fakes import Clock, FakeEmailQueue, FakeEmailSender, fake_ports
from tests.fakes.held import gateway, repo, written
from tests.support.use_case_steps import answers, course_definition, paid


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ports(clock: Clock) -> Ports:
    return fake_ports(clock, course=course_definition())


def test_applying_holds_a_seat_opens_a_checkout_and_decides_the_acknowledgement(
    ports: Ports,
) -> None:
    view = applications.submit_application(ports, "c1", answers())
    assert view.status == "awaiting_payment"
    assert view.checkout_url
    assert view.can_pay
    assert view.hold_expires_at
    [session] = gateway(ports).sessions.values()
    assert session.request.price.amount == 20000
    assert session.request.customer_email == "ada@example.org"
    course = repo(ports).courses["c1"]
    assert course.seats_taken == 1
    assert written(ports, EmailKind.APPLICATION_RECEIVED) == [view.application_id]


def test_a_second_live_application_from_the_same_person_is_refused(ports: Ports) -> None:
    applications.submit_application(ports, "c1", answers())
    with pytest.raises(AlreadyApplied):
        applications.submit_application(ports, "c1", answers("ADA@example.org"))
    assert repo(ports).courses["c1"].seats_taken == 1


def test_a_full_course_puts_applicants_on_the_waiting_list_in_order(
    ports: Ports, clock: Clock
) -> None:
    for n in range(2):
        applications.submit_application(ports, "c1", answers(f"p{n}@example.org"))
    third = applications.submit_application(ports, "c1", answers("p2@example.org"))
    clock.advance(seconds=1)
    fourth = applications.submit_application(ports, "c1", answers("p3@example.org"))
    assert (third.status, third.waitlist_position) == ("waitlisted", 1)
    assert fourth.waitlist_position == 2
    assert not third.can_pay


def test_payment_confirms_once_and_tells_the_applicant_and_the_facilitators(
    ports: Ports,
) -> None:
    view = applications.submit_application(ports, "c1", answers())
    paid(ports, view.application_id)
    paid(ports, view.application_id)  # Stripe redelivers
    stored = repo(ports).applications[view.application_id]
    assert (stored.status, stored.amount_paid) == (S.CONFIRMED, 20000)
    assert written(ports, EmailKind.BOOKING_CONFIRMED) == [view.application_id]
    assert written(ports, EmailKind.FACILITATOR_COPY) == [view.application_id]


def test_an_expired_checkout_frees_the_seat_for_the_first_in_line(ports: Ports) -> None:
    first = applications.submit_application(ports, "c1", answers("p0@example.org"))
    applications.submit_application(ports, "c1", answers("p1@example.org"))
    waiting = applications.submit_application(ports, "c1", answers("p2@example.org"))
    session = repo(ports).applications[first.application_id].checkout
    assert session is not None
    apply_checkout_event(
        ports,
        CheckoutEvent(
            "evt_exp", CheckoutEventKind.EXPIRED, session.session_id, first.application_id
        ),
    )
    assert repo(ports).applications[first.application_id].status is S.EXPIRED
    assert repo(ports).applications[waiting.application_id].status is S.OFFERED
    assert repo(ports).courses["c1"].seats_taken == 2
    assert written(ports, EmailKind.OFFER) == [waiting.application_id]


def test_restarting_payment_follows_the_one_rule_of_who_may_pay(ports: Ports, clock: Clock) -> None:
    view = applications.submit_application(ports, "c1", answers())
    paid(ports, view.application_id)
    with pytest.raises(Conflict) as refused:
        applications.start_checkout(ports, view.application_id, view.token)
    assert refused.value.code == "not_payable"
    with pytest.raises(NotFound):
        applications.start_checkout(ports, view.application_id, "wrong-token")
    with pytest.raises(NotFound):
        applications.get_application(ports, view.application_id, "é")  # non-ASCII token


def test_a_payment_provider_outage_keeps_the_application_without_a_seat(ports: Ports) -> None:
    gateway(ports).down = True
    with pytest.raises(DependencyUnavailable) as outage:
        applications.submit_application(ports, "c1", answers())
    kept = outage.value.details["application"]
    assert isinstance(kept, applications.ApplicationView)
    assert kept.status == "awaiting_payment"
    assert kept.can_pay
    assert repo(ports).courses["c1"].seats_taken == 0


def test_approval_offers_a_place_and_decline_sends_the_organisers_words(ports: Ports) -> None:
    courses.put_course(ports, "c2", course_definition(capacity=1, approval=True))
    first = applications.submit_application(ports, "c2", answers("p0@example.org"))
    second = applications.submit_application(ports, "c2", answers("p1@example.org"))
    assert first.status == "pending_review"
    assert not first.can_pay
    assert written(ports, EmailKind.FACILITATOR_COPY) == [
        first.application_id,
        second.application_id,
    ]
    assert lifecycle.approve(ports, first.application_id).status is S.OFFERED
    assert lifecycle.approve(ports, second.application_id).status is S.WAITLISTED  # full
    third = applications.submit_application(ports, "c2", answers("p2@example.org"))
    declined = lifecycle.decline(ports, third.application_id, "Not this time").application
    assert (declined.status, declined.decline_note) == (S.DECLINED, "Not this time")


def test_cancelling_with_a_refund_refunds_first_and_offers_the_seat(ports: Ports) -> None:
    courses.put_course(ports, "c1", course_definition(capacity=1))
    booked = applications.submit_application(ports, "c1", answers("p0@example.org"))
    paid(ports, booked.application_id)
    gateway(ports).payments_taken[f"pi_{booked.application_id}"] = 20000  # what Stripe took
    waiting = applications.submit_application(ports, "c1", answers("p1@example.org"))
    cancelled = lifecycle.cancel(ports, booked.application_id, refund=True).application
    assert cancelled.status is S.CANCELLED
    assert list(gateway(ports).refunds) == [f"cancel-{booked.application_id}"]
    assert repo(ports).applications[waiting.application_id].status is S.OFFERED
    # Stripe then reports the refund: the booking ends refunded, told once (the cancellation
    # said what is being refunded).
    payments.apply_refund_event(
        ports, RefundEvent("evt_ref", f"pi_{booked.application_id}", charge_amount_refunded=20000)
    )
    assert repo(ports).applications[booked.application_id].status is S.REFUNDED
    assert written(ports, EmailKind.CANCELLED) == [booked.application_id]
    assert written(ports, EmailKind.PAYMENT_REFUNDED) == []


def test_the_sweep_releases_lapsed_holds_and_relays_what_the_stream_left(
    ports: Ports, clock: Clock
) -> None:
    view = applications.submit_application(ports, "c1", answers())
    clock.advance(minutes=40)
    summary = lifecycle.sweep(ports, clock())
    assert summary.holds_released == 1
    assert repo(ports).applications[view.application_id].status is S.EXPIRED
    assert repo(ports).courses["c1"].seats_taken == 0
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    assert {j.kind for j in queue.jobs} == {EmailKind.APPLICATION_RECEIVED}
    assert summary.emails_relayed == 1  # the acknowledgement, older than the grace period


def test_a_scheduled_run_decides_as_of_its_own_time_not_the_clocks(
    ports: Ports, clock: Clock
) -> None:
    """A late run (delayed or retried: its time passed a day ago by the ports' clock)
    releases, offers and sets the offer's deadline as of the run's time."""
    courses.put_course(ports, "c1", course_definition(capacity=1))
    applications.submit_application(ports, "c1", answers("p0@example.org"))
    waiting = applications.submit_application(ports, "c1", answers("p1@example.org"))
    run = clock() + timedelta(days=7)
    clock.advance(days=8)
    summary = scheduled_run(ports, run)
    assert (summary["holds_released"], summary["offers_made"]) == (1, 1)
    offered = repo(ports).applications[waiting.application_id]
    assert offered.status is S.OFFERED
    assert offered.offer_expires_at == run + timedelta(hours=48)
    assert offered.updated_at == run
    assert clock() == run + timedelta(days=1)  # the ports' own clock is left as it was


def test_a_scheduled_run_ahead_of_the_ports_clock_is_refused_and_does_nothing(
    ports: Ports, clock: Clock
) -> None:
    """The schedule may run late, never early: a time the function's clock has not reached
    would lapse holds and release places before their day (newcomer 11, finding 1)."""
    courses.put_course(ports, "c1", course_definition(capacity=1))
    held = applications.submit_application(ports, "c1", answers("p0@example.org"))
    waiting = applications.submit_application(ports, "c1", answers("p1@example.org"))
    before = dict(repo(ports).applications)
    with pytest.raises(RunAheadOfClock, match="ahead of this function's clock"):
        scheduled_run(ports, clock() + timedelta(days=7))
    assert repo(ports).applications == before
    assert repo(ports).applications[held.application_id].seat_held
    assert repo(ports).applications[waiting.application_id].status is S.WAITLISTED
    assert scheduled_run(ports, clock())["holds_released"] == 0  # its own time runs


def test_a_run_queues_no_reminder_for_an_erased_person_and_says_it_skipped_it(
    ports: Ports, clock: Clock
) -> None:
    """An erased booking keeps its status (bookkeeping) but nothing may be sent to anyone: the
    run queues nothing for it and counts it as skipped, so "queued" is what was queued for
    someone (newcomer 11, finding 12)."""
    kept = applications.submit_application(ports, "c1", answers("ada@example.org"))
    gone = applications.submit_application(ports, "c1", answers("grace@example.org"))
    paid(ports, kept.application_id)
    paid(ports, gone.application_id)
    people.erase_person(ports, "grace@example.org")
    clock.now = repo(ports).courses["c1"].schedule[0].start - timedelta(hours=23)
    summary = scheduled_run(ports, clock())
    assert (summary["queued"], summary["skipped_erased"]) == (1, 1)
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    reminders_queued = [j for j in queue.jobs if j.kind is EmailKind.SESSION_REMINDER]
    assert [j.application_id for j in reminders_queued] == [kept.application_id]


def test_relaying_keeps_emails_when_the_queue_is_down(ports: Ports, clock: Clock) -> None:
    applications.submit_application(ports, "c1", answers())
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    queue.down = True
    with pytest.raises(DependencyUnavailable):
        outbox.relay_pending_emails(ports, clock() + timedelta(minutes=10))
    assert len(repo(ports).outbox) == 1
    queue.down = False
    assert outbox.relay_pending_emails(ports, clock() + timedelta(minutes=10)) == 1
    assert repo(ports).outbox == {}


def test_erasure_leaves_no_answers_and_nothing_is_sent_to_the_person(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    people.erase_person(ports, "ada@example.org")
    stored = repo(ports).applications[view.application_id]
    assert stored.is_erased
    assert stored.answers.name == "[erased]"
    [job] = [j for j in repo(ports).written_emails if j.application_id == view.application_id]
    assert send_email_job(ports, job) is SendOutcome.SKIPPED_GONE
    with pytest.raises(NotFound):
        person_export.export_person(ports, "ada@example.org")


def test_a_reminder_is_sent_once_to_each_confirmed_attendee(ports: Ports, clock: Clock) -> None:
    view = applications.submit_application(ports, "c1", answers())
    paid(ports, view.application_id)
    first_session = repo(ports).courses["c1"].schedule[0]
    clock.now = first_session.start - timedelta(hours=23)
    assert dispatch_reminders(ports, clock())["claimed"] == 1
    assert dispatch_reminders(ports, clock()).get("claimed", 0) == 0  # a repeated tick
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    [reminder] = [j for j in queue.jobs if j.kind is EmailKind.SESSION_REMINDER]
    assert send_email_job(ports, reminder) is SendOutcome.SENT
    assert send_email_job(ports, reminder) is SendOutcome.DUPLICATE
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    [message] = sender.sent
    assert message.to == ["ada@example.org"]
    assert "https://example.org/join" in message.text  # only confirmed attendees get the link
