"""A mark given by mistake cleared over the organiser API and from the terminal, by the console's
rule: only the mark the caller read is taken away (another given since is 409 in words, nothing
cleared), a clear again changes nothing, and a closed register, an unknown session, person or
course and an erased person are refused in words with nothing written. Through the real
handlers on moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from tests.support.register_cohort import (
    COURSE,
    REGISTER,
    after_the_course,
    booked_on_it,
    register_cohort_file,
    register_read,
)
from tests.support.system import Reply, System

CLEAR = f"{REGISTER}/marks/clear"


def _on_the_register(system: System) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Ada and Bo booked on a register's course whose sessions are over, and its first
    session's key."""
    system.put_course(COURSE, register_cohort_file(datetime.now(UTC).date() + timedelta(days=10)))
    ada = booked_on_it(system, "Ada Example", "ada@example.org")
    bo = booked_on_it(system, "Bo Example", "bo@example.org")
    after_the_course(system)
    return ada, bo, str(register_read(system)["sessions"][0]["key"])


def _mark(system: System, application_id: str, session: str, mark: str) -> None:
    body = {"application_id": application_id, "session": session, "mark": mark}
    reply = system.admin("POST", f"{REGISTER}/marks", json_body=body)
    assert reply.status == 200, reply.body


def _clear(system: System, application_id: str, session: str, shown: str) -> Reply:
    body = {"application_id": application_id, "session": session, "shown": shown}
    return system.admin("POST", CLEAR, json_body=body)


def test_a_clear_naming_a_mark_changed_since_clears_nothing(system: System) -> None:
    ada, _, first = _on_the_register(system)
    _mark(system, ada["application_id"], first, "absent")
    _mark(system, ada["application_id"], first, "attended")  # another organiser, since
    before = system.items()

    stale = _clear(system, ada["reference"], first, "absent")

    error = stale.refused(409, "mark_changed")
    assert "changed since you last looked at it (it is now Attended)" in error["message"]
    assert "nothing was cleared" in error["message"]
    assert system.items() == before


def test_a_mark_cleared_over_the_api_and_again(system: System) -> None:
    ada, _, first = _on_the_register(system)
    _mark(system, ada["application_id"], first, "attended")

    cleared = _clear(system, ada["reference"], first, "attended")  # by reference, as read out

    assert cleared.status == 200, cleared.body
    assert cleared.json()["marks"][first] is None
    assert cleared.json()["application_id"] == ada["application_id"]
    assert system.stored(ada["application_id"]).attendance == {}
    assert register_read(system)["rows"][0]["marks"][first] is None
    after = system.items()
    again = _clear(system, ada["application_id"], first, "attended")  # a retry
    assert again.status == 200, again.body
    assert again.json() == cleared.json()
    assert system.items() == after  # nothing changed


def test_a_wrong_clear_is_refused_in_words_with_nothing_written(system: System) -> None:
    ada, bo, first = _on_the_register(system)
    _mark(system, ada["application_id"], first, "attended")
    _mark(system, bo["application_id"], first, "apologies")
    assert system.admin("DELETE", f"/people/{quote('bo@example.org')}").status == 200
    before = system.items()
    ada_id = ada["application_id"]
    for body, status, said in (
        ({"application_id": ada_id, "session": "nope", "shown": "attended"}, 422, "core session"),
        ({"application_id": ada_id, "session": first, "shown": "late"}, 422, "shown"),
        ({"application_id": ada_id, "session": first}, 422, "shown"),
        ({"application_id": ada_id, "session": first, "shown": "attended", "mark": "x"}, 422, ""),
        ({"application_id": "nobody", "session": first, "shown": "attended"}, 404, "register"),
        (
            # Said before any mark: the person is gone, whatever mark was read.
            {"application_id": bo["application_id"], "session": first, "shown": "attended"},
            404,
            "its person's data was erased",
        ),
    ):
        reply = system.admin("POST", CLEAR, json_body=body)
        assert reply.status == status, (body, reply.body)
        error = reply.json()["error"]
        assert said in f"{error['message']} {error.get('fields', {})}", (body, error)
    whole = {"application_id": ada_id, "session": first, "shown": "attended"}
    unknown = system.admin("POST", "/courses/nope/register/marks/clear", json_body=whole)
    assert "no course 'nope'" in unknown.refused(404, "not_found")["message"]
    assert system.items() == before

    assert system.admin("POST", f"{REGISTER}/close").status == 200
    closed = system.items()
    _clear(system, ada_id, first, "attended").refused(409, "register_closed")
    assert system.items() == closed
    assert [m.value for m in system.stored(ada_id).attendance.values()] == ["attended"]


def test_a_clear_from_the_terminal_naming_another_mark_is_refused(system: System, run: Any) -> None:
    ada, _, first = _on_the_register(system)
    _mark(system, ada["application_id"], first, "attended")

    code, out = run("clear-mark", COURSE, ada["reference"], "1", "absent")

    assert code == 1, out
    assert "changed since you last looked at it (it is now Attended)" in out
    assert "409" not in out
    assert "mark_changed" not in out
    assert [m.value for m in system.stored(ada["application_id"]).attendance.values()] == [
        "attended"
    ]
    code, out = run("clear-mark", COURSE, ada["reference"], "1", "late")
    assert code == 2, out
    assert "no mark 'late'" in out


def test_a_mark_cleared_from_the_terminal(system: System, run: Any) -> None:
    ada, _, first = _on_the_register(system)
    _mark(system, ada["application_id"], first, "attended")

    code, out = run("clear-mark", COURSE, ada["reference"], "1", "Attended")

    assert code == 0, out
    assert f"{ada['reference']} Ada Example: not marked for session 1 of 3" in out
    assert system.stored(ada["application_id"]).attendance == {}
    code, out = run("register", COURSE)
    assert code == 0, out
    assert f"{ada['reference']}  Ada Example: 1 not marked, 2 not marked, 3 not marked" in out
    code, out = run("clear-mark", COURSE, ada["reference"], "1", "attended", "--json")
    assert code == 0, out  # cleared already: the line as it is, nothing changed
    assert f'"{first}": null' in out
