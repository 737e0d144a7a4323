"""Which events that leave a group's invoice open are told: a failed payment of
the invoice holding its places, within its hold; never an overdue one, one being replaced or
voided for an act, nor once the hold has ended (``group_stripe_events.decide_left_open``)."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.group_stripe_events import GroupMove, decide_left_open
from booking.domain.groups import GroupStatus
from booking.domain.invoices import InvoiceEventKind
from tests.support.group_bookings import NOW, group_by_invoice

FAILED = InvoiceEventKind.PAYMENT_FAILED


def test_a_failed_payment_of_the_invoice_holding_the_places_is_told() -> None:
    group = group_by_invoice()
    assert group.invoice is not None
    assert decide_left_open(group, group.invoice.invoice_id, FAILED, NOW) is GroupMove.TOLD


def test_nothing_else_is_told() -> None:
    group = group_by_invoice()
    assert group.invoice is not None
    invoice_id = group.invoice.invoice_id
    lapses = group.hold_lapses_at()
    assert lapses is not None
    overdue = InvoiceEventKind.OVERDUE
    assert decide_left_open(group, invoice_id, overdue, NOW) is GroupMove.IGNORE
    assert decide_left_open(group, "in_other", FAILED, NOW) is GroupMove.IGNORE
    assert decide_left_open(group, invoice_id, FAILED, lapses) is GroupMove.IGNORE
    replacing = group.model_copy(update={"replacing_invoice": invoice_id})
    assert decide_left_open(replacing, invoice_id, FAILED, NOW) is GroupMove.IGNORE
    voiding = group.model_copy(update={"void_asked_for": invoice_id})
    assert decide_left_open(voiding, invoice_id, FAILED, NOW) is GroupMove.IGNORE
    paid = group.model_copy(update={"status": GroupStatus.PAID})
    later = NOW + timedelta(minutes=1)
    assert decide_left_open(paid, invoice_id, FAILED, later) is GroupMove.IGNORE
