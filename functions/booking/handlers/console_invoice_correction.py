"""The console's *Correct the invoice* (a wrong billing name, address, PO or
email could only be voided, the place lost): the page with the billing details as the invoice
has them, to correct, saying what sending the corrected invoice does before the press
(``services.invoice_correction``), and the press, acting on what that page showed
(``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from typing import Any

from booking.domain.wording import money_words
from booking.handlers.console_billing_form import (
    BillingForm,
    billing_served,
    old_contact_told,
)
from booking.handlers.console_pages import voided_at_stripe
from booking.services import invoice_correction
from booking.services.console import ApplicationDetail


def _lines(detail: ApplicationDetail) -> list[str]:
    """What sending the corrected invoice does to the invoice and the place, each in a line;
    none when the invoice has gone (the form again after a refusal)."""
    invoice = detail.application.invoice
    if invoice is None:
        return []
    amount = money_words(invoice.amount_due, invoice.currency)
    return [
        voided_at_stripe(invoice),
        f"A new invoice for the same amount, {amount}, due on the same day, is sent to the "
        "billing details below: Stripe emails it to the billing email.",
        "The place stays held for this booking until the new invoice is due.",
    ]


def _old_billing_email_told(detail: ApplicationDetail) -> list[str]:
    """The billing email the invoice was sent to, when it is not the person's: told that it
    was replaced, if the correction changes it."""
    application = detail.application
    billing, invoice = application.billing, application.invoice
    if billing is None or invoice is None:
        return []
    if billing.billing_email.lower() == application.answers.email.lower():
        return []
    return [old_contact_told(billing.billing_email, invoice)]


def _as_invoiced(detail: ApplicationDetail) -> dict[str, Any] | None:
    """The details as the invoice has them, to correct (none kept: nothing to correct)."""
    billing = detail.application.billing
    return billing.model_dump() if billing is not None else None


CORRECTION = BillingForm(
    act="correct_invoice",
    sends=invoice_correction.correct_invoice,
    template="correct_invoice_confirm.html",
    starts_with=_as_invoiced,
    not_now="this application has no open invoice to correct",
    lines=_lines,
    told="that their employer has been sent the invoice",
    also_told=_old_billing_email_told,
    raced="If the employer pays the old invoice before this is done, nothing is changed and "
    "the payment confirms the booking.",
)


billing_served(CORRECTION, "consoleCorrectInvoiceConfirmation")
