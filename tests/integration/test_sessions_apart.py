"""A course could list one session twice ("Session 1 of 2" and "2 of 2" at one
hour, two calendar events, a certificate counting its hours twice), or two that overlap, or
two follow-ups at one time under different ids. Each is refused 422 beside the later-listed
row, naming the other, and nothing is kept; sessions that meet end to start are apart. Over
the API (the console form: test_next_cohort_joins_follow_ups)."""

from __future__ import annotations

from typing import Any

from tests.support.system import System


def _rows(system: System, *times: tuple[str, str, str]) -> dict[str, Any]:
    day = system.course()["sessions"][0]["start"][:10]
    sessions = [
        {"date": day, "start_time": start, "end_time": end, "kind": kind}
        for start, end, kind in times
    ]
    return {**system.one_session_file(), "sessions": sessions}


def _refused(system: System, file: dict[str, Any]) -> str:
    reply = system.admin("PUT", "/courses/apart-cohort", json_body=file)
    assert reply.status == 422, reply.body
    assert system.api("GET", "/courses/apart-cohort").status == 404
    return str(reply.json()["error"]["fields"]["sessions.1"])


def test_one_session_listed_twice_is_refused_beside_the_second(system: System) -> None:
    said = _refused(system, _rows(system, ("10:00", "12:00", "core"), ("10:00", "12:00", "core")))
    assert "session 2: it is at the same time as session 1" in said
    assert "10:00-12:00" in said
    assert "list each meeting once" in said


def test_overlapping_sessions_are_refused_beside_the_later_listed(system: System) -> None:
    said = _refused(system, _rows(system, ("11:00", "13:00", "core"), ("10:00", "12:00", "core")))
    assert "session 2: it overlaps session 1" in said
    assert "11:00-13:00" in said


def test_two_follow_ups_at_one_time_under_two_ids_are_refused(system: System) -> None:
    file = _rows(
        system,
        ("09:00", "10:00", "core"),
        ("16:00", "17:00", "follow_up"),
        ("16:00", "17:00", "follow_up"),
    )
    file["sessions"][1]["id"] = "reunion"
    file["sessions"][2]["id"] = "reunion-again"
    reply = system.admin("PUT", "/courses/apart-cohort", json_body=file)
    assert reply.status == 422, reply.body
    said = reply.json()["error"]["fields"]["sessions.2"]
    assert "session 3: it is at the same time as session 2" in said


def test_sessions_meeting_end_to_start_are_apart(system: System) -> None:
    file = _rows(system, ("10:00", "12:00", "core"), ("12:00", "13:00", "core"))
    reply = system.admin("PUT", "/courses/apart-cohort", json_body=file)
    assert reply.status == 201, reply.body
    assert len(reply.json()["sessions"]) == 2
