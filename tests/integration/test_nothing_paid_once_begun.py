"""Nobody pays for a place once its course's applications close: an offer is
held until applications close at the latest and ends then, unpassed; no checkout opens too late to
be paid before it begins; a payment whose checkout completed after that is given back, never
confirmed (one by a delayed method completed before it is honoured, however late it settles).
Through the real handlers, the clock frozen (time-machine) either side of the start."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.services.lifecycle import sweep
from tests.support.applications import session_id_of
from tests.support.groups import COLLEAGUES, book
from tests.support.offers import seat_offered_at
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def _offered_two_hours_before(system: System, start: datetime) -> tuple[Any, Any]:
    """The holder's checkout expires two hours before ``start``: the first waiting is offered
    the place, the second waits on."""
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        holder = system.apply(course_id="small").json()
        first = system.apply(course_id="small", email="first@example.org").json()
    with time_machine.travel(start - timedelta(hours=2) + timedelta(seconds=1), tick=False):
        second = system.apply(course_id="small", email="second@example.org").json()
        system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    return first, second


def test_an_offer_near_the_start_is_held_until_applications_close(system: System) -> None:
    start = system.small_course()
    first, _ = _offered_two_hours_before(system, start)
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        offered = system.status_of(first)
        assert offered["status"] == "offered"
        # Not 48 hours, nor the start: its checkout can be opened only until applications close.
        assert datetime.fromisoformat(offered["offer_expires_at"]) == start - CHECKOUT_HOLD


def test_an_offer_in_the_last_half_hour_promises_only_what_can_be_paid(system: System) -> None:
    """Offered 36 minutes before the start, the place was promised "until" the
    start in the email and the JSON, but a checkout could be opened for 5 minutes only. (Now
    no offer is made with under a quarter of an hour to act, ``domain.offer_ends``: offered
    50 minutes before, it is held until applications close 19 minutes later.)"""
    start = system.small_course()
    closes = start - CHECKOUT_HOLD
    made = start - timedelta(minutes=50)
    first = seat_offered_at(system, made)
    with time_machine.travel(made, tick=False):
        offered = system.status_of(first)
        assert offered["status"] == "offered"
        assert datetime.fromisoformat(offered["offer_expires_at"]) == closes
        zone = ZoneInfo(system.course("small")["timezone"])
        told = [m.text for m in system.deliver_emails() if m.to == ["first@example.org"]]
        said = [t for t in told if "holding it for you until" in t]
        assert said, told
        assert closes.astimezone(zone).strftime("%H:%M") in said[-1]
        assert start.astimezone(zone).strftime("%H:%M") not in said[-1]
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        assert "Pay £200.00" in system.status_page(first)
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        # Read as lapsed before the sweep ends it, of the closing.
        lapsed = system.status_of(first)
        assert (lapsed["status"], lapsed["offer_until_closing"]) == ("expired", True)
        assert "The place we offered you has been released" in system.status_page(first)
        assert system.restart_checkout(first).json()["error"]["code"] == "offer_lapsed"


def test_no_checkout_opens_too_late_to_be_paid_before_the_start(system: System) -> None:
    start = system.small_course()
    first, _ = _offered_two_hours_before(system, start)
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        refused = system.restart_checkout(first)
        assert refused.status == 409, refused.body
        # The offer ended when applications closed, before the course did.
        assert refused.json()["error"]["code"] == "offer_lapsed"
        page = system.status_page(first)
        assert "The place we offered you has been released" in page
        assert "Pay £200.00" not in page
    assert _opened_after(system, start) == []


def _opened_after(system: System, start: datetime) -> list[Any]:
    """Checkout sessions asked of Stripe with a deadline past ``start``."""
    return [
        r
        for r in system.stripe_http.requests
        if r.path == "/v1/checkout/sessions"
        and int(r.params.get("expires_at", 0)) > int(start.timestamp())
    ]


def test_the_offer_ends_when_the_course_begins_and_is_not_passed_on(system: System) -> None:
    start = system.small_course()
    first, second = _offered_two_hours_before(system, start)
    after = start + timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        summary = sweep(system.ports, after)
        assert summary.holds_released == 1
        assert summary.offers_made == 0
        assert system.status_of(first)["status"] == "expired"
        assert system.status_of(second)["status"] == "waitlisted"
        refused = system.restart_checkout(first)
        assert refused.status == 409
        told = [m.subject for m in system.deliver_emails() if m.to == ["first@example.org"]]
        assert any("offer" in s.lower() or "place" in s.lower() for s in told), told


def test_a_delayed_payment_completed_before_the_start_is_honoured_when_it_settles_after(
    system: System,
) -> None:
    """A delayed payment method (Bacs, SEPA) whose checkout the person completed before the
    start settles after it: they did all they could in time, so the place is theirs (what was
    promised is honoured), confirmed and nothing given back."""
    start = system.small_course()
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        late = system.apply(course_id="small").json()
        system.pay_session(session_id_of(late), delayed=True)
        assert system.status_of(late)["status"] == "awaiting_payment"
        system.deliver_emails()
    with time_machine.travel(start + timedelta(days=2), tick=False):
        system.settle_session(session_id_of(late))
        assert system.webhook_replies[-1].status == 200
        view = system.status_of(late)
        assert view["status"] == "confirmed"
        assert requests_to(system.stripe_http, "/v1/refunds") == []
        sent = system.deliver_emails()
    subjects = [m.subject for m in sent]
    assert any("confirmed" in s.lower() for s in subjects), subjects
    assert not any("after the course had begun" in m.text for m in sent)


def test_a_delayed_payment_completed_before_a_start_brought_forward_settling_after_its_hold(
    system: System,
) -> None:
    """A single booking: the checkout completed by a delayed method before the
    course begins, the organisers then bring the start forward into its hold, and the money
    settles once the hold has ended (the sweep keeping the place meanwhile) and the course has
    begun. Honoured: the completion's moment is known (``CheckoutRef.completed_at``)."""
    start = system.first_start(COURSE_ID)
    booked_at = start - timedelta(hours=1)
    with time_machine.travel(booked_at, tick=False):
        made = system.apply().json()
        system.pay_session(session_id_of(made), delayed=True)
        system.deliver_emails()
    with time_machine.travel(booked_at + timedelta(minutes=2), tick=False):
        earlier = system.course_file(COURSE_ID)
        earlier["sessions"][0]["start_time"] = (booked_at + timedelta(minutes=10)).strftime("%H:%M")
        system.put_course(COURSE_ID, earlier)
        assert system.first_start(COURSE_ID) == booked_at + timedelta(minutes=10)
    after_the_hold = booked_at + CHECKOUT_HOLD + timedelta(minutes=2)
    with time_machine.travel(after_the_hold, tick=False):
        sweep(system.ports, after_the_hold)
        assert system.status_of(made)["status"] == "awaiting_payment"
        system.settle_session(session_id_of(made))
        assert system.webhook_replies[-1].status == 200
        assert system.status_of(made)["status"] == "confirmed"
        assert requests_to(system.stripe_http, "/v1/refunds") == []
        sent = system.deliver_emails()
    assert not any("after the course had begun" in m.text for m in sent)


def test_no_group_booking_is_taken_too_late_to_be_paid_before_the_start(system: System) -> None:
    start = system.first_start(COURSE_ID)
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        refused = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1])
        refused.refused(409, "course_closed")
    assert not requests_to(system.stripe_http, "/v1/checkout/sessions")


def test_nobody_applies_to_a_priced_course_too_late_to_pay_before_it_begins(
    system: System,
) -> None:
    """An application's checkout is held 31 minutes: in the last 31 minutes before the start a
    priced course is closed to applications, on its page and its form alike (an
    application opened a checkout 20 minutes before, paid after the start and confirmed)."""
    start = system.small_course()
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        refused = system.apply(course_id="small")
        refused.refused(409, "course_closed")
        assert system.course("small")["status"] == "closed"
    assert _opened_after(system, start) == []
    with time_machine.travel(start - timedelta(minutes=32), tick=False):
        assert system.apply(course_id="small", email="early@example.org").status == 201
