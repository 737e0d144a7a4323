"""The console's *Record a payment received* (organiser22 F15: an invoice paid by bank transfer
could be marked paid only on Stripe's dashboard): the page that says what recording it does,
in words and pounds, before the press (``services.paid_off_stripe``), and the press, acting on
what that page showed (``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from booking.bootstrap import ports
from booking.handlers import console_application as application_pages
from booking.handlers.console_app import chrome, form_seen, html_page, served
from booking.handlers.console_pages import (
    invoice_named,
    lines_confirmation,
    marked_paid_off_stripe,
    told_lines,
)
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import paid_off_stripe
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail
from booking.services.paid_off_stripe import NO_PLACE_FOR_IT, RecordPreview


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
    lines.append(
        f"Stripe then holds no payment for this booking: if it is cancelled later, the {amount} "
        "cannot be refunded through Stripe or from here. It is given back by hand, the way it "
        "came (a bank transfer to the employer, say)."
    )
    return lines


@served("consoleRecordPaymentConfirmation")
def record_confirmation(application_id: str) -> Response[str]:
    detail, preview = paid_off_stripe.record_confirmation(ports(), application_id)
    if "record_payment" not in detail.actions or not preview.confirms:
        why = (
            NO_PLACE_FOR_IT
            if "record_payment" in detail.actions
            else "this application has no open invoice to record a payment for"
        )
        page = application_pages.application_page(chrome(), detail, problem=sentence(why))
        return html_page(409, page)
    lines = _lines(detail, preview)
    return html_page(
        200, lines_confirmation("record_payment_confirm.html", chrome(), detail, lines)
    )


def record_payment(application_id: str) -> Acted:
    """The confirmation's *Yes, record the payment*, acting on what its page showed."""
    return paid_off_stripe.record_payment(ports(), application_id, form_seen())
