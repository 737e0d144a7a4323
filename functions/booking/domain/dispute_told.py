"""The organisers' messages about a payer's bank's dispute (the facilitators' copy, a
group's, an erased person's): the first when the dispute is heard of, and one more when the
bank's inquiry became a chargeback (``domain.disputes.dispute_recorded`` queues them). Which
dispute each is about, its words as the dispute stands when it is composed, and its subject,
saying what the bank did: an inquiry (it asks about the payment and takes nothing), a
chargeback (it takes the payment back), or an inquiry that is now a chargeback, as the words
say it. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from booking.domain.disputes import (
    BECAME_CHARGEBACK,
    DISPUTE_COPY,
    DisputeRecord,
    Payments,
    PlaceHeld,
    dispute_words,
)


class BankDid(StrEnum):
    """What the payer's bank had done, as a message about its dispute said it when it went
    (recorded with the message on the booking's timeline: the dispute may have moved on)."""

    INQUIRY = "inquiry"  # asked about the payment, took nothing
    CHARGEBACK = "chargeback"  # took the payment back
    BECAME_CHARGEBACK = "became_chargeback"  # its inquiry is now a chargeback


# The head of each message's subject, and the timeline's words for the message: one rule.
DISPUTE_SUBJECTS: Mapping[BankDid, str] = {
    BankDid.INQUIRY: "Payment queried by the payer's bank (an inquiry, nothing taken)",
    BankDid.CHARGEBACK: "Payment disputed by the payer's bank (a chargeback)",
    BankDid.BECAME_CHARGEBACK: (
        "Payment disputed by the payer's bank (its inquiry is now a chargeback)"
    ),
}


def of_a_dispute(occasion: str | None) -> bool:
    """Whether the facilitators' message with ``occasion`` is one about a dispute (queued
    under ``DISPUTE_COPY`` and the dispute's id: the first, or the one saying the bank's
    inquiry became a chargeback)."""
    return bool(occasion) and str(occasion).startswith(f"{DISPUTE_COPY}-")


def _told_of(occasion: str | None, disputes: tuple[DisputeRecord, ...]) -> DisputeRecord | None:
    """The dispute the message with ``occasion`` is about, as recorded now (None: it is about
    none, or its dispute is no longer recorded)."""
    if occasion is None or not of_a_dispute(occasion):
        return None
    dispute_id = occasion.removeprefix(f"{DISPUTE_COPY}-").removesuffix(BECAME_CHARGEBACK)
    return next((d for d in disputes if d.dispute_id == dispute_id), None)


def _bank_did_of(found: DisputeRecord, occasion: str) -> BankDid:
    """What the message with ``occasion`` about ``found`` says the bank did: an inquiry or a
    chargeback, as the dispute stands when it is composed, or (the message saying the bank's
    inquiry became a chargeback) that it is now one."""
    if found.inquiry:
        return BankDid.INQUIRY
    # Only an inquiry that became a chargeback is told again, under this occasion.
    escalated = occasion.endswith(BECAME_CHARGEBACK)
    return BankDid.BECAME_CHARGEBACK if escalated else BankDid.CHARGEBACK


def bank_did(occasion: str | None, disputes: tuple[DisputeRecord, ...]) -> BankDid | None:
    """What the message with ``occasion`` says the bank did (None for any other message)."""
    found = _told_of(occasion, disputes)
    if found is None or occasion is None:
        return None
    return _bank_did_of(found, occasion)


def dispute_told_values(
    occasion: str | None,
    disputes: tuple[DisputeRecord, ...],
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
    many: bool = False,
) -> dict[str, str]:
    """What a message's templates say of the dispute its ``occasion`` names, found once, as
    the dispute stands when it is composed: its words (``payments``, ``place`` and ``many``:
    the booking's or the group's, as :func:`dispute_words`) and the head of its subject (both
    "" for any other message)."""
    found = _told_of(occasion, disputes)
    if found is None or occasion is None:
        return {"dispute_said": "", "dispute_subject": ""}
    return {
        "dispute_said": dispute_words(found, timezone, payments, place=place, many=many),
        "dispute_subject": DISPUTE_SUBJECTS[_bank_did_of(found, occasion)],
    }
