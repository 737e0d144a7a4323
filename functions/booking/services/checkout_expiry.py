"""An act that ends or replaces an open card checkout (an organiser's cancel, an erasure, a
group's place given up) expires it at Stripe before its save, as the same acts void
an open invoice first (``invoice_requests.voided_first``): a payment that got there first is
kept and the act refused in words, never taken and then given back whole because of our own
order of steps.

The checkout is marked first (``CheckoutRef.expiring``), so that Stripe's expiry event of it,
which may arrive before the act's save, ends nothing: the act's save ends or replaces it.
Stripe unanswered, the mark stays and the act is refused in words: the next press expires it
again and completes the act. The mark of one person's act says which act and since when
(``CheckoutRef.expiring_for``): left half done (nobody pressing again, or the function stopped
before its save), it is completed by Stripe's expiry event or the sweep (``checkout_acts``),
or its mark taken back when Stripe never expired it; a group's (no act recorded) lapses at
its end as any unpaid hold does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeVar

from aws_lambda_powertools import Logger

from booking.domain.application import WITHDRAWN_BY_ERASURE, Application
from booking.domain.commands import ExpireCheckout, Settlement
from booking.domain.errors import PAYMENT_BEING_RECORDED, Conflict, DependencyUnavailable
from booking.domain.invoice_instead import InvoicedInsteadOfCard
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.settlement import MoneyFact, closing
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


# The words of an invoice to the employer refused because the person's card payment won.
INVOICED_PAID_MEANWHILE = (
    "the person's card payment arrived first: their booking is confirmed by the card, and no "
    "invoice was sent to the employer. Please look again in a minute, when the booking shows "
    "as confirmed"
)


# The words of an act ending a booking refused because the person paid its move's difference.
MOVE_PAID_MEANWHILE = (
    "the person paid the difference for their move just now, and it is being recorded: "
    "nothing was changed. Please look again in a minute, when the booking has moved"
)


def expired_first(
    ports: Ports,
    holder: Holder,
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder | None],
    when_paid: Conflict,
    act: VoidingFor | None = None,
) -> Holder:
    """``holder``'s open checkout expired at Stripe before the act ending or replacing it is
    saved: ``holder`` as saved with its checkout marked ``expiring`` (``save(new, current)``),
    the version the act's save expects; ``act``: the act, recorded on the mark
    (``CheckoutRef.expiring_for``) so that one stopped before its save is completed. Stripe
    says it completed (paid meanwhile): the mark taken back (``read``: the holder now) and
    ``when_paid`` raised, the payment kept (its event confirms the booking). Stripe
    unanswered: DependencyUnavailable in words, the mark left."""
    checkout = holder.checkout
    assert checkout is not None
    if checkout.completed_at is not None:
        return holder  # completed by a bank debit, settling: the act's own rules weigh it
    session_id = checkout.session_id
    mark: Marking[Holder] = _marking("checkout", session_id, act)
    return _expired_marked(ports, holder, session_id, mark, save, read, when_paid)


# How a holder's checkout is marked ``expiring`` (True) or its mark taken back (False): the
# holder so marked, or None when it holds no such checkout, or is marked so already.
Marking = Callable[[Holder, bool], Holder | None]


def _marking(
    part: Literal["checkout", "pending_move"], session_id: str, act: VoidingFor | None = None
) -> Marking[Holder]:
    """How the holder's ``part`` (its own ``checkout``, or the ``pending_move`` waiting on one)
    is marked, when it is the checkout ``session_id``: one rule for both. The mark carries the
    ``act`` that expires it and its time (``expiring_for``), so what completes a half-done act
    knows which; taking the mark back clears it."""

    def marked(holder: Holder, expiring: bool) -> Holder | None:
        open_one = getattr(holder, part)
        if open_one is None or open_one.session_id != session_id or open_one.expiring is expiring:
            return None
        by = act if expiring else None
        with_mark = open_one.model_copy(update={"expiring": expiring, "expiring_for": by})
        return holder.model_copy(update={part: with_mark})

    return marked


def _expired_marked(
    ports: Ports,
    holder: Holder,
    session_id: str,
    mark: Marking[Holder],
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder | None],
    when_paid: Conflict,
    *,
    keep_mark_when_paid: bool = False,
) -> Holder:
    """The one order of every act's expiry first: the checkout ``session_id`` marked
    (``mark``), expired at Stripe, the mark taken back (unless ``keep_mark_when_paid``) and
    ``when_paid`` raised if Stripe says it was paid."""
    marked = holder
    with_mark = mark(holder, True)
    if with_mark is not None:
        marked = save(with_mark, holder)
    try:
        status = ports.payments.expire_checkout(session_id)
    except Conflict:
        status = "expired"  # Stripe cannot find or expire it: it cannot be paid either
    except DependencyUnavailable as error:
        raise expiry_unanswered(error) from error
    if status == "complete":
        if not keep_mark_when_paid:
            _unmarked(mark, save, read)
        logger.info("an act refused: its checkout was paid meanwhile")
        raise when_paid
    return marked


def move_expired_first(
    ports: Ports, application: Application, when_paid: Conflict, act: VoidingFor | None = None
) -> Application:
    """The checkout of the move ``application`` waits on (for its difference) expired at
    Stripe before an act that ends the booking is saved, as every open checkout is
    (``expired_first``): ``application`` as saved with the move marked ``expiring``. Stripe
    says it was paid meanwhile: the mark taken back and ``when_paid`` raised (the payment's
    event makes the move); an erasure's (``act``) left, so that event gives the difference
    back, before the erasure's save or after it alike. Stripe unanswered:
    DependencyUnavailable in words, the mark left."""
    pending = application.pending_move
    assert pending is not None
    assert pending.session_id is not None
    return _expired_marked(
        ports,
        application,
        pending.session_id,
        _marking("pending_move", pending.session_id, act),
        ports.repository.save,
        lambda: ports.repository.get_application(application.application_id),
        when_paid,
        keep_mark_when_paid=act is not None and act.erased,
    )


def paid_meanwhile(ports: Ports, application: Application, act: VoidingFor) -> bool:
    """Expire ``application``'s open checkout at Stripe before an act that keeps the booking
    whatever Stripe says (an erasure, which withdraws it): the application marked as
    ``expired_first`` marks it; True (the mark taken back) when Stripe says it was paid
    meanwhile. None open, or a bank debit of it settling (given back if it arrives): False."""
    checkout = application.checkout
    withdrawn = application.status in WITHDRAWN_BY_ERASURE
    if not withdrawn or checkout is None or checkout.completed_at is not None:
        return False
    if ExpireCheckout(checkout.session_id) not in closing(application, ports.clock()):
        return False
    try:
        expired_first(
            ports,
            application,
            ports.repository.save,
            lambda: ports.repository.get_application(application.application_id),
            Conflict(PAID_MEANWHILE, code=PAYMENT_BEING_RECORDED),
            act,
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
        "nothing was changed yet. Please try again in a few minutes (if nobody does and the "
        "payment provider did close it after all, what you asked is completed within half "
        "an hour; if it did not, the checkout's hold goes on to its usual end, unless it is "
        "paid meanwhile)",
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
) -> tuple[Application, tuple[str, ...]]:
    """Every open checkout an organiser's cancel ends, expired at Stripe before its save:
    the booking's own (:func:`_own_expired_first`) and its move's difference
    (:func:`_move_expired_first_for`). The application as then marked, and the sessions
    expired (none: ``fact`` is no such act)."""
    application, own = _own_expired_first(ports, fact, application, decided, marking)
    application, move = _move_expired_first_for(ports, fact, application, decided)
    return application, tuple(s for s in (own, move) if s is not None)


def _own_expired_first(
    ports: Ports,
    fact: MoneyFact,
    application: Application,
    decided: Settlement,
    marking: Callable[[str], None],
) -> tuple[Application, str | None]:
    """An organiser's cancel ending the open checkout (or an invoice to the employer replacing
    it) expires it at Stripe first
    (``expired_first``), refused if the person paid it meanwhile: the application as then
    marked, and the session expired (None: ``fact`` is no such act). A bursary is not: a
    payment racing it is kept, confirmed, and the bursary's share given back (the payment's
    own decision, ``domain.settlement``), nothing taken and given back whole. ``marking``:
    told the session before it is marked."""
    act = _card_act(fact, ports.clock())
    if act is None:
        return application, None
    session = closes_checkout(application, decided)
    if session is None or application.checkout is None or application.checkout.completed_at:
        return application, None  # none, or one whose bank debit is settling: as decided
    marking(session)
    paid = INVOICED_PAID_MEANWHILE if act.invoiced_instead is not None else PAID_MEANWHILE
    marked = expired_first(
        ports,
        application,
        ports.repository.save,
        lambda: ports.repository.get_application(application.application_id),
        Conflict(paid, code=PAYMENT_BEING_RECORDED),
        act,
    )
    return marked, session


def _card_act(fact: MoneyFact, now: datetime) -> VoidingFor | None:
    """The act ``fact`` is, recorded on the mark of the card checkout it expires first: an
    organiser's cancel, or an invoice to the employer instead (None: no such act)."""
    if isinstance(fact, Cancellation):
        return VoidingFor(since=now, refund=fact.refund)
    if isinstance(fact, InvoicedInsteadOfCard):
        return VoidingFor(since=now, invoiced_instead=fact.billing)
    return None


def _move_expired_first_for(
    ports: Ports, fact: MoneyFact, application: Application, decided: Settlement
) -> tuple[Application, str | None]:
    """An organiser's cancel ending the move that waits for its difference expires the move's
    checkout at Stripe first (``move_expired_first``), as it does the booking's own, refused if
    the person paid the difference meanwhile (the move is then made by its event, never the
    difference taken and given back whole): the application as then marked, and the session
    expired (None: no such act, or no such checkout to close)."""
    pending = application.pending_move
    if (
        not isinstance(fact, Cancellation)
        or pending is None
        or pending.session_id is None
        or ExpireCheckout(pending.session_id) not in decided.after_save
    ):
        return application, None
    paid = Conflict(MOVE_PAID_MEANWHILE, code="payment_being_recorded")
    act = VoidingFor(since=ports.clock(), refund=fact.refund)
    return move_expired_first(ports, application, paid, act), pending.session_id


def expired_already(decided: Settlement, *session_ids: str) -> Settlement:
    """``decided`` for an act whose checkouts ``session_ids`` Stripe has expired already: no
    expiry of them asked after the save."""
    first = {ExpireCheckout(session_id) for session_id in session_ids}
    after = tuple(c for c in decided.after_save if c not in first)
    return dataclasses.replace(decided, after_save=after)


def _unmarked(
    mark: Marking[Holder],
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder | None],
) -> None:
    """The holder's checkout no longer marked (Stripe said it completed)."""

    def clear(current: Holder | None) -> None:
        cleared = mark(current, False) if current is not None else None
        if current is not None and cleared is not None:
            save(cleared, current)

    retried(clear, read)
