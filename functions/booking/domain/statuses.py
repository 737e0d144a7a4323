"""The statuses of an application and the moves between them: the state machine's table.

``booking.domain.application`` enforces it (``Application.moved_to``) and re-exports every
name here, so the table is read in one place and imported from either.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from booking.domain.errors import CodeUsedUp, Conflict, CourseFull

# Why a payment went back rather than book its place (a status reason, the key of each words
# table that says it), named as a booking refused for the same cause is: one spelling each.
PAID_WHEN_FULL = CourseFull.code
PAID_WHEN_CODE_USED_UP = CodeUsedUp.code


class ApplicationStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    DECLINED = "declined"
    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_INVOICE_PAYMENT = "awaiting_invoice_payment"  # the employer's invoice is open
    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


S = ApplicationStatus
# CONFIRMED is reachable from every status where a place can be paid for or funded: a payment,
# a late payment taking a free seat, or an organiser's full bursary.
ALLOWED_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.PENDING_REVIEW: frozenset(
        {
            S.AWAITING_PAYMENT,
            S.OFFERED,
            S.DECLINED,
            S.WAITLISTED,
            S.CANCELLED,
            S.REFUNDED,
            S.CONFIRMED,
        }
    ),
    S.AWAITING_PAYMENT: frozenset(
        {
            S.AWAITING_PAYMENT,
            S.AWAITING_INVOICE_PAYMENT,
            S.CONFIRMED,
            S.EXPIRED,
            S.WAITLISTED,
            S.CANCELLED,
            S.REFUNDED,
        }
    ),
    # The invoice is paid (confirmed), or voided, uncollectible or overdue (expired); a new
    # invoice replaces it when a bursary changes what is owed.
    S.AWAITING_INVOICE_PAYMENT: frozenset(
        {S.AWAITING_INVOICE_PAYMENT, S.CONFIRMED, S.EXPIRED, S.CANCELLED, S.REFUNDED}
    ),
    # An expired checkout may be restarted (or an invoice asked for), and a payment may still
    # land after its hold lapsed.
    S.EXPIRED: frozenset(
        {
            S.AWAITING_PAYMENT,
            S.AWAITING_INVOICE_PAYMENT,
            S.CONFIRMED,
            S.WAITLISTED,
            S.CANCELLED,
            S.REFUNDED,
        }
    ),
    S.WAITLISTED: frozenset({S.OFFERED, S.CONFIRMED, S.CANCELLED, S.REFUNDED}),
    S.OFFERED: frozenset(
        {S.OFFERED, S.AWAITING_INVOICE_PAYMENT, S.CONFIRMED, S.EXPIRED, S.CANCELLED, S.REFUNDED}
    ),
    S.CONFIRMED: frozenset({S.CANCELLED, S.REFUNDED}),
    S.CANCELLED: frozenset({S.REFUNDED}),
    S.DECLINED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}

# Statuses from which the applicant may open a (new) Checkout Session or ask for an invoice.
PAYABLE_STATUSES = frozenset({S.AWAITING_PAYMENT, S.EXPIRED, S.OFFERED})
# On the way to a booking and not ended: under review, waiting, offered, paying (by card or
# invoice), or a payment that lapsed and may be started again.
ON_THE_WAY = frozenset(
    {
        S.PENDING_REVIEW,
        S.AWAITING_PAYMENT,
        S.AWAITING_INVOICE_PAYMENT,
        S.EXPIRED,
        S.WAITLISTED,
        S.OFFERED,
    }
)


def _leading_to(target: ApplicationStatus) -> frozenset[ApplicationStatus]:
    """Every status from which ``target`` can still be reached by the table's moves."""
    found = {target}
    while grown := {s for s, moves in ALLOWED_TRANSITIONS.items() if moves & found} - found:
        found |= grown
    return frozenset(found)


# A booking, or an application that may still become one (read from the table, so a status
# added to it is counted as soon as it can lead to a booking): its price stands, in the
# currency it was given in.
STANDING = _leading_to(S.CONFIRMED)


def left_to_pay_is_said(status: ApplicationStatus, *, can_pay: bool) -> bool:
    """Whether the applicant is told what is left to pay (``Application.left_to_pay``; nothing
    once booked or ended): always, except for a payment that lapsed and cannot be started
    again (``can_pay``: a new checkout may be opened now), on which nothing is owed. The one
    rule for the status page's *Left to pay* beside what its words offer."""
    return can_pay or status is not S.EXPIRED


# Statuses in which an organiser may fund a place (in full or in part).
FUNDABLE_STATUSES = ON_THE_WAY
# Once an application ends like this, its person may apply to the same course again.
ENROLMENT_ENDS = frozenset({S.CANCELLED, S.REFUNDED})
# Endings without any payment: such applications are deleted after the retention period.
NEVER_PAID_ENDINGS = frozenset({S.EXPIRED, S.DECLINED, S.CANCELLED})
# Erasure withdraws an application from these (queues, holds, offers, reviews).
WITHDRAWN_BY_ERASURE = ON_THE_WAY
# What erasure leaves in place of every answer.
ERASED = "[erased]"
ERASED_EMAIL = "erased@invalid.example"


def address_shown(email: str) -> str:
    """An address as the console and the command line show it: the placeholder an erasure
    leaves reads "[erased]", as every other erased field does (it is nobody's address)."""
    return ERASED if email.strip().lower() == ERASED_EMAIL else email


def person_shown(name: str, email: str) -> str:
    """ "Name <address>", or "[erased]" alone for a person whose details were erased."""
    return ERASED if address_shown(email) == ERASED else f"{name} <{email}>"


def refuse_the_erased(addresses: Iterable[str], what: str) -> None:
    """Nothing is addressed to the placeholder an erasure leaves: no email, no invoice, no
    checkout, no customer at Stripe. Each path checks who is left before it gets this far (a
    group whose contact is erased gets no new invoice); this is the rule every message and
    every request to the provider is held to as it is made, so a path that slips fails closed
    (Conflict ``person_erased``) instead of reaching anyone or anything."""
    if any(address.strip().lower() == ERASED_EMAIL for address in addresses):
        raise Conflict(f"{what} addressed to an erased person", code="person_erased")
