"""The console's *Invoice the employer instead* (a person who chose to pay by
card, whose employer then says it will pay): the page asking for the billing details, saying
what sending the invoice does before the press (``services.invoice_instead``), and the press,
acting on what that page showed (``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.domain.page_seen import digest, invoice_due_facts
from booking.domain.time_words import day_when
from booking.domain.wording import money_words
from booking.handlers.console_billing_form import (
    BillingForm,
    billing_served,
)
from booking.services import invoice_correction, invoice_instead
from booking.services.console import ApplicationDetail


def _lines(detail: ApplicationDetail) -> list[str]:
    """What invoicing the employer instead does to the checkout and the place, each in a line."""
    application = detail.application
    definition = detail.course.definition
    price = application.price_or(definition.price)
    amount = money_words(application.amount_due(definition.price), price.currency)
    # The day the act's invoice falls due by the course's terms, read as the act reads it:
    # sooner than the terms' days on a course that starts within their reach.
    due = detail.invoice_due_now
    when = f"due on {day_when(due, definition.timezone)}" if due is not None else "due"
    return [
        "The person's card checkout is closed at Stripe: it can no longer be paid.",
        f"An invoice for {amount}, the price this booking was accepted at, is sent to the "
        f"billing details below, {when} (the course's invoice terms, before the course "
        "starts): Stripe emails it to the billing email.",
        "The place stays held for this booking until the invoice is due.",
    ]


def _seen(detail: ApplicationDetail) -> str:
    """The application and the day the page says the invoice falls due: the press acts only
    while both hold (``domain.invoice_instead``)."""
    facts = invoice_due_facts(detail.application, detail.invoice_due_now, ports().clock())
    return digest(facts)


def _as_given(detail: ApplicationDetail) -> dict[str, Any]:
    """The details given with the application, if any, to start from; else a blank form."""
    billing = detail.application.billing
    if billing is None:
        return dict.fromkeys(invoice_correction.BILLING_FIELDS, "")
    return billing.model_dump()


INSTEAD = BillingForm(
    act="invoice_instead",
    sends=invoice_instead.invoice_instead_of_card,
    template="invoice_instead_confirm.html",
    starts_with=_as_given,
    not_now="this application has no card payment open to switch to an invoice",
    lines=_lines,
    told="that their employer is invoiced",
    raced="If the person pays by card before this is done, their booking is confirmed by the "
    "card and no invoice is sent.",
    seen=_seen,
)


billing_served(INSTEAD, "consoleInvoiceInsteadConfirmation")
