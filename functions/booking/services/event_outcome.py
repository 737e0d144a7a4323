"""What a Stripe event did, as the webhook answers it: one shape for every money event, one
person's or a group's (``services.payments``, ``services.disputes``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from booking.services.group_payments import GroupOutcome


@dataclass(frozen=True)
class EventOutcome:
    """What a payment's event did to an application."""

    action: str
    reason: str
    application_id: str | None = None
    status: str | None = None


def outcome_if_a_group(outcome: GroupOutcome | None) -> EventOutcome | None:
    """A group's event's outcome, as the webhook answers it; None: no group recorded the
    object the event is about."""
    if outcome is None:
        return None
    return EventOutcome(outcome.action, outcome.reason, None, outcome.status)
