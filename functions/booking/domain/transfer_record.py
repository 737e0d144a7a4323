"""What a booking keeps of each move to another cohort (``domain.transfers`` decides them).

Its own module because the application (``domain.application``) holds these records, while the
rules that make them read applications.
"""

from collections.abc import Sequence
from datetime import datetime

from pydantic import ConfigDict

from booking.domain.invoice_voiding import VoidingFor
from booking.domain.model import Model
from booking.domain.money import Money, money_words


class RefundPart(Model):
    """What a move gives back of one charge the booking kept (its first payment, or an
    earlier move's difference), decided with the move, and Stripe's refund of it once made."""

    model_config = ConfigDict(frozen=True)

    payment_intent: str
    amount: int  # minor units
    refund_id: str | None = None


class TransferRecord(Model):
    """One move of a booking from one cohort to another: when, and the money it moved."""

    model_config = ConfigDict(frozen=True)

    from_course_id: str
    to_course_id: str
    at: datetime
    price_before: Money  # the place's price on the cohort it left
    price_after: Money  # and on the cohort it joined (a code and a bursary carried over)
    # What the move gives back (minor units): the payment kept less what the new cohort asks.
    refund_due: int = 0
    # Stripe's refund of it, once made (asked after the move was saved; see domain.transfers);
    # with several parts, the first part's.
    refund_id: str | None = None
    # Where the refund comes from, charge by charge, newest charge first (decided with the
    # move, so a repeat asks the same refunds). Empty on records stored before a booking could
    # keep several charges: then all of ``refund_due`` is of the booking's first payment.
    refund_parts: tuple[RefundPart, ...] = ()
    # What the new cohort asked beyond what was kept, waived as less than Stripe's minimum
    # charge (minor units; 0: none). Nobody is asked for it.
    difference_waived: int = 0
    # What the move charged by card beyond what was kept (a dearer cohort), and the payment
    # that paid it (kept beside the booking's first: ``Application.further_charges``).
    difference_charged: int = 0
    charge_payment_intent: str | None = None
    # When a refund at Stripe made before that difference was paid (in its second too) ended
    # the booking before the person was told of the move (``domain.move_undone``): the move
    # never stood, the booking is back on ``from_course_id`` (where its invitation is) and the
    # difference went back whole. None: the move stands (or was told before the booking ended).
    undone_at: datetime | None = None

    @property
    def refund_pending(self) -> bool:
        if self.refund_parts:
            return any(part.refund_id is None for part in self.refund_parts)
        return self.refund_due > 0 and self.refund_id is None

    def parts_of(self, first_payment: str | None) -> tuple[RefundPart, ...]:
        """What the move gives back, charge by charge (``first_payment``: the booking's first
        payment, which all of it is of on a record stored before parts were kept)."""
        if self.refund_parts or self.refund_due <= 0 or first_payment is None:
            return self.refund_parts
        return (
            RefundPart(
                payment_intent=first_payment, amount=self.refund_due, refund_id=self.refund_id
            ),
        )

    def refund_ids(self) -> set[str]:
        ids = {part.refund_id for part in self.refund_parts if part.refund_id is not None}
        return ids | ({self.refund_id} if self.refund_id is not None else set())


class PendingMove(Model):
    """A move to a dearer cohort asked for and waiting for its difference to be paid: the seat
    on ``to_course_id`` is held for the booking meanwhile (``domain.limits``), the booking
    stands where it is, and the move is made when Stripe reports the difference paid, or
    lapses (its checkout expired, its deadline passed, withdrawn, the booking ended)."""

    model_config = ConfigDict(frozen=True)

    to_course_id: str
    price_before: Money  # the place's price on the cohort it is on
    price_after: Money  # and on the cohort it is to join (a code and a bursary carried over)
    difference: int  # minor units asked by card: what the new place costs beyond what was kept
    asked_at: datetime
    expires_at: datetime  # the hold goes back then, whether or not Stripe says so
    attempt: int  # the booking's n-th move asked (keys its checkout: see domain.dearer_moves)
    session_id: str | None = None  # the checkout asking for the difference, once opened
    url: str | None = None
    # Its checkout being expired at Stripe by an act that ends the booking, before that act's
    # save (``services.checkout_expiry``, as ``CheckoutRef.expiring``): Stripe's expiry event
    # of it ends nothing, the act's save ends the move with the booking.
    expiring: bool = False
    # The act it is expired for, as ``CheckoutRef.expiring_for``: an erasure's mark stays when
    # the difference was paid in that instant, so that its payment's event, before or after
    # the erasure's save, gives the difference back whole (``domain.dearer_moves``).
    expiring_for: VoidingFor | None = None

    def difference_words(self) -> str:
        return money_words(self.difference, self.price_after.currency)

    def overdue(self, now: datetime) -> bool:
        """Whether its deadline has passed at ``now``: its checkout can no longer be paid and
        the sweep lapses it (in case Stripe's expiry event was lost)."""
        return self.expires_at <= now


def owed_by_a_move(transfers: tuple[TransferRecord, ...], amount: int) -> bool:
    """Whether a refund of ``amount`` that Stripe reports is the one the latest move still owes
    (asked of Stripe by the move itself, whose email told the person already)."""
    if not transfers or not transfers[-1].refund_pending:
        return False
    latest = transfers[-1]
    owed = {part.amount for part in latest.refund_parts if part.refund_id is None}
    return amount in (owed or {latest.refund_due})


def made_by_a_move(
    transfers: tuple[TransferRecord, ...], refund_id: str | None, amount: int
) -> bool:
    """Whether a refund Stripe reports is one a move made (known by the refund id its record
    keeps) or still owes (the latest move's, by amount, before its id was recorded). Such a
    refund gives back a price difference: the booking stands, whatever is left of the payment."""
    if refund_id is not None and any(refund_id in t.refund_ids() for t in transfers):
        return True
    return owed_by_a_move(transfers, amount)


def waived_on_this_cohort(transfers: Sequence[TransferRecord]) -> int:
    """What the latest move left unpaid (below Stripe's minimum charge): the booking's due on
    the cohort it is on is its price less that. An earlier move's waiver was about the price
    of the cohort it moved to, which the booking has left since."""
    return transfers[-1].difference_waived if transfers else 0


class WaitingMove(Model):
    """A move to a full cohort waiting on that cohort's waiting list (``domain.waiting_moves``):
    the booking keeps its seat where it is and is listed on ``to_course_id``'s waiting list in
    the order it was asked, beside the people who applied there; the first seat that frees for
    it moves it (or, for a dearer cohort, asks for the difference)."""

    model_config = ConfigDict(frozen=True)

    to_course_id: str
    asked_at: datetime  # its place in the waiting list's one order
    # The earlier of the two cohorts' first days: once either begins, it ends unmoved.
    ends_at: datetime
