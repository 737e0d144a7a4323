"""A graduate whose invitation to a follow-up falls due only when a reminder of it is due too
(their cohort ended the day before the follow-up, or the scheduler was out for a while) gets
the invitation alone: a reminder beside it, which could arrive before it, would tell them of
a meeting they had not yet been invited to. The nearer reminders still come at their time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.support.system import System

COURSE = "late-graduates"
PERSON = "ada@example.org"


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


def _subjects(system: System) -> list[str]:
    return [m.subject.split(":")[0] for m in system.deliver_emails() if m.to == [PERSON]]


def test_an_invitation_due_with_a_reminder_goes_alone(system: System) -> None:
    day = date(2027, 1, 11)  # GMT: a Monday in January
    follow_up = _cohort_ending_the_day_before_its_follow_up(system, day)
    system.booked(COURSE, email=PERSON)
    system.deliver_emails()
    # The cohort's session ended; the follow-up is 23 hours away: its invitation and its
    # 24-hour reminder are both due at this run.
    assert _run_and_read(system, follow_up - timedelta(hours=23)) == ["You are invited"]
    # The next runs do not send the 24-hour reminder after the invitation either.
    assert _run_and_read(system, follow_up - timedelta(hours=22, minutes=45)) == []
    assert _run_and_read(system, follow_up - timedelta(hours=2)) == []
    # The one-hour reminder comes at its time.
    assert _run_and_read(system, follow_up - timedelta(minutes=55)) == ["Reminder"]


def _run_and_read(system: System, moment: datetime) -> list[str]:
    system.scheduled_run(moment)
    return _subjects(system)
