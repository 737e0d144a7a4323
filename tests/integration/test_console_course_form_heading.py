"""The console's course form, shown again after a refusal, is headed with the course's title
as saved, never with the title typed (an invisible title refused headed the page
"Change a course" and a blank)."""

from __future__ import annotations

import re

from booking.handlers.course_form import form_of
from tests.support.console import posted_fields, signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

HEADING = re.compile(r"<h1>(.*?)</h1>", re.DOTALL)


def _heading(body: str) -> str:
    found = HEADING.search(body)
    assert found, "the page has no heading"
    return text_of(found.group(1))


def test_the_form_shown_again_is_headed_with_the_title_as_saved(system: System) -> None:
    browser = signed_in(system)
    saved = system.stored_course(COURSE_ID)
    title = saved.definition.title
    fields = posted_fields(form_of(COURSE_ID, saved.definition))
    assert _heading(browser.get(f"/console/courses/{COURSE_ID}/edit").body) == (
        f"Change a course {title}"
    )
    for typed in ("\u200b\u2060", "A title not saved"):
        refused = browser.act("/console/courses", **{**fields, "title": typed, "capacity": "-1"})
        assert refused.status == 422, refused.body[:300]
        assert _heading(refused.body) == f"Change a course {title}"
        assert typed not in _heading(refused.body)
    # A row added (nothing saved yet): the same heading.
    more = browser.act("/console/courses", **{**fields, "title": "Typed", "rows": "add-session"})
    assert more.status == 200
    assert _heading(more.body) == f"Change a course {title}"
    # A course not saved yet is one being added.
    new = browser.act(
        "/console/courses", **{**fields, "course_id": "not-saved-yet", "capacity": "-1"}
    )
    assert new.status == 422
    assert _heading(new.body) == "Add a course"


TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def test_the_browser_tab_names_the_course_changed_by_its_title_never_its_id(
    system: System,
) -> None:
    """The tab (and what a screen reader announces first) says the course as its heading does,
    as every other console page names a course: never the id only the command line needs."""
    browser = signed_in(system)
    saved = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, saved.definition))
    shown = browser.get(f"/console/courses/{COURSE_ID}/edit").body
    refused = browser.act("/console/courses", **{**fields, "capacity": "-1"})
    for body, error in ((shown, ""), (refused.body, "Error: ")):
        found = TITLE.search(body)
        assert found, "the page has no title"
        assert text_of(found.group(1)) == (
            f"{error}Change a course: {saved.definition.title} - Organisers' console"
        )
        assert COURSE_ID not in found.group(1)
