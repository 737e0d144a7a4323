"""What the console's two confirmations that send an invoice to billing details typed on them
share (*Correct the invoice*, *Invoice the employer instead*): the page, with the billing form
and what sending does, refused in words when the act does not fit the application now; the
reading of the billing details its press posted; and the form again, each mistake beside its
field, when the press is refused for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from booking.bootstrap import ports
from booking.domain.billing import InvoiceRef
from booking.domain.billing_details import BillingDetails
from booking.domain.errors import BookingError, InvalidInput
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.read_against import ReadAgainst, pressed_on
from booking.handlers import console_application as application_pages
from booking.handlers import http
from booking.handlers.console_app import (
    changed_since_shown,
    chrome,
    form_seen,
    html_page,
    posted_form,
    served,
)
from booking.handlers.console_pages import render_confirmation, told_lines
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import invoice_correction
from booking.services.acted import Acted
from booking.services.console import ApplicationDetail, application_detail
from booking.services.invoice_correction import PO_NEEDED
from booking.services.ports import Ports

# The fields as the error summary names them, linking each to its box.
BILLING_LABELS = {
    "billing_name": "Organisation name",
    "billing_email": "Billing email",
    "billing_address": "Postal address",
    "po_number": "Purchase order number",
}


def _nobody_else(detail: ApplicationDetail) -> list[str]:
    return []


def _application_seen(detail: ApplicationDetail) -> str:
    return detail.seen


class BillingAct(Protocol):
    """The use case a billing form's press calls: the application's invoice sent to
    ``billing``, acting on what the page showed (``read_against``)."""

    def __call__(
        self,
        ports: Ports,
        application_id: str,
        billing: BillingDetails,
        *,
        read_against: ReadAgainst[VoidingFor],
    ) -> Acted: ...


@dataclass(frozen=True)
class BillingForm:
    """One of the console's confirmations that send an invoice to billing details typed on
    it: the application's action that offers it (``act``), the use case its press calls
    (``sends``), its ``template``, the details it starts with (``starts_with``: None, there are
    none to start from), what it says when the act does not fit the application now
    (``not_now``, 409), what sending does to the invoice and the place (``lines``: none when
    there is nothing it would do now), what the person is emailed (``told``) and who else is
    (``also_told``), what happens when the payment it replaces comes first (``raced``), and the
    ``seen`` its press acts on (``domain.page_seen``: the application's, unless its words draw on
    more)."""

    act: str
    sends: BillingAct
    template: str
    starts_with: Callable[[ApplicationDetail], dict[str, Any] | None]
    not_now: str
    lines: Callable[[ApplicationDetail], list[str]]
    told: str
    raced: str
    also_told: Callable[[ApplicationDetail], list[str]] = _nobody_else
    seen: Callable[[ApplicationDetail], str] = _application_seen


def billing_confirmation(form: BillingForm, application_id: str) -> Response[str]:
    """The confirmation ``form`` with the details it starts with; the application's page
    saying why not (409) when the act does not fit it now, or there are no details."""
    detail = application_detail(ports(), application_id)
    billing = form.starts_with(detail)
    if form.act not in detail.actions or billing is None:
        return application_pages.not_now(detail, form.not_now)
    return html_page(200, billing_page(form, detail, billing, {}))


def billing_served(form: BillingForm, operation_id: str) -> None:
    """The ``form``'s confirmation page, served as ``operation_id`` on the console."""
    served(operation_id)(lambda application_id: billing_confirmation(form, application_id))


def billing_press(form: BillingForm) -> Callable[[str], Acted]:
    """The ``form``'s press (``handlers.console.action``'s act): the details typed, sent by
    its use case, acting on what the page showed."""

    def press(application_id: str) -> Acted:
        read_against = pressed_on(form_seen())
        return form.sends(ports(), application_id, billing_posted(), read_against=read_against)

    return press


def billing_again(form: BillingForm) -> Callable[[str, BookingError], Response[str] | None]:
    """A refusal of the billing details the ``form``'s press typed (the form's own reading, or
    the act's: a purchase order number the course needs, an address the invoice cannot print):
    the form again, each mistake beside its field, all at once, what was typed kept (nothing
    sent). The application changed since the page was opened: the form again as it is now,
    saying so, what was typed kept (while the act still fits it). None for any other refusal,
    said above the application's page."""

    def again(application_id: str, refused: BookingError) -> Response[str] | None:
        stale = changed_since_shown(refused)
        beside = billing_mistakes(refused) if isinstance(refused, InvalidInput) else None
        if not stale and beside is None:
            return None
        problem = sentence(refused.message) if stale else ""
        page = _form_again(form, application_id, beside or {}, problem, stale=stale)
        return None if page is None else html_page(http.status_for(refused), page)

    return again


def billing_page(
    form: BillingForm,
    detail: ApplicationDetail,
    billing: dict[str, Any],
    errors: dict[str, str],
    problem: str = "",
) -> str:
    """The ``form``'s page: what sending does (its own lines, then who is emailed, then what
    a payment that comes first does), the ``billing`` details in its fields with their
    ``errors`` beside them, and what the press then acts on, or refuses
    (``domain.page_seen``)."""
    lines = form.lines(detail)
    if lines:
        told = told_lines(detail, not detail.address_suppressed, None, form.told)
        lines = [*lines, *told, *form.also_told(detail), form.raced]
    return render_confirmation(
        form.template,
        chrome(),
        detail,
        lines=lines,
        seen=form.seen(detail),
        billing=billing,
        po_required=detail.course.definition.po_required,
        errors=errors,
        labels=BILLING_LABELS,
        problem=problem,
    )


def _form_again(
    form: BillingForm, application_id: str, errors: dict[str, str], problem: str, *, stale: bool
) -> str | None:
    """The ``form`` again after its press was refused: ``errors`` beside their fields (with a
    purchase order number the course needs, left blank), the details as typed, ``problem``
    above them; ``stale`` (the application changed since its page was opened): None when the
    act no longer fits it as it is now."""
    detail = application_detail(ports(), application_id)
    if stale and form.act not in detail.actions:
        return None
    po_required = detail.course.definition.po_required
    errors = with_po_needed(errors, po_required)
    return billing_page(form, detail, billing_typed_back(), errors, problem)


def billing_posted() -> BillingDetails:
    """The billing details the console's form posted (a corrected invoice, an invoice instead
    of the card); InvalidInput naming every detail that is not one, beside its field."""
    return invoice_correction.billing_typed(billing_typed_back())


def billing_typed_back() -> dict[str, str]:
    """The billing details as the form posted them, to read or to show again as typed (a
    detail posted as anything but text, a file say, as blank)."""
    posted = posted_form()
    return {
        name: value if isinstance(value := posted.get(name), str) else ""
        for name in invoice_correction.BILLING_FIELDS
    }


def billing_mistakes(refused: InvalidInput) -> dict[str, str] | None:
    """A refusal of the billing details a form typed (its own reading, or the act's: a purchase
    order number the course needs, an address the invoice cannot print), each mistake in a
    sentence to stand beside its field; None for a refusal that names anything else, said
    above the page it returns to."""
    if not refused.fields or not set(refused.fields) <= set(BILLING_LABELS):
        return None
    return {name: sentence(why) for name, why in refused.fields.items()}


def with_po_needed(errors: dict[str, str], po_required: bool) -> dict[str, str]:
    """Every mistake at once: a purchase order number the course needs, left blank, said
    beside its box with the details' other mistakes (the act checks it only once they read;
    ``domain.billing_details.refuse_without_po`` is the rule)."""
    if po_required and not billing_typed_back()["po_number"].strip():
        return {**errors, "po_number": errors.get("po_number") or sentence(PO_NEEDED)}
    return errors


def old_contact_told(billing_email: str, invoice: InvoiceRef) -> str:
    """What a correction that changes the billing email tells ``billing_email``, to whom
    ``invoice`` went, one person's or a group's."""
    return (
        f"If you change the billing email, {billing_email}, to whom invoice "
        f"{invoice.number or invoice.invoice_id} was sent, is emailed that it was replaced and "
        "need not be paid."
    )
