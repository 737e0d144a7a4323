"""The console's *Correct the invoice* (a wrong billing name, address, PO or
email could only be voided, the place lost): the page with the billing details as the invoice
has them, to correct, saying what sending the corrected invoice does before the press
(``services.invoice_correction``), and the press, acting on what that page showed
(``domain.page_seen``). Registered on the console's resolver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
from booking.services.invoice_correction import PO_NEEDED

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
        errors={},
        labels=BILLING_LABELS,
    )
    return html_page(200, page)


def correct_invoice(application_id: str) -> Acted:
    """The page's *Yes, send the corrected invoice*: the details typed, acting on what the
    page showed. Details that are not ones come back on this page, each mistake beside its
    field, all at once, what was typed kept (nothing sent)."""
    seen = form_seen()
    with billing_said_on_its_form(application_id, correct_form_again):
        billing = billing_posted()
        return invoice_correction.correct_invoice(ports(), application_id, billing, seen=seen)


def correct_form_again(application_id: str, errors: dict[str, str]) -> str:
    """*Correct the invoice* again after its press was refused: ``errors`` beside their
    fields, the details as typed."""
    detail = application_detail(ports(), application_id)
    return render_confirmation(
        "correct_invoice_confirm.html",
        chrome(),
        detail,
        lines=_lines(detail) if detail.application.invoice is not None else [],
        seen=detail.seen,
        billing=billing_typed_back(),
        errors=with_po_needed(errors, detail),
        labels=BILLING_LABELS,
    )


class RefusedOnItsForm(InvalidInput):
    """A press refused on the form that posted it (``page``: that form again, each mistake
    beside its field), not above the application's page. The console's refusal
    answers with ``page`` as it is (``handlers.console._refused``)."""

    def __init__(self, refused: InvalidInput, page: str) -> None:
        super().__init__(refused.message, refused.fields)
        self.page = page


@contextmanager
def billing_said_on_its_form(
    application_id: str, form_again: Callable[[str, dict[str, str]], str]
) -> Iterator[None]:
    """A refusal of the billing details typed (the form's own reading, or the act's: a
    purchase order number the course needs, an address the invoice cannot print) comes back on
    the form, ``form_again``, each beside its field; any other refusal goes on as before."""
    try:
        yield
    except InvalidInput as refused:
        if not refused.fields or not set(refused.fields) <= set(BILLING_LABELS):
            raise
        beside = {name: sentence(why) for name, why in refused.fields.items()}
        raise RefusedOnItsForm(refused, form_again(application_id, beside)) from None


def billing_posted() -> BillingDetails:
    """The billing details the console's form posted (a corrected invoice, an invoice instead
    of the card); InvalidInput naming every detail that is not one, beside its field."""
    return invoice_correction.billing_typed(billing_typed_back())


def billing_typed_back() -> dict[str, str]:
    """The billing details as the form posted them, to read or to show again as typed."""
    posted = posted_form()
    return {
        name: value if isinstance(value := posted.get(name), str) else ""
        for name in invoice_correction.BILLING_FIELDS
    }


def with_po_needed(errors: dict[str, str], detail: ApplicationDetail) -> dict[str, str]:
    """Every mistake at once: a purchase order number the course needs, left blank, said
    beside its box with the details' other mistakes (the act checks it only once they read;
    ``domain.billing_details.refuse_without_po`` is the rule)."""
    if detail.course.definition.po_required and not billing_typed_back()["po_number"].strip():
        return {**errors, "po_number": errors.get("po_number") or sentence(PO_NEEDED)}
    return errors


# The fields as the error summary names them, linking each to its box.
BILLING_LABELS = {
    "billing_name": "Organisation name",
    "billing_email": "Billing email",
    "billing_address": "Postal address",
    "po_number": "Purchase order number",
}
