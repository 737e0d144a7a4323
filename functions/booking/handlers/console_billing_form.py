"""What the console's two confirmations that send an invoice to billing details typed on them
share (*Correct the invoice*, *Invoice the employer instead*): the page, with the billing form
and what sending does, refused in words when the act does not fit the application now; the
reading of the billing details its press posted; and the form again, each mistake beside its
field, when the press is refused for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from booking.domain.billing_details import BillingDetails
from booking.domain.errors import InvalidInput
from booking.handlers import console_application as application_pages
from booking.handlers.console_app import chrome, html_page, posted_form
from booking.handlers.console_pages import render_confirmation
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import invoice_correction
from booking.services.console import ApplicationDetail
from booking.services.invoice_correction import PO_NEEDED

# The fields as the error summary names them, linking each to its box.
BILLING_LABELS = {
    "billing_name": "Organisation name",
    "billing_email": "Billing email",
    "billing_address": "Postal address",
    "po_number": "Purchase order number",
}


def billing_confirmation(
    detail: ApplicationDetail,
    act: str,
    template: str,
    billing: dict[str, Any] | None,
    lines: Callable[[ApplicationDetail], list[str]],
    not_now: str,
) -> Response[str]:
    """The confirmation ``template`` of the billing form's ``act`` (one of the application's
    actions): the ``billing`` details the form starts with and what sending does (``lines``);
    the application's page saying ``not_now`` (409) when the act does not fit it now, or there
    are no details."""
    if act not in detail.actions or billing is None:
        page = application_pages.application_page(chrome(), detail, problem=sentence(not_now))
        return html_page(409, page)
    return html_page(200, billing_page(template, detail, lines(detail), billing, {}))


def billing_page(
    template: str,
    detail: ApplicationDetail,
    lines: list[str],
    billing: dict[str, Any],
    errors: dict[str, str],
) -> str:
    """The billing form's page ``template``: what sending does (``lines``), the ``billing``
    details in its fields with their ``errors`` beside them, and what the press then acts on,
    or refuses (``domain.page_seen``)."""
    return render_confirmation(
        template,
        chrome(),
        detail,
        lines=lines,
        seen=detail.seen,
        billing=billing,
        po_required=detail.course.definition.po_required,
        errors=errors,
        labels=BILLING_LABELS,
    )


class RefusedOnItsForm(InvalidInput):
    """A press refused on the form that posted it (``page``: that form again, each mistake
    beside its field), not above the application's page. The console's refusal answers with
    ``page`` as it is (``handlers.console._refused``)."""

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
