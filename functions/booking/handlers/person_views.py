"""The organiser API's export of one person (``GET /admin/people/{email}``): everything held
about them, for the handler and the OpenAPI document (beside ``admin_views``, loaded with it)."""

from __future__ import annotations

from pydantic import Field

from booking.domain.model import Model
from booking.handlers.admin_views import AnswersOut
from booking.handlers.views import PrintedName


class BillingOut(Model):
    billing_name: str
    billing_email: str
    billing_address: str
    po_number: str | None = None


class PersonInvoiceOut(Model):
    invoice_id: str
    number: str | None = None
    status: str
    due_at: str
    amount_due: int


class DisputeOut(Model):
    """A payer's bank's dispute (chargeback) of a payment, as Stripe told it."""

    dispute_id: str
    status: str = Field(
        description="Stripe's: needs_response, under_review, won, lost, ...; an inquiry "
        "(warning_needs_response, warning_under_review, warning_closed) takes nothing"
    )
    reason: str = Field(description="Stripe's reason code, e.g. fraudulent")
    amount: int = Field(description="What was disputed (minor units)")
    currency: str
    withdrawn: int = Field(description="What it took from Stripe's balance and did not give back")
    fee: int = Field(
        default=0, description="Stripe's dispute fee, as its balance transactions gave it"
    )
    opened_at: str | None = None
    evidence_due_by: str | None = None


class GivenBackByHandOut(Model):
    amount: int = Field(description="Pence given back")
    given_on: str = Field(description="The day it was given back (YYYY-MM-DD)")
    method: str = Field(description="bank_transfer, cheque, cash or other")
    recorded_at: str = Field(description="When it was recorded")


class PersonApplicationOut(Model):
    application_id: str
    reference: str | None = None
    course_id: str
    status: str
    created_at: str
    answers: AnswersOut
    payment_method: str = Field(description="card or invoice")
    billing: BillingOut | None = Field(
        default=None, description="The employer's billing contact, for an invoice"
    )
    invoice: PersonInvoiceOut | None = None
    discount_code: str | None = None
    bursary: int = 0
    amount_paid: int
    amount_refunded: int = Field(
        description="Refunds through Stripe and money given back by hand, in pence"
    )
    given_back_by_hand: list[GivenBackByHandOut] = Field(
        default_factory=list,
        description="Money paid outside Stripe recorded as given back by hand, oldest first",
    )
    amount_disputed: int = Field(
        default=0, description="What payers' banks took back in disputes and did not give back"
    )
    disputes: list[DisputeOut] = Field(default_factory=list)
    attendance: dict[str, str] = Field(
        default_factory=dict, description="The register's marks, by core session key"
    )
    completed: bool | None = Field(
        default=None, description="Whether the closed register says the course was completed"
    )
    certificate_code: str | None = Field(
        default=None, description="The code of the certificate of completion it was given"
    )
    certificate_url: str | None = Field(
        default=None, description="Where the certificate is shown to be genuine"
    )
    certificate_printed_name: PrintedName = None


class BilledApplicationOut(Model):
    application_id: str
    reference: str | None = None
    course_id: str
    as_: str = Field(alias="as", description="billing contact")
    billing: BillingOut | None = None
    invoice: PersonInvoiceOut | None = None
    replaced_invoice: str | None = Field(
        default=None,
        description="For a billing contact the application's invoice was corrected away from "
        "(no longer its contact): the id of the invoice that went to them, whose customer at "
        "Stripe holds them (`invoice` is then null: the current one is another's)",
    )


class PersonExport(Model):
    """Everything held about one person (``GET /admin/people/{email}``)."""

    email: str
    applications: list[PersonApplicationOut]
    group_bookings: list[dict[str, str]] = Field(
        default_factory=list,
        description="Places booked by a manager that name this person: as the manager, the "
        "billing contact, or the colleague on a place (group id, course, as, name, organisation; "
        "for the manager and the billing contact, `given_back_by_hand`: the group's money owed "
        "back by hand recorded as given back, in words, when any was; for a billing contact the "
        "group's invoice was corrected away from, `replaced_invoice`: the id of the invoice that "
        "went to them, whose customer at Stripe holds them, in place of it; `payment`: "
        "`bank_debit_being_confirmed` while its card checkout is paid by a bank debit its bank "
        "is still confirming, which an erasure leaves standing)",
    )
    billing_contact_for: list[BilledApplicationOut] = Field(
        default_factory=list,
        description="Others' applications whose invoice is addressed to this person (the "
        "billing contact): the billing details and the invoice, never the applicant's answers",
    )
