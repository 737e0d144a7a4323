"""A manager's booking as posted: the colleagues named, the manager, how the group pays
(``domain.groups`` holds what the booking then is and its rules)."""

from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from booking.domain.addresses import DeliverableEmail
from booking.domain.application import (
    Checkbox,
    Honeypot,
    PaymentChoice,
    PersonName,
    ShortText,
)
from booking.domain.application_form import consent_given
from booking.domain.billing import MAX_PO_NUMBER, BillingDetails, PaymentMethod
from booking.domain.model import Model
from booking.domain.text import ONE_LINE
from booking.domain.validation import counted, counted_schema

# A group is a handful of colleagues; a whole cohort is booked by its own applications.
MIN_PLACES = 1
MAX_PLACES = 12

NO_CODE_ON_A_GROUP = (
    "discount codes apply to one person's booking, not to a group booking: leave the code out"
)


class Colleague(Model):
    """A colleague a place is for: personal data, never logged, never sent to Stripe."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    name: PersonName
    email: DeliverableEmail


# What the manager confirms by ticking the box, naming colleagues: when they book (the booking
# form) and when they send someone else instead (a substitution). One rule, one refusal.
NAMED_WITH_CONSENT = (
    "please confirm your colleagues know you are giving us their names and email addresses to "
    "book and email them"
)


class Substitute(Model):
    """Who takes a place instead (a substitution), as posted (JSON, or the manager's page's
    form): the colleague, and the manager's confirmation that they know their details are given
    to us, as the booking form asks it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: PersonName
    email: DeliverableEmail
    # Left out, it is refused in the same words as unticked (validated as False).
    consent: Checkbox = Field(
        default=False,
        validate_default=True,
        description="Must be true: the manager confirms the colleague named knows their name "
        "and email address are given to us to book their place and email them about it",
    )

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        return consent_given(value, NAMED_WITH_CONSENT)

    def colleague(self) -> Colleague:
        return Colleague(name=self.name, email=self.email)


class GroupForm(Model):
    """The manager's booking, as posted (JSON, or the form's fields gathered into a list)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    manager_name: PersonName
    manager_email: DeliverableEmail
    organisation: ShortText
    colleagues: Annotated[
        list[Colleague],
        counted(
            MIN_PLACES,
            MAX_PLACES,
            "name at least one colleague",
            f"name at most {MAX_PLACES} colleagues: a larger group's people apply themselves",
        ),
    ] = Field(json_schema_extra=counted_schema(MIN_PLACES, MAX_PLACES))
    consent: Checkbox = Field(
        description="Must be true: the manager confirms each colleague named knows their name "
        "and email address are given to us to book their place and email them about it"
    )
    website: Honeypot = Field(default="", max_length=200, description="Honeypot: leave empty")
    payment_method: PaymentChoice = PaymentMethod.CARD
    billing_name: str = Field(default="", max_length=200)
    billing_email: str = Field(default="", max_length=254)
    billing_address: str = Field(default="", max_length=500)
    po_number: Annotated[str, StringConstraints(max_length=MAX_PO_NUMBER), ONE_LINE] = ""
    # Codes are for one person's booking: a manager who sends one is told so, never charged
    # the full price without a word.
    discount_code: str | None = Field(
        default=None,
        max_length=64,
        description="Not taken here: discount codes apply to one person's booking, so a "
        "code given on a group booking is refused (422 on `discount_code`); leave it out",
    )

    @model_validator(mode="before")
    @classmethod
    def _rows_of_the_form(cls, data: Any) -> Any:
        # The HTML form posts a row per colleague (``colleague_name_1``, ``colleague_email_1``,
        # ...); rows left blank are rows not used.
        if not isinstance(data, dict) or "colleagues" in data:
            return data
        rows = []
        for n in range(1, MAX_PLACES + 1):
            name = str(data.get(f"colleague_name_{n}", "")).strip()
            email = str(data.get(f"colleague_email_{n}", "")).strip()
            if name or email:
                rows.append({"name": name, "email": email})
        return {**data, "colleagues": rows}

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        return consent_given(value, NAMED_WITH_CONSENT)

    @field_validator("discount_code")
    @classmethod
    def _no_code(cls, value: str | None) -> None:
        if value:
            raise ValueError(NO_CODE_ON_A_GROUP)
        return None

    @field_validator("colleagues")
    @classmethod
    def _each_once(cls, value: list[Colleague]) -> list[Colleague]:
        addresses = [colleague.email.lower() for colleague in value]
        if len(set(addresses)) != len(addresses):
            raise ValueError("each colleague needs their own email address")
        return value

    def billing(self) -> BillingDetails | None:
        return BillingDetails.chosen_on(self)
