"""An application's invoice as its emails say it (``services.email_context``): number, page,
due day, amount, to whom it was sent and, once paid outside Stripe, when and how the payment
came (``domain.payment_received``). Pure: no ports, no I/O."""

from __future__ import annotations

from typing import Any

from booking.domain.application import Application
from booking.domain.emails import EmailJob
from booking.domain.payer import to_billing_contact_alone
from booking.domain.payment_received import received_words
from booking.domain.wording import day_when, money_words


def invoice_view(application: Application, timezone: str) -> dict[str, Any] | None:
    invoice, billing = application.invoice, application.billing
    if invoice is None:
        return None
    return {
        "number": invoice.number or invoice.invoice_id,
        "url": invoice.url,
        "due": day_when(invoice.due_at, timezone),
        "amount": money_words(invoice.amount_due, invoice.currency)
        if invoice.amount_due
        else "nothing",
        "billing_name": billing.billing_name if billing else "",
        "billing_email": billing.billing_email if billing else "",
        "po_number": billing.po_number if billing else "",
        "received": received_words(invoice.received),  # paid outside Stripe: when, how
    }


def billing_alone_context(job: EmailJob, currency: str) -> dict[str, Any]:
    """Whether the message is written to the billing contact alone
    (``domain.payer.to_billing_contact_alone``), and, for the one telling a billing contact
    their invoice was replaced by a corrected one (``EmailJob.replaced_billing``), that invoice
    and whom it was sent to (None for every other message)."""
    replaced = job.replaced_billing
    return {
        "billing_alone": to_billing_contact_alone(job),
        "replaced": None
        if replaced is None
        else {
            "number": replaced.invoice_number,
            "billing_name": replaced.billing_name,
            "amount": money_words(job.amount or 0, currency),
        },
    }
