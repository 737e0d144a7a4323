"""An organiser refunds a booking from Stripe's dashboard while the person pays a move's
difference (its checkout still open there): through the webhook handler on moto and the Stripe
stand-in, whichever of Stripe's events arrives first, the refund ended the booking and the
difference, paid after it, goes back whole (``domain.payments.paid_after``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from icalendar import Calendar

from tests.integration.test_dearer_moves import _ask, _session
from tests.support.cohorts import ADA, Cohorts, calendars_of, uids_of
from tests.support.console import signed_in
from tests.support.held_events import Delivery, deliver, held, held_at
from tests.support.page_text import day_as_emailed
from tests.support.system import System


def _event(delivery: Delivery) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(delivery[0])
    return event


@pytest.mark.parametrize("payment_first", [True, False], ids=["payment_first", "refund_first"])
def test_a_refund_made_before_the_difference_was_paid_ends_the_booking_and_gives_it_back(
    system: System, payment_first: bool
) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    cohorts.emails()
    system.clock_offset += timedelta(minutes=1)  # the move's checkout opened a minute before

    session = _session(booked["checkout_url"])
    refunded, refund_events = held(
        system, lambda: system.stripe_local("POST", f"/checkout/{session}/refund")
    )
    assert refunded.status == 200, refunded.body
    system.clock_offset += timedelta(minutes=1)
    made, [payment_event] = held(system, lambda: system.pay(pending["pay_url"]))
    assert made.status == 200, made.body

    # The stand-in's times are Stripe's: the payment's event is made when it is paid, a minute
    # after the refund, and well after its checkout opened (the session's own ``created``).
    paid, refund = _event(payment_event), _event(refund_events[0])
    assert refund["type"] == "refund.created"
    assert refund["created"] == refund["data"]["object"]["created"]
    assert paid["created"] >= refund["created"] + 60
    assert paid["data"]["object"]["created"] < refund["created"]

    order = [payment_event, *refund_events] if payment_first else [*refund_events, payment_event]
    deliver(system, order)

    record = cohorts.record(app_id)
    assert (record["status"], record["pending_move"]) == ("refunded", None)
    # Stripe took £250 in all and gave it all back: the £200 by the organiser, the £50 by us.
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    assert cohorts.places_left("move-spring") == cohorts.places_left("move-winter") == 5
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    # Told once of each refund: the booking ended with the £200.00, and the £50.00 given back.
    told = [m.text for m in cohorts.emails_to(ADA) if "refunded" in m.subject]
    assert len(told) == 2, told
    assert sum("cancelled, and your payment refunded in full" in t for t in told) == 1, told
    [late] = [t for t in told if "so we have refunded this payment in full as well" in t]
    # Given back on its own, beside the booking's refund: not said as part of that one.
    assert "We have refunded your payment for Moving Leadership (£50.00)." in late
    assert "refunded earlier" not in late

    # Delivered again, in the other order, Stripe's events change nothing and tell nobody.
    deliver(system, order[::-1])
    assert cohorts.record(app_id) == record
    assert not cohorts.emails_to(ADA)
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]


class _MoveAsked(NamedTuple):
    app_id: str
    payment: str  # her first payment at Stripe
    invited: set[str]  # the UIDs her confirmation's invite put in her calendar
    pay_url: str  # where the move's difference is paid


def _move_asked(system: System, cohorts: Cohorts) -> _MoveAsked:
    """Ada booked on the spring cohort and her confirmation's invite read, then her move to
    winter asked (its emails read) a minute ago."""
    booked = system.booked("move-spring", email=ADA)
    payment = system.checkout_session(booked["checkout_url"])["payment_intent"]
    [confirmation] = [
        m for m in cohorts.emails() if m.to == [ADA] and "invite.ics" in calendars_of(m)
    ]
    invited = uids_of(calendars_of(confirmation)["invite.ics"])
    pending = _ask(cohorts, booked["application_id"])["pending_move"]
    cohorts.emails()
    system.clock_offset += timedelta(minutes=1)
    return _MoveAsked(booked["application_id"], payment, invited, pending["pay_url"])


def _paid_then_refunded(system: System, asked: _MoveAsked) -> list[list[Delivery]]:
    """The move's difference paid, then the first payment refunded at Stripe, in one second
    there: the payment's events and the refund's, held."""
    return held_at(
        system,
        system.now(),
        lambda: system.pay(asked.pay_url),
        lambda: system.refund_at_stripe(asked.payment),
    )


def _cancelled_uids(calendar: Calendar) -> set[str]:
    assert str(calendar["method"]) == "CANCEL"
    return uids_of(calendar)


@pytest.mark.parametrize(
    "order",
    ["payment_then_refund", "payment_told_then_refund", "refund_then_payment"],
)
def test_a_refund_in_the_second_the_difference_is_paid_leaves_one_true_account(
    system: System, order: str
) -> None:
    """The refund and the payment made in the same second at Stripe: the booking ends with
    the refund, the difference goes back whole, and what the person holds agrees: one email
    that the booking was cancelled and refunded, whose cancel.ics takes out the sessions of
    the last invite they were sent (spring's, unless the move's email went first), and one
    for the difference, worded for a cancelled booking. The move's messages (the person's
    and the facilitators') go together or not at all."""
    cohorts = Cohorts(system)
    app_id, first_payment, spring_uids, pay_url = _move_asked(system, cohorts)

    # One second at Stripe for both: the stand-in's clock held still while they are made.
    moment = system.now()
    refund_events, payment_events = held_at(
        system,
        moment,
        lambda: system.refund_at_stripe(first_payment),
        lambda: system.pay(pay_url),
    )
    assert {_event(d)["created"] for d in (*refund_events, *payment_events)} == {
        int(moment.timestamp())
    }

    sent = []
    firsts, lasts = (
        (refund_events, payment_events)
        if order == "refund_then_payment"
        else (payment_events, refund_events)
    )
    deliver(system, firsts)
    if order == "payment_told_then_refund":
        sent += cohorts.emails()  # the move's email went before the refund was heard of
    deliver(system, lasts)
    sent += cohorts.emails()

    record = cohorts.record(app_id)
    assert (record["status"], record["pending_move"]) == ("refunded", None)
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    assert cohorts.places_left("move-spring") == cohorts.places_left("move-winter") == 5

    # The record says what the person was told: the move stands only when its
    # email went before the refund was heard of; else it was undone (kept, marked) or, the
    # refund heard of first, never made: the booking ended on spring, where its invite is.
    told_first = order == "payment_told_then_refund"
    assert record["course_id"] == ("move-winter" if told_first else "move-spring")
    undone = [t["undone_at"] is not None for t in record["transfers"]]
    assert undone == {"payment_then_refund": [True], "refund_then_payment": []}.get(order, [False])

    to_ada = [m for m in sent if m.to == [ADA]]
    moved = [m for m in to_ada if "moved" in m.subject.lower()]
    copies = [m for m in sent if m.to != [ADA] and "Booking moved" in m.subject]
    # The move's messages go together: the person's, with the facilitators' two copies.
    assert (len(moved), len(copies)) == ((1, 2) if told_first else (0, 0)), [
        m.subject for m in sent
    ]
    last_invite = uids_of(calendars_of(moved[0])["invite.ics"]) if told_first else spring_uids
    cohort = "move-winter-" if told_first else "move-spring-"
    assert last_invite
    assert all(uid.startswith(cohort) for uid in last_invite), last_invite

    refunds = [m for m in to_ada if "refunded" in m.subject]
    assert len(refunds) == 2, [m.subject for m in to_ada]
    [ended] = [m for m in refunds if "cancelled, and your payment refunded in full" in m.text]
    [late] = [m for m in refunds if m is not ended]
    # The cancellation takes out exactly what the person was last sent.
    assert _cancelled_uids(calendars_of(ended)["cancel.ics"]) == last_invite
    assert "(£200.00)" in ended.text
    # The difference's message is true of a cancelled booking, and says nothing of the move.
    assert "We have refunded your payment for Moving Leadership (£50.00)." in late.text
    assert "Your booking has been cancelled" in late.text
    for false in ("as it was", "had ended", "refunded earlier"):
        assert false not in late.text, late.text
    assert not calendars_of(late)


def test_a_move_undone_by_a_refund_before_it_was_told_is_said_as_undone_everywhere(
    system: System,
) -> None:
    """The refund and the difference in one second at Stripe, the payment's
    event first, the person never told of the move: the record, the rosters, the status page,
    the timeline and the refund's message all name spring, where the booking ended."""
    cohorts = Cohorts(system)
    asked = _move_asked(system, cohorts)
    app_id = asked.app_id
    token = system.stored(app_id)
    payment_events, refund_events = _paid_then_refunded(system, asked)
    deliver(system, [*payment_events, *refund_events])
    sent = cohorts.emails_to(ADA)

    record = cohorts.record(app_id)
    assert (record["status"], record["course_id"]) == ("refunded", "move-spring")
    [move] = record["transfers"]
    assert (move["to_course_id"], move["difference_charged"]) == ("move-winter", 5000)
    assert move["undone_at"] is not None
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    listed = {
        course: [
            a["application_id"]
            for a in system.admin("GET", f"/courses/{course}/applications").json()
        ]
        for course in ("move-spring", "move-winter")
    }
    assert listed == {"move-spring": [app_id], "move-winter": []}
    page = system.api("GET", f"/applications/{app_id}?token={token.token}").json()
    assert page["course_id"] == "move-spring"
    spring_day = system.course("move-spring")["sessions"][0]["start"][:10]
    winter_day = system.course("move-winter")["sessions"][0]["start"][:10]
    console = signed_in(system).words(f"/console/applications/{app_id}")
    assert "undone (refunded at Stripe before it was paid)" in console
    assert not [m for m in sent if "moved" in m.subject.lower()]
    [ended] = [m for m in sent if "cancelled, and your payment refunded in full" in m.text]
    assert day_as_emailed(spring_day) in ended.text
    assert day_as_emailed(winter_day) not in ended.text
