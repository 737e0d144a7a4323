"""The programme typed on *Add a course*: one rule for what names a
programme. A title two programmes share is refused beside *Programme*, naming both by their
ids (it joined the alphabetically first, silently), and the list offered as one types tells
them apart; a new programme typed by its name gets an id made from it as a course's is (it
became the id verbatim, spaces, punctuation and control characters included); an id that is
not lower-case letters, digits and hyphens is refused through the API too, a programme
already stored so excepted."""

from __future__ import annotations

import pytest

from tests.integration.test_console_next_cohort import _core, _course_form
from tests.support.console import ConsoleBrowser, error_beside
from tests.support.page_text import text_of
from tests.support.system import System

TITLE = "Dup Title X"


def _cohort(system: System, course_id: str, programme: str, title: str = TITLE) -> None:
    system.put_course(course_id, {**system.course_file(), "programme": programme, "title": title})


def _added(browser: ConsoleBrowser, programme: str, course_id: str = "spring-taster") -> str:
    """*Add a course* saved with ``programme`` typed: the page answered (303: saved)."""
    page = browser.get("/console/courses/new").body
    fields = {
        **_course_form(page),
        "course_id": course_id,
        "title": "Spring taster",
        "programme": programme,
        "price": "20.00",
        **{f"session-0-{k}": v for k, v in _core("2028-03-13").items()},
    }
    answer = browser.post("/console/courses", **fields)
    return answer.body if answer.status != 303 else ""


def test_a_title_two_programmes_share_is_refused_naming_both(
    system: System, browser: ConsoleBrowser
) -> None:
    _cohort(system, "zz-cohort", "zz-prog-x")
    _cohort(system, "aa-cohort", "aa-prog-x")

    page = browser.get("/console/courses/new").body
    assert page.count(f'<option value="{TITLE}">') == 0  # each offered by its id instead
    assert '<option value="aa-prog-x">Dup Title X</option>' in page
    assert '<option value="zz-prog-x">Dup Title X</option>' in page

    refused = _added(browser, "dup title x")
    beside = error_beside(refused, "programme")
    assert beside is not None, text_of(refused)[:600]
    assert "aa-prog-x" in beside.group(1)
    assert "zz-prog-x" in beside.group(1)
    assert system.ports.repository.get_course("spring-taster") is None

    assert _added(browser, "zz-prog-x") == ""  # typed by its id: that programme
    course = system.stored_course("spring-taster")
    assert course.definition.programme == "zz-prog-x"


def test_a_new_programme_typed_by_its_name_gets_an_id_made_from_it(
    system: System, browser: ConsoleBrowser
) -> None:
    assert _added(browser, "My New Programme X!") == ""

    course = system.stored_course("spring-taster")
    assert course.definition.programme == "my-new-programme-x"


@pytest.mark.parametrize("typed", ["Leadership", "LEADERSHIP!"])
def test_a_new_name_whose_id_is_another_programmes_is_refused_naming_it(
    system: System, browser: ConsoleBrowser, typed: str
) -> None:
    """It joined that programme (its follow-ups, graduates, letters) silently."""
    _cohort(system, "lead-cohort", "leadership", title="Compassionate Leadership Training")

    refused = _added(browser, typed)

    beside = error_beside(refused, "programme")
    assert beside is not None, text_of(refused)[:600]
    said = "Leadership is the programme “Compassionate Leadership Training”: type leadership to"
    assert said in beside.group(1)
    assert system.ports.repository.get_course("spring-taster") is None
    assert _added(browser, "leadership") == ""  # typed by its id: joins it, as meant
    course = system.stored_course("spring-taster")
    assert course.definition.programme == "leadership"


@pytest.mark.parametrize("typed", ["Ops\r\nSet-Cookie: a=b", "Tab\there", "Bell\x07"])
def test_a_programme_with_a_control_character_is_refused_beside_it(
    system: System, browser: ConsoleBrowser, typed: str
) -> None:
    refused = _added(browser, typed)

    assert error_beside(refused, "programme") is not None, text_of(refused)[:600]
    assert system.ports.repository.get_course("spring-taster") is None


@pytest.mark.parametrize("programme", ["z\r\nSet-Cookie: a=b", "leadership\n"])
def test_the_api_refuses_a_programme_that_is_no_id(system: System, programme: str) -> None:
    # "leadership\n": the shape's own check, not a control character rule, refuses it.
    definition = {**system.course_file(), "programme": programme}

    refused = system.admin("PUT", "/courses/api-cohort", json_body=definition)

    fields = refused.refused(422, "validation_failed")["fields"]
    assert "lower-case letters, digits and hyphens" in fields["programme"]
    assert system.ports.repository.get_course("api-cohort") is None


@pytest.mark.parametrize("field", ["title", "session-0-title"])
def test_a_title_with_a_control_character_is_refused_beside_it(
    system: System, browser: ConsoleBrowser, field: str
) -> None:
    page = browser.get("/console/courses/new").body
    fields = {
        **_course_form(page),
        "course_id": "spring-taster",
        "title": "Spring taster",
        "price": "20.00",
        **{f"session-0-{k}": v for k, v in _core("2028-03-13").items()},
    }
    refused = browser.post("/console/courses", **{**fields, field: "Spring\x1btaster"})

    assert refused.status == 422, refused.status
    assert "control character" in text_of(refused.body)
    assert system.ports.repository.get_course("spring-taster") is None
