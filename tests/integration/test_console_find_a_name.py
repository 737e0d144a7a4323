"""The console front page's Find takes a name: an organiser on the phone
often has only that. It lists the applications on every course by a name or organisation
holding what was typed (any case), each linked to its page; none found says so with the
form again; signed out, nothing is found; what was typed is not logged."""

from __future__ import annotations

import logging

import pytest

from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System


def test_a_name_finds_its_applications_on_every_course(
    system: System, browser: ConsoleBrowser, caplog: pytest.LogCaptureFixture
) -> None:
    system.put_course("second-cohort", system.course_file())
    first = system.apply(name="Jo Walsh", email="jo@example.org").json()
    second = system.apply("second-cohort", name="Jo Walsh", email="jo@example.org").json()
    system.apply(name="Ada Lovelace", email="ada@example.org")
    caplog.set_level(logging.INFO)

    said = browser.found("jo walsh", first, second, not_listed="Ada Lovelace")

    assert "2 applications on every course by a name or organisation holding “jo walsh”" in said
    assert not [r for r in caplog.records if "walsh" in r.getMessage().lower()]


def test_a_name_nobody_has_says_so_with_the_form_again(
    system: System, browser: ConsoleBrowser
) -> None:
    system.apply(name="Ada Lovelace")
    found = browser.get("/console/search?q=Grace")
    assert found.status == 200
    assert "No application on any course is by a name or organisation holding “Grace”" in text_of(
        found.body
    )
    assert 'value="Grace"' in found.body


def test_signed_out_a_name_finds_nothing(system: System) -> None:
    system.apply(name="Jo Walsh")
    stranger = ConsoleBrowser(system)
    found = stranger.get("/console/search?q=Walsh")
    assert found.status in (302, 303, 401), found.status
    assert "Walsh" not in found.body


def test_a_surname_that_reads_as_a_reference_finds_the_name(
    system: System, browser: ConsoleBrowser
) -> None:
    """ "Turner" reads as a reference too (T-URNER): none has it, so it is a name;
    a reference typed as one (digits, a dash) and held by none is still said to be none's."""
    turner = system.apply(name="Sue Turner", email="sue@example.org").json()

    browser.found("Turner", turner)

    assert browser.get("/console/search?q=CL-2345X").status == 404


def test_the_find_words_name_all_it_finds_by_and_every_programmes_references(
    system: System, browser: ConsoleBrowser
) -> None:
    """Spaces alone were told the kinds of thing Find takes without an
    organisation, and an empty answer said references start CL-, which is one programme's."""
    spaces = text_of(browser.get("/console/search?q=+++").body)
    assert "a name, an organisation, an invoice number or a purchase order" in spaces

    nothing = text_of(browser.get("/console/search?q=Grace").body)
    assert "CL- and five" not in nothing
    assert "their reference (its programme's letters, a hyphen and five letters" in nothing
