"""A person adds their sessions to their calendar from their own status page (the confirmation
email carried them; a lost or deleted email left no way back): a download guarded by the page's
token, the same events as the email's under the same UIDs, ORGANIZER and SEQUENCE (so an import
updates what the email put in rather than adding a copy), at the sessions' UK times, naming
nobody (``METHOD:PUBLISH``, no ATTENDEE). Through the real handlers, moto and the Stripe
stand-in; the files read back with icalendar."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar

from booking.handlers import reminders
from infra.local.server import lambda_context
from tests.conftest import load_event
from tests.support.cohorts import calendars_of, uids_of
from tests.support.courses import gathering_cohort, monday_after, weekly_sessions
from tests.support.system import System

LONDON = ZoneInfo("Europe/London")


def _cohort(name: str, first: date) -> dict[str, Any]:
    """A cohort of the programme ``gathering-test``: two weekly sessions from ``first``."""
    return gathering_cohort("gathering-test", name, weekly_sessions(first, 2))


def _page(system: System, application: dict[str, Any]) -> str:
    path = f"/applications/{application['application_id']}?token={application['token']}"
    reply = system.api("GET", path, headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    return reply.body


def _calendar_link(page: str) -> str:
    """The status page's *Add your sessions to your calendar* link, as a path and query."""
    [href] = [
        part.split('"', 1)[0] for part in page.split(' href="')[1:] if "/calendar.ics" in part
    ]
    address = urlsplit(href.replace("&amp;", "&"))
    return f"{address.path}?{address.query}"


def _events(ics: str | bytes) -> dict[str, Any]:
    return {str(e["uid"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}


def test_a_booked_person_downloads_the_sessions_their_confirmation_put_in(
    system: System,
) -> None:
    booked = system.booked(name="Grace Hopper", email="grace@example.org")
    [confirmation] = [m for m in system.deliver_emails() if "confirmed" in m.subject.lower()]
    emailed = calendars_of(confirmation)["invite.ics"]

    link = _calendar_link(_page(system, booked))
    reply = system.api("GET", link)

    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("text/calendar")
    assert "attachment" in reply.headers["content-disposition"]
    assert reply.headers["cache-control"] == "no-store"
    calendar = Calendar.from_ical(reply.body)
    assert str(calendar["method"]) == "PUBLISH"
    downloaded, sent = _events(reply.body), {str(e["uid"]): e for e in emailed.walk("VEVENT")}
    assert set(downloaded) == set(sent)  # the same events, under the same UIDs
    for uid, event in downloaded.items():
        assert event.decoded("dtstart") == sent[uid].decoded("dtstart")
        assert event.decoded("dtend") == sent[uid].decoded("dtend")
        assert str(event["organizer"]) == str(sent[uid]["organizer"])
        assert int(event.decoded("sequence")) == int(sent[uid].decoded("sequence"))
        assert "attendee" not in event
    assert "grace" not in reply.body.lower()
    assert "Hopper" not in reply.body


def test_the_download_takes_the_pages_token(system: System) -> None:
    booked = system.booked(email="grace@example.org")
    path = f"/applications/{booked['application_id']}/calendar.ics"
    system.api("GET", f"{path}?token=wrong").refused(404, "not_found")
    system.api("GET", path).refused(404, "not_found")
    assert system.api("GET", f"{path}?token={booked['token']}").status == 200


def test_an_application_not_booked_yet_has_nothing_to_add(system: System) -> None:
    applied = system.apply(email="waiting@example.org")
    assert applied.status == 201, applied.body
    application = dict(applied.json())
    assert "/calendar.ics" not in _page(system, application)
    path = f"/applications/{application['application_id']}/calendar.ics"
    refused = system.api("GET", f"{path}?token={application['token']}").refused(409, "conflict")
    assert "once the place is booked" in refused["message"]


def test_a_graduate_downloads_the_follow_up_they_were_invited_to_under_its_uid(
    system: System,
) -> None:
    """Ada's cohort lists no follow-up; the next cohort's does, and its invitation reaches her
    as a graduate: her page's file holds it, as the invitation put it in her calendar."""
    spring = monday_after(system.now().date() + timedelta(days=21))
    gathering = spring + timedelta(weeks=10, days=3)
    summer = {
        **_cohort("summer", spring + timedelta(weeks=4)),
        "sessions": [
            *weekly_sessions(spring + timedelta(weeks=4), 2),
            {
                "id": "gathering",
                "date": gathering.isoformat(),
                "start_time": "16:00",
                "end_time": "17:00",
                "kind": "follow_up",
            },
        ],
    }
    for course_id, definition in (
        ("gathering-spring", _cohort("spring", spring)),
        ("gathering-summer", summer),
    ):
        reply = system.admin("PUT", f"/courses/{course_id}", json_body=definition)
        assert reply.status in (200, 201), reply.body
    ada = system.booked("gathering-spring", email="ada@example.org")
    system.deliver_emails()
    invited_at = datetime.combine(gathering - timedelta(days=13), time(9), LONDON)
    event = copy.deepcopy(load_event("scheduler/reminder_tick.json"))
    event["time"] = invited_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with system.functions_clock.reading(invited_at):
        reminders.handler(event, lambda_context("booking-reminders"))
    [invitation] = [m for m in system.deliver_emails() if "invited" in m.subject.lower()]
    [invited] = uids_of(calendars_of(invitation)["invite.ics"])

    reply = system.api("GET", _calendar_link(_page(system, ada)))

    assert reply.status == 200, reply.body
    downloaded = _events(reply.body)
    assert invited in downloaded
    assert downloaded[invited].decoded("dtstart") == datetime.combine(gathering, time(16), LONDON)
    assert len(downloaded) == 3  # her two sessions, and the follow-up
