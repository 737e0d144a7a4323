"""An ended cohort's empty places are gone, not free: the console's courses list said "20 of
20" free of the 2025 cohort, its course page "0 of 20 booked, 20 free", the CLI the same, and
the programme page added them to the places free across its cohorts."""

from __future__ import annotations

import re

import pytest

from tests.conftest import COURSES_DIR
from tests.support.cli import at_the_terminal
from tests.support.console import ConsoleBrowser
from tests.support.system import COURSE_ID, System

PAST = "compassionate-leadership-2025"


def test_an_ended_cohort_has_no_place_free(
    system: System,
    browser: ConsoleBrowser,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    code, out = run("load-course", str(COURSES_DIR / "past" / f"{PAST}.json"))
    assert code == 0, out

    home = browser.get("/console").body
    [row] = re.findall(rf'<a href="/console/courses/{PAST}">.*?</tr>', home, re.S)
    assert '<td class="num">0 of 20</td>' in row
    assert "0 of 20 booked" in browser.words(f"/console/courses/{PAST}")
    assert "0 of 20 booked, 20 free" not in browser.words(f"/console/courses/{PAST}")

    code, out = run("course", PAST)
    assert "Places: 0 of 20 booked\n" in out + "\n"

    programme = browser.words("/console/programmes/compassionate-leadership")
    open_free = system.course(COURSE_ID)["places_left"]
    assert f"{open_free} free" in programme.split("All cohorts together", 1)[1]
    assert f"{open_free + 20} free" not in programme
