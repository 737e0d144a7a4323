"""*Add a course* says every mistake beside its field on the first answer:
the course id and a session ending before it starts were said only once the rest was right,
so one form took three submissions."""

from __future__ import annotations

from tests.integration.test_console_pages import _course_form, _error_beside
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System


def test_every_mistake_of_the_course_form_is_said_at_once(
    system: System, browser: ConsoleBrowser
) -> None:
    before = system.items()
    mistakes = _course_form(
        course_id="Bad_Id",
        capacity="0",
        timezone="London",
        **{
            "session-0-date": "2027-13-01",
            "session-0-start_time": "17:00",
            "session-0-end_time": "15:00",
            "session-1-start_time": "15:00",
            "session-1-end_time": "15:00",
            "facilitator-0-email": "notanemail",
        },
    )
    reply = browser.act("/console/courses", **mistakes)
    assert reply.status == 422
    for field, says in (
        ("course_id", "Use lower-case letters, digits and hyphens"),
        ("capacity", ""),
        ("timezone", "London"),
        ("session-0-date", ""),
        ("session-0-end_time", "The session must end after it starts"),
        ("session-1-end_time", "The session must end after it starts"),
        ("facilitator-0-email", ""),
    ):
        found = _error_beside(reply.body, field)
        assert found, f"no error beside {field}"
        assert says in text_of(found.group(1))
    assert system.items() == before


def test_times_in_order_or_not_read_are_left_to_the_definitions_own_check(
    system: System, browser: ConsoleBrowser
) -> None:
    reply = browser.act(
        "/console/courses",
        **_course_form(**{"session-0-start_time": "3pm", "session-1-end_time": "16:00"}),
    )
    assert reply.status == 422
    assert _error_beside(reply.body, "session-0-start_time")
    assert not _error_beside(reply.body, "session-0-end_time")
    assert not _error_beside(reply.body, "session-1-end_time")
