"""What applications closing tells those it leaves without a place:

* an application still awaiting review when applications close can no longer be approved, so
  it reads "applications have closed" at once (JSON ``review_ended``, page, /admin, console)
  and is told once, in words, by the sweep;
* those told their wait had ended are told once that it goes on when the dates move later and
  the list reopens; one told under the job id's earlier format is not told twice;
* in the last 15 minutes before applications close no place can be offered: the course never
  says "full" with places left, and a newcomer joining the list is promised no offer.

Through the real handlers, the clock frozen (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.emails import EmailKind
from booking.domain.offer_ends import APPLICATIONS_CLOSED, LEAST_TIME_TO_ACT
from booking.services.lifecycle import sweep
from tests.support.closing import small_course_moved, starting, subjects_by_address, two_waiting
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, book
from tests.support.offers import seat_offered_at
from tests.support.page_text import text_of
from tests.support.system import System

CLOSED = "Applications have closed"
REOPENED = "The dates have moved"


def _in_review(system: System) -> tuple[datetime, datetime, Any]:
    """An application awaiting review on the approval course, made two days before it starts:
    the course's start, its closing, and the application."""
    course_id = system.approval_course()
    start = system.first_start(course_id)
    with time_machine.travel(start - timedelta(days=2), tick=False):
        pending = system.apply(course_id=course_id, email="review@example.org").json()
        assert pending["status"] == "pending_review", pending
        system.deliver_emails()
    return start, start - CHECKOUT_HOLD, pending


def _review_ended_by_the_sweep(system: System) -> tuple[datetime, datetime, Any]:
    """:func:`_in_review`, then the sweep at the closing, which must end that one review (its
    email not delivered): the course's start, its closing, and the application."""
    start, closes, pending = _in_review(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 1
    return start, closes, pending


def test_an_application_in_review_is_told_once_when_applications_close(system: System) -> None:
    _, closes, pending = _in_review(system)
    app_id = pending["application_id"]
    with time_machine.travel(closes - timedelta(minutes=1), tick=False):
        assert system.status_of(pending)["review_ended"] is False
        # Too late for a review already (no approval with under 15 minutes left).
        assert "too soon for your application to be reviewed" in system.status_page(pending)
        assert sweep(system.ports, closes - timedelta(minutes=1)).waits_ended == 0

    # Closed: read so at once, in every view, before the sweep tells it.
    with time_machine.travel(closes, tick=False):
        read = system.status_of(pending)
        assert (read["status"], read["review_ended"], read["wait_ended"]) == (
            "pending_review",
            True,
            False,
        )
        page = system.status_page(pending)
        assert CLOSED in page
        assert "before our facilitators could review your application" in page
        assert "will email you once they have looked at yours" not in page
        record = system.admin("GET", f"/applications/{app_id}").json()
        assert (record["status"], record["status_reason"]) == ("pending_review", "review_ended")
        roster = system.admin("GET", "/courses/approval-course/applications").json()
        assert [r["status_reason"] for r in roster if r["application_id"] == app_id] == [
            "review_ended"
        ]
        browser = signed_in(system)
        console = text_of(browser.get(f"/console/applications/{app_id}").body)
        ended = "Awaiting review (applications closed before it was reviewed)"
        assert ended in console
        assert ended in browser.get("/console/courses/approval-course/roster.csv").body

        # Two runs that read it before either saved: one write is kept, one email queued.
        system.closing_marked_twice_from_one_read(pending, "approval-course", closes)
        told = system.deliver_emails()
        assert [m.subject.split(":")[0] for m in told] == [CLOSED]
        assert "before our facilitators could review your application" in told[0].text
        assert "No money was taken" in told[0].text

    # Later runs tell nobody again.
    for later in (closes, closes + timedelta(minutes=15)):
        with time_machine.travel(later, tick=False):
            assert sweep(system.ports, later).waits_ended == 0
            assert subjects_by_address(system) == {}
    assert system.stored(pending).status_reason == "review_ended"


def test_the_sweep_tells_an_application_in_review_on_a_course_nobody_waits_on(
    system: System,
) -> None:
    """The sweep looked only at courses with a waiting list: one in review was never told."""
    _, closes, pending = _review_ended_by_the_sweep(system)
    with time_machine.travel(closes, tick=False):
        assert starting(subjects_by_address(system), CLOSED) == {"review@example.org": 1}
        assert system.status_of(pending)["review_ended"] is True
        assert sweep(system.ports, closes).waits_ended == 0
        assert subjects_by_address(system) == {}


def test_those_told_their_wait_ended_are_told_once_when_the_list_reopens(
    system: System,
) -> None:
    start, closes, first, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        system.deliver_emails()
    moved = small_course_moved(system, start, 7)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        assert system.admin("PUT", "/courses/small", json_body=moved).status == 200
        told = subjects_by_address(system)
        assert starting(told, REOPENED) == {"first@example.org": 1, "second@example.org": 1}
        assert system.status_of(first)["wait_ended"] is False
        # Saved again unchanged, or with another change: nobody is told a second time.
        assert system.admin("PUT", "/courses/small", json_body=moved).status == 200
        assert starting(subjects_by_address(system), REOPENED) == {}
    reopened = [
        m for m in system.sent if m.to == ["first@example.org"] and m.subject.startswith(REOPENED)
    ]
    assert "you are back on its waiting list (you are number 1)" in reopened[0].text
    assert "Applications now close on" in reopened[0].text


def test_a_list_told_by_a_run_ahead_of_the_clock_is_told_again_at_the_new_closing(
    system: System,
) -> None:
    """A run of the schedule at the closing's time while the clock is still before it (the
    local stack's tick) told the list; the dates then moved later before the old closing came:
    they are told once that they wait again, and told again at the new closing (the told mark, with
    no closing beside it, stayed, and the new closing told nobody)."""
    start, closes, _, _ = two_waiting(system)
    with time_machine.travel(closes - timedelta(hours=1), tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        assert starting(subjects_by_address(system), CLOSED) == {
            "first@example.org": 1,
            "second@example.org": 1,
        }
        moved = small_course_moved(system, start, 7)
        assert system.admin("PUT", "/courses/small", json_body=moved).status == 200
        told = subjects_by_address(system)
        assert starting(told, REOPENED) == {"first@example.org": 1, "second@example.org": 1}
    new_closing = system.first_start("small") - CHECKOUT_HOLD
    with time_machine.travel(new_closing, tick=False):
        assert sweep(system.ports, new_closing).waits_ended == 2
        assert starting(subjects_by_address(system), CLOSED) == {
            "first@example.org": 1,
            "second@example.org": 1,
        }
        assert sweep(system.ports, new_closing).waits_ended == 0


def test_a_wait_told_under_the_earlier_job_id_is_not_told_again(system: System) -> None:
    """A deploy: told before the job id named the closing (``wait_ended:<id>``), marked told;
    the new code's runs at the same closing tell nobody again."""
    _, closes, first, second = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        for application in (first, second):
            stored = system.stored(application)
            old = stored.model_copy(update={"status_reason": APPLICATIONS_CLOSED}).with_emails(
                stored.email(EmailKind.WAIT_ENDED)
            )
            assert old.outbox[-1].job_id == f"wait_ended:{stored.application_id}"
            system.ports.repository.save(old, stored)
        assert starting(subjects_by_address(system), CLOSED) == {
            "first@example.org": 1,
            "second@example.org": 1,
        }
        assert sweep(system.ports, closes).waits_ended == 0
        assert subjects_by_address(system) == {}
    with time_machine.travel(closes + timedelta(minutes=15), tick=False):
        assert sweep(system.ports, closes + timedelta(minutes=15)).waits_ended == 0
        assert subjects_by_address(system) == {}


def test_in_the_last_minutes_a_full_course_promises_no_offer(system: System) -> None:
    """A place freed ten minutes before applications close is offered to nobody: the course
    says so (never "full" with places left), and a newcomer is told no place can be offered."""
    start = system.small_course()
    closes = start - CHECKOUT_HOLD
    freed = closes - LEAST_TIME_TO_ACT + timedelta(minutes=5)
    seat_offered_at(system, freed)
    with time_machine.travel(freed, tick=False):
        system.deliver_emails()
        course = system.course("small")
        assert course["status"] == "full"
        assert course["places_left"] == 0
        assert course["no_more_offers"] is True
        assert datetime.fromisoformat(course["applications_close_at"]) == closes
        apply_page = system.api("GET", "/courses/small/apply").body
        assert "too soon for a place to be offered from the waiting list" in apply_page
        assert "All places are taken" not in apply_page

        newcomer = system.apply(course_id="small", email="newcomer@example.org").json()
        assert newcomer["status"] == "waitlisted"
        [email] = [
            m
            for m in system.deliver_emails()
            if m.to == ["newcomer@example.org"] and "waiting list" in m.subject
        ]
        assert "straight away" not in email.text
        assert "too soon for a place to be offered and paid for before then" in email.text
        read = system.status_of(newcomer)
        assert read["no_more_offers"] is True
        assert datetime.fromisoformat(read["applications_close_at"]) == closes
        page = system.status_page(newcomer)
        assert "straight away" not in page
        assert "too soon for a place to be offered and paid for" in page

        # A manager booking the freed place is refused in the same words,
        # never told it goes to those waiting, whom nobody can offer it now.
        group = book(system, course="small", colleagues=COLLEAGUES[:1])
        assert group.status == 409
        error = group.json()["error"]
        assert error["code"] == "course_full"
        assert "too soon for the places left to be offered" in error["message"]
        assert "waiting list first" not in error["message"]
        assert str(closes.year) in error["message"]

    # Earlier, with time to act, a newcomer is promised the usual: an offer straight away.
    with time_machine.travel(freed - timedelta(hours=1), tick=False):
        assert system.course("small")["no_more_offers"] is False


def test_in_the_last_minutes_an_application_for_review_is_promised_no_review(
    system: System,
) -> None:
    """No approval can be made with under 15 minutes left (409 ``too_late_to_offer``): one who
    applies for review then is not told the facilitators will email once they have read it."""
    course_id = system.approval_course()
    start = system.first_start(course_id)
    closes = start - CHECKOUT_HOLD
    with time_machine.travel(closes - LEAST_TIME_TO_ACT + timedelta(minutes=5), tick=False):
        late = system.apply(course_id=course_id, email="late@example.org").json()
        assert late["status"] == "pending_review"
        assert late["no_more_offers"] is True
        assert datetime.fromisoformat(late["applications_close_at"]) == closes
        [acknowledged] = [
            m
            for m in system.deliver_emails()
            if m.to == ["late@example.org"] and m.subject.startswith("We have received")
        ]
        assert "too soon for your application to be reviewed" in acknowledged.text
        assert "will email you once they have looked" not in acknowledged.text
        page = system.status_page(late)
        assert "too soon for your application to be reviewed" in page
        assert "will email you once they have looked" not in page


def test_an_application_told_its_review_ended_awaits_review_again_when_the_dates_move(
    system: System,
) -> None:
    start, closes, pending = _review_ended_by_the_sweep(system)
    with time_machine.travel(closes, tick=False):
        system.deliver_emails()
    later = (start + timedelta(days=7)).date().isoformat()
    moved = {
        "title": "Approval course",
        "price": {"amount": 20000},
        "capacity": 5,
        "approval_required": True,
        "sessions": [{"date": later, "start_time": "15:00", "end_time": "17:00"}],
    }
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        assert system.admin("PUT", "/courses/approval-course", json_body=moved).status == 200
        [told] = [m for m in system.deliver_emails() if m.subject.startswith(REOPENED)]
        assert told.to == ["review@example.org"]
        assert "once more awaiting review" in told.text
        read = system.status_of(pending)
        assert (read["status"], read["review_ended"]) == ("pending_review", False)
        assert "will email you once they have looked at yours" in system.status_page(pending)
        assert system.stored(pending).status_reason is None
