"""The console's *Correct the invoice* (a wrong billing name, address, PO or
email could only be voided, the place lost): the page with the billing details as the invoice
has them, to correct, saying what sending the corrected invoice does before the press
(``services.invoice_correction``), and the press, acting on what that page showed
(``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from booking.bootstrap import ports
from booking.domain.billing_details import BillingDetails
from booking.domain.errors import InvalidInput
from booking.domain.wording import money_words
from booking.handlers import console_application as application_pages
from booking.handlers.console_app import chrome, form_seen, html_page, posted_form, served
from booking.handlers.console_pages import render_confirmation
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import invoice_correction
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail, application_detail

NOT_NOW = "this application has no open invoice to correct"


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
    lines.append(
        "If the employer pays the old invoice before this is done, nothing is changed and the "
        "payment confirms the booking."
    )
    return lines


@served("consoleCorrectInvoiceConfirmation")
def correct_confirmation(application_id: str) -> Response[str]:
    detail = application_detail(ports(), application_id)
    billing = detail.application.billing
    if "correct_invoice" not in detail.actions or billing is None:
        page = application_pages.application_page(chrome(), detail, problem=sentence(NOT_NOW))
        return html_page(409, page)
    page = render_confirmation(
        "correct_invoice_confirm.html",
        chrome(),
        detail,
        lines=_lines(detail),
        # What the press then acts on, or refuses (``domain.page_seen``).
        seen=detail.seen,
        billing=billing.model_dump(),
    )
    return html_page(200, page)


def correct_invoice(application_id: str) -> Acted:
    """The page's *Yes, send the corrected invoice*: the details typed, acting on what the
    page showed. A detail that is not one is said in one sentence above the application's
    page (nothing sent), with the way back to the correction."""
    seen = form_seen()
    billing = billing_posted("Open Correct the invoice again to change the details")
    return invoice_correction.correct_invoice(ports(), application_id, billing, seen=seen)


def billing_posted(way_back: str) -> BillingDetails:
    """The billing details the console's form posted (a corrected invoice, an invoice instead
    of the card); a detail that is not one is said in one sentence, nothing sent, with
    ``way_back`` to the form."""
    posted = posted_form()
    try:
        return invoice_correction.billing_typed(
            {name: posted.get(name) for name in invoice_correction.BILLING_FIELDS}
        )
    except InvalidInput as refused:
        why = "; ".join(refused.fields.values())
        raise InvalidInput(f"nothing was sent: {why}. {way_back}") from None
