"""The facilitators' messages about a payer's bank's dispute, by their occasion: which
messages are about one, and what each says of it as the dispute stands when it is composed
(``services.disputes`` queues them: the first when a dispute is heard of, and one more once
the bank's inquiry became a chargeback)."""

from __future__ import annotations

from booking.domain.disputes import (
    BECAME_CHARGEBACK,
    DISPUTE_COPY,
    DisputeRecord,
    Payments,
    PlaceHeld,
    dispute_words,
)


def of_a_dispute(occasion: str | None) -> bool:
    """Whether the facilitators' message with ``occasion`` is one about a dispute (queued by
    ``services.disputes`` under ``DISPUTE_COPY`` and the dispute's id: the first, or the one
    saying the bank's inquiry became a chargeback)."""
    return bool(occasion) and str(occasion).startswith(f"{DISPUTE_COPY}-")


def dispute_told(
    occasion: str | None,
    disputes: tuple[DisputeRecord, ...],
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
    many: bool = False,
) -> str:
    """The words of the dispute the organisers' message with ``occasion`` is about ("" for
    any other message), as the dispute stands when it is composed (``payments``, ``place``
    and ``many``: the booking's or the group's, as :func:`dispute_words`)."""
    prefix = f"{DISPUTE_COPY}-"
    if not occasion or not occasion.startswith(prefix):
        return ""
    dispute_id = occasion.removeprefix(prefix).removesuffix(BECAME_CHARGEBACK)
    found = next((d for d in disputes if d.dispute_id == dispute_id), None)
    if found is None:
        return ""
    return dispute_words(found, timezone, payments, place=place, many=many)
