"""The console's *Correct the invoice* (a wrong billing name, address, PO or
email could only be voided, the place lost): the page with the billing details as the invoice
has them, to correct, saying what sending the corrected invoice does before the press
(``services.invoice_correction``), and the press, acting on what that page showed
(``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from booking.bootstrap import ports
from booking.domain.wording import money_words
from booking.handlers.console_app import form_seen, served
from booking.handlers.console_billing_form import (
    billing_confirmation,
    billing_page,
    billing_posted,
    billing_said_on_its_form,
    billing_typed_back,
    with_po_needed,
)
from booking.handlers.resolver import Response
from booking.services import invoice_correction
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail, application_detail

NOT_NOW = "this application has no open invoice to correct"
TEMPLATE = "correct_invoice_confirm.html"


def _lines(detail: ApplicationDetail) -> list[str]:
    """What sending the corrected invoice does, each in a line."""
    application = detail.application
    invoice = application.invoice
    assert invoice is not None  # only an open invoice is offered a correction
    amount = money_words(invoice.amount_due, invoice.currency)
    number = invoice.number or invoice.invoice_id
    lines = [
        f"Invoice {number} for {amount} is cancelled at Stripe (voided): it can no longer be paid.",
        f"A new invoice for the same amount, {amount}, due on the same day, is sent to the "
        "billing details below: Stripe emails it to the billing email.",
        "The place stays held for this booking until the new invoice is due.",
    ]
    if detail.address_suppressed:
        lines.append(
            "The person is not emailed: emails to their address bounced or were marked as spam."
        )
    else:
        answers = application.answers
        lines.append(
            f"{answers.name} ({answers.email}) is emailed that their employer has been sent "
            "the invoice."
        )
    billing = application.billing
    if billing is not None and billing.billing_email.lower() != application.answers.email.lower():
        lines.append(
            f"If you change the billing email, {billing.billing_email}, to whom invoice {number} "
            "was sent, is emailed that it was replaced and need not be paid."
        )
    lines.append(
        "If the employer pays the old invoice before this is done, nothing is changed and the "
        "payment confirms the booking."
    )
    return lines


@served("consoleCorrectInvoiceConfirmation")
def correct_confirmation(application_id: str) -> Response[str]:
    detail = application_detail(ports(), application_id)
    # The details as the invoice has them, to correct (none kept: nothing to correct).
    billing = detail.application.billing
    shown = billing.model_dump() if billing is not None else None
    return billing_confirmation(detail, "correct_invoice", TEMPLATE, shown, _lines, NOT_NOW)


def correct_invoice(application_id: str) -> Acted:
    """The page's *Yes, send the corrected invoice*: the details typed, acting on what the
    page showed. Details that are not ones come back on this page, each mistake beside its
    field, all at once, what was typed kept (nothing sent)."""
    seen = form_seen()
    with billing_said_on_its_form(application_id, _form_again):
        billing = billing_posted()
        return invoice_correction.correct_invoice(ports(), application_id, billing, seen=seen)


def _form_again(application_id: str, errors: dict[str, str]) -> str:
    """*Correct the invoice* again after its press was refused: ``errors`` beside their
    fields, the details as typed."""
    detail = application_detail(ports(), application_id)
    lines = _lines(detail) if detail.application.invoice is not None else []
    return billing_page(
        TEMPLATE, detail, lines, billing_typed_back(), with_po_needed(errors, detail)
    )
