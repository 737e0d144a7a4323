"""The public form's body says what it means (hostile12b F2): consent is true (JSON) or the
ticked box's "on" (the HTML form), never a guess from another word; a control character in a
name is refused in words that say so."""

from __future__ import annotations

import pytest

from tests.support.system import System

CONSENT_REFUSED = "please confirm you agree to how we use your answers"


@pytest.mark.parametrize("consent", ["yes", "1", 1, "false"])
def test_consent_that_is_not_true_is_refused(system: System, consent: object) -> None:
    reply = system.apply(consent=consent)

    assert reply.status == 422, reply.body
    assert CONSENT_REFUSED in reply.json()["error"]["fields"]["consent"]
    assert system.course()["places_left"] == system.course()["capacity"]


@pytest.mark.parametrize("consent", ["on", "true", "True", True])
def test_consent_as_a_form_or_json_client_sends_it_is_taken(
    system: System, consent: object
) -> None:
    reply = system.apply(consent=consent)

    assert reply.status == 201, reply.body


@pytest.mark.parametrize("name", ["Ada\x00Lovelace", "Ada\x1bLovelace"])
def test_a_control_character_in_a_name_is_refused_as_such(system: System, name: str) -> None:
    reply = system.apply(name=name)

    assert reply.status == 422, reply.body
    said = reply.json()["error"]["fields"]["name"]
    assert "control character" in said, said
    assert "line breaks" not in said, said


def test_a_line_break_in_a_name_is_still_refused_as_one(system: System) -> None:
    reply = system.apply(name="Ada\nLovelace")

    assert reply.status == 422, reply.body
    assert "write this on one line" in reply.json()["error"]["fields"]["name"]
