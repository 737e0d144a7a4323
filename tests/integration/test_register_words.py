"""The register's words, as an organiser meets them: a course that keeps no register says which
of the course form's fields gives it one (and nothing about a change meanwhile), and the CLI
takes a mark in its words, lists them for a wrong one, and shows no session keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.cli import at_the_terminal
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.register_cohort import COURSE, booked_on_it, register_cohort_file
from tests.support.system import COURSE_ID, System


def test_a_course_without_a_register_names_the_forms_field(system: System) -> None:
    browser = signed_in(system)
    page = browser.get(f"/console/courses/{COURSE_ID}/register")
    assert page.status == 409
    words = text_of(page.body)
    assert 'This course keeps no register: give it "Core sessions to attend to complete"' in words
    assert "choose Change this course and fill in Core sessions to attend to complete" in words
    assert "meanwhile" not in words
    # The API says the same, in the definition's field name too.
    reply = system.admin("GET", f"/courses/{COURSE_ID}/register")
    assert "completion_min_sessions" in reply.json()["error"]["message"]


def test_the_cli_takes_marks_in_words_and_lists_them_for_a_wrong_one(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    first = datetime.now(UTC).date() + timedelta(days=10)
    system.put_course(COURSE, register_cohort_file(first))
    ada = booked_on_it(system, "Ada Example", "ada@example.org")

    code, out = run("mark", COURSE, ada["reference"], "1", "present")
    assert code == 2
    assert "no mark 'present': give attended, absent, or apologies (sent apologies)" in out
    assert "invalid choice" not in out

    code, out = run("mark", COURSE, ada["reference"], "1", "Sent apologies")
    assert code == 0, out
    assert "sent apologies" in out

    code, out = run("register", COURSE)
    assert code == 0, out
    assert "1 sent apologies" in out
    assert not re.search(r"\(s\d+\)", out)


def test_the_close_names_who_is_not_marked_before_it_decides_for_good(system: System) -> None:
    first = datetime.now(UTC).date() + timedelta(days=10)
    system.put_course(COURSE, register_cohort_file(first))
    ada = booked_on_it(system, "Ada Example", "ada@example.org")
    bob = booked_on_it(system, "Bob Example", "bob@example.org")
    system.clock_offset += timedelta(days=40)  # the course is over: the register may close
    register = system.admin("GET", f"/courses/{COURSE}/register").json()
    for session in register["sessions"]:  # Ada marked at every session, Bob at none
        mark = {"application_id": ada["application_id"], "session": session["key"]}
        reply = system.admin(
            "POST", f"/courses/{COURSE}/register/marks", json_body={**mark, "mark": "attended"}
        )
        assert reply.status == 200, reply.body

    words = signed_in(system).words(f"/console/courses/{COURSE}/register")

    assert (
        f"Not marked at every session yet: Bob Example ({bob['reference']}). Closing counts a "
        "session not marked as not attended"
    ) in words
    assert f"Ada Example ({ada['reference']})." not in words


def test_the_clis_json_of_the_register_and_a_mark_keeps_a_name_as_written(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json`` prints the API's answer as every other command prints it: "Zoë Ó Briain",
    not "Zo\\u00eb \\u00d3 Briain", for a script or an organiser reading it."""
    run = at_the_terminal(system, monkeypatch, capsys)
    first = datetime.now(UTC).date() + timedelta(days=10)
    system.put_course(COURSE, register_cohort_file(first))
    zoe = booked_on_it(system, "Zoë Ó Briain", "zoe@example.org")

    code, out = run("mark", COURSE, zoe["reference"], "1", "apologies", "--json")
    assert code == 0, out
    assert "Zoë Ó Briain" in out
    code, out = run("register", COURSE, "--json")
    assert code == 0, out
    assert "Zoë Ó Briain" in out
    assert "\\u00eb" not in out
