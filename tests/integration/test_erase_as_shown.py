"""*Erase their data* acts only on what its confirmation showed (``page_seen``):
the page names their applications, what is withdrawn and voided, the applications billed to
them and the money still owed back, and its form carries ``seen``, a digest of all that. One
applied again, paid or billed since the page was shown: 409 in words, nothing erased; a form
without ``seen`` (or with it as a file) is not the page's: 422, nothing erased."""

from __future__ import annotations

from typing import Any

import pytest

from booking.services import people
from booking.services.group_erasure import refuse_while_groups_paid_for
from tests.support.console import ConsoleBrowser, multipart_post
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

PERSON = "grace@example.org"
PAGE = "/console/people/erase?email=grace%40example.org"
ERASE = "/console/people/erase"


def _named(system: System, application: dict[str, str]) -> str:
    return str(system.stored_document(application["application_id"])["answers"]["name"])


def test_an_application_made_since_the_page_was_shown_erases_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    first = system.apply(COURSE_ID, email=PERSON).json()
    shown = browser.form(PAGE, ERASE)
    assert "every answer in 1 application (" in text_of(browser.get(PAGE).body)
    definition = system.one_session_file()
    assert system.admin("PUT", "/courses/one", json_body=definition).status == 201
    again = system.apply("one", email=PERSON).json()

    refused = browser.post(ERASE, **{**shown, "confirm": "on"})

    assert refused.status == 409, text_of(refused.body)[:500]
    words = text_of(refused.body)
    assert "changed since you last looked (now 2 applications" in words
    assert "nothing was erased" in words
    assert "Their name, email address and every answer in 2 applications" in words  # as now
    assert _named(system, first) != "[erased]"
    assert _named(system, again) != "[erased]"
    # The page shown again says both, and its press erases both.
    erased = browser.press(PAGE, ERASE, confirm="on")
    assert erased.status == 200, text_of(erased.body)[:500]
    assert _named(system, first) == _named(system, again) == "[erased]"


def test_a_payment_since_the_page_was_shown_erases_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    application = system.apply(COURSE_ID, email=PERSON).json()
    shown = browser.form(PAGE, ERASE)
    assert system.pay(application["checkout_url"]).status == 200

    refused = browser.post(ERASE, **{**shown, "confirm": "on"})

    assert refused.status == 409, text_of(refused.body)[:500]
    assert _named(system, application) != "[erased]"
    assert system.stored(application).status.value == "confirmed"


def test_a_form_without_the_pages_seen_erases_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    application = system.apply(COURSE_ID, email=PERSON).json()
    shown = browser.form(PAGE, ERASE)
    bare = {k: v for k, v in shown.items() if k != "seen"}

    missing = browser.post(ERASE, **bare, confirm="on")
    as_file = multipart_post(browser, ERASE, {**bare, "confirm": "on"}, ("seen", shown["seen"]))

    for refused in (missing, as_file):
        assert refused.status == 422, text_of(refused.body)[:500]
        assert "This form was not the page's: open the person's page again." in text_of(
            refused.body
        )
    assert _named(system, application) != "[erased]"


def test_an_application_made_while_the_erasure_runs_erases_nothing(
    system: System, browser: ConsoleBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is compared again on fresh reads just before the erasure's first write:
    one applied again after the first comparison, while the erasure read and asked
    (here: as it asks whether a group of theirs is being paid), is refused in words, nothing
    erased, the new application included."""
    booked = system.booked(COURSE_ID, email=PERSON)
    shown = browser.form(PAGE, ERASE)
    definition = system.one_session_file()
    assert system.admin("PUT", "/courses/one", json_body=definition).status == 201
    made: list[dict[str, str]] = []
    asked = refuse_while_groups_paid_for  # the rule; people's name for it is patched below

    def applied_meanwhile(ports: Any, email: str) -> None:
        if not made:
            made.append(system.apply("one", email=PERSON).json())
        asked(ports, email)

    monkeypatch.setattr(people, "refuse_while_groups_paid_for", applied_meanwhile)

    refused = browser.post(ERASE, **{**shown, "confirm": "on"})

    assert refused.status == 409, text_of(refused.body)[:500]
    words = text_of(refused.body)
    assert "changed since you last looked (now 2 applications" in words
    assert "nothing was erased" in words
    [again] = made
    assert _named(system, booked) != "[erased]"
    assert _named(system, again) != "[erased]"
    assert system.stored(booked).status.value == "confirmed"
