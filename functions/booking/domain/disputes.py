"""A payer's bank taking a card payment back (a Stripe dispute, a chargeback): what the
booking records of it, how it counts in the money, and how the organisers read it. Pure.

Stripe tells a dispute in up to four events (``charge.dispute.created``, ``.funds_withdrawn``,
``.funds_reinstated``, ``.closed``), each carrying the whole Dispute object as it stood: its
status, and every balance transaction it made so far (the money withdrawn, and the money
reinstated if the dispute was won). So the record merges what each event says, never
replaces it: the balance transactions are kept by id (a later event holds all of an earlier
one's, an earlier one redelivered late adds nothing), and a status moves only forward (an
open dispute's ``needs_response`` never undoes ``under_review``, nor either a ``won`` or
``lost``). What is disputed in the money is what those balance transactions took and did
not give back: Stripe's balance, whatever order the events came in.

The place is never taken away here: a dispute may be won. The organisers are told once per
dispute (the facilitators' copy keyed by the dispute's id), and once more if it was the bank's
inquiry and became a chargeback (keyed by its id and ``BECAME_CHARGEBACK``: the money is taken
now), and the pages say what they can do:
for a payment refunded already, answer the dispute with the refund, else the bank pays the
payer a second time what the refund gave back (and once lost, that it did: the organisers'
to take up with the payer); cancel the place only while the booking holds one the console can
cancel (a group's place is its manager's to give up while the manager is there:
``PlaceHeld``, ``dispute_words``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self, TypeVar

from pydantic import ConfigDict, Field

from booking.domain.dispute_place_words import ALL_PLACES, ONE_PLACE, PLACE_GONE
from booking.domain.model import Model
from booking.domain.money import money_words
from booking.domain.time_words import day_when

if TYPE_CHECKING:
    from booking.domain.emails import EmailJob

# Why the bank says the payer disputed it (Stripe's ``reason``), in words an organiser reads.
REASON_WORDS = {
    "bank_cannot_process": "the bank could not process the payment",
    "check_returned": "the cheque was returned",
    "credit_not_processed": "the payer says a refund they were promised was not made",
    "customer_initiated": "the payer asked their bank to reverse it",
    "debit_not_authorized": "the payer says they did not authorise the debit",
    "duplicate": "the payer says they were charged twice",
    "fraudulent": "the payer says they did not make this payment (fraud)",
    "general": "no particular reason given by the bank",
    "incorrect_account_details": "the account details were wrong",
    "insufficient_funds": "there was not enough money in the account",
    "noncompliant": "the bank says the payment broke the card network's rules",
    "product_not_received": "the payer says they did not receive what they paid for",
    "product_unacceptable": "the payer says what they paid for was not as described",
    "subscription_canceled": "the payer says they had cancelled",
    "unrecognized": "the payer does not recognise the payment",
}
# How far along a status is: an event never moves a dispute back (out of order, redelivered).
# An inquiry (``warning_*``) comes before any chargeback: one the bank escalates stays the same
# Dispute and moves on to ``needs_response``, even from ``warning_under_review``, and even once
# the inquiry closed (``warning_closed``): a chargeback Stripe holds of it is never said as an
# inquiry that took nothing while its money counts as taken.
_STAGE = {
    "warning_needs_response": 0,
    "warning_under_review": 1,
    "warning_closed": 2,
    "needs_response": 3,
    "under_review": 4,
    "prevented": 5,
    "won": 5,
    "lost": 5,
}
# A bank's inquiry still open: it asks about the payment and takes nothing (only a chargeback,
# ``needs_response`` or ``under_review``, withdraws the money).
OPEN_INQUIRY = frozenset({"warning_needs_response", "warning_under_review"})
# Added to a dispute's id in the occasion of the organisers' second message about it: the
# bank's inquiry they were told of became a chargeback, taking the money.
BECAME_CHARGEBACK = "-chargeback"
DISPUTE_COPY = "disputed"  # the occasion of the organisers' one message about a dispute
# Why a payment's money is held by a dispute: the facilitators' copy's reason, and the code
# of a refund refused while it holds the money (``domain.disputed_refunds``).
PAYMENT_DISPUTED = "payment_disputed"


@dataclass(frozen=True)
class DisputeEvent:
    """The facts of a ``charge.dispute.*`` event (the Dispute object it carries)."""

    event_id: str
    dispute_id: str
    payment_intent: str
    charge: str
    amount: int
    currency: str
    status: str
    reason: str
    created: datetime | None  # the dispute's own moment: when the bank opened it
    evidence_due_by: datetime | None
    # Each balance transaction Stripe made for it so far: its id and amount (negative: taken).
    movements: tuple[tuple[str, int], ...] = ()
    # Stripe's fee on each of them (its id and ``fee``): the dispute fee, taken with the
    # withdrawal (£20 in the UK), and kept whatever the outcome under Stripe's UK pricing (a
    # reversal that gave it back would carry it negative).
    fees: tuple[tuple[str, int], ...] = ()


class DisputeRecord(Model):
    """A dispute of one of the booking's payments, as Stripe's events told it (no personal
    data: ids, amounts, Stripe's codes and moments)."""

    model_config = ConfigDict(frozen=True)

    dispute_id: str
    payment_intent: str
    amount: int
    currency: str
    status: str
    reason: str
    opened_at: datetime | None = None
    evidence_due_by: datetime | None = None
    movements: dict[str, int] = Field(default_factory=dict)
    fees: dict[str, int] = Field(default_factory=dict)  # balance transaction id -> its fee

    @property
    def fee(self) -> int:
        """What Stripe charged for the dispute (its fee on the balance transactions, as Stripe
        gives it), net of any it gave back (minor units)."""
        return max(0, sum(self.fees.values()))

    @property
    def withdrawn(self) -> int:
        """What the dispute has taken from Stripe's balance and not given back (minor units)."""
        return max(0, -sum(self.movements.values()))

    @property
    def open_inquiry(self) -> bool:
        """Whether it is the bank's inquiry, still open: nothing taken yet."""
        return self.status in OPEN_INQUIRY

    @property
    def inquiry(self) -> bool:
        """Whether it is the bank's inquiry, open or closed: never a chargeback, nothing taken."""
        return self.status.startswith("warning_")  # each inquiry status, and none else

    @property
    def closed(self) -> bool:
        return self.status in ("won", "lost", "warning_closed", "prevented")

    def merged(self, event: DisputeEvent) -> DisputeRecord:
        """This record with what ``event`` says: its balance transactions added, its status
        taken only if it is further along (a closed dispute stays closed)."""
        forward = _STAGE.get(event.status, 0) >= _STAGE.get(self.status, 0)
        return self.model_copy(
            update={
                "status": event.status if forward else self.status,
                "amount": event.amount,
                "reason": event.reason or self.reason,
                "evidence_due_by": event.evidence_due_by or self.evidence_due_by,
                "opened_at": self.opened_at or event.created,
                "movements": {**self.movements, **dict(event.movements)},
                "fees": {**self.fees, **dict(event.fees)},
            }
        )


def new_record(event: DisputeEvent) -> DisputeRecord:
    return DisputeRecord(
        dispute_id=event.dispute_id,
        payment_intent=event.payment_intent,
        amount=event.amount,
        currency=event.currency,
        status=event.status,
        reason=event.reason,
        opened_at=event.created,
        evidence_due_by=event.evidence_due_by,
        movements=dict(event.movements),
        fees=dict(event.fees),
    )


def with_dispute(
    disputes: tuple[DisputeRecord, ...], event: DisputeEvent
) -> tuple[tuple[DisputeRecord, ...], bool]:
    """``disputes`` with ``event`` applied, and whether it is a dispute first heard of now."""
    known = next((d for d in disputes if d.dispute_id == event.dispute_id), None)
    if known is None:
        return (*disputes, new_record(event)), True
    merged = known.merged(event)
    return tuple(merged if d is known else d for d in disputes), False


class Disputed(Protocol):
    """A record a payment's dispute is recorded on: an application, or a group booking."""

    @property
    def disputes(self) -> tuple[DisputeRecord, ...]: ...

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self: ...

    def with_event(self, event_id: str) -> Self: ...

    def with_emails(self, *jobs: EmailJob) -> Self: ...


R = TypeVar("R", bound=Disputed)


def dispute_recorded(
    current: R, event: DisputeEvent, told: Callable[[R, str], EmailJob]
) -> R | None:
    """``current`` with ``event``'s dispute recorded and the event taken, the organisers
    ``told`` of a dispute first heard of now, or of an inquiry become a chargeback now (``told``
    gets the dispute's id, with ``BECAME_CHARGEBACK`` for that); None when it says nothing new
    (a redelivery, an earlier event come late)."""
    disputes, first_heard = with_dispute(current.disputes, event)
    if disputes == current.disputes:
        return None
    new = current.model_copy(update={"disputes": disputes}).with_event(event.event_id)
    if first_heard:
        return new.with_emails(told(current, event.dispute_id))
    if _escalated(current.disputes, disputes, event.dispute_id):
        # Told of the inquiry that nothing was taken: told again, once, that the money is.
        return new.with_emails(told(current, f"{event.dispute_id}{BECAME_CHARGEBACK}"))
    return new


def _escalated(
    before: tuple[DisputeRecord, ...], after: tuple[DisputeRecord, ...], dispute_id: str
) -> bool:
    """Whether the dispute ``dispute_id`` was the bank's inquiry and is a chargeback now."""
    was = next(d for d in before if d.dispute_id == dispute_id)
    now = next(d for d in after if d.dispute_id == dispute_id)
    return was.inquiry and not now.inquiry


def disputed_total(disputes: tuple[DisputeRecord, ...]) -> int:
    """What every dispute of a booking's payments holds withdrawn (minor units)."""
    return sum(d.withdrawn for d in disputes)


def dispute_fees(disputes: tuple[DisputeRecord, ...]) -> int:
    """What Stripe charged in dispute fees on a booking's payments (minor units)."""
    return sum(d.fee for d in disputes)


class PaymentRefunds(NamedTuple):
    """One of a booking's payments as a dispute of it is weighed: what it took, and what was
    refunded of it already (minor units)."""

    taken: int
    refunded: int


# Each of a booking's (or a group's) payments, by its payment intent: what every sentence
# saying a dispute of it is given, so none can forget a refund made before the dispute.
Payments = Mapping[str, PaymentRefunds]


def paid_twice(record: DisputeRecord, payments: Payments) -> int:
    """What the payer would have twice if the bank gave them what ``record`` disputes: the part
    of it the organisers refunded already (minor units; a bank may dispute a refunded payment,
    and a partly refunded one's whole amount)."""
    payment = payments.get(record.payment_intent)
    if payment is None or not payment.refunded:
        return 0
    overlap = payment.refunded + record.amount - payment.taken
    return max(0, min(payment.refunded, record.amount, overlap))


class PlaceHeld(StrEnum):
    """What the booking a disputed payment paid for holds: what the organisers can do with it
    decides what they are told."""

    CANCELLABLE = "cancellable"  # a place the organisers' console can cancel
    # A group booking's place its manager decides: the console offers no cancel of it.
    MANAGERS = "managers"
    GONE = "gone"  # no place any more (cancelled, or its places given up or released)


def own_place(enrolment_ended: bool) -> PlaceHeld:
    """What a person's own booking holds: its place, which the console can cancel, until its
    enrolment ended (cancelled or refunded)."""
    return PlaceHeld.GONE if enrolment_ended else PlaceHeld.CANCELLABLE


def dispute_words(
    record: DisputeRecord,
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
    many: bool = False,
) -> str:
    """What the organisers read of a dispute, on the application's page, the roster, the
    person's record and the facilitators' message (``payments``: the booking's, to weigh
    what it refunded already; ``place``: what the booking holds; ``many``: said of all a
    group's places, on the group's own line, rather than of one colleague's)."""
    opened = day_when(record.opened_at, timezone) if record.opened_at else "an unknown day"
    why = REASON_WORDS.get(record.reason, "the bank gave no reason we know")
    said = f"Payment disputed by the payer's bank on {opened}: {why}"
    amount = money_words(record.amount, record.currency)
    fee = (
        f" Stripe charged a {money_words(record.fee, record.currency)} dispute fee, kept "
        "whatever the outcome."
        if record.fee
        else ""
    )
    if record.status == "won":
        return f"{said}. The dispute was won: the {amount} came back from the bank.{fee}"
    if record.status == "warning_closed":
        # An inquiry the bank let go: it never became a chargeback, so nothing was lost.
        closed = "The bank's inquiry closed without a chargeback"
        return f"{said}. {closed}: none of the {amount} was taken.{fee}"
    if record.status == "lost":
        twice = _lost_paid_twice(record, payments)
        return f"{said}. The dispute was lost: the bank kept the {amount}.{twice}{fee}"
    due = day_when(record.evidence_due_by, timezone) if record.evidence_due_by else None
    if record.open_inquiry:
        held = _inquiry_said(amount, due)
        return f"{said}. {held} {_what_to_do(record, payments, due, place=place, many=many)}{fee}"
    held = f"Stripe holds {amount} until {due}" if due else f"Stripe holds {amount}"
    taken = f"The bank has taken the payment back (a chargeback): {held}."
    return f"{said}. {taken} {_what_to_do(record, payments, due, place=place, many=many)}{fee}"


def _inquiry_said(amount: str, due: str | None) -> str:
    """An open inquiry: nothing withdrawn, but unanswered it may become a chargeback."""
    by = f" if it is not answered by {due}" if due else " if it is not answered"
    return (
        "The payer's bank has asked about this payment (an inquiry, not yet a chargeback): "
        f"nothing has been taken yet, but it may become a chargeback, taking the {amount} "
        f"back,{by}."
    )


def _lost_paid_twice(record: DisputeRecord, payments: Payments) -> str:
    """What a lost dispute of a payment refunded already left: the payer paid it twice (by
    the organisers' refund and by their bank), which nothing here or at Stripe can undo ("":
    nothing of it had been refunded)."""
    twice = paid_twice(record, payments)
    if not twice:
        return ""
    refunded = money_words(payments[record.payment_intent].refunded, record.currency)
    of_it = "" if twice >= record.amount else f" {money_words(twice, record.currency)} of it"
    return (
        f" {refunded} of this payment had been refunded to the payer already, so they were "
        f"paid{of_it} twice (by the refund and by their bank). Nothing more can be done about "
        "it in the booking system or at Stripe: it is for the organisers to take up with the "
        "payer."
    )


# Whether the booking still holds a place, and who decides it, decides what cancelling it is.
def _place_said(record: DisputeRecord, place: PlaceHeld, *, first: bool, many: bool) -> str:
    """What the organisers can do with the place (``many``: all a group's places), after what
    to do about the dispute (``first``: nothing was said before it, so it says to respond
    with evidence too)."""
    respond = ": respond with evidence on Stripe's dashboard"
    words = ALL_PLACES if many else ONE_PLACE
    if place is PlaceHeld.GONE:
        return f"{PLACE_GONE}{respond}." if first else f" {PLACE_GONE}."
    if place is PlaceHeld.MANAGERS:
        held = words.not_while_held if record.withdrawn else ""
        lead = f"{words.kept}{respond}. " if first else f" {words.kept}. "
        return f"{lead}{words.managers}{held}."
    console = "in the organisers' console if you choose."
    if first:
        return f"{words.kept}{respond}, or cancel {words.the} {console}"
    return f" {words.kept}; cancel {words.it} {console}"


def _what_to_do(
    record: DisputeRecord, payments: Payments, due: str | None, *, place: PlaceHeld, many: bool
) -> str:
    """What the organisers can do about an open dispute: answer with the refund what was
    refunded of the payment already (never "cancel the place": the payer would be paid
    twice), with evidence the rest; cancel the place if they choose only while the console
    can cancel one."""
    twice = paid_twice(record, payments)
    if not twice:
        return _place_said(record, place, first=True, many=many)
    refunded = money_words(payments[record.payment_intent].refunded, record.currency)
    by = f" by {due}" if due else ""
    # An inquiry pays nobody: only the chargeback it may become would.
    would = "a chargeback would" if record.open_inquiry else "the bank would"
    if twice >= record.amount:
        answer = (
            f"{refunded} of this payment was refunded to the payer already, so {would} pay "
            f"them twice: respond on Stripe's dashboard{by} with the refund as evidence."
        )
        # Cancelling would not help: the place is not mentioned unless the console has none.
        kept = place is PlaceHeld.CANCELLABLE
        return answer if kept else answer + _place_said(record, place, first=False, many=many)
    answer = (
        f"{refunded} of this payment was refunded to the payer already, so {would} pay "
        f"them {money_words(twice, record.currency)} of it twice: respond on Stripe's "
        f"dashboard{by} with the refund as evidence, and with evidence for the rest."
    )
    return answer + _place_said(record, place, first=False, many=many)


def disputes_said(
    disputes: tuple[DisputeRecord, ...],
    timezone: str,
    payments: Payments,
    *,
    place: PlaceHeld,
    many: bool = False,
) -> str:
    """Every dispute of a booking's payments in words, oldest first ("" when none): one line
    for the roster, its CSV, the organiser API and the person's record (``payments``,
    ``place`` and ``many``: as :func:`dispute_words`)."""
    return " ".join(dispute_words(d, timezone, payments, place=place, many=many) for d in disputes)


class GroupDisputesSaid(NamedTuple):
    """A group booking's payment's disputes in words, beside a colleague whose place it paid
    for: as the group's places stand, or for a colleague whose own booking holds no place
    any more (cancelled: its place given up)."""

    held: str
    gone: str


def place_disputes_said(
    disputes: tuple[DisputeRecord, ...],
    group_id: str | None,
    timezone: str,
    groups_disputed: Mapping[str, GroupDisputesSaid] | None,
    payments: Payments,
    *,
    place_gone: bool,
) -> str:
    """A payer's bank's disputes of what paid for a place, in words: the booking's own
    payment's (``disputes``, weighed with its ``payments``; ``place_gone``: the booking holds
    no place any more), or, for a colleague's place in the group booking ``group_id``, the
    group's payment's (``groups_disputed``: each disputed group's words, by its id)."""
    own = disputes_said(disputes, timezone, payments, place=own_place(place_gone))
    if own or group_id is None:
        return own
    group = (groups_disputed or {}).get(group_id)
    if group is None:
        return ""
    return group.gone if place_gone else group.held
