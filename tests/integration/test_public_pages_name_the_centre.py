"""Every public page is headed with the centre's name (the "You have already
applied" page, a group colleague's own application page and the course list with no course
open read "Course booking", where every other public page names the centre)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.groups import paid_group
from tests.support.system import COURSE_ID, System, application_body

HTML = {"accept": "text/html"}


def _header_of(body: str) -> str:
    start = body.index('<header class="header"><p>') + len('<header class="header"><p>')
    return body[start : body.index("</p>", start)]


def test_the_already_applied_page_names_the_centre(system: System) -> None:
    centre = system.course()["organisation"]
    assert centre.startswith("Sussex Mindfulness Centre")
    form = {**application_body(email="twice@example.org"), "consent": "on"}
    first = system.api("POST", f"/courses/{COURSE_ID}/applications", form=form, headers=HTML)
    assert first.status in (201, 303), first.body
    again = system.api("POST", f"/courses/{COURSE_ID}/applications", form=form, headers=HTML)
    assert again.status == 409
    assert "You have already applied</h1>" in again.body
    assert _header_of(again.body) == centre


def test_an_error_about_no_course_keeps_the_plain_header(system: System) -> None:
    missing = system.api("GET", "/courses/no-such-course/apply", headers=HTML)
    assert missing.status == 404
    assert _header_of(missing.body) == "Course booking"


def test_the_course_list_with_none_open_names_the_centre(system: System) -> None:
    centre = system.course()["organisation"]
    system.clock_offset += timedelta(days=3650)  # every course held has long ended
    listed = system.api("GET", "/courses", headers=HTML)
    assert listed.status == 200
    assert "No courses are taking applications" in listed.body
    assert _header_of(listed.body) == centre


@pytest.mark.usefixtures("invoiced")
def test_a_colleagues_own_application_page_names_the_centre(system: System) -> None:
    group = paid_group(system)
    link = group["places"][0]["apply_url"]
    path = link.split("://", 1)[-1].split("/", 1)[1]
    page = system.api("GET", f"/{path}", headers=HTML)
    assert page.status == 200, page.body
    assert _header_of(page.body) == system.course()["organisation"]
