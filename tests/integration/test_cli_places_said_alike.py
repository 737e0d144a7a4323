"""Every CLI verb that speaks of a course's places says them as the console does, by its one
rule (``domain.seat_counts.places_said``): booked, held for someone who has not paid yet, free.
``courses`` reads them from the organiser API's list of courses (``GET /admin/courses``, one
call for every course, counted as the totals count them), ``load-course`` from its save's
answer; neither says "N of M places left", a newcomer's count that called a held place
neither booked nor free. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import at_the_terminal
from tests.support.system import COURSE_ID, System

SAID = "1 of 20 booked, 1 held for someone who has not paid yet, 18 free"


def _one_booked_one_held(system: System) -> None:
    """On the sample course (20 places): one booking paid, one checkout open."""
    paid = system.apply(email="booked@example.org").json()
    assert system.pay(paid["checkout_url"]).status == 200
    assert system.apply(email="held@example.org").status == 201


def test_the_organisers_course_list_carries_the_places_the_totals_count(system: System) -> None:
    _one_booked_one_held(system)

    listed = system.admin("GET", "/courses")

    assert listed.status == 200, listed.body
    [course] = [c for c in listed.json() if c["course_id"] == COURSE_ID]
    assert course["places"] == system.totals()["places"] == {"booked": 1, "held": 1, "free": 18}
    assert course["capacity"] == 20
    assert course["places_not_taken"] == 18
    assert system.admin("GET", "/courses", token=None).status == 401


def test_courses_and_load_course_say_the_places_as_the_course_verb_does(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    _one_booked_one_held(system)

    code, shown = run("course", COURSE_ID)
    assert code == 0, shown
    assert f"Places: {SAID}" in shown

    code, listed = run("courses")
    assert code == 0, listed
    [line] = [line for line in listed.splitlines() if f"[{COURSE_ID}]" in line]
    assert f"[{COURSE_ID}]: Open, {SAID}; £200.00 a place" in line, line
    assert "places left" not in listed

    path = tmp_path / "course.json"
    path.write_text(json.dumps(system.course_file(COURSE_ID)), encoding="utf-8")
    code, loaded = run("load-course", str(path), "--id", COURSE_ID)
    assert code == 0, loaded
    assert loaded.splitlines()[0].endswith(f"sessions, {SAID}"), loaded
    assert "places left" not in loaded


def test_load_course_names_the_course_as_the_console_does(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """By its title and first day, its id beside it (as ``courses`` says it), never its id
    alone: the organiser checks the dates they loaded are the ones they meant."""
    run = at_the_terminal(system, monkeypatch, capsys)
    path = tmp_path / "course.json"
    path.write_text(json.dumps(system.course_file(COURSE_ID)), encoding="utf-8")

    code, loaded = run("load-course", str(path), "--id", COURSE_ID)

    assert code == 0, loaded
    named = "Compassionate Leadership Training, from Monday 7 June 2027"
    assert loaded.startswith(f"updated {named} [{COURSE_ID}]: 10 sessions, "), loaded
