"""A follow-up listed without an id is known by its start, so a new cohort's file listing one
at the start of another cohort's follow-up joins that follow-up. With another end or title,
the new cohort's save moved and renamed the earlier cohort's follow-up and emailed its people
("Moved and renamed"), unwarned; left without a title, it renamed it "Follow-up session". It
joins it as it is, as a row giving the follow-up's id does: another end or title is refused
beside the row, nothing saved, nobody emailed; no title takes the follow-up's. Through
``PUT /admin/courses/{id}`` (the file's and the CLI's save), the real handlers and moto."""

from __future__ import annotations

from typing import Any

from booking.domain.course import SessionKind
from tests.support.system import System

PROGRAMME = "leading-by-start"
EARLIER, LATER = "leading-by-start-2027-03", "leading-by-start-2027-04"
HELD = "Reviewing our learning"
FOLLOW_UP = {"date": "2027-09-23", "start_time": "16:00", "end_time": "17:00"}


def _cohort(system: System, first_day: str, follow_up: dict[str, Any]) -> dict[str, Any]:
    """A cohort's file of the programme: one core session on ``first_day``, and
    ``follow_up`` (listed without an id)."""
    body = system.course_file()
    body["programme"] = PROGRAMME
    body["sessions"] = [
        {"date": first_day, "start_time": "15:00", "end_time": "17:00", "kind": "core"},
        {"kind": "follow_up", **follow_up},
    ]
    return body


def _follow_up_of(system: System, course_id: str) -> tuple[str, str, str]:
    """The cohort's follow-up as the programme holds it: title, start and end."""
    [held] = [s for s in system.course(course_id)["sessions"] if s["kind"] == "follow_up"]
    return held["title"], held["start"], held["end"]


def _earlier_with_a_booking(system: System) -> tuple[str, str, str]:
    earlier = _cohort(system, "2027-03-01", {**FOLLOW_UP, "title": HELD})
    assert system.admin("PUT", f"/courses/{EARLIER}", json_body=earlier).status == 201
    system.booked(EARLIER, email="graduate@example.org")
    system.deliver_emails()
    return _follow_up_of(system, EARLIER)


def test_a_new_cohorts_follow_up_at_its_start_with_another_end_and_title_is_refused(
    system: System,
) -> None:
    held = _earlier_with_a_booking(system)
    before = system.items()
    later = _cohort(
        system, "2027-04-01", {**FOLLOW_UP, "end_time": "18:00", "title": "Something else"}
    )

    answer = system.admin("PUT", f"/courses/{LATER}", json_body=later)

    assert answer.status == 422, answer.body
    said = answer.json()["error"]["fields"]["sessions.1.end_time"]
    assert "A cohort joins it as it is" in said
    assert f'it starts with the follow-up "{HELD}"' in said
    assert "give the row an id of its own" in said
    assert system.items() == before  # nothing saved
    assert _follow_up_of(system, EARLIER) == held
    assert system.deliver_emails() == []  # nobody told of a move


def test_a_new_cohorts_follow_up_at_its_start_without_a_title_takes_its_title(
    system: System,
) -> None:
    held = _earlier_with_a_booking(system)
    later = _cohort(system, "2027-04-01", dict(FOLLOW_UP))

    answer = system.admin("PUT", f"/courses/{LATER}", json_body=later)

    assert answer.status == 201, answer.body
    assert _follow_up_of(system, EARLIER) == _follow_up_of(system, LATER) == held
    listed = system.stored_course(LATER).schedule
    assert [s.title for s in listed if s.kind is SessionKind.FOLLOW_UP] == [HELD]
    assert system.deliver_emails() == []  # nobody told of a rename


def test_a_follow_up_given_an_id_of_its_own_at_that_start_is_a_meeting_of_its_own(
    system: System,
) -> None:
    """What the refusal offers: the row given an id is another event, the earlier cohort's
    follow-up as it was."""
    held = _earlier_with_a_booking(system)
    own = {**FOLLOW_UP, "id": "own-meeting", "end_time": "18:00", "title": "Something else"}
    later = _cohort(system, "2027-04-01", own)

    answer = system.admin("PUT", f"/courses/{LATER}", json_body=later)

    assert answer.status == 201, answer.body
    assert _follow_up_of(system, EARLIER) == held
    assert _follow_up_of(system, LATER)[0] == "Something else"
    assert system.deliver_emails() == []
