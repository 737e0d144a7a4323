"""In a real browser against `make run`: an organiser downloads the cohort's sessions as
a calendar file from the course's console page (beside the roster's CSV), and the file holds
every session at its UK time, across the clock change, with no attendee named, under UIDs no
attendee's invitation uses (importing it never touches a booking's events); the page passes
axe-core at a phone's width and a desk's."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import RunningStack, axe_clean, page_in, sign_in

SAMPLE = "compassionate-leadership-2027-06"
LONDON = ZoneInfo("Europe/London")


def test_the_course_page_downloads_its_sessions_as_a_calendar_file(
    stack: RunningStack, desktop: Page, chromium: Browser
) -> None:
    page = desktop
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/courses/{SAMPLE}")
    axe_clean(page, "course-calendar-link-desktop")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the sessions (calendar file)").click()
    download = downloading.value
    assert download.suggested_filename == f"{SAMPLE}-sessions.ics"
    calendar = Calendar.from_ical(open(download.path(), "rb").read())  # noqa: SIM115
    assert calendar["method"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    shown = stack.get(f"/courses/{SAMPLE}").json()["sessions"]
    assert len(events) == len(shown) == 10
    for event, session in zip(events, shown, strict=True):
        start = event.decoded("dtstart").astimezone(UTC)
        assert start.astimezone(LONDON).isoformat() == session["start"], event["summary"]
        assert "ATTENDEE" not in event
    # Six Mondays at 15:00 in summer time; a follow-up after the clocks go back at 13:00 GMT.
    assert events[0].decoded("dtstart").astimezone(LONDON).strftime("%A %H:%M") == "Monday 15:00"
    assert any(session["start"].endswith("+00:00") for session in shown)

    # A booked person's invitation and the organisers' file never share an event's UID.
    own = stack.course_of_its_own("calendar")
    booked = stack.applied(own, email="cal.reader@example.org")
    stack.pay(booked)
    sent = stack.outbox_until(lambda sent: any(_invite(m) for m in sent))
    invite = next(_invite(m) for m in sent if _invite(m))
    theirs = {str(e["uid"]) for e in Calendar.from_ical(invite).walk("VEVENT")}
    organisers = stack.get(f"/console/courses/{own}/calendar.ics", cookies=_cookies(page))
    assert organisers.status_code == 200, organisers.text[:300]
    ours = {str(e["uid"]) for e in Calendar.from_ical(organisers.text).walk("VEVENT")}
    assert len(ours) == len(theirs) == 6
    assert not ours & theirs

    with page_in(chromium, viewport={"width": 375, "height": 800}) as phone:
        sign_in(phone, stack)
        phone.goto(f"{stack.url}/console/courses/{SAMPLE}")
        axe_clean(phone, "course-calendar-link-phone")


def _invite(message: dict[str, Any]) -> str:
    """The invite.ics of the booking this test makes, or "" for any other email."""
    if "cal.reader@example.org" not in message["to"]:
        return ""
    return next((a["content"] for a in message["attachments"] if a["filename"] == "invite.ics"), "")


def _cookies(page: Page) -> dict[str, str]:
    """The signed-in page's cookies, for a download read outside the browser."""
    return {c["name"]: c["value"] for c in page.context.cookies()}
