"""The console's *Record a payment received* (an invoice paid by bank transfer
could be marked paid only on Stripe's dashboard): the page that says what recording it does,
in words and pounds, before the press (``services.paid_off_stripe``), and the press, acting on
what that page showed (``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.domain.billing import InvoiceRef
from booking.domain.payment_received import FIELDS, HOW_CHOICES, PaymentReceived, received_from
from booking.domain.wording import money_words
from booking.handlers import console_application as application_pages
from booking.handlers.console_app import (
    form_again_on,
    form_confirmation,
    form_seen,
    posted_form,
    served,
)
from booking.handlers.console_pages import (
    invoice_named,
    marked_paid_off_stripe,
    told_lines,
)
from booking.handlers.resolver import Response
from booking.services import paid_off_stripe
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail
from booking.services.paid_off_stripe import NO_PLACE_FOR_IT, RecordPreview

# The fields' labels, as the confirmation shows them (its summary of mistakes links each).
LABELS = {
    "received_on": "Day it arrived",
    "method": "How it was paid",
    "reference": "The bank's reference",
}


def _lines(detail: ApplicationDetail, preview: RecordPreview) -> list[str]:
    """What recording the payment does, each in a line, as its own decision says."""
    application = detail.application
    invoice = application.invoice
    assert invoice is not None  # only an open invoice is offered it
    _, amount = invoice_named(invoice)
    lines = [marked_paid_off_stripe(invoice)]
    lines.append("The booking is confirmed, and keeps the place it holds.")
    told = "their booking confirmation, with a calendar file"
    lines += told_lines(detail, preview.person_emailed, preview.billing_contact, told)
    if preview.acknowledged == application.answers.email and not detail.address_suppressed:
        lines.append("They are also emailed that the payment was received.")
    elif preview.acknowledged is not None and preview.acknowledged != application.answers.email:
        lines.append(
            f"The billing contact ({preview.acknowledged}) is emailed that the payment was "
            "received, with the day and the way given below."
        )
    lines.append(
        f"Stripe then holds no payment for this booking: if it is cancelled later, the {amount} "
        "cannot be refunded through Stripe or from here. It is given back by hand, the way it "
        "came (a bank transfer to the employer, say)."
    )
    return lines


@served("consoleRecordPaymentConfirmation")
def record_confirmation(application_id: str) -> Response[str]:
    return _confirmation(application_id)


def _confirmation(
    application_id: str,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response[str]:
    """The page asking to confirm: what recording does, and the fields of how the payment came
    (``errors`` beside those a press got wrong, ``typed`` kept in them; 422 then)."""
    detail, preview = paid_off_stripe.record_confirmation(ports(), application_id)
    if "record_payment" not in detail.actions or not preview.confirms:
        why = (
            NO_PLACE_FOR_IT
            if "record_payment" in detail.actions
            else "this application has no open invoice to record a payment for"
        )
        return application_pages.not_now(detail, why)
    form = received_form(detail.application.invoice, errors, typed)
    return form_confirmation("record_payment_confirm.html", detail, _lines(detail, preview), form)


def record_payment(application_id: str) -> Acted:
    """The confirmation's *Yes, record the payment*, acting on what its page showed, with what
    it said of how the payment came."""
    seen = form_seen()
    return paid_off_stripe.record_payment(ports(), application_id, seen, received_typed())


# A mistake in how the payment came (a day in the future, say), said on the confirmation again
# beside its field, all at once, with what was typed kept: nothing was recorded.
form_again = form_again_on(_confirmation, FIELDS)


def received_form(
    invoice: InvoiceRef | None,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What a confirmation's fields of how the payment came need: the invoice's whole amount
    (the one recorded), the ways it may have come, and any mistakes a press made in them,
    beside each (``errors``), with what was typed (``typed``)."""
    amount = money_words(invoice.amount_due, invoice.currency) if invoice is not None else ""
    return {
        "amount": amount,
        "how_choices": list(HOW_CHOICES),
        "errors": errors or {},
        "values": typed or dict.fromkeys(FIELDS, ""),
        "labels": LABELS,
    }


def received_typed() -> PaymentReceived:
    """What the confirmation's form says of how the payment came (blank: not said)."""
    posted = posted_form()
    return received_from({name: posted.get(name) for name in FIELDS})
