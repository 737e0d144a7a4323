"""Stripe's ``charge.dispute.*`` events read into the domain's ``DisputeEvent``: a payer's bank
taking a card payment back (``domain.disputes``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from booking.adapters.stripe_payloads import whole_amount
from booking.domain.disputes import DisputeEvent
from booking.domain.errors import InvalidInput

HANDLED_DISPUTE_EVENTS = {
    "charge.dispute.created",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "charge.dispute.closed",
}


def dispute_event_from(event: dict[str, Any]) -> DisputeEvent | None:
    """The facts of a dispute event, or ``None`` for events that are not about disputes, or
    about a charge made outside Checkout (no payment intent: not ours)."""
    if event.get("type") not in HANDLED_DISPUTE_EVENTS:
        return None
    dispute = event["data"]["object"]
    if dispute.get("object") != "dispute":
        raise InvalidInput("a dispute event must carry a dispute object")
    return dispute_facts(dispute, str(event.get("id", "")))


def dispute_facts(dispute: dict[str, Any], event_id: str) -> DisputeEvent | None:
    """A Dispute object's facts (an event's, or one read from Stripe: ``event_id`` "")."""
    payment_intent = _id_of(dispute.get("payment_intent"))
    if not payment_intent:
        return None
    details = dispute.get("evidence_details")
    due = details.get("due_by") if isinstance(details, dict) else None
    moves = [
        bt
        for bt in dispute.get("balance_transactions") or ()
        if isinstance(bt, dict) and isinstance(bt.get("amount"), int) and bt.get("id")
    ]
    return DisputeEvent(
        event_id=event_id,
        dispute_id=str(dispute.get("id", "")),
        payment_intent=payment_intent,
        charge=_id_of(dispute.get("charge")),
        amount=whole_amount(dispute, "amount"),
        currency=str(dispute.get("currency") or ""),
        status=str(dispute.get("status") or ""),
        reason=str(dispute.get("reason") or ""),
        created=_moment(dispute.get("created")),
        # 0: the bank allows no response to this dispute.
        evidence_due_by=_moment(due),
        movements=tuple((str(bt["id"]), int(bt["amount"])) for bt in moves),
        # Stripe's fee on each (the dispute fee), as Stripe gives it: never a constant here.
        fees=tuple((str(bt["id"]), bt["fee"]) for bt in moves if isinstance(bt.get("fee"), int)),
    )


def _id_of(value: object) -> str:
    if isinstance(value, dict):  # an expanded object
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _moment(seconds: object) -> datetime | None:
    if isinstance(seconds, int) and not isinstance(seconds, bool) and 0 < seconds < 2**33:
        return datetime.fromtimestamp(seconds, tz=UTC)
    return None
