"""An offer held only until applications close says so: nobody can book its place
after, so neither the email, the 409, the page nor the JSON says it goes on to the next person
waiting; its end is read as it is reached (before the sweep ends it), and paying for it answers
``offer_lapsed`` before the sweep and after. No offer is made with less than a quarter of an
hour to act on it. Through the real handlers, the clock frozen (time-machine)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.offer_ends import LEAST_TIME_TO_ACT
from booking.services.lifecycle import sweep
from tests.support.applications import session_id_of
from tests.support.closing import small_course_moved, starting, subjects_by_address, two_waiting
from tests.support.system import System

NEXT_PERSON = "next person"


def _freed_at(system: System, moment: datetime) -> tuple[Any, Any]:
    """The holder's checkout expires at ``moment``: the first waiting may be offered the place,
    the second waits on."""
    with time_machine.travel(moment - timedelta(minutes=1), tick=False):
        holder = system.apply(course_id="small").json()
        first = system.apply(course_id="small", email="first@example.org").json()
    with time_machine.travel(moment - timedelta(seconds=59), tick=False):
        second = system.apply(course_id="small", email="second@example.org").json()
    with time_machine.travel(moment, tick=False):
        system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    return first, second


def _told(system: System, address: str) -> list[str]:
    return [m.text for m in system.deliver_emails() if m.to == [address]]


def test_an_offer_held_until_closing_says_nobody_can_book_it_after(system: System) -> None:
    start = system.small_course()
    closes = start - CHECKOUT_HOLD
    first, second = _freed_at(system, start - timedelta(hours=1))
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        offered = system.status_of(first)
        assert offered["status"] == "offered"
        assert datetime.fromisoformat(offered["offer_expires_at"]) == closes
        assert offered["offer_until_closing"] is True
        offer = [t for t in _told(system, "first@example.org") if "holding it for you" in t]
        assert offer, "no offer emailed"
        assert "Applications for the course close then" in offer[-1]
        assert "cannot be booked after that" in offer[-1]
        assert NEXT_PERSON not in offer[-1]
        assert "when applications for the course close" in system.status_page(first)

    # Its time passed, the sweep not yet run: read as lapsed, said of the closing.
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        read = system.status_of(first)
        assert read["status"] == "expired"
        assert read["offer_until_closing"] is True
        assert read["checkout_url"] is None
        record = system.admin("GET", f"/applications/{first['application_id']}").json()
        assert (record["status"], record["status_reason"]) == ("expired", "offer_lapsed")
        roster = system.admin("GET", "/courses/small/applications").json()
        assert [r["status"] for r in roster if r["application_id"] == first["application_id"]] == [
            "expired"
        ]
        page = system.status_page(first)
        assert "until applications for the course closed" in page
        assert NEXT_PERSON not in page
        refused = system.restart_checkout(first)
        error = refused.refused(409, "offer_lapsed")
        assert "when applications for this course closed" in error["message"]
        assert NEXT_PERSON not in error["message"]
        before_sweep = error["message"]

    # After the sweep ended it: the same code and words, and its email says the same.
    after = closes + timedelta(minutes=2)
    with time_machine.travel(after, tick=False):
        assert sweep(system.ports, after).holds_released == 1
        assert system.status_of(second)["status"] == "waitlisted"
        refused = system.restart_checkout(first)
        refused.refused(409, "offer_lapsed")
        assert refused.json()["error"]["message"] == before_sweep
        released = [t for t in _told(system, "first@example.org") if "We held a place" in t]
        assert released, "no release emailed"
        assert "applications for the course closed then" in released[-1]
        assert NEXT_PERSON not in released[-1]
        # Nothing can be booked once applications close: the email invites no new booking.
        assert "book again" not in released[-1].lower()
        assert system.status_of(first)["offer_until_closing"] is True


def test_an_offer_lapsed_at_the_closing_owes_nothing_after_the_sweep(system: System) -> None:
    """The person's JSON of an offer (with a bursary) lapsed at the closing said
    ``left_to_pay`` 15000 once swept; nothing can be paid on it, so every view says nothing
    is left (``domain.covered.left_to_pay_now``), before the sweep and after."""
    start = system.small_course()
    closes = start - CHECKOUT_HOLD
    first, _ = _freed_at(system, start - timedelta(hours=1))
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        assert system.grant_bursary(first, 5000).status == 200
        assert system.status_of(first)["left_to_pay"] == 15000
    record_path = f"/applications/{first['application_id']}"
    for moment in (closes + timedelta(minutes=1), closes + timedelta(minutes=2)):
        with time_machine.travel(moment, tick=False):
            if moment > closes + timedelta(minutes=1):
                assert sweep(system.ports, moment).holds_released == 1
                assert system.stored(first).status.value == "expired"
            read = system.status_of(first)
            assert (read["status"], read["left_to_pay"]) == ("expired", 0)
            assert system.admin("GET", record_path).json()["left_to_pay"] == 0


def test_an_offer_lapsed_before_closing_is_said_lapsed_once_the_course_has_closed(
    system: System,
) -> None:
    """Offered for 48 hours two days before closing: it lapsed, then applications closed;
    paying answers ``offer_lapsed`` (it had said ``course_closed`` after the sweep)."""
    start = system.small_course()
    first, _ = _freed_at(system, start - timedelta(hours=100))
    lapsed = start - timedelta(hours=51)
    with time_machine.travel(lapsed, tick=False):
        sweep(system.ports, lapsed)
        assert system.status_of(first)["offer_until_closing"] is False
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        refused = system.restart_checkout(first)
        error = refused.refused(409, "offer_lapsed")
        assert "applications for this course have closed since" in error["message"]


def test_no_offer_is_made_with_too_little_time_to_act_on_it(system: System) -> None:
    """A place freed ten minutes before applications close is offered to nobody (an email read
    a few minutes late would promise a place nobody could pay for); those waiting wait on."""
    start = system.small_course()
    closes = start - CHECKOUT_HOLD
    freed = closes - LEAST_TIME_TO_ACT + timedelta(minutes=5)
    first, second = _freed_at(system, freed)
    with time_machine.travel(freed, tick=False):
        assert system.status_of(first)["status"] == "waitlisted"
        assert system.status_of(second)["status"] == "waitlisted"
        assert sweep(system.ports, freed).offers_made == 0
        assert not [t for t in _told(system, "first@example.org") if "holding it for you" in t]


def _approval_pending(system: System, **overrides: Any) -> tuple[datetime, Any]:
    """An application waiting for review on the approval course (``overrides`` its answers):
    its first start, and it."""
    course_id = system.approval_course()
    start = system.first_start(course_id)
    with time_machine.travel(start - timedelta(days=2), tick=False):
        if overrides:
            system.made_code(course_id, code="FREE", percent_off=100)
        pending = system.apply(course_id=course_id, **overrides).json()
        assert pending["status"] == "pending_review", pending
        system.deliver_emails()
    return start, pending


def _approve(system: System, application: Any) -> Any:
    return system.admin("POST", f"/applications/{application['application_id']}/approve")


def test_an_approval_once_applications_closed_is_refused_in_words(system: System) -> None:
    """It had emailed an offer whose deadline (the closing) had passed already."""
    start, pending = _approval_pending(system)
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        refused = _approve(system, pending)
        error = refused.refused(409, "course_closed")
        assert error["message"].startswith("applications for this course closed on ")
        assert "nothing was changed and nobody was emailed" in error["message"]
        assert system.status_of(pending)["status"] == "pending_review"
        assert system.deliver_emails() == []


def test_an_approval_minutes_before_applications_close_is_refused(system: System) -> None:
    start, pending = _approval_pending(system)
    with time_machine.travel(start - CHECKOUT_HOLD - timedelta(minutes=5), tick=False):
        refused = _approve(system, pending)
        refused.refused(409, "too_late_to_offer")
        assert "in less than 15 minutes" in refused.json()["error"]["message"]
        assert system.status_of(pending)["status"] == "pending_review"
    with time_machine.travel(start - CHECKOUT_HOLD - LEAST_TIME_TO_ACT, tick=False):
        assert _approve(system, pending).status == 200  # just in time: offered
        assert system.status_of(pending)["status"] == "offered"


def test_an_approval_with_nothing_to_pay_books_the_place_after_closing(system: System) -> None:
    """Nothing to pay means confirmed: approved with a code that takes the whole price off, the
    place is booked still."""
    start, pending = _approval_pending(system, discount_code="FREE")
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        approved = _approve(system, pending)
        assert approved.status == 200, approved.body
        assert system.status_of(pending)["status"] == "confirmed"


def _closing_news(system: System) -> dict[str, int]:
    """How many emails delivered now told each address that applications have closed."""
    return starting(subjects_by_address(system), "Applications have closed")


def test_the_waiting_list_is_told_once_when_applications_close(system: System) -> None:
    _, closes, first, second = two_waiting(system)
    before = closes - timedelta(minutes=1)
    with time_machine.travel(before, tick=False):
        assert sweep(system.ports, before).waits_ended == 0
        assert _closing_news(system) == {}
        assert system.status_of(first)["wait_ended"] is False

    # Closed: read so at once, before the sweep tells anyone.
    with time_machine.travel(closes, tick=False):
        read = system.status_of(first)
        assert (read["status"], read["wait_ended"], read["waitlist_position"]) == (
            "waitlisted",
            True,
            None,
        )
        assert "Applications have closed" in system.status_page(first)
        assert sweep(system.ports, closes).waits_ended == 2
        assert _closing_news(system) == {"first@example.org": 1, "second@example.org": 1}

    # The next runs (and one at the same moment again) tell nobody twice.
    for later in (closes, closes + timedelta(minutes=15)):
        with time_machine.travel(later, tick=False):
            assert sweep(system.ports, later).waits_ended == 0
            assert _closing_news(system) == {}
    assert system.status_of(second)["status"] == "waitlisted"


def test_a_waiting_list_queued_twice_is_still_told_once(system: System) -> None:
    """Two runs that read the same applications before either saved: one saves its email, the
    other's write is refused (the version moved); and a job queued again is the same job."""

    _, closes, first, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        system.closing_marked_twice_from_one_read(first, "small", closes)
        assert sweep(system.ports, closes).waits_ended == 1  # the other person only
        assert _closing_news(system) == {"first@example.org": 1, "second@example.org": 1}


def test_a_course_begun_long_ago_tells_its_waiting_list_nothing(system: System) -> None:
    """Told from its closing until it begins; a run after that (the sweep down for the whole
    half hour, or a list waiting on a course long over) sends nobody news months old."""
    start, _, _, _ = two_waiting(system)
    after = start + timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        assert sweep(system.ports, after).waits_ended == 0
        assert _closing_news(system) == {}


def test_a_waiting_list_told_is_told_again_when_the_dates_move_later(system: System) -> None:
    """Told at its closing; the course's dates then move a week later, so applications open
    again and the list with them: those waiting are told again at the new closing."""
    start, closes, first, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        assert _closing_news(system) == {"first@example.org": 1, "second@example.org": 1}
    moved = small_course_moved(system, start, 7)
    after_closing = closes + timedelta(minutes=5)
    with time_machine.travel(after_closing, tick=False):
        assert system.admin("PUT", "/courses/small", json_body=moved).status == 200
        assert system.status_of(first)["wait_ended"] is False
        system.deliver_emails()
    new_closing = system.first_start("small")
    new_closing -= CHECKOUT_HOLD
    with time_machine.travel(new_closing, tick=False):
        assert system.status_of(first)["wait_ended"] is True
        assert sweep(system.ports, new_closing).waits_ended == 2
        assert _closing_news(system) == {"first@example.org": 1, "second@example.org": 1}


def test_each_course_logs_how_many_of_its_own_list_were_told(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Two courses closing at once, two waiting on each: each course's line counts its own
    list, not a running total."""
    start, closes, _, _ = two_waiting(system)
    definition = system.one_session_file(
        programme="compassionate-leadership", facilitators=["facilitator@example.org"]
    )
    assert system.admin("PUT", "/courses/small-two", json_body=definition).status == 201
    with time_machine.travel(start - timedelta(days=2), tick=False):
        holder = system.apply(course_id="small-two", email="holder2@example.org").json()
        assert system.pay(holder["checkout_url"]).status in (200, 303)
        system.apply(course_id="small-two", email="third@example.org")
        system.apply(course_id="small-two", email="fourth@example.org")
        system.deliver_emails()
    caplog.set_level(logging.INFO)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 4
    counted = {
        getattr(r, "course_id", None): getattr(r, "told", None)
        for r in caplog.records
        if r.getMessage() == "waiting list told applications closed"
    }
    assert counted == {"small": 2, "small-two": 2}
