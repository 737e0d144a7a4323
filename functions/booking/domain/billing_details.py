"""Who an employer's invoice goes to (the billing contact) and how a form chooses to pay: a
module of its own, below ``domain.invoice_voiding`` (a corrected invoice's mark names the
details it goes to) and ``domain.billing``, which re-exports it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from booking.domain.addresses import DeliverableEmail, read_back
from booking.domain.errors import InvalidInput
from booking.domain.model import Model
from booking.domain.statuses import ERASED, ERASED_EMAIL
from booking.domain.text import FREE_TEXT, ONE_LINE

MAX_PO_NUMBER = 40  # what finance systems print; Stripe's custom fields take up to 140
# Stripe's customer address takes two lines of at most 200 characters each: the invoice prints
# the address's first line as its line1 and the rest, joined by commas, as its line2.
MAX_ADDRESS_LINE = 200
ADDRESS_TOO_LONG = (
    f"the invoice prints at most {MAX_ADDRESS_LINE} characters on the address's first line "
    f"and {MAX_ADDRESS_LINE} on the lines after it together: shorten the address"
)


class PaymentMethod(StrEnum):
    CARD = "card"  # Stripe Checkout, now
    INVOICE = "invoice"  # an invoice to the employer, paid by its due date


class ChoosesHowToPay(Protocol):
    """A public form that chooses how to pay (the application form, a manager's booking)."""

    payment_method: PaymentMethod
    billing_name: str
    billing_email: str
    billing_address: str
    po_number: str


class BillingDetails(Model):
    """Where an employer's invoice goes: personal data of the billing contact, sent to Stripe
    only as the invoice's customer (and the PO as its custom field), never as metadata."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    billing_name: Annotated[str, Field(min_length=1, max_length=200), ONE_LINE] = Field(
        description="The organisation's legal name, as the invoice is addressed"
    )
    billing_email: DeliverableEmail = Field(description="Where the invoice is sent")
    billing_address: Annotated[str, Field(min_length=1, max_length=500), FREE_TEXT] = Field(
        description="The postal address for the invoice"
    )
    po_number: Annotated[str, Field(max_length=MAX_PO_NUMBER), ONE_LINE] = Field(
        default="", description="Purchase order number, printed on the invoice"
    )

    @field_validator("billing_address")
    @classmethod
    def _fits_the_invoice(cls, value: str, info: ValidationInfo) -> str:
        """An address Stripe can print whole: a longer first line was refused
        by Stripe only once the old invoice of a correction was void (the booking left with
        no invoice to pay, the organiser told to try again later), and the lines after it
        were cut at the 200th character on the invoice, unsaid. What was stored is read back
        as it is."""
        if read_back(info):
            return value
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        first, rest = (lines[0], lines[1:]) if lines else ("", [])
        if len(first) > MAX_ADDRESS_LINE or len(", ".join(rest)) > MAX_ADDRESS_LINE:
            raise ValueError(ADDRESS_TOO_LONG)
        return value

    @classmethod
    def chosen_on(cls, form: ChoosesHowToPay) -> BillingDetails | None:
        """The billing contact a form gives for an invoice (pydantic's ValidationError when it
        is not one); None when the form pays by card."""
        if form.payment_method is not PaymentMethod.INVOICE:
            return None
        return cls(
            billing_name=form.billing_name,
            billing_email=form.billing_email,
            billing_address=form.billing_address,
            po_number=form.po_number,
        )

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.billing_address.splitlines() if line.strip()]

    def prints_as(self, other: BillingDetails | None) -> bool:
        """Whether ``other`` addresses an invoice as these do: the same name, email, PO and
        address lines, however the lines were broken or spaced (a browser posts a
        textarea's breaks as CRLF, so an unchanged address typed as LF read as a change, and a
        correction pressed with nothing changed voided the invoice and sent it again)."""
        return other is not None and (
            (other.billing_name, other.billing_email, other.po_number, other.address_lines())
            == (self.billing_name, self.billing_email, self.po_number, self.address_lines())
        )

    def erased(self) -> BillingDetails:
        """The billing contact blanked (erasure): nothing of them kept."""
        return self.model_copy(
            update={
                "billing_name": ERASED,
                "billing_email": ERASED_EMAIL,
                "billing_address": ERASED,
                "po_number": "",
            }
        )


def refuse_without_po(po_required: bool, billing: BillingDetails, heading: str, words: str) -> None:
    """A course that asks for a purchase order number takes no billing details without one:
    422 on ``po_number`` (``heading``, ``words``: the refusal as its form says it). One rule
    for the application's invoice, a corrected invoice and an invoice instead of the card."""
    if po_required and not billing.po_number:
        raise InvalidInput(heading, {"po_number": words})
