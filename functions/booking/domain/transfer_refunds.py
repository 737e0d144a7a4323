"""A move's refund recorded once Stripe made it (``domain.transfers`` decides what is owed)."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.payer import payer_told_of_move_refund


def with_transfer_refund(
    application: Application,
    refund_id: str,
    amount: int,
    move: int,
    part: int = 1,
    *,
    succeeded: bool = True,
) -> Application:
    """``application`` with the refund Stripe made for its ``move``-th move's ``part``-th
    charge recorded, on the move and on the charge it gave back (Stripe's events for the same
    refund id later say the same, so nothing is counted twice, and no second message is
    sent). Not ``succeeded`` (pending at Stripe): made, so never asked again, but counted
    as given back only when Stripe reports it succeeded."""
    records = list(application.transfers)
    record = records[move - 1]
    parts = list(record.parts_of(application.payment_intent))
    if not parts:
        return application
    parts[part - 1] = parts[part - 1].model_copy(update={"refund_id": refund_id})
    paid_from = parts[part - 1].payment_intent
    records[move - 1] = record.model_copy(
        update={"refund_id": parts[0].refund_id, "refund_parts": tuple(parts)}
    )
    moved = application.model_copy(
        update={
            "transfers": tuple(records),
            "last_refund": sum(p.amount for p in parts if p.refund_id is not None),
        }
    )
    told = payer_told_of_move_refund(application, move, part, amount)
    if paid_from != application.payment_intent:
        made = moved.with_refund_made(
            paid_from, refund_id, amount, whole=False, succeeded=succeeded
        )
        return made.with_emails(*told)
    if not succeeded:
        return moved.with_emails(*told)
    refunds = {**application.refunds, refund_id: amount}
    total = max(sum(refunds.values()), application.charge_amount_refunded)
    return moved.model_copy(update={"refunds": refunds, "amount_refunded": total}).with_emails(
        *told
    )
