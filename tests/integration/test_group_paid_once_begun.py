"""A manager's group is held to the rule single bookings are (``domain.paying``):
no new checkout for the places kept opens once the course's applications close (409
``course_closed`` in words, nothing changed); a group's payment whose checkout was completed
after the course had begun is given back at once, never confirmed, the manager told why, and
a delayed one whose checkout was completed before is honoured (one rule,
``domain.paying.completed_late``). Through the real handlers, the clock frozen (time-machine)
either side of the start."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine

from booking.services.lifecycle import sweep
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    bank_confirms,
    book,
    give_up,
    group_page,
    manager_view,
    pay_by_debit,
)
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def _settles_honoured(system: System, group: dict[str, Any]) -> None:
    """The group's delayed payment settles once the course has begun and is honoured: paid,
    the places the group's (none released), no colleague's link shown (applying through it is
    refused once begun), nothing refunded, nobody told it came too late. Nor is
    anyone told what cannot happen: no colleague is sent a link nobody could use, and
    neither the manager's email nor their page says colleagues can apply; the email says the
    places are released and refunded, which the sweep then does, telling the manager once."""
    bank_confirms(system, group)
    view = manager_view(system, group)
    assert view["status"] == "paid"
    assert view["status_said"] == "Paid: the time for your colleagues to apply has passed"
    assert all(place["state"] == "not_applied" for place in view["places"])
    assert all(place["apply_url"] is None for place in view["places"])
    assert "colleagues can apply" not in group_page(system, group)
    # The organisers read that no link went out, never "Link sent, not applied yet".
    lines = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
    [line] = [g for g in lines if g["group_id"] == group["group_id"]]
    assert [p["state"] for p in line["places"]] == ["no_link"]
    assert line["places"][0]["state_said"].startswith("No link sent: the booking was paid after")
    assert requests_to(system.stripe_http, "/v1/refunds") == []
    sent = system.deliver_emails()
    assert not any("after the course had begun" in m.text for m in sent)
    assert [m.to for m in sent] == [[MANAGER]], [m.subject for m in sent]
    [told] = sent
    assert told.subject.startswith("Paid after the time to apply: the places are released")
    assert "colleagues can apply" not in told.subject + told.text + told.html
    assert f"stands:\n{view['manager_url']}" in told.text
    assert "no link was sent" in told.text
    assert "no link was sent" in told.html
    assert "is released and its price refunded the way it was paid" in told.text
    now = system.ports.clock()
    sweep(system.ports, now)
    assert len(requests_to(system.stripe_http, "/v1/refunds")) == 1
    [released] = system.deliver_emails()
    assert released.to == [MANAGER]
    assert "Nobody applied for place 1" in released.text


def test_no_new_checkout_for_the_places_kept_opens_once_applications_close(
    system: System,
) -> None:
    start = system.first_start()
    with time_machine.travel(start - timedelta(minutes=45), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
        left = int(system.course(COURSE_ID)["places_left"])
    with time_machine.travel(start - timedelta(minutes=25), tick=False):
        opened = len(requests_to(system.stripe_http, "/v1/checkout/sessions"))
        refused = give_up(system, group, 2)
        error = refused.refused(409, "course_closed")
        assert "a new payment for the places kept can no longer be opened" in error["message"]
        assert "nothing was changed" in error["message"]
        # Advice that can be followed: giving up every place one by one is
        # refused place by place, so it is not advised, nor is a give-up offered on the page.
        assert "give up every place" not in error["message"]
        assert "Pay the open payment as it is, or leave it unpaid" in error["message"]
        assert "released when its hold ends at " in error["message"]
        assert "Give up place" not in group_page(system, group)
        view = manager_view(system, group)
        assert (view["status"], view["pay_url"]) == ("awaiting_payment", group["pay_url"])
        assert view["total"] == group["total"]
        assert int(system.course(COURSE_ID)["places_left"]) == left
        assert system.checkout_session(str(group["pay_url"]))["status"] == "open"
        asked = requests_to(system.stripe_http, "/v1/checkout/sessions")
        assert len(asked) == opened


def test_the_last_place_of_an_unpaid_group_may_still_be_given_up_once_closed(
    system: System,
) -> None:
    """Giving up the one place an unpaid group holds ends it with nothing to pay: taken after
    the closing too, and offered on the page (one rule, ``domain.group_give_ups``)."""
    start = system.first_start()
    with time_machine.travel(start - timedelta(minutes=45), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
    with time_machine.travel(start - timedelta(minutes=25), tick=False):
        assert "Give up place 1" in group_page(system, group)
        given_up = give_up(system, group, 1)
        assert given_up.status == 200, given_up.body
        assert manager_view(system, group)["status"] == "lapsed"


def test_a_groups_delayed_payment_completed_before_the_start_is_honoured_when_it_settles_after(
    system: System,
) -> None:
    """The single bookings' rule (``domain.paying.completed_late``): the manager did all they
    could in time."""
    start = system.first_start()
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        pay_by_debit(system, group)
        system.deliver_emails()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        _settles_honoured(system, group)


def test_a_groups_payment_on_a_checkout_completed_once_the_course_began_is_refunded(
    system: System,
) -> None:
    """The organisers move the first session earlier while the group's checkout is open: the
    manager completes it by a delayed method after the new start (within its hold), and the
    money settles later. Completed once the course had begun: given back, never confirmed."""
    start = system.first_start()
    booked_at = start - timedelta(hours=1)
    with time_machine.travel(booked_at, tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        system.deliver_emails()
        earlier = system.course_file(COURSE_ID)
        new_start = booked_at + timedelta(minutes=10)
        earlier["sessions"][0]["start_time"] = new_start.strftime("%H:%M")
        system.put_course(COURSE_ID, earlier)
        assert system.first_start() == new_start
    with time_machine.travel(booked_at + timedelta(minutes=15), tick=False):
        pay_by_debit(system, group)
    with time_machine.travel(booked_at + timedelta(hours=2), tick=False):
        held = int(system.course(COURSE_ID)["places_left"])
        bank_confirms(system, group)
        view = manager_view(system, group)
        assert view["status"] != "paid"
        assert all(place["apply_url"] is None for place in view["places"])
        assert len(requests_to(system.stripe_http, "/v1/refunds")) == 1
        sent = system.deliver_emails()
        # Made and given back, the payment was the last the group could have:
        # it ends, its seat back, never "waiting for payment" with a Pay button to a
        # completed checkout and a past deadline.
        assert (view["status"], view["ended_because"]) == ("lapsed", "paid_after_start")
        assert view["pay_url"] is None
        assert int(system.course(COURSE_ID)["places_left"]) == held + 1
        assert sweep(system.ports, booked_at + timedelta(hours=3)) is not None
        assert manager_view(system, group)["status"] == "lapsed"
        assert system.deliver_emails() == []
        # Words that say what happened: each place was paid for, and its
        # payment refunded; the organisers read the one refund once.
        paid_late = "Released: the payment came after the course had begun and was refunded"
        page = " ".join(group_page(system, group).split())
        assert paid_late in page
        assert "ended before it was paid" not in page
        lines = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
        [line] = [g for g in lines if g["group_id"] == group["group_id"]]
        assert {p["state_said"] for p in line["places"]} == {paid_late}
        assert line["status_said"].count("refunded in full") == 1, line["status_said"]
    to_manager = [m for m in sent if m.to == [MANAGER]]
    assert len(to_manager) == 1, [m.subject for m in sent]
    assert "could not be taken" not in to_manager[0].text
    assert "after the course had begun" in to_manager[0].text
    assert "the booking has ended and its places were released" in to_manager[0].text
    assert "refunded in full" in to_manager[0].text
    assert not any(m.subject.startswith("Please apply for your place") for m in sent)


def test_a_groups_delayed_payment_completed_before_a_start_brought_forward_is_honoured(
    system: System,
) -> None:
    """The manager completes the group's checkout by a delayed method (Bacs,
    SEPA) before the course begins; the organisers then bring the start forward into that
    checkout's hold; the money settles after the hold has ended and after the new start. The
    manager did all they could in time: the places are the group's (the moment the checkout
    was completed, recorded with the pending payment, as a single booking's is)."""
    start = system.first_start()
    booked_at = start - timedelta(hours=1)
    with time_machine.travel(booked_at, tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        pay_by_debit(system, group)
        system.deliver_emails()
    with time_machine.travel(booked_at + timedelta(minutes=2), tick=False):
        earlier = system.course_file(COURSE_ID)
        new_start = booked_at + timedelta(minutes=10)
        earlier["sessions"][0]["start_time"] = new_start.strftime("%H:%M")
        system.put_course(COURSE_ID, earlier)
        assert system.first_start() == new_start
    after_the_hold = booked_at + timedelta(minutes=40)
    with time_machine.travel(after_the_hold, tick=False):
        sweep(system.ports, after_the_hold)  # a payment still settling is kept waiting
        assert manager_view(system, group)["status"] == "awaiting_payment"
        _settles_honoured(system, group)


def test_a_groups_settling_payment_is_said_settling_with_nothing_more_to_pay(
    system: System,
) -> None:
    """A group's checkout completed by a delayed method reads as paid and settling to its
    manager and the organisers, past its hold too: never "Waiting for payment by
    card", a "Pay for the places" button or a hold time already past."""
    start = system.first_start()
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        pay_by_debit(system, group)
        system.deliver_emails()
    with time_machine.travel(start - timedelta(hours=1), tick=False):  # the hold has passed
        view = manager_view(system, group)
        assert view["status"] == "awaiting_payment"
        assert view["status_said"] == "Payment made, waiting for the bank to confirm it"
        assert view["pay_url"] is None
        assert view["hold_expires_at"] is None
        page = group_page(system, group)
        assert "Payment made, waiting for the bank to confirm it" in page
        assert "Waiting for payment by card" not in page
        assert "Pay for the places" not in page
        assert "Places held until" not in page
        lines = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
        [line] = [g for g in lines if g["group_id"] == group["group_id"]]
        assert line["status_said"] == "Payment made, waiting for the bank to confirm it"
