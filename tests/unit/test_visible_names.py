"""A name that prints nothing visible (a zero-width space, the braille blank, a word joiner, a
Hangul filler) is no name: the forms refuse it, a certificate whose name is
one is held, and a held certificate is never reissued with one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from booking.domain.application import ApplicationForm
from booking.domain.attendance import Mark
from booking.domain.emails import EmailKind
from booking.domain.group_form import GroupForm, Substitute
from booking.domain.register import spelling_refusal
from booking.domain.text import shows_a_letter
from booking.services import register
from booking.services.ports import Ports
from tests.fakes import Clock
from tests.fakes.held import repo
from tests.support.register_steps import AFTER_THE_LAST, answers, book, clock, keys, ports

__all__ = ["clock", "ports"]  # the fixtures, used by name

INVISIBLE = [
    "\u200b",  # zero-width space (Cf)
    "\u2800",  # braille pattern blank (So, a blank glyph)
    "\u2060\u2060",  # word joiners (Cf)
    "\u3164",  # Hangul filler (Lo, drawn as nothing)
    "\u0301",  # a combining mark alone (Mn)
    "\u200b \u2800 \ufeff",
    "-- .",
]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_of_nothing_that_shows_has_no_letter(name: str) -> None:
    assert not shows_a_letter(name)


@pytest.mark.parametrize("name", ["Ada", "王小明", "अनिल कुमार", "Zoë\u200bÅngström", "R2", "Ō"])
def test_a_name_with_a_letter_that_shows_has_one(name: str) -> None:
    assert shows_a_letter(name)


@pytest.mark.parametrize("name", INVISIBLE)
def test_the_forms_refuse_a_name_with_nothing_visible_in_words(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ApplicationForm.model_validate(answers("zw@example.org", name))
    [error] = refused.value.errors()
    assert error["loc"] == ("name",)
    said = error["msg"]
    # Nothing that shows, or only what shows but is no letter: said as that.
    assert any(
        words in said
        for words in ("letters that show", "none that show", "only punctuation, symbols or emoji")
    ), said
    person = {"name": name, "email": "c@example.org"}
    group = {
        "manager_name": name,
        "manager_email": "m@example.org",
        "organisation": "Org",
        "colleagues": [person],
        "consent": True,
    }
    with pytest.raises(ValidationError) as refused:
        GroupForm.model_validate(group)
    locations = {e["loc"] for e in refused.value.errors()}
    assert {("manager_name",), ("colleagues", 0, "name")} <= locations
    # A substitution names a colleague too (it took any text, and the colleague
    # it then made refused it outside the 422, as a 500 whose log carried the name).
    with pytest.raises(ValidationError) as refused:
        Substitute.model_validate({**person, "consent": True})
    [error] = refused.value.errors()
    assert error["loc"] == ("name",)
    assert "show" in error["msg"] or "only punctuation" in error["msg"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_spelling_with_nothing_visible_is_refused_for_a_certificate(name: str) -> None:
    refusal = spelling_refusal(name, "")
    assert refusal is not None
    assert "letters that show" in refusal


def test_an_invisible_letter_the_font_lacks_is_named_by_its_code_point() -> None:
    refusal = spelling_refusal("Kim \u3164", "\u3164")
    assert refusal is not None
    assert "U+3164" in refusal
    assert "\u3164" not in refusal


def test_a_stored_name_with_nothing_visible_completes_with_its_certificate_held(
    ports: Ports, clock: Clock
) -> None:
    """Taken before the form refused it: its certificate would print no name, so it is held
    like one the font cannot print, never emailed."""
    blank = book(ports, "blank@example.org", "Blank Later")
    stored = repo(ports).applications[blank]
    repo(ports).applications[blank] = stored.model_copy(
        update={"answers": stored.answers.model_copy(update={"name": "\u200b"})}
    )
    clock.now = AFTER_THE_LAST
    for key in keys(ports)[:2]:
        register.mark(ports, "c1", blank, key, Mark.ATTENDED)
    closed = register.close(ports, "c1")
    assert closed.completed == [blank]
    assert closed.unprintable_names == [blank]
    sent = [j for j in repo(ports).written_emails if j.kind is EmailKind.CERTIFICATE]
    assert [j.job_id for j in sent] == [f"certificate:{blank}:held"]  # told it follows
    done = register.reissue_certificate(ports, "c1", blank, "Bea Lank").application
    assert done.completion is not None
    assert done.completion.terms is not None
    assert done.completion.terms.name == "Bea Lank"
