"""Who an employer's invoice goes to (the billing contact) and how a form chooses to pay: a
module of its own, below ``domain.invoice_voiding`` (a corrected invoice's mark names the
details it goes to) and ``domain.billing``, which re-exports it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import ConfigDict, Field

from booking.domain.addresses import DeliverableEmail
from booking.domain.model import Model
from booking.domain.statuses import ERASED, ERASED_EMAIL
from booking.domain.text import FREE_TEXT, ONE_LINE

MAX_PO_NUMBER = 40  # what finance systems print; Stripe's custom fields take up to 140


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
        address lines, however the lines were broken or spaced (hostile39 F1: a browser posts a
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
