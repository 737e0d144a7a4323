"""The events of a group booking its manager (and its billing contact) hear of, one name each:
what ``domain.group_notices`` queues and ``domain.payer`` reads off the queued job. A module of
its own, with nothing but the standard library, so the mailer (which asks ``domain.payer`` who
is told) names them without loading the group booking's rules (``domain.groups``) at a cold
start."""

from __future__ import annotations

from enum import StrEnum


class GroupEvent(StrEnum):
    PLACE_GIVEN_UP = "place_given_up"  # a paid place given up: its share refunded
    INVOICE_REISSUED = "invoice_reissued"  # a place given up before paying: a new invoice
    HOLD_LAPSED = "hold_lapsed"  # ended unpaid (why: ``GroupBooking.ended_because``)
    UNFILLED_RELEASED = "unfilled_released"  # nobody applied by the deadline: refunded
    PAYMENT_RETURNED = "payment_returned"  # a payment the booking could not take, given back
    REFUNDED_AT_STRIPE = "refunded_at_stripe"  # its payment refunded in full at Stripe
    # Part of its payment refunded at Stripe: the places stand (``domain.group_refunds``).
    REFUNDED_IN_PART_AT_STRIPE = "refunded_in_part_at_stripe"
    # The course's dates moved its apply-by date, earlier or later (``domain.group_dates``).
    APPLY_BY_MOVED = "apply_by_moved"
    # A payment of its invoice failed (``invoice.payment_failed``): the invoice stays open,
    # the places held to its due day (``domain.group_stripe_events.decide_left_open``).
    INVOICE_PAYMENT_FAILED = "invoice_payment_failed"
    # Its invoice's payment outside Stripe recorded by an organiser: the billing contact's
    # acknowledgement (``services.payment_received``).
    PAYMENT_RECEIVED = "payment_received"
    # Its invoice corrected by an organiser to another billing contact: the one it was sent to
    # told it was replaced and need not be paid (``domain.payer``). One event whoever's invoice
    # it was: also the reason of a person's own INVOICE_ENDED message to that contact, which
    # the timeline's words read (``domain.email_words``).
    INVOICE_CORRECTED = "invoice_corrected"


# The key of the manager's UNFILLED_RELEASED message when the shares of places released while a
# payer's bank's dispute held the payment are refunded once it is won (``services.group_disputes``).
REFUNDED_ONCE_WON = "deadline-after-dispute"
