"""A course page without a register says why, and how to keep one: the
sample course keeps none, and its page had simply no *Register* link."""

from __future__ import annotations

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

SAID = "No register is kept: set Core sessions to attend to complete in Change this course"


def test_a_course_without_a_register_says_how_to_keep_one(system: System) -> None:
    browser = signed_in(system)
    system.put_course("no-register", system.course_file() | {"completion_min_sessions": None})
    system.put_course("kept", system.course_file() | {"completion_min_sessions": 1})

    without = browser.get("/console/courses/no-register").body
    kept = browser.get("/console/courses/kept").body

    assert SAID in text_of(without)
    assert 'href="/console/courses/no-register/edit">Change this course</a> to keep one' in without
    assert SAID not in text_of(kept)
    assert 'href="/console/courses/kept/register"' in kept
