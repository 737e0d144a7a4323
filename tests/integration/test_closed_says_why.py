"""A course's "Closed" says why and since when (a course added close to its
start showed "Closed" with no reason): closed by its dates, that applications close 31 minutes
before the first session and the moment they did; closed by the organisers, that they did. On
the console's course page and the public course page alike (``domain.closing_words``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.page_text import text_of
from tests.support.system import System

BY_DATES = "Applications closed: they close 31 minutes before the first session ("


def _starting_soon(system: System, course_id: str) -> None:
    """``course_id``, one session from 15:00 local, with the clock 10 minutes before it."""
    system.put_course(course_id, system.one_session_file(capacity=3))
    start = datetime.fromisoformat(system.course(course_id)["sessions"][0]["start"])
    system.clock_offset = start - timedelta(minutes=10) - datetime.now(UTC)


def test_closed_by_its_dates_says_so_and_when(system: System) -> None:
    _starting_soon(system, "soon")
    console = signed_in(system).words("/console/courses/soon")  # signed in at the clock's now
    assert "Closed. " + BY_DATES in console
    assert " at 14:29 " in console  # 31 minutes before 15:00, in the course's time
    public = system.api("GET", "/courses/soon/apply", headers={"accept": "text/html"})
    assert public.status == 200
    words = text_of(public.body)
    assert BY_DATES in words
    assert " at 14:29 " in words


def test_closed_by_the_organisers_says_they_closed_it(
    system: System, browser: ConsoleBrowser
) -> None:
    system.put_course("shut", {**system.one_session_file(capacity=3), "closed": True})
    console = browser.words("/console/courses/shut")
    assert "Applications closed: the organisers closed them" in console
    assert BY_DATES not in console
    public = text_of(system.api("GET", "/courses/shut/apply", headers={"accept": "text/html"}).body)
    assert "Applications are closed" in public
    assert BY_DATES not in public


def test_an_open_course_says_nothing_of_closing(system: System, browser: ConsoleBrowser) -> None:
    system.put_course("open", system.one_session_file(capacity=3))
    assert "Applications closed" not in browser.words("/console/courses/open")
