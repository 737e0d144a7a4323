"""An act left half done after its invoice's void, one step for every kind: one
person's cancel or bursary (``invoice_void_sweep``), a group's invoice replacement
(``group_replacement_sweep``). Each kind says how it is taken back, completed and ended; the
order and Stripe's say are written here once.

Stripe decides, read once: the invoice still open or paid (the void never reached Stripe, or
was refused), the mark is taken back and the booking goes on on its invoice; void, or unknown
to Stripe (nothing can pay it), the act is completed, the same use case its maker ran. A
completion refused for good (``domain.lasting_refusals``) leaves an invoice nobody can pay:
the booking ends by that void, never left on it to end later as though it went unpaid. Any
other refusal (a race lost, the booking written under the save) ends nothing: the mark stays
and the next run completes the act, unless it is still refused two hours after
the mark (``lasting_refusals.ends_by_the_void``). Stripe unreachable: DependencyUnavailable,
the next run looks again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.errors import BookingError, DependencyUnavailable, UnknownToProvider
from booking.domain.lasting_refusals import ends_by_the_void
from booking.services.ports import Ports

logger = Logger(child=True)


@dataclass(frozen=True)
class HalfDone:
    """One act left half done on ``invoice_id``: how it is taken back (the void never
    happened), completed, and ended by the void (its completion refused for good,
    ``lasting_refusals``: only then is it called)."""

    invoice_id: str
    marked_since: datetime  # when the act marked it (a passing refusal is tried so long)
    taken_back: Callable[[], None]
    completed: Callable[[], None]
    ended_by_the_void: Callable[[BookingError], None]


def finished_as_stripe_holds(ports: Ports, act: HalfDone) -> bool:
    """``act`` finished as Stripe holds its invoice: True when it was completed."""
    try:
        status = ports.payments.invoice_at_stripe(act.invoice_id).status
    except UnknownToProvider:
        status = "void"  # Stripe holds no such invoice: nothing can pay it
    if status != "void":
        act.taken_back()
        return False
    try:
        act.completed()
    except DependencyUnavailable:
        raise  # Stripe unreachable: the next run looks again
    except BookingError as error:
        if not ends_by_the_void(error, act.marked_since, ports.clock()):
            extra = {"invoice_id": act.invoice_id, "code": error.code}  # naming no one
            logger.warning("a half-done act refused: left for the next run", extra=extra)
            return False
        act.ended_by_the_void(error)
        return False
    return True
