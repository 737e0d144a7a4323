"""Stripe's two accounts of a payment's refunds, each refund by id and the charge's running
total, brought up to date by a refund event (pure, no I/O): what ``domain.payments`` records
of a refund and what ``services.believed`` weighs against what was paid before writing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.payment_record import PaymentRecord

if TYPE_CHECKING:
    from booking.domain.payments import RefundEvent


def refund_figures(
    refunds: dict[str, int], charge_amount_refunded: int, event: RefundEvent
) -> tuple[dict[str, int], int]:
    """Stripe's two views of a payment's refunds after ``event``: each succeeded refund by id
    (a pending or failed one does not count), and the charge's running total."""
    updated = dict(refunds)
    if event.refund_id is not None:
        if event.refund_succeeded:
            updated[event.refund_id] = event.refund_amount
        else:
            updated.pop(event.refund_id, None)
    by_charge = (
        event.charge_amount_refunded
        if event.charge_amount_refunded is not None
        else charge_amount_refunded
    )
    return updated, by_charge


def refunded_record(record: PaymentRecord, event: RefundEvent) -> PaymentRecord:
    """``record`` (one of a booking's payments) with what ``event`` says of its refunds."""
    refunds, by_charge = refund_figures(record.refunds, record.charge_amount_refunded, event)
    return record.model_copy(update={"refunds": refunds, "charge_amount_refunded": by_charge})


def refunded_after(refunds: dict[str, int], charge_amount_refunded: int, event: RefundEvent) -> int:
    """What a payment (its refunds by id and the charge's running total) would show given back
    once ``event`` is recorded on it, the larger of Stripe's two views: weighed against what it
    paid before anything is written (``services.believed``)."""
    by_id, by_charge = refund_figures(refunds, charge_amount_refunded, event)
    return max(sum(by_id.values()), by_charge)


__all__ = ["refund_figures", "refunded_after", "refunded_record"]
