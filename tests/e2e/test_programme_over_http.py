"""A programme of three cohorts over `make run`'s HTTP API, ticked from September to December.

The sample cohort (June 2027), the same file loaded again under another id (as the README's
``load-course ... --id`` does) and a spring cohort (March to April 2027, across the clock change)
all list the 2027 follow-ups. People book through the API and pay on the Stripe stand-in; one
takes two cohorts, one is cancelled, one erased, one never pays. Then the scheduler is ticked
across the follow-ups (BST in September and October, GMT in November and December), some ticks
twice, and the outbox must hold exactly: one invitation per graduate per follow-up, and one
reminder per graduate per follow-up per offset, each naming the host cohort and its Reply-To.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from tests.e2e.conftest import RunningStack
from tests.support.courses import gathering_cohort, gathering_follow_up, weekly_sessions

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "compassionate-leadership-2027-06"
# The 2027 follow-ups as UTC instants, with how their subjects say them (UK time).
FOLLOW_UPS = {
    datetime(2027, 9, 23, 15, 0, tzinfo=UTC): "Thursday 23 September 2027, 16:00-17:00 BST",
    datetime(2027, 10, 20, 15, 0, tzinfo=UTC): "Wednesday 20 October 2027, 16:00-17:00 BST",
    datetime(2027, 11, 23, 13, 0, tzinfo=UTC): "Tuesday 23 November 2027, 13:00-14:00 GMT",
    datetime(2027, 12, 13, 16, 0, tzinfo=UTC): "Monday 13 December 2027, 16:00-17:00 GMT",
}
BEFORE = (timedelta(days=13), timedelta(hours=23), timedelta(minutes=40))
LONDON = ZoneInfo("Europe/London")


def _book(stack: RunningStack, course_id: str, email: str, *, pay: bool = True) -> dict[str, Any]:
    application = stack.applied(course_id, name="Florence Nightingale", email=email)
    if pay:
        stack.pay(application)
    return application


def _theirs(stack: RunningStack, people: set[str]) -> list[dict[str, Any]]:
    outbox: list[dict[str, Any]] = stack.outbox()
    return [m for m in outbox if set(m["to"]) & people]


def _settled(stack: RunningStack, people: set[str]) -> list[dict[str, Any]]:
    """The outbox once the mail pump has sent everything queued so far."""
    stack.settle()
    return _theirs(stack, people)


def test_three_cohorts_one_programme_each_graduate_once_per_follow_up_and_offset(
    stack: RunningStack,
) -> None:
    sample = json.loads((ROOT / "courses" / "compassionate-leadership.json").read_text())
    run = uuid.uuid4().hex[:6]
    again_id, spring_id = f"my-cohort-{run}", f"spring-{run}"
    stack.load_course(again_id, sample)
    # An earlier cohort sharing the sample's follow-ups takes their meeting's link, the one
    # the sample's people hold (one with a link of its own is refused).
    spring = {**sample, "enquiries_email": "spring@example.org"}
    spring["sessions"] = [
        {"date": day, "start_time": "15:00", "end_time": "17:00", "kind": "core"}
        for day in (
            "2027-03-08",
            "2027-03-15",
            "2027-03-22",
            "2027-03-29",
            "2027-04-05",
            "2027-04-12",
        )
    ] + [s for s in sample["sessions"] if s["kind"] == "follow_up"]
    stack.load_course(spring_id, spring)

    ada, bob, cy, di, eve = (
        f"{who}-{run}@example.org" for who in ("ada", "bob", "cy", "di", "eve")
    )
    _book(stack, SAMPLE, ada)
    _book(stack, spring_id, ada)  # Ada takes two cohorts: still one graduate
    _book(stack, again_id, bob)
    cancelled = _book(stack, spring_id, cy)
    _book(stack, SAMPLE, di)
    _book(stack, again_id, eve, pay=False)  # never pays: never a graduate
    answer = requests.post(
        f"{stack.url}/admin/applications/{cancelled['application_id']}/cancel",
        json={"refund": True},
        headers=stack.admin_headers,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    erased = requests.delete(
        f"{stack.url}/admin/people/{di}", headers=stack.admin_headers, timeout=60
    )
    assert erased.status_code == 200, erased.text
    # Booked: close the extra cohorts, so the stack's other tests still find the sample first
    # among the courses taking applications. Closing changes no session: nobody is told.
    stack.load_course(again_id, {**sample, "closed": True})
    stack.load_course(spring_id, {**spring, "closed": True})
    everyone = {ada, bob, cy, di, eve}
    before_ticks = len(_settled(stack, everyone))

    for start in FOLLOW_UPS:
        for before in BEFORE:
            moment = (start - before).isoformat().replace("+00:00", "Z")
            times = 2 if before == timedelta(hours=23) else 1  # the scheduler firing twice
            for _ in range(times):
                tick = stack.post("/_local/scheduler/tick", json={"time": moment})
                assert tick.status_code == 200, tick.text

    settled = _settled(stack, everyone)
    mail = settled[: len(settled) - before_ticks]  # newest first: what the ticks sent
    invitations = Counter(
        (m["to"][0], m["subject"]) for m in mail if m["subject"].startswith("You are invited")
    )
    reminders = Counter(
        (m["to"][0], m["subject"]) for m in mail if m["subject"].startswith("Reminder")
    )
    # Exactly the graduates, once each: 2 people x 4 follow-ups; 2 offsets each for reminders.
    assert sorted({to for to, _ in invitations}) == sorted([ada, bob])
    assert len(invitations) == 8
    assert set(invitations.values()) == {1}
    # The 24-hour and the 1-hour reminder, once each: their subjects say how soon, so differ.
    assert len(reminders) == 16
    assert set(reminders.values()) == {1}
    for who in (ada, bob):
        for number, when in enumerate(FOLLOW_UPS.values(), start=1):
            # Each subject says when, then ends with the reference of the graduate's booking.
            assert sum(1 for to, s in invitations if to == who and f"{when} (" in s) == 1
            said = sorted(
                s.split(", ", 1)[1].split(" at ")[0]
                for to, s in reminders
                if to == who and f"Follow-up session {number} of 4, " in s
            )
            # Sent 23 hours and 40 minutes before: how soon, from the time left.
            assert said == ["in 40 minutes,", "tomorrow"], said
    # No invitation or reminder to the cancelled, the erased or the unpaid (Eve's hold lapses
    # as the ticks move the clock on, and she is told so: that is all she hears).
    assert not {to for to, _ in invitations + reminders} & {cy, di, eve}
    assert not [m for m in mail if di in m["to"]]
    assert [m["subject"].split(":")[0] for m in mail if eve in m["to"]] == [
        "Your payment was not completed"
    ]
    for message in (m for m in mail if m["subject"].startswith(("You are invited", "Reminder"))):
        # The host cohort (spring: of the three listing the follow-ups, it started first): its
        # Reply-To, and the follow-ups' one joining link, whichever cohort the graduate took.
        assert message["reply_to"] == ["spring@example.org"]
        assert sample["joining_url"] in message["text"]
    for message in (m for m in mail if m["subject"].startswith("You are invited")):
        [ics] = message["attachments"]
        assert ics["content"].count("BEGIN:VEVENT") == 1


def test_a_follow_up_moved_in_one_cohorts_file_reaches_every_invited_graduate_once(
    stack: RunningStack,
) -> None:
    """Two cohorts list one follow-up by id; their graduates are invited; then the later
    cohort's file moves it a week on, and inside the invitation window the earlier cohort's
    file a day more. Both graduates hear of each move once, with an update of the same calendar
    entry (the stack's outbox is read back at the end: calendars valid to RFC 5546, one
    ORGANIZER per UID, SEQUENCE never down), are not invited again, and are reminded at the
    last time only."""
    run = uuid.uuid4().hex[:6]
    spring_id, summer_id = f"gathering-spring-{run}", f"gathering-summer-{run}"
    today = datetime.now(UTC).date()
    spring_start = today + timedelta(days=28 - today.weekday())  # a Monday four weeks on
    summer_start = spring_start + timedelta(weeks=4)
    follow_up = summer_start + timedelta(weeks=8, days=3)  # a Thursday

    def cohort(first: date, name: str, follow_up_day: date) -> dict[str, Any]:
        sessions = [*weekly_sessions(first, 2), gathering_follow_up(follow_up_day)]
        return gathering_cohort(f"gathering-{run}", name, sessions)

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time_of_day(16), LONDON).astimezone(UTC)

    def tick(moment: datetime) -> None:
        stamp = moment.isoformat().replace("+00:00", "Z")
        assert stack.post("/_local/scheduler/tick", json={"time": stamp}).status_code == 200

    stack.load_course(spring_id, cohort(spring_start, "spring", follow_up))
    stack.load_course(summer_id, cohort(summer_start, "summer", follow_up))
    ada, bob = (f"{who}-{run}@example.org" for who in ("ada", "bob"))
    references = {
        ada: _book(stack, spring_id, ada)["reference"],
        bob: _book(stack, summer_id, bob)["reference"],
    }
    people = {ada, bob}
    before = len(_settled(stack, people))

    moved, last = follow_up + timedelta(weeks=1), follow_up + timedelta(weeks=1, days=1)
    old, new = start_of(follow_up), start_of(last)
    tick(old - timedelta(days=13))
    _settled(stack, people)
    stack.load_course(summer_id, cohort(summer_start, "summer", moved))
    _settled(stack, people)
    tick(old - timedelta(hours=23))  # nothing for the old time
    tick(start_of(moved) - timedelta(days=13))  # nobody invited again
    _settled(stack, people)
    # Inside the invitation window, the spring file moves it a day more: one message each.
    stack.load_course(spring_id, cohort(spring_start, "spring", last))
    _settled(stack, people)
    tick(new - timedelta(days=12))
    tick(new - timedelta(hours=23))
    # Closed once done, so the stack's other tests still find the sample course first.
    stack.load_course(spring_id, {**cohort(spring_start, "spring", last), "closed": True})
    stack.load_course(summer_id, {**cohort(summer_start, "summer", moved), "closed": True})
    settled = _settled(stack, people)
    mail = list(reversed(settled[: len(settled) - before]))  # oldest first
    said = sorted((m["to"][0], m["subject"].split(":")[0]) for m in mail)
    assert said == sorted(
        (who, what) for who in people for what in ("You are invited", "Moved", "Moved", "Reminder")
    )
    changes = [m for m in mail if m["subject"].startswith("Moved")]
    for message, when in zip(changes, [start_of(moved)] * 2 + [new] * 2, strict=True):
        [ics] = message["attachments"]
        assert ics["filename"] == "invite.ics"
        assert f"DTSTART:{when:%Y%m%dT%H%M%SZ}" in ics["content"]
    for message in mail:
        if message["subject"].startswith("Reminder"):
            local = new.astimezone(LONDON)
            # Said how soon, then the reference of the graduate's booking, as every subject
            # ends; the text says the day.
            assert message["subject"].endswith(
                f"tomorrow at 16:00 {local.tzname()} ({references[message['to'][0]]})"
            )
            assert f"{local:%A} {local.day} {local:%B %Y}, 16:00-17:00" in message["text"]
