"""The course's sessions as a calendar file for the organisers: the console's course
page offered the roster to download but no calendar, so a facilitator could put the cohort's
dates in their own calendar only by typing them. The 2025 cohort as its page gives it (BST
and GMT in one course) is the file's test."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import vobject
from icalendar import Calendar

from tests.conftest import COURSES_DIR
from tests.support.console import ConsoleBrowser
from tests.support.system import System

COHORT = "compassionate-leadership-2025"


def test_the_course_page_offers_its_sessions_as_a_calendar_file(
    system: System, browser: ConsoleBrowser
) -> None:
    definition = json.loads((COURSES_DIR / "past" / f"{COHORT}.json").read_text())
    system.put_course(COHORT, definition)
    page = browser.get(f"/console/courses/{COHORT}")
    link = f'href="/console/courses/{COHORT}/calendar.ics">Download the sessions (calendar file)'
    assert link in page.body

    reply = browser.get(f"/console/courses/{COHORT}/calendar.ics")

    assert reply.status == 200, reply.body[:300]
    assert reply.headers["content-type"].startswith("text/calendar")
    assert f'filename="{COHORT}-sessions.ics"' in reply.headers["content-disposition"]
    assert reply.headers["cache-control"] == "no-store"  # the joining link is in it
    calendar = Calendar.from_ical(reply.body)
    assert calendar["method"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    starts = [e.decoded("dtstart").astimezone(UTC) for e in events]
    # Six Mondays at 15:00 BST, then the follow-ups across the clock change: 16:00 BST in
    # September, 13:00 GMT in November, 16:00 GMT in December, each as the UTC instant it is.
    assert starts[0] == datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    assert starts[5] == datetime(2025, 7, 7, 14, 0, tzinfo=UTC)
    assert datetime(2025, 9, 18, 15, 0, tzinfo=UTC) in starts
    assert datetime(2025, 11, 18, 13, 0, tzinfo=UTC) in starts
    assert starts[-1] == datetime(2025, 12, 8, 16, 0, tzinfo=UTC)
    assert len(events) == len(definition["sessions"])
    first = events[0]
    assert str(first["summary"]).startswith(definition["title"])
    assert str(first["location"]) == definition["joining_url"]
    assert "ATTENDEE" not in first  # published for the organisers, sent to nobody
    assert str(first["organizer"]) == f"mailto:{definition['enquiries_email']}"
    uids = {str(e["uid"]) for e in events}
    assert len(uids) == len(events)
    assert all("-organisers@" in uid for uid in uids)  # no attendee's invitation uses them
    assert browser.get("/console/courses/no-such-course/calendar.ics").status == 404


def test_each_event_says_its_session_where_to_join_and_its_home_practice(
    system: System, browser: ConsoleBrowser
) -> None:
    definition = json.loads((COURSES_DIR / "past" / f"{COHORT}.json").read_text())
    sessions = [dict(s) for s in definition["sessions"]]
    sessions[0]["home_practice"] = "A breathing space, ten minutes a day"
    system.put_course(COHORT, definition | {"sessions": sessions})

    reply = browser.get(f"/console/courses/{COHORT}/calendar.ics")

    first, second = Calendar.from_ical(reply.body).walk("VEVENT")[:2]
    joining = f"Join online: {definition['joining_url']}"
    title, *rest = str(first["description"]).split("\n")
    assert rest == [joining, "Home practice: A breathing space, ten minutes a day"]
    assert str(first["summary"]) == f"{definition['title']}: {title}"
    assert str(second["description"]).split("\n")[1:] == [joining]


def test_a_title_with_commas_and_semicolons_names_the_calendar_whole(
    system: System, browser: ConsoleBrowser
) -> None:
    """The calendar's name (``X-WR-CALNAME``, a text value) escapes the title's commas and
    semicolons, as its events' summaries do: a calendar that reads it as text named the
    imported calendar "Leadership" for "Leadership, Spring; Leeds" (a comma separates values)."""
    definition = json.loads((COURSES_DIR / "past" / f"{COHORT}.json").read_text())
    title = "Compassionate Leadership, Spring; Leeds \\ Bradford"
    system.put_course(COHORT, definition | {"title": title})

    reply = browser.get(f"/console/courses/{COHORT}/calendar.ics")

    assert reply.status == 200, reply.body[:300]
    assert "X-WR-CALNAME:Compassionate Leadership\\, Spring\\; Leeds \\\\ Bradford" in reply.body
    parsed = vobject.readOne(reply.body)
    assert parsed.x_wr_calname.value == title
    assert parsed.vevent.summary.value.startswith(title)
