"""The application form, as posted, and the answers it keeps: the fields every public form shares
(a checkbox, the honeypot, the choice of how to pay) and the length of each field's text.
``booking.domain.application`` re-exports every name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from booking.domain.addresses import DeliverableEmail
from booking.domain.billing import (
    MAX_PO_NUMBER,
    BillingDetails,
    PaymentMethod,
)
from booking.domain.errors import InvalidInput
from booking.domain.form_text import TICKED_IN_A_FORM, FormText
from booking.domain.model import Model
from booking.domain.statuses import ERASED, ERASED_EMAIL
from booking.domain.text import FREE_TEXT, NAME_LINE, ONE_LINE

# One line (names), or free text with line breaks (answers): never a control or bidirectional
# character (``domain.text``).
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), ONE_LINE
]
# A person's name: one line with a letter that shows (``domain.text.shows_a_letter``).
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NAME_LINE
]
# The longest free text a person writes: an answer, a decline message to an applicant.
LONG_TEXT_MAX_LENGTH = 4000
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_TEXT_MAX_LENGTH),
    FREE_TEXT,
]
OptionalLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=LONG_TEXT_MAX_LENGTH), FREE_TEXT
]
# Optional text a page shows (a course's overview, a facilitator's bio): left out, null or ""
# (as stored) is none; given, it must show, so an NBSP alone is refused by the field's name as
# a course's organisation is, never dropped in silence.
ShownOrNone = Annotated[
    LongText | None, BeforeValidator(lambda value: None if value == "" else value)
]


def _ticked(value: Any) -> Any:
    # CONTRACT: consent "must be true", and the HTML form posts the same names. So: JSON's true
    # (the boolean, never the string "true"), or a form's ticked box (``TICKED_IN_A_FORM``).
    # Anything else is unticked, and refused where a tick is required, never guessed.
    if isinstance(value, FormText):
        return str(value) in TICKED_IN_A_FORM
    return value is True


# A box posted with any other value is neither ticked nor left unticked (a browser leaves an
# unticked box out): it is refused in these words, never read as unticked.
NEITHER_TICKED_NOR_NOT = "tick the box (on, true or True) or leave it out: {value!r} is neither"


def box_ticked(posted: Mapping[str, Any], name: str) -> bool:
    """A form's checkbox (a form's fields as posted, ``handlers.http.read_body``): ticked
    (``TICKED_IN_A_FORM``) or left out (unticked). Any other value is refused: InvalidInput
    naming the box, nothing read as unticked. One rule for every form's box."""
    if name not in posted:
        return False
    value = str(posted[name])
    if value in TICKED_IN_A_FORM:
        return True
    raise InvalidInput(
        f"the {name} box needs attention",
        {name: NEITHER_TICKED_NOR_NOT.format(value=value[:20])},
    )


def consent_given(value: bool, refusal: str) -> bool:
    """A consent box counts only ticked: anything else is refused, in the form's own words."""
    if value is not True:
        raise ValueError(refusal)
    return value


def _left_empty(value: str) -> str:
    # Humans never see this field; bots fill every field they find.
    if value:
        raise ValueError("this field must be left empty")
    return value


def _blank_is_card(value: Any) -> Any:
    # A form without the choice (a course paid by card only) posts nothing, or "".
    return PaymentMethod.CARD if value in (None, "") else value


# The form fields every public form shares (the application form, a manager's booking form).
Checkbox = Annotated[bool, BeforeValidator(_ticked)]
Honeypot = Annotated[str, AfterValidator(_left_empty)]
PaymentChoice = Annotated[PaymentMethod, BeforeValidator(_blank_is_card)]


class PlaceApplicationForm(Model):
    """The application form's answers, without its payment fields: a colleague's own
    application for a place of a group booking, which the group pays (``ApplicationForm``
    adds what one person's booking pays with)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: PersonName
    email: DeliverableEmail
    job_title: ShortText
    organisation: ShortText
    leadership_role: LongText = Field(description="What the applicant leads")
    motivation: LongText = Field(description="Why they apply")
    accessibility_needs: OptionalLongText = ""
    consent: Checkbox = Field(
        description="Must be true: consent to store and share with facilitators"
    )
    website: Honeypot = Field(default="", max_length=200, description="Honeypot: leave empty")

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        return consent_given(value, "please confirm you agree to how we use your answers")

    def answers(self) -> Answers:
        return Answers(**self.model_dump(include=set(Answers.model_fields)))


class ApplicationForm(PlaceApplicationForm):
    """The application form, as posted by the browser (form-encoded) or by an API client (JSON)."""

    payment_method: PaymentChoice = Field(
        default=PaymentMethod.CARD,
        description="card (Stripe Checkout now) or invoice (to the employer, on courses that "
        "allow it)",
    )
    billing_name: str = Field(default="", max_length=200, description="Invoices: legal name")
    billing_email: str = Field(default="", max_length=254, description="Invoices: sent here")
    billing_address: str = Field(default="", max_length=500, description="Invoices: address")
    po_number: str = Field(
        default="", max_length=MAX_PO_NUMBER, description="Invoices: purchase order number"
    )
    discount_code: Annotated[str, Field(max_length=40), ONE_LINE] = Field(
        default="", description="A discount code, if any"
    )

    def billing(self) -> BillingDetails | None:
        """The billing contact for an invoice (InvalidInput-style errors as ValueError from
        pydantic); None when paying by card."""
        return BillingDetails.chosen_on(self)


# The fields one person's booking pays with, which a place of a group booking (paid by the
# group) does not take: each is refused by its name, never dropped in silence.
PAYMENT_FIELDS = tuple(
    name for name in ApplicationForm.model_fields if name not in PlaceApplicationForm.model_fields
)
PAID_BY_THE_GROUP = (
    "this place is paid for by the group booking, so it takes no {what}: leave it out"
)
WHAT_A_PAYMENT_FIELD_IS = {
    "payment_method": "payment method",
    "discount_code": "discount code",
    "billing_name": "billing details",
    "billing_email": "billing details",
    "billing_address": "billing details",
    "po_number": "purchase order number",
}


def refuse_payment_fields(payload: Mapping[str, Any]) -> None:
    """A colleague's own application for a group's place with any of ``PAYMENT_FIELDS`` given
    (a discount code, a payment method, billing details) is refused naming each, in words:
    the group paid for the place, so none would be read (as a code sent with a group booking
    is refused). A form's field left blank is no field given."""
    given = [name for name in PAYMENT_FIELDS if str(payload.get(name) or "").strip()]
    if given:
        raise InvalidInput(
            "some fields need attention",
            {
                name: PAID_BY_THE_GROUP.format(what=WHAT_A_PAYMENT_FIELD_IS.get(name, name))
                for name in given
            },
        )


class Answers(Model):
    """What the applicant told us: personal data, never logged, never sent to Stripe."""

    model_config = ConfigDict(frozen=True)

    name: str
    email: str
    job_title: str
    organisation: str
    leadership_role: str
    motivation: str
    accessibility_needs: str = ""


# What erasure leaves of the answers: every one replaced (an answer the form gains later is
# too, without anyone remembering to), the email by an address nothing is sent to, and no
# accessibility needs.
ERASED_ANSWERS = Answers.model_validate(
    {
        **dict.fromkeys(Answers.model_fields, ERASED),
        "email": ERASED_EMAIL,
        "accessibility_needs": "",
    }
)


def answer_limits() -> dict[str, int]:
    """Each form field's maximum length, read from :class:`ApplicationForm` itself, so the HTML
    form's ``maxlength`` and its error messages can never disagree with the validation."""
    limits: dict[str, int] = {}
    for name, info in ApplicationForm.model_fields.items():
        for constraint in info.metadata:
            maximum = getattr(constraint, "max_length", None)
            if isinstance(maximum, int):
                limits[name] = min(limits.get(name, maximum), maximum)
    return limits
