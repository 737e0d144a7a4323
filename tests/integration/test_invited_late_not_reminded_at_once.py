"""A graduate whose invitation to a follow-up falls due only when a reminder of it is due too
(their cohort ended the day before the follow-up, or the scheduler was out for a while) gets
one message: the invitation, which says how soon the session is and is that reminder. A
reminder beside it could arrive first, of a meeting they had not yet been invited to; none
went instead, they would miss one. The nearer reminders still come at their time, and the
invitation promises one only while one is still to come. An organiser's *Invite now* pressed
as a reminder is due is the same one message."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine

from tests.support.console import signed_in
from tests.support.system import System

COURSE = "late-graduates"
PERSON = "ada@example.org"
# The closing words of an invitation: what it promises (or not) of a reminder.
PROMISED = "adds the session to your calendar, and we will remind you before it."
PROMISED_AGAIN = "adds the session to your calendar, and we will remind you again before it."
NOTHING_PROMISED = "adds the session to your calendar."


def _cohort_ending_the_day_before_its_follow_up(system: System, day: date) -> datetime:
    """A cohort of one morning session on ``day`` and a follow-up at 10:00 the day after
    (in GMT, so its start in UTC reads as written): the follow-up's start."""
    follow_up = day + timedelta(days=1)
    system.put_course(
        COURSE,
        system.one_session_file(
            programme="late-graduates",
            reminder_offsets_hours=[24, 1],
            sessions=[
                {"date": day.isoformat(), "start_time": "08:00", "end_time": "09:00"},
                {
                    "date": follow_up.isoformat(),
                    "start_time": "10:00",
                    "end_time": "11:00",
                    "kind": "follow_up",
                },
            ],
        ),
    )
    return datetime.combine(follow_up, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def _run_and_read(system: System, moment: datetime) -> list[str]:
    """What the person was sent by the run at ``moment``: each message's subject up to its
    colon, an invitation's with how soon it says the session is and what it promises."""
    system.scheduled_run(moment)
    return _read(system)


def _read(system: System) -> list[str]:
    """What the person was sent since last read, said as :func:`_run_and_read` says it."""
    said = []
    for message in system.deliver_emails():
        if message.to != [PERSON]:
            continue
        words = message.subject.split(":")[0]
        if words == "You are invited":
            words += _invitation_said(message.text)
        said.append(words)
    return said


def _invitation_said(text: str) -> str:
    """ " | how soon it says the follow-up is ('-': it says not) | what it promises"."""
    soon = re.search(r"The session is (.+), so this invitation is also your reminder of it", text)
    [promise] = [p for p in (PROMISED, PROMISED_AGAIN, NOTHING_PROMISED) if p in text]
    return f" | {soon[1] if soon else '-'} | {promise}"


def _graduate(system: System) -> datetime:
    follow_up = _cohort_ending_the_day_before_its_follow_up(system, date(2027, 1, 11))
    system.booked(COURSE, email=PERSON)
    system.deliver_emails()
    return follow_up


def test_an_invitation_due_with_a_reminder_is_that_reminder(system: System) -> None:
    follow_up = _graduate(system)
    # The cohort's session ended; the follow-up is 23 hours away: its invitation and its
    # 24-hour reminder are both due at this run: one message, saying both.
    assert _run_and_read(system, follow_up - timedelta(hours=23)) == [
        "You are invited | tomorrow at 10:00 GMT | " + PROMISED_AGAIN
    ]
    # The next runs do not send the 24-hour reminder after the invitation either.
    assert _run_and_read(system, follow_up - timedelta(hours=22, minutes=45)) == []
    assert _run_and_read(system, follow_up - timedelta(hours=2)) == []
    # The one-hour reminder comes at its time.
    assert _run_and_read(system, follow_up - timedelta(minutes=55)) == ["Reminder"]
    assert _run_and_read(system, follow_up - timedelta(minutes=40)) == []


def test_an_invitation_with_no_reminder_to_come_promises_none(system: System) -> None:
    follow_up = _graduate(system)
    # The schedule was out until half an hour before the follow-up: every reminder was due.
    assert _run_and_read(system, follow_up - timedelta(minutes=30)) == [
        "You are invited | in 30 minutes, at 10:00 GMT | " + NOTHING_PROMISED
    ]
    assert _run_and_read(system, follow_up - timedelta(minutes=15)) == []


def test_an_invitation_on_its_day_promises_the_reminders_to_come(system: System) -> None:
    follow_up = _graduate(system)
    # Invited before any reminder is due (the run an hour after the cohort's session): no
    # word of how soon, a promise of the reminders, which then come each at its time.
    assert _run_and_read(system, follow_up - timedelta(hours=24, minutes=30)) == [
        "You are invited | - | " + PROMISED
    ]
    assert _run_and_read(system, follow_up - timedelta(hours=23, minutes=55)) == ["Reminder"]
    assert _run_and_read(system, follow_up - timedelta(minutes=55)) == ["Reminder"]


def test_invite_now_as_a_reminder_is_due_is_that_reminder(system: System) -> None:
    """*Invite now* pressed before any run invited them, the 24-hour reminder due: the
    invitation says how soon, and no run sends that reminder minutes after it."""
    follow_up = _graduate(system)
    pressed = follow_up - timedelta(hours=23)
    with time_machine.travel(pressed, tick=False):
        browser = signed_in(system)
        page = "/console/programmes/late-graduates/follow-ups"
        action = re.search(r'action="([^"]*/invite-now)"', browser.get(page).body)
        assert action, "no Invite now form for the graduate"
        assert browser.press(page, action[1]).status == 303
        assert _read(system) == ["You are invited | tomorrow at 10:00 GMT | " + PROMISED_AGAIN]
    assert _run_and_read(system, pressed + timedelta(minutes=10)) == []
    assert _run_and_read(system, follow_up - timedelta(hours=2)) == []
    assert _run_and_read(system, follow_up - timedelta(minutes=55)) == ["Reminder"]
