"""A message composed after a later change names its own event's money and sessions
(a message naming a later event's money was once sent): each interleaving is staged through the
handlers: the message queued, the later change made, then the mailer run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.test_dearer_moves import _ask
from tests.support.cohorts import ADA, BOB, Cohorts, calendars_of, uids_of
from tests.support.mail_checks import the_one
from tests.support.system import System


def _paid_unsent(system: System, course_id: str = "move-spring") -> dict[str, Any]:
    """Ada's booking paid by card, its confirmation queued and not yet sent."""
    booked: dict[str, Any] = system.booked(course_id, email=ADA)
    stored = system.stored(booked)
    assert stored.payment_intent is not None
    booked["payment_intent"] = stored.payment_intent
    return booked


def test_a_confirmation_sent_after_a_dearer_move_says_the_payment_it_confirms(
    system: System, cohorts: Cohorts
) -> None:
    booked = _paid_unsent(system)
    pending = _ask(cohorts, booked["application_id"])["pending_move"]
    system.clock_offset += timedelta(minutes=1)
    assert system.pay(pending["pay_url"]).status == 200  # the difference, before the relay ran

    sent = cohorts.emails_to(ADA)

    confirmed = the_one(sent, "Your place is confirmed")
    assert "your payment of £200.00 has been received" in confirmed.text, confirmed.text
    assert "£250.00" not in confirmed.text
    # Sent after the move was made: for the cohort the booking holds (WHEN_COHORT_LEFT).
    assert all(
        uid.startswith("move-winter-") for uid in uids_of(calendars_of(confirmed)["invite.ics"])
    )
    moved = the_one(sent, "Your booking has moved")
    assert "we have received the difference you paid (£50.00)" in moved.text


def test_a_confirmation_sent_after_a_bursary_carried_to_a_dearer_cohort_says_it_was_funded(
    system: System, cohorts: Cohorts
) -> None:
    # Fully funded on spring (£200): confirmed with nothing to pay, its confirmation queued.
    booked = system.apply("move-spring", email=ADA).json()
    app_id = booked["application_id"]
    granted = system.admin("POST", f"/applications/{app_id}/bursary", json_body={"amount": 20000})
    assert granted.status == 200, granted.body
    pending = _ask(cohorts, app_id)["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200  # winter's £50 beyond the bursary

    confirmed = the_one(cohorts.emails_to(ADA), "Your place is confirmed")

    assert "It is funded by a bursary, so there is nothing for you to pay." in confirmed.text
    assert "has been received" not in confirmed.text


def test_a_cancellation_keeping_the_money_says_so_when_a_refund_at_stripe_followed(
    system: System, cohorts: Cohorts
) -> None:
    booked = _paid_unsent(system)
    cohorts.emails()
    app_id = booked["application_id"]
    cancelled = system.cancel(app_id, refund=False)
    assert cancelled.status == 200, cancelled.body
    system.clock_offset += timedelta(minutes=1)
    system.refund_at_stripe(booked["payment_intent"], 20000)  # before the mailer ran

    sent = cohorts.emails_to(ADA)

    cancellation = the_one(sent, "has been cancelled")
    assert "This cancellation does not refund the £200.00 you paid." in cancellation.text
    assert "Your money is coming back" not in cancellation.text
    refund = the_one(sent, "refunded")
    assert "(£200.00)" in refund.text


def test_a_partial_refunds_message_sent_after_a_second_refund_says_only_its_own(
    system: System, cohorts: Cohorts
) -> None:
    booked = _paid_unsent(system)
    cohorts.emails()
    system.refund_at_stripe(booked["payment_intent"], 5000)
    system.clock_offset += timedelta(minutes=1)
    system.refund_at_stripe(booked["payment_intent"], 3000)  # before the mailer ran

    texts = sorted(m.text for m in cohorts.emails_to(ADA) if "refunded" in m.subject)

    assert len(texts) == 2, texts
    [first] = [t for t in texts if "We have refunded £50.00 of what you paid" in t]
    assert "refunded earlier" not in first, first
    [second] = [t for t in texts if "We have refunded £30.00 of your payment" in t]
    assert "with the £50.00 refunded earlier, £80.00 in all" in second


def _moved_and_not_sent(cohorts: Cohorts, app_id: str, left: str) -> None:
    """Ada's booking moved to the summer cohort before the mailer ran: she is told of the move,
    and the message queued for the cohort left (its subject has ``left`` in it) is not sent."""
    assert cohorts.move(app_id, "move-summer").status == 200

    sent = cohorts.emails_to(ADA)

    assert [m.subject for m in sent if "moved" in m.subject.lower()], [m.subject for m in sent]
    assert not [m for m in sent if left in m.subject], [m.subject for m in sent]


def test_a_reminder_queued_before_a_move_is_not_sent_for_the_cohort_left(
    system: System, cohorts: Cohorts
) -> None:
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    first = system.first_start("move-spring")
    system.clock_offset += first - system.now() - timedelta(hours=30)
    system.scheduled_run(first - timedelta(hours=23))  # spring's 24-hour reminder queued

    _moved_and_not_sent(cohorts, app_id, "Reminder")


def test_a_sessions_update_queued_before_a_move_is_not_sent_for_the_cohort_left(
    system: System, cohorts: Cohorts
) -> None:
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    spring = cohorts.files["move-spring"]
    later = [{**s, "start_time": "16:00", "end_time": "18:00"} for s in spring["sessions"]]
    system.put_course("move-spring", {**spring, "sessions": later})  # its update queued

    _moved_and_not_sent(cohorts, app_id, "Changed dates")


def test_a_confirmation_sent_after_a_move_confirms_the_cohort_held_not_the_one_left(
    system: System, cohorts: Cohorts
) -> None:
    app_id = _paid_unsent(system)["application_id"]  # spring's confirmation queued
    assert cohorts.move(app_id, "move-summer").status == 200  # before the mailer ran

    sent = cohorts.emails_to(ADA)

    confirmed = the_one(sent, "Your place is confirmed")
    invited = uids_of(calendars_of(confirmed)["invite.ics"])
    assert invited, confirmed.attachments
    assert all(uid.startswith("move-summer-") for uid in invited), invited
    assert "summer" in confirmed.text, confirmed.text
    assert "spring" not in confirmed.text, confirmed.text
    assert "your payment of £200.00 has been received" in confirmed.text


def test_a_waiting_moves_notice_is_not_sent_once_the_move_was_made(
    system: System, cohorts: Cohorts
) -> None:
    bob = cohorts.book("move-full", BOB)["application_id"]
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    waits = cohorts.move(app_id, "move-full", wait=True)
    assert waits.status == 200, waits.body  # its notice queued
    cancelled = system.cancel(bob)
    assert cancelled.status == 200, cancelled.body  # the seat frees: Ada moves, unsent

    sent = cohorts.emails_to(ADA)

    assert [m for m in sent if "Your booking has moved" in m.subject], [m.subject for m in sent]
    assert not [m for m in sent if "stays yours meanwhile" in m.text], [m.subject for m in sent]


def test_a_move_email_reached_after_a_second_move_never_puts_the_middle_cohort_back(
    system: System, cohorts: Cohorts
) -> None:
    """Spring to summer, then summer to autumn, before the mailer reached the first move's
    email: it is written for the cohort held (WHEN_COHORT_LEFT), so it takes spring's sessions
    out and puts autumn's in, never summer's; the second move's takes summer's out and puts
    the same autumn sessions in. The calendar ends with autumn alone."""
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    assert cohorts.move(app_id, "move-summer").status == 200
    system.clock_offset += timedelta(minutes=1)
    assert cohorts.move(app_id, "move-autumn").status == 200  # before the mailer ran

    moved = [m for m in cohorts.emails_to(ADA) if "Your booking has moved" in m.subject]

    assert len(moved) == 2, [m.subject for m in moved]
    invited = [uids_of(calendars_of(m)["invite.ics"]) for m in moved]
    taken_out = set().union(*(uids_of(calendars_of(m)["cancel.ics"]) for m in moved))
    assert all(uids and all(u.startswith("move-autumn-") for u in uids) for uids in invited)
    assert invited[0] == invited[1]
    assert {u.split("-")[1] for u in taken_out} == {"spring", "summer"}
    # Both name the cohort held and its joining link, never summer's.
    assert all("https://example.org/join/autumn" in m.text for m in moved)
    assert not any("join/summer" in m.text for m in moved)


def test_the_facilitators_copy_sent_after_a_dearer_move_says_the_place_was_funded(
    system: System, cohorts: Cohorts
) -> None:
    """Its copy says the booking as of its event (MONEY_AS_QUEUED): funded in full on spring,
    though the move to dearer winter (£50 beyond the bursary, paid before the mailer ran) left
    the bursary short of winter's price."""
    booked = system.apply("move-spring", email=ADA).json()
    app_id = booked["application_id"]
    granted = system.admin("POST", f"/applications/{app_id}/bursary", json_body={"amount": 20000})
    assert granted.status == 200, granted.body
    pending = _ask(cohorts, app_id)["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200

    sent = cohorts.emails()

    [copy] = [
        m
        for m in sent
        if m.to == ["facilitator-spring@example.org"] and m.subject.startswith("New booking")
    ]
    assert "(funded by a bursary)" in " ".join(copy.text.split()), copy.text


def test_a_cancellations_refund_after_an_unreported_dashboard_refund_says_what_stripe_gave(
    system: System, cohorts: Cohorts
) -> None:
    """Hostile16: £50 refunded from Stripe's dashboard, its event not here yet, then the
    booking cancelled with its refund: Stripe gives back the £150 left, and the message says
    so, with the £50 before it (what Stripe holds), never "£200.00 ... refunded in full"."""
    booked = _paid_unsent(system)
    cohorts.emails()
    system.hold_webhooks = True  # the dashboard refund's events are late
    system.refund_at_stripe(booked["payment_intent"], 5000)
    system.clock_offset += timedelta(minutes=1)
    app_id = booked["application_id"]
    cancelled = system.cancel(app_id)
    assert cancelled.status == 200, cancelled.body

    cancellation = the_one(cohorts.emails_to(ADA), "has been cancelled")

    assert "£150.00 is being refunded (with the £50.00 refunded earlier, £200.00 in all)" in (
        cancellation.text
    ), cancellation.text
    assert "refunded in full" not in cancellation.text
