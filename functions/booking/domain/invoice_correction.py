"""An organiser corrects an employer's invoice: the billing name, address,
purchase-order number or email were wrong on the invoice sent. The billing details are replaced
and a new invoice for the same amount, due on the same day, is sent to them; the place stays
held; the old invoice is voided at Stripe in the same act.

The decision is the one money path's (``domain.settlement``), as a bursary that replaces an
invoice is: the new invoice is asked for before the save and recorded by it
(``IssueInvoice``: its id kept in ``invoices_issued``, so it is believed for this application
only); the old one is voided at Stripe first, marked for this act
(``VoidingFor.corrected``), so a payment of the old invoice that got there first has the void
refused and the correction with it (the payment kept, its event confirming the booking), and a
correction left half done is completed by the sweep (``services.invoice_void_sweep``).
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain import page_seen as shown
from booking.domain.application import Application
from booking.domain.billing_details import BillingDetails
from booking.domain.commands import IssueInvoice, Refusal, Settlement, Situation, VoidInvoice
from booking.domain.former_contacts import kept_when_corrected
from booking.domain.lasting_refusals import TOO_LATE_FOR_INVOICE
from booking.domain.payer import replaced_invoice_notice

CORRECT_AGAIN = "look at it again before correcting its invoice"
NO_OPEN_INVOICE = Refusal(
    "no_open_invoice",
    "this application has no open invoice to correct (paid, voided or never sent): nothing "
    "was changed",
)
DUE_TODAY = Refusal(
    TOO_LATE_FOR_INVOICE,
    "the invoice falls due today, too late for a corrected one; void it and ask for payment "
    "by card instead",
)


@dataclass(frozen=True)
class InvoiceCorrected:
    """An organiser sends the open invoice again to ``billing`` (corrected details), for the
    same amount, having seen the application as ``seen`` (``domain.page_seen``; None: not
    known): anything changed since the page is refused, not laid over it."""

    billing: BillingDetails
    seen: shown.Seen | None = None
    # The corrected invoice a stopped try of this correction sent is paid, or being paid by a
    # bank debit, as read at Stripe (only past the due time:
    # ``provider_objects.sent_earlier_may_be_paid``): it is recorded as the booking's, nothing
    # new made, so the due time refuses nothing.
    sent_earlier_paid: bool = False


def correct_invoice(
    application: Application, fact: InvoiceCorrected, situation: Situation
) -> Settlement:
    """The open invoice replaced by one to ``fact.billing``: same amount (what is owed is
    unchanged), same due day (a correction gives no more time), place held."""
    invoice = application.invoice
    if invoice is not None and fact.billing.prints_as(application.billing):
        # The same correction again (a form sent twice, the sweep after the organiser's
        # retry), or details the invoice carries already: nothing to send.
        return Settlement("ignore", "corrected already")
    if invoice is None or not application.has_open_invoice():
        return Settlement("refused", NO_OPEN_INVOICE.code, refusal=NO_OPEN_INVOICE)
    currency = situation.course_price.currency
    changed = shown.seen_refusal(fact.seen, application, currency, CORRECT_AGAIN, now=situation.now)
    if changed is not None:
        return Settlement("refused", changed.code, refusal=changed)
    if invoice.due_at <= situation.now and not fact.sent_earlier_paid:
        return Settlement("refused", DUE_TODAY.code, refusal=DUE_TODAY)
    # The contact the old invoice went to, when it is another, stays named (their customer
    # at Stripe holds them): found and erased by the people routes.
    former = kept_when_corrected(
        application.former_billing, application.billing, invoice.invoice_id, fact.billing
    )
    corrected = application.model_copy(
        update={
            "billing": fact.billing,
            "invoice": None,
            "updated_at": situation.now,
            "former_billing": former,
        }
    )
    # The contact the old invoice went to, when it is another, is told it was replaced.
    if (told := replaced_invoice_notice(application, fact.billing)) is not None:
        corrected = corrected.with_emails(told)
    return Settlement(
        "invoice_corrected",
        "invoice_replaced",
        corrected,
        # Its id recorded while a draft, before Stripe sends it (as an invoice instead's): a
        # correction stopped after that is found by it (its void before another is sent,
        # its contact's erasure: ``services.invoice_issue``, ``services.marked_contacts``).
        before_save=(
            IssueInvoice(invoice.due_at, application.invoice_attempts + 1, recorded_first=True),
        ),
        after_save=(VoidInvoice(invoice.invoice_id),),
    )
