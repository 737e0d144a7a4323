"""The one path for money: read the application once, decide (``domain.settlement``), carry
the decision out around one save.

Money going out (a refund) is asked of Stripe before the save that records it, keyed by what
it is for, so a crash in between repeats the same refund, never a second one; a replacement
invoice is asked for before it too, and its answer saved with the change. Clean-up (voiding an
invoice, expiring a checkout) comes after the save, so Stripe's own events for it find the
application changed already, and what Stripe answers is recorded at once: what the roster,
the console and the exports say of an invoice is what Stripe holds. An organiser's act closes
the open invoice or checkout first instead, refused if it was paid meanwhile
(``act_voiding``, ``checkout_expiry``). A seat the change frees goes
to the waiting list. A lost race decides again from a fresh read; a confirmation that finds no
seat decides again without one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.commands import (
    IssueInvoice,
    NoteAnomaly,
    Refund,
    Settlement,
    Situation,
)
from booking.domain.course import Course
from booking.domain.covered import payment_refusal
from booking.domain.dearer_moves import is_move_session
from booking.domain.disputed_refunds import PAYMENT_DISPUTED
from booking.domain.emails import EmailJob
from booking.domain.errors import (
    AlreadyApplied,
    AlreadyRefunded,
    CodeUsedUp,
    Conflict,
    CourseFull,
    PriceChanged,
    RefundRefused,
    StaleWrite,
    UnknownToProvider,
)
from booking.domain.invoice_instead import InvoicedInsteadOfCard
from booking.domain.invoice_voiding import VoidingFor, act_marked
from booking.domain.limits import Limited, holding_changes
from booking.domain.move_undone import undoes_a_move
from booking.domain.organiser_money_acts import BursaryGranted, Cancellation
from booking.domain.paying import course_paid_for, paid_at, paid_late
from booking.domain.payments import CheckoutEvent, RefundEvent
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.domain.refund_cut_short import RefundRefusedPartway, refund_cut_short
from booking.domain.settlement import MoneyFact, settle
from booking.domain.statuses import ApplicationStatus as S
from booking.services.act_voiding import (
    ClosedFirst,
    as_decided_again,
    voided_already,
    voided_first_for,
)
from booking.services.acted import Acted
from booking.services.checkout_expiry import expired_already, expired_first_for
from booking.services.concurrency import (
    concurrent_update,
    course_of,
    load_application,
    retried,
)
from booking.services.email_claims import TAKEN_UP
from booking.services.invoice_issue import earlier_payment_applied, issued, issued_recorded_first
from booking.services.invoice_requests import act_invoice_due
from booking.services.ports import Anomaly, ClaimRead, Ports, RefundMade
from booking.services.provider_erasure import disown_invoice
from booking.services.stripe_clean_up import clean_up, expire_quietly
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


@dataclass(frozen=True)
class Settled:
    """What one money fact did: the decision, and the application before and after it."""

    settlement: Settlement
    before: Application
    saved: Application  # as stored now (``before`` when nothing was written)
    # Whether this request changed anything: False when its end held already and nothing was
    # asked of Stripe or written (a repeat). A refund asked before a save that then lost to
    # that refund's own event (which ended the booking) is this request's change.
    changed: bool = True


@dataclass
class _AskedOfStripe:
    """What earlier attempts of one request had Stripe do, kept over retries: a save that
    loses a race does not undo a refund Stripe made before it."""

    # The refunds made, by key: one Stripe then refuses is refused whole only while none was
    # made.
    made: dict[str, int] = field(default_factory=dict)
    # Whether money was asked back: this request's change even if its save then lost (an
    # invoice issued for a save that lost is voided as an orphan: no change).
    refunds: bool = False
    # What was marked to be closed at Stripe before the save (``act_voiding.ClosedFirst``).
    closing: ClosedFirst = field(default_factory=ClosedFirst)

    def expiring(self, session_id: str) -> None:
        self.closing.session_id = session_id


def act_settled(
    ports: Ports,
    application_id: str,
    fact: MoneyFact,
    *,
    first: Application,
    read_against: ReadAgainst[VoidingFor],
    said: str,
) -> Acted:
    """An organiser's act on one application's money (a bursary, a corrected invoice, an
    invoice instead of the card): ``fact`` settled (:func:`settle_money`), logged as ``said``
    with its outcome (ids only), and answered as what it did."""
    settled = settle_money(ports, application_id, fact, first=first, read_against=read_against)
    outcome = settled.settlement.reason
    logger.info(said, extra={"application_id": application_id, "outcome": outcome})
    earlier_payment_applied(ports, first, settled.saved, pressed=read_against.pressed)
    return Acted(settled.saved, changed=settled.changed)


def settle_money(
    ports: Ports,
    application_id: str,
    fact: MoneyFact,
    *,
    first: Application | None = None,
    exhausted: Callable[[], Exception] = concurrent_update,
    course_now: Course | None = None,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
) -> Settled:
    """Apply ``fact`` to its application (``first``: read already), once. ``course_now``: its
    course, read with the event (judges lateness); ``read_against``: an organiser's act's, a
    half-done one completed only while its mark stands (the page's ``seen`` is ``fact``'s)."""
    first = first if first is not None else load_application(ports, application_id)
    course: Course | None = None
    if isinstance(fact, BursaryGranted | InvoicedInsteadOfCard) or first.price is None:
        course = course_of(ports, first)  # an invoice's terms, or a price unrecorded
    # Whether the payment is late, decided once from the first read (its course read at most
    # once): a retry's fresh read changes nothing of when the checkout completed.
    late = _paid_late(ports, first, fact, ports.clock(), course_now)
    # An organiser's refund Stripe refuses is refused to them, nothing written or sent; one a
    # webhook's decision asks is recorded regardless, or its event would fail for ever.
    asked = isinstance(fact, Cancellation)
    so_far = _AskedOfStripe()

    def attempt(application: Application) -> Settled:
        read_against.refuse_if_replaced(act_marked(application))
        claim = _latest_move_claim(ports, application) if isinstance(fact, RefundEvent) else None
        situation = _situation(ports, application, course, claim)
        if late:
            situation = dataclasses.replace(situation, course_open=False)
        act = as_decided_again(fact, so_far.closing, application)
        decided = settle(application, act, situation)
        so_far.refunds = so_far.refunds or _asks_refunds(decided)
        application, voided = voided_first_for(ports, act, application, decided, so_far.closing)
        application, expired = expired_first_for(ports, act, application, decided, so_far.expiring)

        def carry(decision: Settlement) -> Settled:
            # The act's own save clears the invoice's mark (``voided_first``'s) and records it
            # void, as Stripe holds it: not asked of Stripe a second time after the save.
            if voided is not None:
                decision = voided_already(decision, voided)
            decision = expired_already(decision, *expired)  # likewise
            made = so_far.made
            return _carry_out(ports, course, application, decision, claim, asked=asked, made=made)

        try:
            return carry(decided)
        except (CourseFull, AlreadyApplied, PriceChanged, CodeUsedUp) as refused:
            # No seat for a confirmation, a move the person's other application on that
            # cohort forbids, a cohort no longer priced in the currency paid (its currency
            # changed after this booking ended: a late payment), or no code use (``_without``):
            # decided again without it (the money goes back; a refund whole prices nothing).
            return carry(settle(application, act, _without(situation, refused)))

    settled = retried(
        attempt, lambda: load_application(ports, application_id), first=first, exhausted=exhausted
    )
    changed = settled.settlement.application is not None or so_far.refunds
    return dataclasses.replace(settled, changed=changed)


def _without(situation: Situation, refused: Conflict) -> Situation:
    """``situation`` less what the save found taken: the code's last use (a late payment of a
    hold that ended unpaid, its use given back then: ``limits.holds_code_use``), else a seat."""
    if isinstance(refused, CodeUsedUp):
        return dataclasses.replace(situation, code_use_free=False)
    return dataclasses.replace(situation, seat_free=False)


def _asks_refunds(decided: Settlement) -> bool:
    """Whether ``decided`` changes the application and asks Stripe for money back first."""
    return decided.application is not None and any(
        isinstance(command, Refund) for command in decided.before_save
    )


def _paid_late(
    ports: Ports,
    application: Application,
    fact: MoneyFact,
    now: datetime,
    course: Course | None,
) -> bool:
    """Whether ``fact`` is a payment whose checkout completed once its course had begun
    (``domain.paying.paid_late``), judged by the course as it stands (its start may have been
    brought forward into the checkout's hold; for an open move's difference, the cohort it
    joins: ``domain.paying.course_paid_for``): ``course`` when read with the event (the paid
    webhook reads it with the payment's recorders, no call of its own), else read here. Not
    asked of a payment the application recorded already (weighed when first recorded: its
    event is ignored)."""
    moment = paid_at(fact, now)
    if moment is None or not isinstance(fact, CheckoutEvent):
        return False
    if fact.payment_intent and application.payment(fact.payment_intent) is not None:
        return False
    paid_for = course_paid_for(application, fact)
    if is_move_session(application, fact.session_id) and paid_for == application.course_id:
        return False  # a move's difference for no open move: given back whatever its time
    if course is None or course.course_id != paid_for:
        course = ports.repository.get_course(paid_for)
    return course is not None and paid_late(course, fact, moment, application)


def situation_now(ports: Ports, application: Application) -> Situation:
    """What the one decision weighs of ``application`` now, for an act decided without a
    course read or a write (the console's cancel confirmation: ``cancel_preview``)."""
    return _situation(ports, application, None, None)


def _situation(
    ports: Ports, application: Application, course: Course | None, claim: ClaimRead | None
) -> Situation:
    now = ports.clock()
    told = claim is None or claim.state in TAKEN_UP
    if course is None:
        price = application.price
        if price is None:  # stored before prices were recorded
            price = course_of(ports, application).definition.price
        return Situation(now=now, course_price=price, latest_move_told=told)
    return Situation(
        now=now,
        course_price=course.definition.price,
        invoice_due_at=act_invoice_due(ports, application, course, now),
        latest_move_told=told,
        payment_refused=payment_refusal(application, course, now),
    )


def _latest_move_claim(ports: Ports, application: Application) -> ClaimRead | None:
    """The claim of the email of the booking's latest move that a refund could undo
    (``domain.move_undone``: one paid by a charge of its own, a dearer cohort's, or one whose
    own refund is still owed), read for such a move alone (one read): whether the person may
    have been told of it (``TAKEN_UP``). None: no such move."""
    latest = application.transfers[-1] if application.transfers else None
    if latest is None or (latest.charge_payment_intent is None and not latest.refund_pending):
        return None
    told = EmailJob.transferred(
        application.application_id,
        latest.from_course_id,
        latest.to_course_id,
        len(application.transfers),
        latest.refund_due,
    )
    return ClaimRead(told.job_id, ports.repository.email_state(told.job_id))


def _carry_out(
    ports: Ports,
    course: Course | None,
    application: Application,
    decided: Settlement,
    claim: ClaimRead | None = None,
    *,
    asked: bool = False,
    made: dict[str, int] | None = None,
) -> Settled:
    if decided.refusal is not None:
        raise Conflict(decided.refusal.message, code=decided.refusal.code)
    new = decided.application
    if new is None:
        return Settled(decided, application, application)
    # A move undone because nobody had claimed its email (``domain.move_undone``) is saved
    # only while its claim is as read: the mailer claiming it meanwhile (it reads the booking
    # again only after its claim) makes the save lose, and the refund is decided again from a
    # fresh read, the move told and standing.
    held_on = claim if undoes_a_move(application, new) else None
    made = {} if made is None else made
    refused: list[str] = []  # payments Stripe refused to refund after it had given some back
    for command in decided.before_save:
        if isinstance(command, IssueInvoice) and command.recorded_first:
            application, new = issued_recorded_first(ports, course, application, new, command)
            continue
        if not isinstance(command, Refund):
            new = _before_save(ports, course, new, command)
            continue
        new, amount = _refunded(ports, new, command, asked=asked, partway=bool(made))
        if amount is None:
            refused.append(command.payment_intent)
        elif amount:
            made[command.idempotency_key] = amount
    if refused:  # what Stripe gave back stands: recorded as far as it went
        new = refund_cut_short(application, new, sum(made.values()))
    try:
        saved = ports.repository.save(new, application, claim=held_on)
    except (StaleWrite, CourseFull, CodeUsedUp):
        _void_orphan(ports, new, application)
        raise
    saved = clean_up(ports, saved, decided.after_save)
    _seats_offered(ports, application, saved)
    logger.info(
        "money settled",
        extra={
            "application_id": saved.application_id,
            "action": decided.action,
            "reason": decided.reason,
            "status": saved.status.value,
        },
    )
    if refused:
        currency = (application.price or course_of(ports, application).definition.price).currency
        ended_before = application.status in (S.CANCELLED, S.REFUNDED)
        raise RefundRefusedPartway(
            refused, sum(made.values()), currency, cancelled=not ended_before
        )
    return Settled(decided, application, saved)


def _seats_offered(ports: Ports, before: Application, saved: Application) -> None:
    """Every seat the change gave back (its own, the one a move left, a move's hold) goes to
    whoever waits on that cohort."""
    for given_back in holding_changes(before, saved).released:
        if given_back.thing is Limited.SEAT:
            offer_free_places(ports, given_back.of)


def _refunded(
    ports: Ports, new: Application, command: Refund, *, asked: bool, partway: bool
) -> tuple[Application, int | None]:
    """``new`` with the refund Stripe made recorded, and its amount; None for an organiser's
    refund Stripe refused after this decision's earlier refunds were made (``partway``):
    those stand, so the decision is recorded as far as it went. Refused before any was made,
    the organiser's act is refused whole: nothing written or sent."""
    try:
        made = refund_at_provider(ports, command)
    except AlreadyRefunded:
        if asked:  # what Stripe holds is read back and recorded (``services.lifecycle``)
            raise
        return new, 0
    except UnknownToProvider:
        if asked:
            if partway:
                return new, None
            raise RefundRefused() from None
        # Only the event claimed this payment: Stripe holds none, so none is shown.
        return new.with_payment_unknown_to_provider(command.payment_intent), 0
    except Conflict as refused:
        if asked:  # said in words; a request still running at Stripe is said as it is
            if refused.code == "request_in_progress":
                raise
            if partway:
                return new, None
            if refused.code == PAYMENT_DISPUTED:  # its events still to come: said as it is
                raise
            raise RefundRefused() from None
        return new, 0
    recorded = new.with_refund_made(
        command.payment_intent,
        made.refund_id,
        made.amount,
        whole=command.amount is None,
        succeeded=made.succeeded,
    )
    return recorded, made.amount


def _before_save(
    ports: Ports, course: Course | None, new: Application, command: NoteAnomaly | IssueInvoice
) -> Application:
    if isinstance(command, NoteAnomaly):
        note_anomaly(ports, command)
        return new
    return issued(ports, course, new, command)


def refund(ports: Ports, command: Refund) -> RefundMade | None:
    """Give money back (keyed: a repeat is the same refund): what Stripe made; None when it
    refuses (no such payment, or nothing left of it): there is nothing to give back, and the
    change is still recorded, so its event is acknowledged instead of failing on every
    redelivery."""
    try:
        return refund_at_provider(ports, command)
    except Conflict:
        return None


def refund_at_provider(ports: Ports, command: Refund) -> RefundMade:
    """Ask Stripe for ``command``'s refund: what it made, or its refusal raised (a Conflict
    in words: already refunded, a request still running, no such payment), logged by key."""
    try:
        return ports.payments.refund(
            command.payment_intent, amount=command.amount, idempotency_key=command.idempotency_key
        )
    except Conflict as refused:
        logger.warning(
            "refund refused by the payment provider",
            extra={"idempotency_key": command.idempotency_key, "code": refused.code},
        )
        raise


def note_anomaly(ports: Ports, command: NoteAnomaly) -> None:
    """An ERROR for the organisers' alarm, and the anomaly kept (ids and amounts only)."""
    logger.error(
        "payment anomaly",
        extra={"anomaly": command.kind, "event_id": command.event_id, **command.details},
    )
    ports.repository.record_anomaly(
        Anomaly(
            event_id=command.event_id, kind=command.kind, at=ports.clock(), details=command.details
        )
    )


def _void_orphan(ports: Ports, new: Application, previous: Application) -> None:
    """An invoice issued for a change that did not happen belongs to nothing: voided, and its
    customer deleted (``disown_invoice``)."""
    issued = new.invoice
    if issued is not None and (previous.invoice is None or previous.invoice != issued):
        disown_invoice(ports, issued.invoice_id)


__all__ = ["Settled", "clean_up", "expire_quietly", "note_anomaly", "refund", "settle_money"]
