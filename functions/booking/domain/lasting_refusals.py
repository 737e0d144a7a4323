"""Which refusals of an act last: one rule for every sweep that completes an act left half done
after its invoice's void (one person's cancel or bursary, ``services.invoice_void_sweep``; a
group's invoice replacement, ``services.group_replacement_sweep``; the order in
``services.half_done``). Pure rules, no I/O.

A completion refused for good leaves an invoice nobody can pay: the booking ends by that void
at once. A refusal the next try may not meet (the booking or group written under the save, a
race lost five times, a payment on its way) ends nothing: the mark stays and the next run
completes the act. Time only moves on, so a refusal for the course begun, its
applications closed, an invoice past its due date or too late to send one lasts; those codes
are named here, once, and their refusals raise them from here. A refusal the next runs keep
meeting (a refund Stripe refuses each time, a place gone since) is tried for
``PASSING_TRIED_FOR`` from the act's mark, then ends the act by its void as a lasting one
does: never a booking held on a void invoice run after run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.domain.errors import PAYMENT_ON_ITS_WAY, BookingError, CourseClosed

COURSE_STARTED = "started"  # a group's places change no more (``place_changes``)
INVOICE_PAST_DUE = "invoice_past_due"  # no invoice for fewer places (``group_give_ups``)
TOO_LATE_FOR_INVOICE = "too_late_for_invoice"  # no invoice due before the course starts

LASTING = frozenset({COURSE_STARTED, CourseClosed.code, INVOICE_PAST_DUE, TOO_LATE_FOR_INVOICE})
PASSING_TRIED_FOR = timedelta(hours=2)  # eight runs of the sweep, every 15 minutes


def refused_for_good(refusal: BookingError) -> bool:
    """Whether ``refusal`` of completing an act will be met by every later try too."""
    return refusal.code in LASTING


def ends_by_the_void(refusal: BookingError, marked_since: datetime, now: datetime) -> bool:
    """Whether an act marked at ``marked_since`` and its completion refused (``refusal``) at
    ``now`` ends by its void: refused for good, or refused run after run for too long. Never
    while a payment is on its way of the invoice an earlier try of the act sent: a bank debit
    takes days, and the booking ended under it was paid for by its employer after all, its
    place gone (its payment's event completes the act; a failed debit lets the next run)."""
    if refusal.code in PAYMENT_ON_ITS_WAY:
        return False
    return refused_for_good(refusal) or marked_since + PASSING_TRIED_FOR <= now
