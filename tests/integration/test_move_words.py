"""The words a move leaves, as hostile testing read them (issue 21): the "has not moved" email
names the cohort the booking was to join and says nothing was charged; a moved booking's
cancel.ics carries the old cohort's calendar name; a refund of one charge of several is worded
as part of what was paid, never as the payment; the CLI's ``application REF`` says a move that
waits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from icalendar import Calendar

from tests.support.cohorts import ADA, BOB, Cohorts, calendars_of
from tests.support.page_text import day_as_emailed
from tests.support.system import System


def test_the_has_not_moved_email_names_the_cohort_and_says_nothing_was_charged(
    system: System, cohorts: Cohorts
) -> None:
    ada = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(ada, "move-winter").status == 200
    cohorts.emails()

    withdrawn = system.admin("POST", f"/applications/{ada}/transfer/withdraw")

    assert withdrawn.status == 200, withdrawn.body
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    winter = day_as_emailed(system.course("move-winter")["sessions"][0]["start"][:10])
    assert f"We have withdrawn the move of your place to Moving Leadership, from {winter}" in (
        told.text
    )
    assert "Nothing has been charged for the move" in told.text
    assert "Nothing more is kept" not in told.text


def test_a_moved_bookings_cancel_ics_carries_the_old_cohorts_calendar_name(
    system: System, cohorts: Cohorts
) -> None:
    system.put_course("move-summer", {**cohorts.files["move-summer"], "title": "Summer Leadership"})
    ada = cohorts.book("move-spring", ADA)["application_id"]

    assert cohorts.move(ada, "move-summer").status == 200

    [moved] = [m for m in cohorts.emails() if m.to == [ADA]]
    calendars = calendars_of(moved)
    assert _name(calendars["cancel.ics"]) == "Moving Leadership"
    assert _name(calendars["invite.ics"]) == "Summer Leadership"


def _name(calendar: Calendar) -> str:
    return str(calendar["x-wr-calname"])


def test_a_refund_of_one_charge_of_several_is_worded_as_part_of_what_was_paid(
    system: System, cohorts: Cohorts
) -> None:
    ada = cohorts.book("move-spring", ADA)["application_id"]
    pending = cohorts.move(ada, "move-winter").json()["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200
    cohorts.emails()
    stored = system.stored(ada)
    assert stored.payment_intent is not None

    # The first charge refunded at Stripe itself, a minute after the move's charge (which it
    # leaves kept): a refund made in the second of that charge ends the booking instead
    # (domain.payments.paid_after), and a fast run makes both in one second.
    system.clock_offset += timedelta(minutes=1)
    system.refund_at_stripe(stored.payment_intent, 20000)

    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "We have refunded £200.00 of what you paid for Moving Leadership." in told.text
    assert "refunded your payment" not in told.text
    assert "partial refund" in told.text


def test_the_cli_application_says_a_move_that_waits(
    system: System, run: Any, cohorts: Cohorts
) -> None:
    cohorts.book("move-full", BOB)
    ada = cohorts.book("move-spring", ADA)
    cohorts.waits(ada["application_id"])

    code, said = run("application", ada["reference"])

    assert code == 0, said
    assert "Move waiting for a place: on the waiting list of Moving Leadership, from" in said
    assert system.admin("POST", f"/applications/{ada['reference']}/transfer/withdraw").status == (
        200
    )
    assert cohorts.move(ada["application_id"], "move-winter").status == 200
    code, said = run("application", ada["reference"])
    assert "Move waiting for payment: to Moving Leadership, from" in said
    assert "£50.00 more; the person was emailed a link to pay it" in said


def test_a_booking_refunded_at_stripe_ends_the_move_that_waits(
    system: System, cohorts: Cohorts
) -> None:
    ada = cohorts.book("move-spring", ADA)["application_id"]
    pending = cohorts.move(ada, "move-winter").json()["pending_move"]
    assert cohorts.places_left("move-winter") == 4  # held for the move
    stored = system.stored(ada)
    assert stored.payment_intent is not None

    system.refund_at_stripe(stored.payment_intent, 20000)

    record = cohorts.record(ada)
    assert (record["status"], record["pending_move"]) == ("refunded", None)
    assert cohorts.places_left("move-winter") == 5
    assert system.checkout_session(pending["pay_url"])["status"] == "expired"
