"""One reading of a booking in every view: an offer past its deadline, and a wait
ended as applications closed, read the same on the person's JSON and page, the /admin roster
and record, the console's course and application pages and the roster CSV, before the sweep
gets there (``services.reading``). The console offers only what the stored booking allows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.services import console
from tests.support.applications import session_id_of
from tests.support.closing import full_with_one_waiting
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.offers import seat_offered
from tests.support.page_text import text_of
from tests.support.system import System


def _every_view(system: System, application: Any) -> dict[str, Any]:
    """What each view says of ``application``: its status (and reason) or its words."""
    app_id = application["application_id"]
    browser: ConsoleBrowser = signed_in(system)
    csv_body = browser.get("/console/courses/small/roster.csv").body.lstrip("\ufeff")
    reference = system.stored(app_id).reference_or_id
    [csv_row] = [r for r in csv.DictReader(io.StringIO(csv_body)) if r["Reference"] == reference]
    roster = system.admin("GET", "/courses/small/applications").json()
    [row] = [r for r in roster if r["application_id"] == app_id]
    record = system.admin("GET", f"/applications/{app_id}").json()
    return {
        "json": (
            system.status_of(application)["status"],
            system.status_of(application)["wait_ended"],
        ),
        "roster": row["status"],
        "record": (record["status"], record["status_reason"]),
        "csv": csv_row["Status"],
        "course_page": text_of(browser.get("/console/courses/small").body),
        "application_page": text_of(browser.get(f"/console/applications/{app_id}").body),
    }


def test_a_lapsed_offer_reads_lapsed_in_every_view(system: System) -> None:
    first = seat_offered(system)
    assert system.status_of(first)["status"] == "offered"
    system.clock_offset += timedelta(hours=49)  # past its deadline; no sweep yet
    assert system.stored(first).status.value == "offered"
    seen = _every_view(system, first)
    assert seen["json"] == ("expired", False)
    assert seen["record"] == ("expired", "offer_lapsed")
    assert seen["roster"] == "expired"
    # An offer not taken up, not a payment page left.
    assert seen["csv"] == "Offer not taken up (it lapsed unpaid)"
    assert "first@example.org Offer not taken up" in seen["course_page"]
    assert "Place offered" not in seen["course_page"]
    assert "Offer not taken up (it lapsed unpaid)" in seen["application_page"]
    assert "Payment not completed" not in seen["application_page"]


def test_a_wait_ended_at_closing_reads_so_in_every_view(system: System) -> None:
    start = system.small_course()
    first = full_with_one_waiting(system, start)
    closes = start - CHECKOUT_HOLD
    with time_machine.travel(closes, tick=False):  # closed; no sweep yet
        assert system.stored(first).status_reason is None
        seen = _every_view(system, first)
    ended = "On the waiting list (applications closed: the wait has ended)"
    assert seen["json"] == ("waitlisted", True)
    assert seen["record"] == ("waitlisted", "applications_closed")
    assert seen["roster"] == "waitlisted"
    assert seen["csv"] == ended
    assert "first@example.org On the waiting list" in seen["course_page"]
    assert ended in seen["application_page"]


def _course_row(system: System) -> tuple[tuple[int, int], list[str]]:
    """The course "small" on the console's first page: its seats counted (booked, held) and
    the cells of its row from Booked to Free."""
    browser = signed_in(system)  # signed in afresh: a session ends after hours
    [summary] = [s for s in console.course_summaries(system.ports) if s.course.course_id == "small"]
    row = browser.get("/console").body
    row = row[row.index("/console/courses/small") :]
    cells = [c.split("<", 1)[0] for c in row.split('<td class="num">')[1:4]]
    return (summary.confirmed, summary.holds), cells


def test_the_course_list_and_the_name_search_read_a_lapsed_offer_so(system: System) -> None:
    """The console's name search and person page say a lapsed offer lapsed before the sweep,
    as every other view (they read the stored application, so 'Place offered'); its
    first page counts the offer's seat held until the sweep releases it, as the course page,
    the JSON's places_left and /admin count it from the seat counter (counted as
    no hold and not free, it was in no column: 'Held 0 | Free 0 of 1')."""
    system.small_course()
    holder = system.apply(course_id="small").json()
    first = system.apply(course_id="small", name="Jo Walsh", email="first@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(first)["status"] == "offered"
    held = ((0, 1), ["0", "1", "0 of 1"])
    assert _course_row(system) == held  # held while the offer stands
    system.clock_offset += timedelta(hours=49)  # past its deadline; no sweep yet
    assert system.stored(first).status.value == "offered"
    # Each place once, as the seat counter holds it: still held, not yet free.
    assert _course_row(system) == held
    browser = signed_in(system)
    course_page = text_of(browser.get("/console/courses/small").body)
    # The offered place is held, unpaid, never "taken" as if booked: as the courses list says.
    assert "Places 0 of 1 booked, 1 held for someone who has not paid yet, 0 free" in course_page
    assert system.course("small")["places_left"] == 0
    for page in ("/console/search?q=jo+walsh", "/console/people?email=first@example.org"):
        found = text_of(browser.get(page).body)
        assert "Offer not taken up" in found, page
        assert "Place offered" not in found, page
    system.scheduled_run(system.now())
    # The sweep released the seat: free in every view at once.
    assert _course_row(system) == ((0, 0), ["0", "0", "1 of 1"])
    assert system.course("small")["places_left"] == 1
