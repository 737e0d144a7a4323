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

from booking.domain.billing_details import BillingDetails
from booking.domain.invoice_instead import InvoicedInsteadOfCard
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.services.acted import Acted
from booking.services.concurrency import load_application
from booking.services.invoice_correction import refuse_typed_without_po
from booking.services.invoice_requests import refuse_unless_billable
from booking.services.ports import Ports
from booking.services.settle import act_settled


def invoice_instead_of_card(
    ports: Ports,
    application_id: str,
    billing: BillingDetails,
    *,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
) -> Acted:
    """Invoice the employer at ``billing`` in place of the open card checkout; the same switch
    again changes nothing (``changed`` False). ``read_against``: what the organiser's page
    showed (``domain.page_seen``): anything changed since is 409 ``application_changed``; or
    the completion of a switch left half done, only while the application carries its mark."""
    application = load_application(ports, application_id)
    refuse_typed_without_po(ports, application, billing, "the billing details")
    refuse_unless_billable(application.model_copy(update={"billing": billing}))
    fact = InvoicedInsteadOfCard(billing, seen=read_against.seen)
    return act_settled(
        ports,
        application_id,
        fact,
        first=application,
        read_against=read_against,
        said="invoiced instead of card",
    )
