"""A course's own *Change a course* page changes that course only, by its file form too
(the file form there had an editable course id and no ``adding``, so typing
another course's id replaced that course, bookings and all). A file refused there brings the
page back as *Change a course*, the course's form filled in, never *Add a course*."""

from __future__ import annotations

import json
import re

from tests.support.console import ConsoleBrowser, error_beside, signed_in
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import ADMIN_TOKEN, COURSE_ID, System

OTHER = "another-cohort-2027"


def _file_form(page: str) -> dict[str, str]:
    """The fields the page's *From a definition file* form posts beside the file."""
    found = [fields for attrs, fields in forms_on(page) if attrs.get("enctype")]
    assert len(found) == 1, "the page has no file form"
    return found[0]


def _heading(page: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert found, "the page has no heading"
    return text_of(found.group(1))


def _posted(browser: ConsoleBrowser, fields: dict[str, str], content: bytes) -> str:
    """What the page's file form posts with ``content`` (its own CSRF token taken out: the
    browser adds a fresh one)."""
    sent = {k: v for k, v in fields.items() if k != "csrf_token"}
    reply = browser.upload(sent.pop("upload_course_id", ""), content, **sent)
    return f"{reply.status} {reply.body}"


def test_the_file_form_on_a_course_page_changes_that_course_only(system: System) -> None:
    other = {**system.course_file(), "title": "Another cohort"}
    assert system.admin("PUT", f"/courses/{OTHER}", json_body=other).status == 201
    browser = signed_in(system)
    title = system.course()["title"]
    fields = _file_form(browser.get(f"/console/courses/{COURSE_ID}/edit").body)
    assert fields.get("changing") == COURSE_ID
    assert fields.get("upload_course_id") == COURSE_ID
    assert "adding" not in fields
    before = system.items()
    renamed = json.dumps({**system.course_file(), "title": "Overwritten from A page"}).encode()
    # Another course's id posted beside the file from this page: refused in words.
    refused = _posted(browser, {**fields, "upload_course_id": OTHER}, renamed)
    assert refused.startswith("422 "), text_of(refused)[:500]
    page = refused[4:]
    said = error_beside(page, "definition")
    assert said, text_of(page)[:500]
    assert text_of(said.group(1)) == (
        f"This page changes {COURSE_ID} only: to change {OTHER}, open it and choose Change"
        " this course"
    )
    assert system.items() == before
    assert system.course(OTHER)["title"] == "Another cohort"
    # Refused: still this course's page, its form filled in, its file form still its own.
    assert _heading(page) == f"Change a course {title}"
    assert _file_form(page).get("changing") == COURSE_ID
    assert [f["title"] for _, f in forms_on(page) if "title" in f] == [title]
    # The file as the page posts it changes this course.
    saved = _posted(browser, fields, renamed)
    assert saved.startswith("303 "), text_of(saved)[:500]
    assert system.course()["title"] == "Overwritten from A page"
    assert system.course(OTHER)["title"] == "Another cohort"


def test_a_file_with_mistakes_on_a_course_page_comes_back_changing_it(system: System) -> None:
    browser = signed_in(system)
    title = system.course()["title"]
    fields = _file_form(browser.get(f"/console/courses/{COURSE_ID}/edit").body)
    refused = _posted(browser, fields, b"{not json")
    assert refused.startswith("422 "), text_of(refused)[:500]
    page = refused[4:]
    said = error_beside(page, "definition")
    assert said, text_of(page)[:500]
    assert "not JSON" in said.group(1)
    assert _heading(page) == f"Change a course {title}"
    assert 'name="adding"' not in page
    assert _file_form(page).get("changing") == COURSE_ID


def test_a_file_giving_a_key_twice_is_refused_as_the_api_refuses_it(system: System) -> None:
    """The uploaded file is read as a body is: a key given twice, or text not in
    UTF-8, is refused beside the file, nothing saved (it was saved, the last key winning)."""
    definition = json.dumps({**system.course_file(), "title": "Twice"})
    twice = definition[:-1] + ', "capacity": 500}'
    browser = signed_in(system)

    for content, said in (
        (twice.encode(), "the field capacity is given twice"),
        (definition.encode("utf-16"), "The file is not text in UTF-8"),
    ):
        reply = browser.upload(OTHER, content)
        assert reply.status == 422, reply.body
        assert said in text_of(reply.body)
        assert system.ports.repository.get_course(OTHER) is None


def test_a_file_holding_half_a_character_is_refused_in_the_apis_words(system: System) -> None:
    """Half of a UTF-16 pair (``"\\udc80"``) in an uploaded file was refused in
    the parser's words under ``body`` ("lone leading surrogate ..."); the upload says it beside
    the field as the API and the CLI do, in the one reader's words, nothing saved."""
    definition = json.dumps({**system.course_file(), "title": "T"}).replace(
        '"title": "T"', '"title": "T\\udc80"'
    )
    api = system.api(
        "PUT",
        f"/admin/courses/{OTHER}",
        raw=definition.encode(),
        headers={"authorization": f"Bearer {ADMIN_TOKEN}", "content-type": "application/json"},
    )
    assert api.status == 422, api.body
    api_said = api.json()["error"]["fields"]["title"]

    reply = signed_in(system).upload(OTHER, definition.encode())

    assert reply.status == 422, reply.body
    said = error_beside(reply.body, "definition")
    assert said is not None, text_of(reply.body)[:500]
    assert f"title: {api_said}" in text_of(said.group(1))
    assert "half of a pair written alone" in api_said
    assert "surrogate" not in text_of(reply.body)
    assert system.ports.repository.get_course(OTHER) is None
