"""An organiser invoices the employer instead of the person's open card checkout: the billing
details recorded, the checkout expired at Stripe first, then an invoice for
what the application was accepted at sent on the course's terms, the place kept
(``domain.invoice_instead``, carried out by the one money path, ``services.settle``).

A card payment that gets there first wins: Stripe refuses to expire a completed session, the
act is refused in words (no invoice sent), and the payment's event confirms the booking. A
switch stopped between Stripe's expiry and its save is completed as pressed by the sweep or
Stripe's expiry event (``services.checkout_acts``).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.billing_details import BillingDetails, refuse_without_po
from booking.domain.invoice_instead import InvoicedInsteadOfCard
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.page_seen import Seen
from booking.services.acted import Acted
from booking.services.concurrency import load_application
from booking.services.invoice_correction import PO_NEEDED
from booking.services.invoice_requests import refuse_unless_billable
from booking.services.ports import Ports
from booking.services.settle import settle_money

logger = Logger(child=True)


def invoice_instead_of_card(
    ports: Ports,
    application_id: str,
    billing: BillingDetails,
    *,
    seen: Seen | None = None,
    marked: VoidingFor | None = None,
) -> Acted:
    """Invoice the employer at ``billing`` in place of the open card checkout; the same switch
    again changes nothing (``changed`` False). ``seen``: what the organiser's page showed
    (``domain.page_seen``): anything changed since is 409 ``application_changed``. ``marked``:
    the completion of a switch left half done, only while the application carries its mark
    (``settle_money``)."""
    application = load_application(ports, application_id)
    course = ports.repository.get_course(application.course_id)
    needs_po = course is not None and course.definition.po_required
    refuse_without_po(needs_po, billing, "the billing details need attention", PO_NEEDED)
    refuse_unless_billable(application.model_copy(update={"billing": billing}))
    fact = InvoicedInsteadOfCard(billing, seen=seen)
    settled = settle_money(ports, application_id, fact, first=application, marked=marked)
    logger.info(
        "invoiced instead of card",
        extra={"application_id": application_id, "outcome": settled.settlement.reason},
    )
    return Acted(settled.saved, changed=settled.changed)
