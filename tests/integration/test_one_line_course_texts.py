"""A course's title with a line break was saved, and then every email of the
course carrying a calendar failed in the mailer (icalendar asserts on a parameter holding a
line break: the organiser's name is the course's title) and went to the dead-letter queue, so
a person who paid was never sent their confirmation.

Every text of a course shown on one line (its title, a session's or a follow-up's title, its
joining link, as its organisation, location and facilitators' names already were) refuses
line breaks and control characters beside the field, and nothing is kept; and a course stored
before that rule (written straight to the table) still gets its confirmation and calendar."""

from __future__ import annotations

import json
from typing import Any

import pytest

from booking.adapters.dynamodb.schema import course_key
from tests.support.system import COURSE_ID, System

ONE_LINE = "write this on one line, without line breaks or tabs"
CONTROL = "remove the control characters"


def _refused(system: System, file: dict[str, Any], field: str, words: str) -> None:
    reply = system.admin("PUT", "/courses/one-line-cohort", json_body=file)
    assert reply.status == 422, reply.body
    assert words in reply.json()["error"]["fields"][field], reply.body
    assert system.api("GET", "/courses/one-line-cohort").status == 404


@pytest.mark.parametrize("broken", ["A\nB", "A\r\nBcc: x@evil.example", "A\rB", "A\tB", "A\u2028B"])
def test_a_course_title_across_lines_is_refused_beside_it(system: System, broken: str) -> None:
    _refused(system, {**system.course_file(), "title": broken}, "title", ONE_LINE)


def test_a_course_title_with_a_control_character_is_refused_beside_it(system: System) -> None:
    _refused(system, {**system.course_file(), "title": "A\x1bB"}, "title", CONTROL)


@pytest.mark.parametrize("kind", ["core", "follow_up"])
def test_a_session_title_across_lines_is_refused_beside_it(system: System, kind: str) -> None:
    file = system.course_file()
    sessions = file["sessions"]
    position = next(i for i, s in enumerate(sessions) if s["kind"] == kind)
    sessions[position] = {**sessions[position], "title": "Reunion\r\nBcc: x@evil.example"}
    _refused(system, file, f"sessions.{position}.title", ONE_LINE)


@pytest.mark.parametrize(
    "broken", ["https://meet.example.org/a\u2028b", "https://meet.example.org/a\nb"]
)
def test_a_joining_link_across_lines_is_refused_not_mended_in_silence(
    system: System, broken: str
) -> None:
    file = {**system.course_file(), "joining_url": broken}
    _refused(system, file, "joining_url", ONE_LINE)


def test_a_courses_free_texts_take_line_breaks_but_no_control_character(system: System) -> None:
    """Its home practice and decline message were held to no shape (an escape character was
    kept); they are free text, as its overview is."""
    file = system.course_file()
    sessions = [{**file["sessions"][0], "home_practice": "Breathe\x1b[2J"}, *file["sessions"][1:]]
    _refused(system, {**file, "sessions": sessions}, "sessions.0.home_practice", CONTROL)
    _refused(system, {**file, "decline_message": "Sorry\x00"}, "decline_message", CONTROL)
    sessions[0] = {**sessions[0], "home_practice": "Breathe.\nThen walk."}
    kept = {**file, "sessions": sessions, "decline_message": "Sorry.\r\nTry again."}
    assert system.admin("PUT", "/courses/one-line-cohort", json_body=kept).status == 201


def test_a_course_stored_with_a_title_across_lines_still_gets_its_confirmation(
    system: System,
) -> None:
    """Data saved before the rule: the calendar puts the name on one line, never fails."""
    table = system.resources.table_name
    key = course_key(COURSE_ID)
    item = system.dynamodb.get_item(TableName=table, Key=key)["Item"]
    definition = json.loads(item["definition"]["S"])
    definition["title"] = "Leading\r\nBcc: x@evil.example"
    item["definition"] = {"S": json.dumps(definition)}
    system.dynamodb.put_item(TableName=table, Item=item)

    system.booked(email="paid@example.org")
    [confirmed] = [m for m in system.deliver_emails() if "confirmed" in m.subject.lower()]
    [ics] = [a for a in confirmed.attachments if a.content_type == "text/calendar"]
    text = ics.content.decode()
    organizers = [line for line in text.split("\r\n") if line.startswith("ORGANIZER")]
    assert organizers, text
    assert all('CN="Leading Bcc: x@evil.example"' in line for line in organizers), organizers
    assert "X-WR-CALNAME:Leading Bcc: x@evil.example" in text
    assert "\r\nBcc:" not in text
