"""A moved booking's calendar holds exactly the sessions the person is down for now,
through the handlers on moto and the Stripe stand-in.

One programme (``move-calendar``) in next year: a June cohort listing four follow-ups (September,
October, November, December) and an October cohort across the clock change listing the December
one only; an earlier cohort listing none (its graduates are invited to the programme's events by
the scheduled run). Every message is parsed back (``icalendar`` here, ``vobject`` and RFC 5546 in
``tests/support/mail_checks``: one ORGANIZER per UID, SEQUENCE never going down).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from booking.domain.emails import OutgoingEmail
from tests.support.cohorts import calendars_of, delivered_and_checked
from tests.support.courses import weekly_sessions
from tests.support.mail_checks import Seen
from tests.support.system import System

LONDON = ZoneInfo("Europe/London")
PROGRAMME = "move-calendar"
ADA = "ada@example.org"
FOLLOW_UPS = ("sep", "oct", "nov", "dec")


def _last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _follow_up(key: str, day: date) -> dict[str, Any]:
    return {
        "id": key,
        "date": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:00",
        "kind": "follow_up",
    }


class Programme:
    def __init__(self, system: System) -> None:
        self.system = system
        year = system.now().year + 1
        june = date(year, 6, 7)
        self.clock_change = _last_sunday_of_october(year)
        self.days = {
            "sep": date(year, 9, 23),
            "oct": date(year, 10, 20),
            "nov": date(year, 11, 23),
            "dec": date(year, 12, 13),
        }
        # Two Mondays before the clock change, two after.
        autumn = self.clock_change - timedelta(days=13)
        early = system.now().date() + timedelta(days=28)
        follow_ups = [_follow_up(key, day) for key, day in self.days.items()]
        self.files = {
            "cal-june": self._file(june, "june", follow_ups, weeks=2),
            "cal-october": self._file(autumn, "october", follow_ups[-1:], weeks=4),
            "cal-early": self._file(early, "early", [], weeks=1),
        }
        for course_id, definition in self.files.items():
            system.put_course(course_id, definition)
        self.seen = Seen()

    @staticmethod
    def _file(
        first: date, name: str, follow_ups: list[dict[str, Any]], weeks: int
    ) -> dict[str, Any]:
        return {
            "programme": PROGRAMME,
            "title": "Calendar Leadership",
            "price": {"amount": 20000},
            "capacity": 5,
            "enquiries_email": f"{name}@example.org",
            "joining_url": f"https://example.org/join/{name}",
            "sessions": [*weekly_sessions(first, weeks), *follow_ups],
        }

    def book(self, course_id: str, email: str) -> str:
        application = self.system.apply(course_id, email=email).json()
        assert self.system.pay(application["checkout_url"]).status == 200
        self.emails()
        return str(application["application_id"])

    def move(self, application_id: str, to: str) -> OutgoingEmail:
        reply = self.system.admin(
            "POST", f"/applications/{application_id}/transfer", json_body={"to_course_id": to}
        )
        assert reply.status == 200, reply.body
        [message] = [m for m in self.emails() if m.subject.startswith("Your booking has moved")]
        return message

    def invite_graduates(self, key: str) -> list[OutgoingEmail]:
        """The scheduled run as of 13 days before follow-up ``key`` (its invitation is due)."""
        start = datetime.combine(self.days[key], datetime.min.time().replace(hour=16), LONDON)
        self.system.scheduled_run((start - timedelta(days=13)).astimezone(UTC))
        return self.emails()

    def emails(self) -> list[OutgoingEmail]:
        return delivered_and_checked(self.system, self.seen)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _follow_up_uids(uids: set[str]) -> dict[str, str]:
    """Follow-up key -> its UID (the person's, the same in every message)."""
    return {key: uid for uid in uids for key in FOLLOW_UPS if f"{PROGRAMME}-{key}-" in uid}


def _in(message: OutgoingEmail, filename: str) -> dict[str, Any]:
    """The events of the message's calendar file ``filename``, by UID."""
    return _events(calendars_of(message)[filename])


def _confirmed(system: System, email: str) -> dict[str, Any]:
    """The events the person's last confirmation invited them to, by UID."""
    confirmation = [m for m in system.sent if m.to == [email] and "confirmed" in m.subject][-1]
    return _in(confirmation, "invite.ics")


def _booked(system: System, *cohorts: str) -> tuple[Programme, str, dict[str, Any]]:
    """Ada booked on each of ``cohorts`` in turn: the programme, her last booking, and the
    events its confirmation invited her to."""
    programme = Programme(system)
    bookings = [programme.book(cohort, ADA) for cohort in cohorts]
    return programme, bookings[-1], _confirmed(system, ADA)


def test_a_move_to_a_later_cohort_takes_out_the_follow_ups_it_no_longer_lists(
    system: System,
) -> None:
    programme, booking, confirmed = _booked(system, "cal-june")
    follow_ups = _follow_up_uids(set(confirmed))
    assert set(follow_ups) == set(FOLLOW_UPS)

    message = programme.move(booking, "cal-october")

    cancel, invite = _in(message, "cancel.ics"), _in(message, "invite.ics")
    june_core = set(confirmed) - set(follow_ups.values())
    # Out: the June sessions and the follow-ups only the June cohort lists; in: the October
    # cohort's sessions and its follow-up, under the UID the confirmation gave it.
    assert set(cancel) == june_core | {follow_ups[k] for k in ("sep", "oct", "nov")}
    assert follow_ups["dec"] in invite
    assert not set(cancel) & set(invite)
    # After the move the calendar holds exactly what the booking is down for now.
    held = (set(confirmed) - set(cancel)) | set(invite)
    assert len(held) == 4 + 1, sorted(held)
    confirmation_sequence = max(int(e["sequence"]) for e in confirmed.values())
    assert all(int(e["sequence"]) > confirmation_sequence for e in cancel.values())
    assert all(str(e["status"]) == "CANCELLED" for e in cancel.values())
    # The October sessions are 15:00 UK time either side of the clock change.
    starts = sorted(e.decoded("dtstart") for uid, e in invite.items() if uid in invite)
    core = [s for s in starts if s.date() <= programme.clock_change + timedelta(days=8)]
    assert [s.astimezone(UTC).hour for s in core] == [14, 14, 15, 15]
    assert [s.astimezone(LONDON).hour for s in core] == [15, 15, 15, 15]
    # What the message lists is what the calendar holds: no September follow-up.
    text = " ".join(message.text.split())
    assert f"{programme.days['dec']:%A} {programme.days['dec'].day}" in text
    assert f"{programme.days['sep']:%A} {programme.days['sep'].day}" not in text


def test_a_move_back_to_the_cohort_listing_more_follow_ups_takes_out_only_the_sessions(
    system: System,
) -> None:
    programme, booking, confirmed = _booked(system, "cal-october")
    [december] = _follow_up_uids(set(confirmed)).values()

    message = programme.move(booking, "cal-june")

    cancel, invite = _in(message, "cancel.ics"), _in(message, "invite.ics")
    assert set(cancel) == set(confirmed) - {december}
    assert set(_follow_up_uids(set(invite))) == set(FOLLOW_UPS)
    assert _follow_up_uids(set(invite))["dec"] == december


def test_a_follow_up_the_person_was_invited_to_as_a_graduate_of_another_cohort_stays(
    system: System,
) -> None:
    programme, booking, confirmed = _booked(system, "cal-early", "cal-june")
    follow_ups = _follow_up_uids(set(confirmed))
    # A graduate of the early cohort by September: invited to that follow-up.
    [invitation] = programme.invite_graduates("sep")
    assert invitation.subject.startswith("You are invited"), invitation.subject
    assert set(_in(invitation, "invite.ics")) == {follow_ups["sep"]}

    message = programme.move(booking, "cal-october")

    cancelled = set(_in(message, "cancel.ics"))
    assert follow_ups["sep"] not in cancelled
    assert {follow_ups["oct"], follow_ups["nov"]} <= cancelled
    assert follow_ups["dec"] not in cancelled


def test_a_cancellation_takes_out_the_follow_ups_no_other_booking_of_theirs_lists(
    system: System,
) -> None:
    programme, booking, confirmed = _booked(system, "cal-october", "cal-june")
    follow_ups = _follow_up_uids(set(confirmed))

    reply = system.cancel(booking, refund=False)

    assert reply.status == 200, reply.body
    [message] = [m for m in programme.emails() if m.subject.startswith("Your booking has been")]
    cancelled = set(_in(message, "cancel.ics"))
    # The October booking lists December: it stays; the rest only the June one listed.
    assert cancelled == set(confirmed) - {follow_ups["dec"]}
