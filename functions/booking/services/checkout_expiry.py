"""An act that ends or replaces an open card checkout (an organiser's cancel, an erasure, a
group's place given up) expires it at Stripe before its save, as the same acts void
an open invoice first (``invoice_requests.voided_first``): a payment that got there first is
kept and the act refused in words, never taken and then given back whole because of our own
order of steps (hostile33 N11).

The checkout is marked first (``CheckoutRef.expiring``), so that Stripe's expiry event of it,
which may arrive before the act's save, ends nothing: the act's save ends or replaces it.
Stripe unanswered, the mark stays and the act is refused in words: the next press expires it
again and completes the act; if nobody presses, the hold lapses at its end as any unpaid hold
does (the sweep), or the payment, if Stripe never had the expiry, confirms the booking.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.commands import ExpireCheckout, Settlement
from booking.domain.errors import PAYMENT_BEING_RECORDED, Conflict, DependencyUnavailable
from booking.domain.settlement import Cancellation, MoneyFact
from booking.services.concurrency import retried
from booking.services.ports import Ports

if TYPE_CHECKING:  # the single bookings' cold start never loads the groups' domain
    from booking.domain.groups import GroupBooking

logger = Logger(child=True)

Holder = TypeVar("Holder", Application, "GroupBooking")

# The words of an organiser's act refused because the person's card payment got there first.
PAID_MEANWHILE = (
    "the person's card payment has arrived and is being recorded: nothing was changed. "
    "Please look again in a minute, when the booking is confirmed"
)


def expired_first(
    ports: Ports,
    holder: Holder,
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder | None],
    when_paid: Conflict,
) -> Holder:
    """``holder``'s open checkout expired at Stripe before the act ending or replacing it is
    saved: ``holder`` as saved with its checkout marked ``expiring`` (``save(new, current)``),
    the version the act's save expects. Stripe says it completed (paid meanwhile): the mark
    taken back (``read``: the holder now) and ``when_paid`` raised, the payment kept (its event
    confirms the booking). Stripe unanswered: DependencyUnavailable in words, the mark left."""
    checkout = holder.checkout
    assert checkout is not None
    if checkout.completed_at is not None:
        return holder  # completed by a bank debit, settling: the act's own rules weigh it
    marked = holder
    if not checkout.expiring:
        expiring = checkout.model_copy(update={"expiring": True})
        marked = save(holder.model_copy(update={"checkout": expiring}), holder)
    try:
        status = ports.payments.expire_checkout(checkout.session_id)
    except Conflict:
        status = "expired"  # Stripe cannot find or expire it: it cannot be paid either
    except DependencyUnavailable as error:
        raise expiry_unanswered(error) from error
    if status == "complete":
        _unmarked(checkout.session_id, save, read)
        logger.info("an act refused: its checkout was paid meanwhile")
        raise when_paid
    return marked


def paid_meanwhile(ports: Ports, application: Application) -> bool:
    """Expire ``application``'s open checkout at Stripe before an act that keeps the booking
    whatever Stripe says (an erasure): the application marked as ``expired_first`` marks it;
    True (the mark taken back) when Stripe says it was paid meanwhile."""
    try:
        expired_first(
            ports,
            application,
            ports.repository.save,
            lambda: ports.repository.get_application(application.application_id),
            Conflict(PAID_MEANWHILE, code=PAYMENT_BEING_RECORDED),
        )
    except Conflict as refused:
        if refused.code == PAYMENT_BEING_RECORDED:
            return True
        raise
    return False


def expiry_unanswered(error: DependencyUnavailable) -> DependencyUnavailable:
    """What the organiser or the manager is told when Stripe did not answer the expiry an act
    asks first, in one wording (as ``invoice_requests.void_unanswered`` for an invoice)."""
    return DependencyUnavailable(
        "the payment provider did not answer when asked to close the open card checkout: "
        "nothing was changed yet. Please try again in a few minutes (if nobody does, the "
        "checkout's hold ends at its usual time, unless it is paid meanwhile)",
        code=error.code,
        retry_after_seconds=error.retry_after_seconds,
    )


def closes_checkout(application: Application, decided: Settlement) -> str | None:
    """The open checkout ``application`` holds whose expiry ``decided`` asks after its save:
    its session id (None: it asks none)."""
    checkout = application.checkout
    if decided.application is None or checkout is None:
        return None
    asked = ExpireCheckout(checkout.session_id) in decided.after_save
    return checkout.session_id if asked else None


def expired_first_for(
    ports: Ports,
    fact: MoneyFact,
    application: Application,
    decided: Settlement,
    marking: Callable[[str], None],
) -> tuple[Application, str | None]:
    """An organiser's cancel ending the open checkout expires it at Stripe first
    (``expired_first``), refused if the person paid it meanwhile: the application as then
    marked, and the session expired (None: ``fact`` is no such act). A bursary is not: a
    payment racing it is kept, confirmed, and the bursary's share given back (the payment's
    own decision, ``domain.settlement``), nothing taken and given back whole. ``marking``:
    told the session before it is marked."""
    if not isinstance(fact, Cancellation):
        return application, None
    session = closes_checkout(application, decided)
    if session is None or application.checkout is None or application.checkout.completed_at:
        return application, None  # none, or one whose bank debit is settling: as decided
    marking(session)
    marked = expired_first(
        ports,
        application,
        ports.repository.save,
        lambda: ports.repository.get_application(application.application_id),
        Conflict(PAID_MEANWHILE, code=PAYMENT_BEING_RECORDED),
    )
    return marked, session


def expired_already(decided: Settlement, session_id: str) -> Settlement:
    """``decided`` for an act whose checkout ``session_id`` Stripe has expired already: no
    expiry of it asked after the save."""
    after = tuple(c for c in decided.after_save if c != ExpireCheckout(session_id))
    return dataclasses.replace(decided, after_save=after)


def _unmarked(
    session_id: str,
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder | None],
) -> None:
    """The holder's checkout ``session_id`` no longer marked (Stripe said it completed)."""

    def clear(current: Holder | None) -> None:
        checkout = current.checkout if current is not None else None
        if current is None or checkout is None:
            return
        if checkout.session_id == session_id and checkout.expiring:
            kept = checkout.model_copy(update={"expiring": False})
            save(current.model_copy(update={"checkout": kept}), current)

    retried(clear, read)
