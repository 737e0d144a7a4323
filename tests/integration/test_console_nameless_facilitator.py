"""A facilitator row with an address and no name is one the model allows (a shared list address,
``domain.course.Facilitator``: sent every application, never on the public page), from the API
and the console alike; the console says what such a row is, by its address, rather than leaving
a blank where the name goes."""

from __future__ import annotations

import re

from booking.handlers.course_form import form_of
from tests.support.console import posted_fields, signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

LIST = "course-team@example.org"
ROW_HEADINGS = re.compile(r'<h3 id="facilitator-\d+-heading">(.*?)</h3>', re.DOTALL)


def _row_headings(body: str) -> list[str]:
    return [text_of(found) for found in ROW_HEADINGS.findall(body)]


def test_a_nameless_row_is_saved_as_a_list_address_and_shown_by_it(system: System) -> None:
    browser = signed_in(system)
    saved = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, saved.definition))
    named = saved.definition.facilitators[0].name
    rows = sum(1 for key in fields if re.fullmatch(r"facilitator-\d+-email", key))
    fields |= {f"facilitator-{rows}-name": "", f"facilitator-{rows}-email": LIST}

    answer = browser.act("/console/courses", **fields)

    assert answer.status in (200, 303), answer.body[:300]
    stored = system.stored_course(COURSE_ID)
    assert (stored.definition.facilitators[-1].name, stored.definition.facilitators[-1].email) == (
        None,
        LIST,
    )
    # The same as the API's public answer: not listed publicly, by name or address.
    public = system.api("GET", f"/courses/{COURSE_ID}").json()
    assert LIST not in str(public)
    headings = _row_headings(browser.get(f"/console/courses/{COURSE_ID}/edit").body)
    assert headings[0] == f"Facilitator 1: {named}"
    assert headings[-1] == (
        f"Facilitator {rows + 1}: {LIST} (no name: a list address, sent every application, not "
        "shown on the course page)"
    )
