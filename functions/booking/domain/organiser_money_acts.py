"""The money facts an organiser makes (a bursary granted, a cancellation with or without its
refund), which :func:`booking.domain.settlement.settle` decides as it decides Stripe's. Pure
values, no rules: the rules are the settlement's."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain import page_seen as shown  # what a page showed: its act acts on it


@dataclass(frozen=True)
class BursaryGranted:
    """An organiser funds ``amount`` (minor units, at most the price) of a place, having seen
    the application as ``seen`` (``domain.page_seen``; None: not known): a grant that finds
    another amount granted since (two grants at once), or the application changed since the
    page, is refused, not laid over it."""

    amount: int
    seen: shown.Seen | None = None


@dataclass(frozen=True)
class Cancellation:
    """An organiser cancels; with ``refund``, the money paid goes back."""

    refund: bool
    # Who to ask instead when the booking fills a manager's group place (its group's
    # organisation, as the refusal names it; "": not known).
    group_organisation: str = ""
    group_paid_off_stripe: bool = False  # its group paid outside Stripe (said in the refusal)
    # The Refund action: give back what a booking cancelled earlier without a refund kept
    # (with ``refund``), by the same refunds a cancellation with one asks for.
    afterwards: bool = False
    seen: shown.Seen | None = None  # what the organiser's page showed (None: not known)
    # Its person left the waiting list (``domain.waiting_list_leaving``): said so, as reason.
    by_applicant: bool = False
