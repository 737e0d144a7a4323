"""An application's invoice as its emails say it (``services.email_context``): number, page,
due day, amount, to whom it was sent and, once paid outside Stripe, when and how the payment
came (``domain.payment_received``); and what a group's billing contact's own message may say.
Pure: no ports, no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from booking.domain.application import Application
from booking.domain.emails import EmailJob
from booking.domain.payer import as_the_billing_contact_sees, to_billing_contact_alone
from booking.domain.payment_received import received_words
from booking.domain.wording import day_when, money_words

if TYPE_CHECKING:  # a group's models load with the groups' code
    from booking.domain.groups import GroupBooking


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


def group_payer_values(
    values: dict[str, Any], group: GroupBooking, job: EmailJob
) -> dict[str, Any]:
    """A group's billing contact's own message (``services.group_emails``): what any
    billing contact may see (``domain.payer.as_the_billing_contact_sees``), greeted by the
    billing name, the invoice's number as the booking's reference; one to the contact an
    invoice was corrected away from, by their name, with that invoice
    (``billing_alone_context``'s ``replaced``)."""
    invoice, billing = group.invoice, group.billing
    replaced = billing_alone_context(job, group.price.currency)["replaced"]
    return as_the_billing_contact_sees(
        {
            **values,
            "name": billing.billing_name if billing else group.organisation,
            "reference": invoice.number if invoice is not None and invoice.number else None,
            "replaced": replaced,
        }
        | ({"name": replaced["billing_name"]} if replaced else {})
    )
