"""The public form's body says what it means: consent is JSON's
true (the boolean), or in a form the ticked box's "on" (or "true", "True": a form written by
hand or a script), exactly; never a guess from another word, a JSON string or a stray space. A
control character in a name is refused in words that say so."""

from __future__ import annotations

import pytest

from tests.support.system import COURSE_ID, Reply, System, application_body

CONSENT_REFUSED = "please confirm you agree to how we use your answers"


def _refused(system: System, reply: Reply) -> None:
    assert reply.status == 422, reply.body
    assert CONSENT_REFUSED in reply.json()["error"]["fields"]["consent"]
    assert system.course()["places_left"] == system.course()["capacity"]


# JSON's true is the boolean: a string is not it, whatever it says.
@pytest.mark.parametrize("consent", ["yes", "1", 1, "false", "true", "True", "on", False])
def test_json_consent_that_is_not_true_is_refused(system: System, consent: object) -> None:
    _refused(system, system.apply(consent=consent))


def test_json_true_is_taken(system: System) -> None:
    assert system.apply(consent=True).status == 201


def _form_post(system: System, consent: str) -> Reply:
    return system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        form={**application_body(), "consent": consent},
    )


@pytest.mark.parametrize("consent", ["True ", " on", "on ", "yes", "1", "ON", "false", ""])
def test_a_form_word_that_is_not_a_ticked_box_is_refused(system: System, consent: str) -> None:
    _refused(system, _form_post(system, consent))


# A browser's ticked box posts "on"; a form written by hand or a script "true" or "True".
@pytest.mark.parametrize("consent", ["on", "true", "True"])
def test_a_ticked_box_in_a_form_is_taken(system: System, consent: str) -> None:
    reply = _form_post(system, consent)

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
