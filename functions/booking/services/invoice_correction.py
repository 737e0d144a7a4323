"""An organiser corrects an employer's open invoice: new billing details, a new
invoice for the same amount and due day sent to them, the place kept, the old invoice voided at
Stripe first (``domain.invoice_correction``, carried out by the one money path,
``services.settle``).

Refused, nothing written, while a payment of the old invoice is on its way (one read at
Stripe, ``invoice_requests.refuse_while_being_paid``); a payment that lands after that read is
caught by the void itself (Stripe refuses to void a paid invoice): the correction is refused in
the same words, the payment kept, its event confirming the booking. Never lost, never charged
twice: the new invoice is asked for only once the old one is void.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from booking.domain.application import Application
from booking.domain.billing_details import BillingDetails, refuse_without_po
from booking.domain.errors import InvalidInput
from booking.domain.invoice_correction import InvoiceCorrected
from booking.domain.invoice_voiding import CORRECT_ONCE_SETTLED, VoidingFor
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.services.acted import Acted
from booking.services.concurrency import load_application
from booking.services.invoice_requests import paid_by_an_earlier_try, refuse_while_being_paid
from booking.services.ports import Ports
from booking.services.settle import act_settled

BILLING_FIELDS = ("billing_name", "billing_email", "billing_address", "po_number")
_FIELD_WORDS = {
    "billing_name": "Enter the organisation's name as the invoice is addressed (one line)",
    "billing_email": "Enter the email address the invoice is sent to, like accounts@example.org",
    "billing_address": "Enter the postal address for the invoice: at most 200 characters on "
    "its first line and 200 on the lines after it together, as the invoice prints them",
    "po_number": "Enter the purchase order number as one line, at most 40 characters",
}
PO_NEEDED = "This course needs a purchase order number on its invoices: enter it as one line"


def billing_typed(typed: Mapping[str, object]) -> BillingDetails:
    """The billing details an organiser typed, each wrong one refused beside its field in
    words (422); a purchase-order number left out is none."""
    values = {name: typed.get(name, "" if name == "po_number" else None) for name in BILLING_FIELDS}
    try:
        return BillingDetails.model_validate(values)
    except ValidationError as wrong:
        fields = {
            str(error["loc"][0]): _FIELD_WORDS[str(error["loc"][0])]
            for error in wrong.errors()
            if error["loc"] and str(error["loc"][0]) in _FIELD_WORDS
        }
        raise InvalidInput("the corrected billing details need attention", fields) from None


def refuse_typed_without_po(
    ports: Ports, application: Application, billing: BillingDetails, details: str
) -> None:
    """The billing details an organiser typed for ``application`` (``details``, as the refusal
    names them) refused without the purchase order number its course asks for: 422 on
    ``po_number`` (``domain.billing_details.refuse_without_po``)."""
    course = ports.repository.get_course(application.course_id)
    needs_po = course is not None and course.definition.po_required
    refuse_without_po(needs_po, billing, f"{details} need attention", PO_NEEDED)


def _sent_earlier_paid(ports: Ports, application: Application) -> bool:
    """Whether the corrected invoice a stopped try sent is paid at Stripe, or being paid by a
    bank debit (either way the booking's: ``invoice_issue``), read only when the due time
    refuses the correction otherwise (``invoice_requests.paid_by_an_earlier_try``)."""
    invoice = application.invoice
    past_due = invoice is not None and invoice.due_at <= ports.clock()
    return paid_by_an_earlier_try(ports, application, too_late=past_due) is not None


def correct_invoice(
    ports: Ports,
    application_id: str,
    billing: BillingDetails,
    *,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
) -> Acted:
    """Send the open invoice again to ``billing``; the same details again change nothing
    (``changed`` False) and nothing is sent. ``read_against``: what the organiser's page showed
    (``domain.page_seen``): anything changed since is 409 ``application_changed``; or the
    sweep's completion of a correction left half done, only while the application carries its
    mark."""
    application = load_application(ports, application_id)
    refuse_typed_without_po(ports, application, billing, "the corrected billing details")
    if not billing.prints_as(application.billing):  # the same details again: nothing to read
        refuse_while_being_paid(ports, application, then=CORRECT_ONCE_SETTLED)
    earlier_paid = _sent_earlier_paid(ports, application)
    fact = InvoiceCorrected(billing, seen=read_against.seen, sent_earlier_paid=earlier_paid)
    return act_settled(
        ports,
        application_id,
        fact,
        first=application,
        read_against=read_against,
        said="invoice corrected",
    )
