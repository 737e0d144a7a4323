"""The sweep's part in an organiser's act left half done after its invoice's void
(``domain.invoice_voiding``): one person's cancel, or a bursary replacing their invoice, voids
the open invoice at Stripe before the act is saved (``invoice_requests.voided_first``). When
the function was stopped between the void and the save, or Stripe's answer never came, the
booking is left marked (``InvoiceRef.voiding``), holding its place on an invoice that may be
void, and nobody may try again.

A mark older than ``LEFT_HALF_DONE_AFTER`` is looked at here, as a group's replacement is
(``group_replacement_sweep``). Stripe decides, read once: the invoice void (or unknown to it),
the act is completed, the same use case the organiser ran (the bursary granted, a new invoice
for the rest sent; or the booking cancelled, the people told as the organiser's press would
have told them); still open or paid (the void never reached Stripe, or was refused), the mark
is taken back and the booking goes on on its invoice. The booking is read again first: the
index's copy may be stale, and an act the organiser's retry completed is not done twice. A
completion refused for good (the course began, applications closed) takes the mark back too,
logged; Stripe unreachable, the next run looks again.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import BookingError, DependencyUnavailable, UnknownToProvider
from booking.services.invoice_requests import unmark_voiding
from booking.services.ports import Ports

logger = Logger(child=True)


def act_completed(ports: Ports, application: Application) -> bool:
    """``application``'s act left half done, completed or its mark taken back as Stripe holds
    the invoice: True when it was completed. DependencyUnavailable: Stripe unreachable."""
    invoice = application.invoice
    assert invoice is not None
    assert invoice.voiding is not None
    app_id, act = application.application_id, invoice.voiding
    fresh = ports.repository.get_application(app_id)
    held = fresh.invoice if fresh is not None else None
    if fresh is None or held is None or held.invoice_id != invoice.invoice_id:
        return False  # completed or changed meanwhile: the next run reads it as it is
    if held.voiding != act or not fresh.has_open_invoice():
        return False
    try:
        status = ports.payments.invoice_at_stripe(invoice.invoice_id).status
    except UnknownToProvider:
        status = "void"  # Stripe holds no such invoice: nothing can pay it
    if status != "void":
        unmark_voiding(ports, app_id, invoice.invoice_id)
        logger.info("a half-done act's mark taken back", extra={"application_id": app_id})
        return False
    # Only here, for an act left half done: the organisers' own use cases.
    from booking.services.bursaries import grant_bursary
    from booking.services.lifecycle import cancel

    try:
        if act.bursary is not None:
            # Only the grant marked, over the bursary as read (review23 F1).
            grant_bursary(ports, app_id, act.bursary, seen=fresh.bursary, marked=act)
        else:
            cancel(ports, app_id, refund=act.refund, marked=act)
    except DependencyUnavailable:
        raise  # Stripe unreachable: the next run looks again
    except BookingError as error:
        # A lasting refusal: the mark taken back, the booking left on its (void) invoice,
        # which ends at its due date as any unpaid one (codes name no one).
        unmark_voiding(ports, app_id, invoice.invoice_id)
        extra = {"application_id": app_id, "code": getattr(error, "code", None)}
        logger.warning("a half-done act refused", extra=extra)
        return False
    logger.info("a half-done act completed", extra={"application_id": app_id})
    return True
