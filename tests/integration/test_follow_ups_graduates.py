"""Who hears of a programme's follow-ups, through the real handlers (organiser API, mailer,
scheduler), moto and the Stripe stand-in: a booking whose register closed without it
completing hears of none, whatever path the follow-up took."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.register_cohort import (
    COURSE,
    FOLLOW_UP_AFTER,
    REGISTER,
    after_the_course,
    booked_on_it,
    register_cohort_file,
)
from tests.support.system import System


def _put(system: System, definition: dict[str, Any]) -> None:
    reply = system.admin("PUT", f"/courses/{COURSE}", json_body=definition)
    assert reply.status in (200, 201), reply.body


def _closed(system: System, ada: dict[str, Any], bo: dict[str, Any]) -> None:
    """Ada attends two of the three sessions and completes; Bo attends none."""
    after_the_course(system)
    keys = [s["key"] for s in system.admin("GET", REGISTER).json()["sessions"]]
    for application, mark in ((ada, "attended"), (bo, "absent")):
        for key in keys[:2]:
            reply = system.admin(
                "POST",
                f"{REGISTER}/marks",
                json_body={
                    "application_id": application["reference"],
                    "session": key,
                    "mark": mark,
                },
            )
            assert reply.status == 200, reply.body
    assert system.admin("POST", f"{REGISTER}/close").status == 200
    system.deliver_emails()


def test_a_follow_up_taken_out_and_listed_again_reaches_the_completer_alone(
    system: System,
) -> None:
    first = datetime.now(UTC).date() + timedelta(days=10)
    _put(system, register_cohort_file(first))
    ada = booked_on_it(system, "Ada Lovelace", "ada@example.org")
    bo = booked_on_it(system, "Bo Absent", "bo@example.org")
    _closed(system, ada, bo)
    listed = register_cohort_file(first)
    dropped = {**listed, "sessions": listed["sessions"][:3]}
    _put(system, dropped)
    system.deliver_emails()
    again = register_cohort_file(first)
    again["sessions"][3]["date"] = (first + timedelta(days=FOLLOW_UP_AFTER + 3)).isoformat()
    _put(system, again)
    sent = system.deliver_emails()
    assert [m.to for m in sent] == [["ada@example.org"]]
    [changed] = sent
    assert "Follow-up session" in changed.text
    # Nor is Bo invited when it falls due.
    follow_up = datetime.fromisoformat(
        next(s["start"] for s in system.course(COURSE)["sessions"] if s["kind"] == "follow_up")
    )
    system.scheduled_run(follow_up - timedelta(days=10))
    assert [m.to for m in system.deliver_emails()] == [["ada@example.org"]]
