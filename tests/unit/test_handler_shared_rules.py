"""The rules the handlers share, each written once: an Idempotency-Key's length, what a form
shown again keeps of what was posted, and how a use case's words are said on a page."""

from __future__ import annotations

import pytest

from booking.handlers import http
from booking.handlers.form_again import typed_again
from booking.handlers.openapi import openapi_document
from booking.handlers.routes.answers import IDEMPOTENCY_KEY_LENGTH
from booking.handlers.sentences import capitalised, sentence


@pytest.mark.parametrize("key", [None, "k", "x" * 255])
def test_an_idempotency_key_of_1_to_255_characters_or_none_is_taken_as_given(
    key: str | None,
) -> None:
    assert http.idempotency_key(key) == key


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_an_empty_or_longer_idempotency_key_is_a_bad_request(key: str) -> None:
    with pytest.raises(http.BadRequest, match="Idempotency-Key must be 1 to 255 characters"):
        http.idempotency_key(key)


def test_the_openapi_document_says_the_idempotency_key_length_the_handlers_check() -> None:
    document = openapi_document("https://example.org")
    said = [
        (parameter["schema"]["minLength"], parameter["schema"]["maxLength"])
        for path in document["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == "Idempotency-Key"
    ]
    # The application form, the group manager's form and money given back by hand (a
    # person's and a group's).
    assert said == [IDEMPOTENCY_KEY_LENGTH] * 4


def test_a_form_shown_again_keeps_all_that_was_typed_but_the_honeypot() -> None:
    posted = {"name": "Ada", "website": "http://spam.example", "consent": "on"}
    assert typed_again(posted) == {"name": "Ada", "consent": "on"}


@pytest.mark.parametrize(
    ("words", "beside_a_field", "on_its_own"),
    [
        ("the course is full", "The course is full", "The course is full."),
        ("£200.00 at most", "£200.00 at most", "£200.00 at most."),
        ("", "", "."),
    ],
)
def test_a_use_cases_words_begin_with_a_capital_and_a_sentence_ends_with_a_full_stop(
    words: str, beside_a_field: str, on_its_own: str
) -> None:
    assert capitalised(words) == beside_a_field
    assert sentence(words) == on_its_own
