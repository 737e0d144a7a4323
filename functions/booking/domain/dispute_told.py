"""The organisers' one message about a payer's bank's dispute (the facilitators' copy, a
group's, an erased person's): which dispute it is about, its words as the dispute stands when
it is composed, and its subject, saying what the bank did: an inquiry (it asks about the
payment and takes nothing) or a chargeback (it takes the payment back), as the words say it.
Pure."""

from __future__ import annotations

from booking.domain.disputes import (
    DISPUTE_COPY,
    DisputeRecord,
    Payments,
    PlaceHeld,
    dispute_words,
)

# An inquiry's statuses, open or closed: a bank that escalates one to a chargeback moves the
# same Dispute on to a chargeback's status (``needs_response`` and on).
_INQUIRY = frozenset({"warning_needs_response", "warning_under_review", "warning_closed"})
INQUIRY_SUBJECT = "Payment queried by the payer's bank (an inquiry, nothing taken)"
CHARGEBACK_SUBJECT = "Payment disputed by the payer's bank (a chargeback)"


def of_a_dispute(occasion: str | None) -> bool:
    """Whether the facilitators' message with ``occasion`` is their one message about a
    dispute (queued by ``services.disputes`` under ``DISPUTE_COPY`` and the dispute's id)."""
    return bool(occasion) and str(occasion).startswith(f"{DISPUTE_COPY}-")


def _told_of(occasion: str | None, disputes: tuple[DisputeRecord, ...]) -> DisputeRecord | None:
    """The dispute the message with ``occasion`` is about, as recorded now (None: it is about
    none, or its dispute is no longer recorded)."""
    if occasion is None or not of_a_dispute(occasion):
        return None
    dispute_id = occasion.removeprefix(f"{DISPUTE_COPY}-")
    return next((d for d in disputes if d.dispute_id == dispute_id), None)


def dispute_told(
    occasion: str | None,
    disputes: tuple[DisputeRecord, ...],
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
) -> str:
    """The words of the dispute the organisers' message with ``occasion`` is about ("" for
    any other message), as the dispute stands when it is composed (``payments`` and
    ``place``: the booking's or the group's, as :func:`dispute_words`)."""
    found = _told_of(occasion, disputes)
    return dispute_words(found, timezone, payments, place=place) if found else ""


def dispute_subject(occasion: str | None, disputes: tuple[DisputeRecord, ...]) -> str:
    """What the message with ``occasion`` heads its subject with: an inquiry or a chargeback,
    as the dispute stands when it is composed ("" for any other message)."""
    found = _told_of(occasion, disputes)
    if found is None:
        return ""
    return INQUIRY_SUBJECT if found.status in _INQUIRY else CHARGEBACK_SUBJECT


def dispute_told_values(
    occasion: str | None,
    disputes: tuple[DisputeRecord, ...],
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
) -> dict[str, str]:
    """What a message's templates say of the dispute its ``occasion`` names: its words and the
    head of its subject (both "" for any other message)."""
    return {
        "dispute_said": dispute_told(occasion, disputes, timezone, payments, place=place),
        "dispute_subject": dispute_subject(occasion, disputes),
    }
