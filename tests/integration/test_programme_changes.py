"""A programme's follow-up changed after it was announced, through the handlers on moto.

Two cohorts of one programme list the same follow-up (by ``id``); people book and pay through
the API and the Stripe stand-in, a scheduler tick (the reminder handler) invites the graduates,
and then an organiser replaces one cohort's file (``PUT /admin/courses/...``) moving, renaming
or removing the follow-up. Whatever file changed it, everyone it was announced to hears of each
change once, with the calendar update (every message is parsed back and its calendars held to
RFC 5546 across the test by ``tests/support/mail_checks.py``), nobody is invited twice, and
reminders come for the new time only.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.domain.emails import OutgoingEmail
from booking.handlers import reminders
from infra.local.server import lambda_context
from tests.conftest import load_event
from tests.support.courses import (
    gathering_cohort,
    gathering_follow_up,
    monday_after,
    weekly_sessions,
)
from tests.support.system import System

PROGRAMME = "gathering-test"
LONDON = ZoneInfo("Europe/London")
ADA, BOB, CY = "ada@example.org", "bob@example.org", "cy@example.org"


class Programme:
    """Spring and summer cohorts (two Mondays each), both listing the follow-up ``gathering``
    on a Thursday after both have ended. Ada took spring, Bob summer, Cy both."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.spring_start = monday_after(system.now().date() + timedelta(days=21))
        self.summer_start = self.spring_start + timedelta(weeks=4)
        self.follow_up_day = self.summer_start + timedelta(weeks=8, days=3)
        self.files = {
            "gathering-spring": self.definition(self.spring_start, "spring"),
            "gathering-summer": self.definition(self.summer_start, "summer"),
        }
        for course_id, definition in self.files.items():
            self.put(course_id, definition)
        # (course id, address) -> the Application as the API answered it
        self.applications: dict[tuple[str, str], dict[str, Any]] = {}
        for course_id, email in (
            ("gathering-spring", ADA),
            ("gathering-summer", BOB),
            ("gathering-spring", CY),
            ("gathering-summer", CY),
        ):
            application = system.booked(course_id, email=email)
            self.applications[(course_id, email)] = application
        system.deliver_emails()

    def definition(self, first: date, name: str) -> dict[str, Any]:
        sessions = [*weekly_sessions(first, 2), self.follow_up(self.follow_up_day)]
        return gathering_cohort(PROGRAMME, name, sessions, reminder_offsets_hours=[24, 1])

    follow_up = staticmethod(gathering_follow_up)

    def put(self, course_id: str, definition: dict[str, Any]) -> None:
        reply = self.system.admin("PUT", f"/courses/{course_id}", json_body=definition)
        assert reply.status in (200, 201), reply.body
        self.files[course_id] = definition

    def replace_follow_up(self, course_id: str, *follow_ups: dict[str, Any]) -> None:
        """Replace a cohort's file, its core sessions as they were, listing ``follow_ups``."""
        definition = copy.deepcopy(self.files[course_id])
        core = [s for s in definition["sessions"] if s.get("kind") != "follow_up"]
        self.put(course_id, {**definition, "sessions": [*core, *follow_ups]})

    def start(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time().replace(hour=16), LONDON).astimezone(UTC)

    def tick(self, moment: datetime) -> list[OutgoingEmail]:
        event = copy.deepcopy(load_event("scheduler/reminder_tick.json"))
        event["time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        # As the local stack's tick: the functions' clock reads the run's time.
        with self.system.functions_clock.reading(moment):
            reminders.handler(event, lambda_context("booking-reminders"))
        return self.system.deliver_emails()


def _subjects(sent: list[OutgoingEmail]) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject.split(":")[0]) for m in sent)


def _relinked_to_summer(programme: Programme) -> None:
    """Spring dropped the follow-up it hosted: summer hosts it, so its entries and messages
    carry summer's link now, and everyone holding it is told so, its calendar entry updated."""
    told = programme.system.deliver_emails()
    link = programme.files["gathering-summer"]["joining_url"]
    assert _subjects(told) == [(p, "New joining link") for p in (ADA, BOB, CY)]
    for message in told:
        assert link in message.text
        assert str(_event(message)[1]["LOCATION"]) == link


def _event(message: OutgoingEmail) -> tuple[str, Any]:
    [ics] = message.attachments
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    return ics.filename, event


@pytest.fixture
def programme(system: System) -> Programme:
    return Programme(system)


def test_a_follow_up_moved_in_any_cohorts_file_reaches_every_invited_graduate_once(
    programme: Programme,
) -> None:
    old = programme.start(programme.follow_up_day)
    invited = programme.tick(old - timedelta(days=13))
    assert _subjects(invited) == [
        (ADA, "You are invited"),
        (BOB, "You are invited"),
        (CY, "You are invited"),
    ]
    # The summer file moves it a week later; the spring file still lists the old date.
    moved_day = programme.follow_up_day + timedelta(weeks=1)
    programme.replace_follow_up("gathering-summer", programme.follow_up(moved_day))
    told = programme.system.deliver_emails()
    assert _subjects(told) == [(ADA, "Moved"), (BOB, "Moved"), (CY, "Moved")]
    new = programme.start(moved_day)
    for message in told:
        filename, event = _event(message)
        assert filename == "invite.ics"
        assert event.decoded("DTSTART") == new
        # The subject says the new time, then (as every subject) the booking's reference.
        # Summer's listing hosts it now, with summer's link: said too.
        assert re.search(
            f"now Thursday {moved_day.day} {moved_day:%B %Y}, "
            f"16:00-17:00 {new.astimezone(LONDON).tzname()}, with a new joining link "
            "\\([A-Z]+-[A-Z0-9]{5}\\)$",
            message.subject,
        ), message.subject
        summer_link = programme.files["gathering-summer"]["joining_url"]
        changed = "Its joining link has changed too. From now on, join online with this link:"
        assert f"{changed}\n{summer_link}\n" in message.text
        assert str(event["LOCATION"]) == summer_link
    # The old time passes without a word; the new time is reminded, once per offset, and
    # nobody is invited again.
    assert programme.tick(old - timedelta(hours=23)) == []
    assert programme.tick(new - timedelta(days=13)) == []
    assert _subjects(programme.tick(new - timedelta(hours=23))) == [
        (ADA, "Reminder"),
        (BOB, "Reminder"),
        (CY, "Reminder"),
    ]
    assert programme.tick(new - timedelta(hours=22)) == []
    # Saving the spring file again, still with the old date, is no new word: nothing moves.
    programme.put("gathering-spring", programme.files["gathering-spring"])
    assert programme.system.deliver_emails() == []
    # Someone booking spring now is told the follow-up as it is, not as spring's file lists it.
    application = programme.system.apply("gathering-spring", email="di@example.org").json()
    programme.system.pay(application["checkout_url"])
    [confirmation] = [m for m in programme.system.deliver_emails() if m.attachments]
    when = f"Thursday {moved_day.day} {moved_day:%B %Y}, 16:00-17:00"
    old_when = f"{programme.follow_up_day.day} {programme.follow_up_day:%B %Y}, 16:00-17:00"
    assert when in confirmation.text
    assert old_when not in confirmation.text
    [ics] = confirmation.attachments
    assert new in [e.decoded("DTSTART") for e in Calendar.from_ical(ics.content).walk("VEVENT")]


def test_a_move_of_a_day_inside_the_invitation_window_is_one_message_to_each_graduate(
    programme: Programme,
) -> None:
    old = programme.start(programme.follow_up_day)
    programme.tick(old - timedelta(days=10))
    # The host's own file (spring started first) moves it a day; its graduates hear once.
    next_day = programme.follow_up_day + timedelta(days=1)
    programme.replace_follow_up("gathering-spring", programme.follow_up(next_day))
    told = programme.system.deliver_emails()
    new = programme.start(next_day)
    assert programme.tick(old - timedelta(days=9)) == []
    assert programme.tick(new - timedelta(days=9)) == []
    assert _subjects(told) == [(ADA, "Moved"), (BOB, "Moved"), (CY, "Moved")]
    for message in told:
        assert _event(message)[1].decoded("DTSTART") == new


def test_a_core_change_with_a_follow_up_change_is_one_message_per_person(
    programme: Programme,
) -> None:
    """Spring moves its second session and the follow-up: its attendees get the new dates
    (the follow-up in them), everyone else the follow-up's change; Cy, on both, one."""
    old = programme.start(programme.follow_up_day)
    programme.tick(old - timedelta(days=13))
    definition = copy.deepcopy(programme.files["gathering-spring"])
    moved_day = programme.follow_up_day + timedelta(days=2)
    second = date.fromisoformat(definition["sessions"][1]["date"]) + timedelta(days=1)
    definition["sessions"][1]["date"] = second.isoformat()
    definition["sessions"][2] = programme.follow_up(moved_day)
    programme.put("gathering-spring", definition)
    told = programme.system.deliver_emails()
    assert _subjects(told) == [(ADA, "Changed dates"), (BOB, "Moved"), (CY, "Changed dates")]
    new = programme.start(moved_day)
    for message in told:
        [ics] = message.attachments
        starts = [e.decoded("DTSTART") for e in Calendar.from_ical(ics.content).walk("VEVENT")]
        assert new in starts
        assert old not in starts


def test_a_follow_up_no_file_lists_is_cancelled_for_everyone_and_back_when_listed_again(
    programme: Programme,
) -> None:
    start = programme.start(programme.follow_up_day)
    programme.tick(start - timedelta(days=13))
    # Out of one file only: the other still lists it, so it still takes place, hosted by
    # summer now: its link is summer's, told to everyone holding it.
    programme.replace_follow_up("gathering-spring")
    _relinked_to_summer(programme)
    programme.replace_follow_up("gathering-summer")
    cancelled = programme.system.deliver_emails()
    assert _subjects(cancelled) == [(ADA, "Cancelled"), (BOB, "Cancelled"), (CY, "Cancelled")]
    for message in cancelled:
        filename, event = _event(message)
        assert filename == "cancel.ics"
        assert str(event["STATUS"]) == "CANCELLED"
    assert programme.tick(start - timedelta(hours=23)) == []
    # Listed again (renamed, a day later): those it was announced to hear of it once more,
    # with the same calendar entry (same UID and ORGANIZER, a higher SEQUENCE); the summer
    # cohort's attendees in their new dates (their file lists it again), Ada in a notice.
    later = programme.follow_up_day + timedelta(days=1)
    programme.replace_follow_up("gathering-summer", programme.follow_up(later, title="Reunion"))
    back = programme.system.deliver_emails()
    assert _subjects(back) == [(ADA, "Back on"), (BOB, "Changed dates"), (CY, "Changed dates")]
    for message in back:
        assert "Reunion" in message.text
        [ics] = message.attachments
        events = Calendar.from_ical(ics.content).walk("VEVENT")
        assert programme.start(later) in [e.decoded("DTSTART") for e in events]
    assert programme.tick(programme.start(later) - timedelta(days=12)) == []


def test_a_graduate_not_yet_invited_is_just_invited_at_the_new_time(
    programme: Programme,
) -> None:
    """Moved before anyone was invited: the attendees of both cohorts (whose confirmations
    put it in their calendars) hear of the move; the invitation then comes once, at the new
    time."""
    moved_day = programme.follow_up_day + timedelta(weeks=2)
    programme.replace_follow_up("gathering-spring", programme.follow_up(moved_day))
    assert _subjects(programme.system.deliver_emails()) == [
        (ADA, "Moved"),
        (BOB, "Moved"),
        (CY, "Moved"),
    ]
    old, new = programme.start(programme.follow_up_day), programme.start(moved_day)
    assert programme.tick(old - timedelta(days=13)) == []
    assert _subjects(programme.tick(new - timedelta(days=13))) == [
        (ADA, "You are invited"),
        (BOB, "You are invited"),
        (CY, "You are invited"),
    ]


def test_every_view_of_a_cohort_shows_the_follow_up_as_the_programme_holds_it(
    programme: Programme,
) -> None:
    """The summer file moves the follow-up (spring's still lists the old time): spring's
    Course JSON, its page, its attendees' status pages and the console show the new time."""
    system = programme.system
    moved_day = programme.follow_up_day + timedelta(weeks=1)
    programme.replace_follow_up("gathering-summer", programme.follow_up(moved_day))
    new = programme.start(moved_day).astimezone(LONDON).isoformat()
    old = programme.start(programme.follow_up_day).astimezone(LONDON).isoformat()
    new_when = f"Thursday {moved_day.day} {moved_day:%B %Y}, 16:00-17:00"
    old_when = f"{programme.follow_up_day.day} {programme.follow_up_day:%B %Y}"

    course = system.course("gathering-spring")
    [follow_up] = [s for s in course["sessions"] if s["kind"] == "follow_up"]
    assert (follow_up["start"], follow_up["index"]) == (new, 3)
    listed = {c["course_id"]: c for c in system.api("GET", "/courses").json()}
    assert [s["start"] for s in listed["gathering-spring"]["sessions"]][-1] == new
    assert old not in system.api("GET", "/courses").body

    html = {"accept": "text/html"}
    page = system.api("GET", "/courses/gathering-spring/apply", headers=html).body
    assert new_when in page
    assert old_when not in page
    status_url = programme.applications[("gathering-spring", ADA)]["status_url"]
    path_and_query = status_url.split("://", 1)[1].split("/", 1)[1]
    status_page = system.api("GET", f"/{path_and_query}", headers=html).body
    assert new_when in status_page
    assert old_when not in status_page
    # The organiser's answer to saving spring's file again says the same.
    reply = system.admin(
        "PUT", "/courses/gathering-spring", json_body=programme.files["gathering-spring"]
    )
    assert [s["start"] for s in reply.json()["sessions"]][-1] == new


def test_nothing_about_a_past_session_is_announced(programme: Programme) -> None:
    """Spring's file is given last year's dates by mistake (its core sessions weeks ago; its
    follow-up as every file lists it, since a follow-up comes after the core sessions): nobody
    hears of it. Then one core session is put back in the future: only that is news, and the
    calendar update carries the sessions still to come only."""
    system = programme.system
    today = system.now().date()
    definition = copy.deepcopy(programme.files["gathering-spring"])
    past_core = [today - timedelta(weeks=3), today - timedelta(weeks=2)]
    for session, day in zip(definition["sessions"][:2], past_core, strict=True):
        session["date"] = day.isoformat()
    programme.put("gathering-spring", definition)
    assert system.deliver_emails() == []

    future = today + timedelta(days=10)
    definition["sessions"][1]["date"] = future.isoformat()
    programme.put("gathering-spring", definition)
    told = system.deliver_emails()
    assert _subjects(told) == [(ADA, "Changed dates"), (CY, "Changed dates")]
    for message in told:
        marked = [line for line in message.text.splitlines() if "(CHANGED)" in line]
        zone = datetime.combine(future, datetime.min.time(), LONDON).tzname()
        assert marked == [
            f"  {future:%A} {future.day} {future:%B %Y}, 15:00-17:00 {zone} (CHANGED)"
        ]
        [ics] = message.attachments
        starts = [e.decoded("DTSTART") for e in Calendar.from_ical(ics.content).walk("VEVENT")]
        # The sessions still to come: the moved one, and the follow-up the file lists.
        days = [s.astimezone(LONDON).date() for s in starts]
        assert days == [future, programme.follow_up_day]


def test_a_cohort_with_bookings_keeps_its_programme(programme: Programme) -> None:
    """Its attendees hold its follow-ups under the programme's name: another programme would
    give them new calendar entries and never cancel the old. Refused, nothing changed; a
    cohort nobody has booked may still move."""
    system = programme.system
    elsewhere = {**programme.files["gathering-spring"], "programme": "another-programme"}
    reply = system.admin("PUT", "/courses/gathering-spring", json_body=elsewhere)
    reply.refused(409, "programme_has_bookings")
    assert "stays in the programme 'gathering-test'" in reply.json()["error"]["message"]
    assert system.course("gathering-spring")["programme"] == PROGRAMME
    assert system.deliver_emails() == []
    # Without a programme named, a course is a programme of its own: that is a change too.
    unnamed = {k: v for k, v in programme.files["gathering-spring"].items() if k != "programme"}
    assert system.admin("PUT", "/courses/gathering-spring", json_body=unnamed).status == 409
    # Saved as it was, it is no change of programme.
    assert (
        system.admin(
            "PUT", "/courses/gathering-spring", json_body=programme.files["gathering-spring"]
        ).status
        == 200
    )
    # It would host the shared follow-up (as early as spring, its id first): with spring's
    # link, the one spring's people hold (a link of its own is refused: test_follow_up_link_kept).
    empty = {
        **programme.definition(programme.spring_start, "empty"),
        "joining_url": programme.files["gathering-spring"]["joining_url"],
    }
    programme.put("gathering-empty", empty)
    moved = {**empty, "programme": "another-programme"}
    reply = system.admin("PUT", "/courses/gathering-empty", json_body=moved)
    assert (reply.status, reply.json()["programme"]) == (200, "another-programme")


def test_a_cohort_whose_bookings_paid_keeps_its_currency(programme: Programme) -> None:
    """What its bookings paid is counted in its currency: saved in another,
    its totals would say dollars for pounds. Refused in words, nothing changed; a cohort
    nobody paid for may change it."""
    system = programme.system
    spring = programme.files["gathering-spring"]
    in_dollars = {**spring, "price": {"amount": 20000, "currency": "usd"}}
    reply = system.admin("PUT", "/courses/gathering-spring", json_body=in_dollars)
    assert reply.status == 422, reply.body
    assert "keep the currency GBP" in reply.json()["error"]["fields"]["price"]
    assert "2 paid bookings in GBP" in reply.json()["error"]["message"]
    assert system.course("gathering-spring")["price"]["currency"] == "gbp"
    fresh = {**spring, "title": "Gathering (new)"}
    assert system.admin("PUT", "/courses/gathering-new", json_body=fresh).status == 201
    again = {**fresh, "price": {"amount": 20000, "currency": "usd"}}
    assert system.admin("PUT", "/courses/gathering-new", json_body=again).status == 200


def test_whoever_was_sent_a_follow_up_hears_of_its_changes_whatever_their_file_lists_now(
    programme: Programme,
) -> None:
    """Ada holds the follow-up from her spring confirmation only (nobody is invited yet).
    Spring's file drops it (summer's still lists it: nothing changed for the event); then
    summer's file moves it, then drops it: Ada hears of both, as Bob and Cy do."""
    system = programme.system
    programme.replace_follow_up("gathering-spring")
    _relinked_to_summer(programme)
    moved_day = programme.follow_up_day + timedelta(weeks=1)
    programme.replace_follow_up("gathering-summer", programme.follow_up(moved_day))
    moved = system.deliver_emails()
    assert _subjects(moved) == [(ADA, "Moved"), (BOB, "Moved"), (CY, "Moved")]
    uids = {message.to[0]: str(_event(message)[1]["UID"]) for message in moved}
    programme.replace_follow_up("gathering-summer")
    cancelled = system.deliver_emails()
    assert _subjects(cancelled) == [(ADA, "Cancelled"), (BOB, "Cancelled"), (CY, "Cancelled")]
    for message in cancelled:
        filename, event = _event(message)
        assert (filename, str(event["UID"])) == ("cancel.ics", uids[message.to[0]])
    # Taken out of every calendar: listed again later, it reaches them all once more.
    programme.replace_follow_up("gathering-summer", programme.follow_up(moved_day))
    assert {to for to, _ in _subjects(system.deliver_emails())} == {ADA, BOB, CY}


def test_one_reminder_per_offset_while_it_still_reminds_in_time(programme: Programme) -> None:
    """The 24-hour reminder went; the follow-up moves 30 minutes later: no second 24-hour
    reminder (it still reminded them in time), the 1-hour one at the new time. Moved two days
    on after that, the new day gets its own 24-hour reminder."""
    old = programme.start(programme.follow_up_day)
    programme.tick(old - timedelta(days=13))
    assert {s for _, s in _subjects(programme.tick(old - timedelta(hours=23, minutes=50)))} == {
        "Reminder"
    }
    later = programme.follow_up(programme.follow_up_day, start_time="16:30", end_time="17:30")
    programme.replace_follow_up("gathering-summer", later)
    assert len(programme.system.deliver_emails()) == 3  # each told of the move
    new = old + timedelta(minutes=30)
    assert programme.tick(new - timedelta(hours=23, minutes=50)) == []
    assert programme.tick(new - timedelta(hours=12)) == []
    hour_before = programme.tick(new - timedelta(minutes=50))
    assert _subjects(hour_before) == [(ADA, "Reminder"), (BOB, "Reminder"), (CY, "Reminder")]
    assert all("in an hour, at 16:30" in message.subject for message in hour_before)
    assert all("16:30-17:30" in message.text for message in hour_before)

    two_days_on = programme.follow_up_day + timedelta(days=2)
    programme.replace_follow_up("gathering-summer", programme.follow_up(two_days_on))
    assert len(programme.system.deliver_emails()) == 3
    moved = programme.start(two_days_on)
    day_before = programme.tick(moved - timedelta(hours=23, minutes=50))
    assert _subjects(day_before) == [(ADA, "Reminder"), (BOB, "Reminder"), (CY, "Reminder")]


def test_a_file_that_seems_to_move_a_follow_up_without_an_id_is_warned_of(
    programme: Programme,
) -> None:
    """Without an id a follow-up is known by its start: a file that takes one out and puts
    one in near it made a new event. The save stands; the answer says so, in words."""
    system = programme.system
    definition = copy.deepcopy(programme.files["gathering-spring"])
    unnamed = {k: v for k, v in definition["sessions"][2].items() if k != "id"}
    definition["sessions"][2] = unnamed
    reply = system.admin("PUT", "/courses/gathering-spring", json_body=definition)
    # The named one went, an unnamed one came: no move. Only the summer cohort lists the
    # named one now, so it hosts it, and the replies to its messages go to its address.
    [replies] = reply.json()["warnings"]
    assert replies.startswith("Replies to the invitations and reminders for the follow-up ")
    assert "will now go to summer@example.org, the enquiries address of Gathering (summer)" in (
        replies
    )
    day = programme.follow_up_day
    definition["sessions"][2] = {**unnamed, "date": (day + timedelta(days=6)).isoformat()}
    reply = system.admin("PUT", "/courses/gathering-spring", json_body=definition)
    assert reply.status == 200
    assert reply.json()["warnings"] == [
        f"The follow-up on {day.day} {day:%B %Y} has no id, so moving it made a new event "
        "(people holding the old one were told of a new one, or that it was cancelled); give "
        'it an id (e.g. "id": "autumn-reunion") to move it.'
    ]
    # Far from it, it is another follow-up, not a move; and with an id a move is a move.
    definition["sessions"][2] = {**unnamed, "date": (day + timedelta(days=66)).isoformat()}
    assert (
        system.admin("PUT", "/courses/gathering-spring", json_body=definition).json()["warnings"]
        == []
    )
    named = copy.deepcopy(programme.files["gathering-summer"])
    named["sessions"][2]["date"] = (day + timedelta(days=6)).isoformat()
    reply = system.admin("PUT", "/courses/gathering-summer", json_body=named)
    assert reply.json()["warnings"] == []
