"""The console's *Invoice the employer instead* (a person who chose to pay by
card, whose employer then says it will pay): the page asking for the billing details, saying
what sending the invoice does before the press (``services.invoice_instead``), and the press,
acting on what that page showed (``domain.page_seen``). Registered on the console's resolver."""

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
from booking.services import invoice_correction, invoice_instead
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail, application_detail

NOT_NOW = "this application has no card payment open to switch to an invoice"
TEMPLATE = "invoice_instead_confirm.html"


def _lines(detail: ApplicationDetail) -> list[str]:
    """What invoicing the employer instead does, each in a line."""
    application = detail.application
    definition = detail.course.definition
    price = application.price_or(definition.price)
    amount = money_words(application.amount_due(definition.price), price.currency)
    lines = [
        "The person's card checkout is closed at Stripe: it can no longer be paid.",
        f"An invoice for {amount}, the price this booking was accepted at, is sent to the "
        f"billing details below, due {definition.invoice_due_days} days from today (the "
        "course's invoice terms): Stripe emails it to the billing email.",
        "The place stays held for this booking until the invoice is due.",
    ]
    if detail.address_suppressed:
        lines.append(
            "The person is not emailed: emails to their address bounced or were marked as spam."
        )
    else:
        answers = application.answers
        lines.append(f"{answers.name} ({answers.email}) is emailed: their employer is invoiced.")
    lines.append(
        "If the person pays by card before this is done, their booking is confirmed by the "
        "card and no invoice is sent."
    )
    return lines


@served("consoleInvoiceInsteadConfirmation")
def invoice_instead_confirmation(application_id: str) -> Response[str]:
    detail = application_detail(ports(), application_id)
    # The details given with the application, if any, to start from; else a blank form.
    billing = detail.application.billing
    shown = (
        billing.model_dump()
        if billing is not None
        else dict.fromkeys(invoice_correction.BILLING_FIELDS, "")
    )
    return billing_confirmation(detail, "invoice_instead", TEMPLATE, shown, _lines, NOT_NOW)


def invoice_employer_instead(application_id: str) -> Acted:
    """The page's *Yes, invoice the employer*: the details typed, acting on what the page
    showed. Details that are not ones come back on this page, each mistake beside its field,
    all at once, what was typed kept (nothing sent)."""
    seen = form_seen()
    with billing_said_on_its_form(application_id, _form_again):
        billing = billing_posted()
        return invoice_instead.invoice_instead_of_card(ports(), application_id, billing, seen=seen)


def _form_again(application_id: str, errors: dict[str, str]) -> str:
    """*Invoice the employer instead* again after its press was refused: ``errors`` beside
    their fields, the details as typed."""
    detail = application_detail(ports(), application_id)
    errors = with_po_needed(errors, detail)
    return billing_page(TEMPLATE, detail, _lines(detail), billing_typed_back(), errors)
