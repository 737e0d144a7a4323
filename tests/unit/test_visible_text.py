"""Free text a person or an organiser types, shown to someone, must show something when given:
one rule, ``domain.text.visible_text``, held by the text's type (the one-line
and free-text shapes, a course's title), refused in words naming the field. People's names
keep their own words (``visible_name``). The walk below finds every text field of what people
and organisers post, so that a new one cannot escape the rule unnoticed."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from booking.domain.application_form import ApplicationForm
from booking.domain.billing import BillingDetails
from booking.domain.course import CourseDefinition, Facilitator
from booking.domain.group_form import Colleague, GroupForm, Substitute
from booking.domain.sessions import SessionDefinition
from booking.domain.text import shows_something, visible_text

INVISIBLE = ["\u200b", "\u2800", "\u2060\u2060", "\u3164", "\u0301", "\ufeff", "\u00ad"]
SHOWN = "write it in characters that show"
POSTED: tuple[type[BaseModel], ...] = (
    ApplicationForm,
    GroupForm,
    Substitute,
    Colleague,
    BillingDetails,
    CourseDefinition,
    Facilitator,
    SessionDefinition,
)
# Text fields held to another rule than showing something, and why.
OTHER_RULES = {
    # Addresses: the one address rule refuses them (``domain.addresses``).
    *{(m, "email") for m in ("ApplicationForm", "Substitute", "Colleague", "Facilitator")},
    ("GroupForm", "manager_email"),
    ("BillingDetails", "billing_email"),
    ("CourseDefinition", "enquiries_email"),
    # A form's billing fields are the billing contact's, held by BillingDetails (walked too)
    # when the form pays by invoice, and ignored when it pays by card.
    *{(f, n) for f in ("ApplicationForm", "GroupForm") for n in ("billing_name", "billing_email")},
    *{(f, n) for f in ("ApplicationForm", "GroupForm") for n in ("billing_address",)},
    ("ApplicationForm", "po_number"),
    # The honeypot (a bot fills it), a code looked up as typed, a programme's id, an IANA zone
    # and a session's id: never shown as typed, each refused by its own rule.
    ("ApplicationForm", "website"),
    ("GroupForm", "website"),
    ("ApplicationForm", "discount_code"),
    ("GroupForm", "discount_code"),
    ("CourseDefinition", "programme"),
    ("CourseDefinition", "timezone"),
    ("SessionDefinition", "id"),
}


def _text_fields(model: type[BaseModel]) -> list[str]:
    return [
        name
        for name, field in model.model_fields.items()
        if "str" in str(field.annotation) and "list" not in str(field.annotation)
    ]


def _reason(model: type[BaseModel], name: str, value: str) -> str | None:
    try:
        model.model_validate({name: value})
    except ValidationError as refused:
        for problem in refused.errors():
            if problem["loc"] == (name,):
                return str(problem["msg"])
    return None


@pytest.mark.parametrize(
    ("model", "name"),
    [(m, n) for m in POSTED for n in _text_fields(m) if (m.__name__, n) not in OTHER_RULES],
    ids=lambda v: getattr(v, "__name__", v),
)
@pytest.mark.parametrize("value", INVISIBLE)
def test_every_text_field_typed_and_shown_must_show_something(
    model: type[BaseModel], name: str, value: str
) -> None:
    reason = _reason(model, name, value)
    assert reason is not None, f"{model.__name__}.{name} took {value!r}"
    assert SHOWN in reason or "write the name in letters" in reason, reason


def test_text_that_shows_something_is_taken_as_typed() -> None:
    for value in ["Nurse", "-", "42", "\u200bWard 7", "£", "Ω"]:
        assert shows_something(value)
        assert visible_text(value) == value
    assert visible_text("") == ""  # left out: the field says whether it may be
    for value in INVISIBLE:
        assert not shows_something(value)


def test_an_invisible_billing_name_is_refused_on_the_billing_name() -> None:
    with pytest.raises(ValidationError) as refused:
        BillingDetails(
            billing_name="\u200b", billing_email="a@example.org", billing_address="1 Road"
        )
    assert [p["loc"] for p in refused.value.errors()] == [("billing_name",)]
