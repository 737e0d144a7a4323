"""Reading a job's id (``<kind>:<what it is about>...``, as ``emails.EmailJob`` builds it): the
one reader of its format, for what a job or a claim keeps only in its id."""

from __future__ import annotations

from typing import Any

from booking.domain.emails import GROUP_KINDS, EmailKind


def kind_in_id(job_id: str) -> EmailKind:
    """The kind of message a job's id names (its first part; ValueError: no kind's)."""
    return EmailKind(job_id.partition(":")[0])


# The kinds whose occasion or move a rule reads (``occasion_in_id``), as their ids say them.
_OCCASION_READ = {*GROUP_KINDS, EmailKind.FACILITATOR_COPY, EmailKind.CERTIFICATE} | {
    EmailKind.INVOICE_SENT,
    EmailKind.MOVE_PAYMENT_DUE,
    EmailKind.BOOKING_TRANSFERRED,
}
_MOVE_OCCASIONS = ("move-", "moved-in-", "moved-out-")


def occasion_in_id(kind: object, job_id: object) -> dict[str, Any]:
    """The occasion and move an old job's id names, as ``about`` and ``transferred`` made it
    (``<kind>:<id>:<occasion>``, the occasion maybe with a colon: a reissue's), or ``for_group``
    (its occasion last); {} for the kinds no rule asks, or an id naming none."""
    if not isinstance(job_id, str) or kind not in _OCCASION_READ:
        return {}
    if kind in GROUP_KINDS:
        return {"occasion": job_id.rsplit(":", 1)[-1]}
    occasion = job_id.split(":", 2)[2] if job_id.count(":") >= 2 else None
    if occasion is None:
        return {}
    prefix = next((p for p in _MOVE_OCCASIONS if occasion.startswith(p)), None)
    number = occasion.removeprefix(prefix) if prefix else ""
    return {"occasion": occasion, **({"move": int(number)} if number.isdigit() else {})}
