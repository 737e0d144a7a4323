"""Applications: what an applicant submits (``domain.application_form``), and the life of a
booking as a state machine.

Every change to an application goes through :func:`Application.moved_to`, which refuses moves
the table in ``domain.statuses`` does not allow. Together with the conditional writes in the
repository (each write expects the version it read) this is what makes Stripe's at-least-once,
out-of-order delivery harmless: a late ``expired`` finds the application ``confirmed`` and the
move is not allowed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Unpack

from pydantic import ConfigDict, Field

from booking.domain.application_erased import erased_copy
from booking.domain.application_form import (
    LONG_TEXT_MAX_LENGTH,
    Answers,
    ApplicationForm,
    Checkbox,
    Honeypot,
    LongText,
    OptionalLongText,
    PaymentChoice,
    PersonName,
    ShortText,
    answer_limits,
)
from booking.domain.attendance import Completion, Mark
from booking.domain.billing import (
    AppliedDiscount,
    BillingDetails,
    FormerContact,
    InvoiceRef,
    PaymentMethod,
    amount_due,
)
from booking.domain.disputes import DisputeRecord, PaymentRefunds, disputed_total
from booking.domain.emails import EmailJob, EmailKind, JobAbout
from booking.domain.errors import IllegalTransition
from booking.domain.given_back import GivenBack, given_back_total
from booking.domain.group_place import GroupPlaceRef
from booking.domain.invoice_voiding import act_marked
from booking.domain.model import Model
from booking.domain.money import Money
from booking.domain.payment_record import CheckoutRef, PaymentRecord
from booking.domain.statuses import (
    ALLOWED_TRANSITIONS,
    ENROLMENT_ENDS,
    ERASED,
    ERASED_EMAIL,
    FUNDABLE_STATUSES,
    NEVER_PAID_ENDINGS,
    ON_THE_WAY,
    PAID_WHEN_FULL,
    PAYABLE_STATUSES,
    WITHDRAWN_BY_ERASURE,
    ApplicationStatus,
    S,
)
from booking.domain.transfer_record import PendingMove, TransferRecord, WaitingMove

# Re-exported: the form, the payment records and the statuses live in modules of their own.
__all__ = [
    "ALLOWED_TRANSITIONS",
    "ENROLMENT_ENDS",
    "ERASED",
    "ERASED_EMAIL",
    "FUNDABLE_STATUSES",
    "LONG_TEXT_MAX_LENGTH",
    "NEVER_PAID_ENDINGS",
    "ON_THE_WAY",
    "PAID_WHEN_FULL",
    "PAYABLE_STATUSES",
    "WITHDRAWN_BY_ERASURE",
    "Answers",
    "ApplicationForm",
    "ApplicationStatus",
    "Checkbox",
    "CheckoutRef",
    "GroupPlaceRef",
    "Honeypot",
    "LongText",
    "OptionalLongText",
    "PaymentChoice",
    "PaymentRecord",
    "PersonName",
    "S",
    "ShortText",
    "answer_limits",
]


class Application(Model):
    model_config = ConfigDict(frozen=True)

    application_id: str
    course_id: str
    status: ApplicationStatus
    token: str
    answers: Answers
    # Said on the phone and quoted in emails (``domain.references``); None: stored before them.
    reference: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0
    seat_held: bool = False  # counted in the course's seats_taken
    # When an unpaid hold goes back to the pool (checkout expiry, offer deadline). The sweep
    # releases it even if Stripe's expiry event never arrives.
    hold_expires_at: datetime | None = None
    checkout: CheckoutRef | None = None
    checkout_history: tuple[CheckoutRef, ...] = ()  # every session ever opened, the current too
    payments: tuple[PaymentRecord, ...] = ()  # every payment Stripe reported, in order
    checkout_attempts: int = 0
    payment_intent: str | None = None
    payment_pending: bool = False  # a delayed payment method is settling; the hold stays
    amount_paid: int = 0
    amount_refunded: int = 0
    refunds: dict[str, int] = Field(default_factory=dict)  # succeeded Stripe refunds -> amount
    charge_amount_refunded: int = 0  # the charge's cumulative figure, from charge.refunded
    refunds_made: dict[str, int] = Field(default_factory=dict)  # succeeded ones made here
    refunds_failed: tuple[str, ...] = ()  # ids Stripe said failed, any payment's (refund_failed)
    # What the latest refund gave back (minor units): asked of Stripe on cancelling (all that
    # was kept then), or reported by Stripe, whichever came first. 0 before any refund, and for
    # records stored before it was kept. Earlier refunds are not in it.
    last_refund: int = 0
    given_back: tuple[GivenBack, ...] = ()  # money paid outside Stripe returned by hand
    request_fingerprint: str | None = None
    waitlisted_at: datetime | None = None
    offer_expires_at: datetime | None = None
    recent_event_ids: tuple[str, ...] = ()
    status_reason: str | None = None
    told_closing: str | None = None  # the closing last told: it ended, or is now (offer_ends)
    closing_news: tuple[str, ...] = ()  # the job ids of news of closings queued (offer_ends)
    decline_note: str | None = None  # the organiser's own words for this applicant
    erased_at: datetime | None = None  # personal data replaced on request; nothing is sent
    # Who pays and how much. The price is the course's when the application was made (None
    # only for applications stored before prices were recorded: the course's price then).
    price: Money | None = None
    payment_method: PaymentMethod = PaymentMethod.CARD
    billing: BillingDetails | None = None  # the employer's billing contact (invoices)
    discount: AppliedDiscount | None = None
    bursary: int = 0  # minor units of the price a fund pays
    invoice: InvoiceRef | None = None
    invoice_attempts: int = 0
    # When it first became a booking (confirmed), however paid for (card, invoice, bursary,
    # code). Set by ``moved_to``; None before it existed (``was_booked``: money received).
    booked_at: datetime | None = None
    # Emails decided by a state change, written in the same transaction and queued afterwards:
    # a crash between the two leaves them here to be queued by the next write or sweep.
    outbox: tuple[EmailJob, ...] = ()
    # The group place it fills (a colleague named in a manager's booking), if any: its seat
    # is the group's, so it holds that place instead of a seat (``domain.limits``).
    group_place: GroupPlaceRef | None = None
    # The register (``domain.register``): marks by session key; what its closing decided.
    attendance: dict[str, Mark] = Field(default_factory=dict)
    completion: Completion | None = None
    # Every move to another cohort of the programme (``domain.transfers``), oldest first;
    # ``course_id`` is the cohort it holds now.
    transfers: tuple[TransferRecord, ...] = ()
    # Every invoice the provider sent for it, oldest first, the current one too (a replaced
    # invoice is no longer ``invoice``): erasure deletes the customer each was addressed to.
    invoices_issued: tuple[str, ...] = ()
    # The contacts an invoice was corrected away from, each with the invoice sent to them.
    former_billing: tuple[FormerContact, ...] = ()
    # A move to a dearer cohort waiting for its difference (``domain.dearer_moves``), and how
    # many such moves were ever asked (each keys its own checkout).
    pending_move: PendingMove | None = None
    move_attempts: int = 0
    # A move to a full cohort waiting on its waiting list (``domain.waiting_moves``).
    waiting_move: WaitingMove | None = None
    # Each payer's bank's dispute of one of its payments (``domain.disputes``), oldest first.
    disputes: tuple[DisputeRecord, ...] = ()

    def moved_to(self, status: ApplicationStatus, now: datetime, **changes: Any) -> Application:
        """A copy in ``status``; raises :class:`IllegalTransition` if the move is not allowed."""
        if status not in ALLOWED_TRANSITIONS[self.status]:
            # Imported here: the wording module reads applications (their timelines).
            from booking.domain.wording import status_named

            raise IllegalTransition(
                f"an application that is {status_named(self.status)} cannot become "
                f"{status_named(status)}"
            )
        if status is ApplicationStatus.CONFIRMED and self.booked_at is None:
            changes.setdefault("booked_at", now)
        if status is not self.status:
            # A reason belongs to the move that gave it: a new status without one of its own
            # is not said with the old one ("Awaiting payment (invoice not paid by its due
            # date)" after the applicant started again by card).
            changes.setdefault("status_reason", None)
        return self.model_copy(update={"status": status, "updated_at": now, **changes})

    @property
    def was_booked(self) -> bool:
        """It was a booking once (its sessions went into a calendar, the facilitators heard of
        it), whether or not any money changed hands: a funded place was booked too."""
        return self.booked_at is not None or self.amount_paid > 0

    def with_checkout(self, checkout: CheckoutRef) -> Application:
        """``checkout`` as the open session, remembered with what it asked for."""
        return self.model_copy(
            update={"checkout": checkout, "checkout_history": (*self.checkout_history, checkout)}
        )

    def asked_in(self, session_id: str) -> CheckoutRef | None:
        """The session this system opened for this application with that id, if any."""
        opened = (*self.checkout_history, *((self.checkout,) if self.checkout else ()))
        return next((ref for ref in opened if ref.session_id == session_id), None)

    def payment(self, payment_intent: str | None) -> PaymentRecord | None:
        return next((p for p in self.payments if p.payment_intent == payment_intent), None)

    @property
    def payments_beside_first(self) -> tuple[PaymentRecord, ...]:
        """The payments recorded beside the booking's first (``payment_intent``, counted in
        ``amount_paid``): each one the system gave back, and each further charge it kept."""
        return tuple(p for p in self.payments if p.payment_intent != self.payment_intent)

    @property
    def further_charges(self) -> tuple[PaymentRecord, ...]:
        """The payments kept for the booking beside its first, oldest first: each the price
        difference of a move to a dearer cohort (``domain.transfers``). The first payment is
        ``payment_intent`` (``amount_paid``, ``amount_refunded``); each further one keeps its
        own refunds, so every refund is counted against the charge it gave back."""
        return tuple(p for p in self.payments_beside_first if p.kept)

    @property
    def charges_paid(self) -> int:
        """What the booking's kept charges took, all of them (minor units)."""
        return self.amount_paid + sum(p.amount for p in self.further_charges)

    @property
    def charges_refunded(self) -> int:
        """What Stripe has given back of the booking's kept charges, all of them."""
        return self.amount_refunded + sum(p.refunded for p in self.further_charges)

    def charges_left(self) -> tuple[tuple[str, int], ...]:
        """Each kept charge with something left on it, newest first, and what is left (minor
        units): what a refund of the booking's money is taken from, one charge at a time."""
        first = ((self.payment_intent, self.amount_paid - self.amount_refunded),)
        further = tuple((p.payment_intent, p.amount - p.refunded) for p in self.further_charges)
        charges = (*(first if self.payment_intent else ()), *further)
        return tuple((pi, left) for pi, left in reversed(charges) if pi and left > 0)

    @property
    def money_received(self) -> int:
        """Every payment Stripe took for this application, the booking's own and each one given
        back (minor units): what the roster, the console, the totals and the exports say was
        paid, so it is what Stripe holds."""
        return self.amount_paid + sum(p.amount for p in self.payments_beside_first)

    @property
    def money_returned(self) -> int:
        """Every refund Stripe reported for this application's payments, and what was given
        back by hand of money paid outside Stripe (minor units)."""
        stripes = self.amount_refunded + sum(p.refunded for p in self.payments_beside_first)
        return stripes + given_back_total(self.given_back)

    @property
    def payment_refunds(self) -> dict[str, PaymentRefunds]:
        """Each of its payments, by payment intent: what it took and what was refunded of it
        (what a dispute of it is weighed with: ``domain.disputes.dispute_words``)."""
        given = {p.payment_intent: PaymentRefunds(p.amount, p.refunded) for p in self.payments}
        if self.payment_intent:
            given[self.payment_intent] = PaymentRefunds(self.amount_paid, self.amount_refunded)
        return given

    @property
    def money_disputed(self) -> int:
        """What payers' banks have taken back of this application's payments in disputes, and
        not given back (minor units): counted beside refunds, as Stripe's balance counts it."""
        return disputed_total(self.disputes)

    def with_refund_made(
        self, payment_intent: str, refund_id: str, amount: int, *, whole: bool, succeeded: bool
    ) -> Application:
        """A refund Stripe just made (``whole``: all that was left of the payment), counted as
        given back only ``succeeded`` (a pending one may fail): of the booking's own, what its
        message says (its id in ``refunds_made``; a dashboard refund may have taken some first); of
        another, on its record (a given-back one's whole refund says what it was)."""
        if payment_intent == self.payment_intent:
            made = {"refunds_made": {**self.refunds_made, refund_id: amount}} if succeeded else {}
            return self.model_copy(update={**made, "last_refund": amount} if whole else made)
        record = self.payment(payment_intent)
        if record is None:
            return self
        made_now = {**record.refunds, refund_id: amount}
        update: dict[str, Any] = {"refunds": made_now} if succeeded else {}
        # A charge the booking kept is what Stripe took: only a given-back payment's amount
        # is an event's claim that its whole refund corrects.
        if whole and not record.kept:
            update["amount"] = max(sum(made_now.values()), record.charge_amount_refunded)
        return self.with_payment(record.model_copy(update=update))

    def with_payment_unknown_to_provider(self, payment_intent: str) -> Application:
        """A payment given back that Stripe holds no trace of (only an event claimed it), kept
        at nothing so its redeliveries are known, and its refund events refused unread."""
        record = self.payment(payment_intent)
        if record is None or payment_intent == self.payment_intent:
            return self
        unknown = record.model_copy(update={"amount": 0, "unknown_to_provider": True})
        return self.with_payment(unknown)

    def with_payment(self, record: PaymentRecord) -> Application:
        kept = tuple(p for p in self.payments if p.payment_intent != record.payment_intent)
        return self.model_copy(update={"payments": (*kept, record)})

    def with_emails(self, *jobs: EmailJob) -> Application:
        known = {job.job_id for job in self.outbox}
        fresh = tuple(job.as_of(self.status.value) for job in jobs if job.job_id not in known)
        return self.model_copy(update={"outbox": (*self.outbox, *fresh)})

    def email(self, kind: EmailKind, **about: Unpack[JobAbout]) -> EmailJob:
        """A message about this application, from its course (``EmailJob.about``'s keywords)."""
        return EmailJob.about(kind, self.application_id, self.course_id, **about)

    def with_event(self, event_id: str) -> Application:
        """Remember the last few Stripe events applied: a cheap first filter for redeliveries."""
        kept = (*self.recent_event_ids, event_id)[-20:]
        return self.model_copy(update={"recent_event_ids": kept})

    def price_or(self, course_price: Money) -> Money:
        return self.price or course_price

    def amount_due(self, course_price: Money) -> int:
        """What is to be paid for this place (see ``domain.billing``): nothing for a place of a
        manager's group booking, which the group paid for (``domain.groups``)."""
        if self.group_place is not None:
            return 0
        return amount_due(self.price_or(course_price), self.bursary, self.discount)

    @property
    def amount_kept(self) -> int:
        """The money received for this place and not given back (by Stripe or by hand), over
        every charge it kept."""
        return self.charges_paid - self.charges_refunded - given_back_total(self.given_back)

    @property
    def latest_refund(self) -> int:
        """What the latest refund gives back (minor units), whether or not Stripe has reported
        it yet: what a message about it says, beside what has come back in all."""
        if self.last_refund:
            return self.last_refund
        # Stored before the figure was kept: what a cancellation's refund is still to give
        # back, or, once reported, all that has come back.
        return self.amount_kept if self.amount_kept > 0 else self.amount_refunded

    def left_to_pay(self, course_price: Money) -> int:
        """What is still to be paid for this place: what is due less what was kept, while the
        application is on its way to a booking (under review, waiting, offered, paying by card
        or invoice, or a payment that lapsed and may start again); nothing once it is booked
        or has ended. The one rule wherever a person is told what is left to pay."""
        if self.status not in ON_THE_WAY:
            return 0
        return max(self.amount_due(course_price) - self.amount_kept, 0)

    def bursary_covering(self, course_price: Money) -> int:
        """What the bursary pays of this place's price (minor units): never more than the
        price, so a bursary larger than a cheaper cohort's price after a move is said, counted
        and totalled as the price it covers. The one rule every reader of a bursary uses."""
        return min(self.bursary, self.price_or(course_price).amount)

    def fully_funded(self, course_price: Money) -> bool:
        return self.bursary > 0 and self.bursary >= self.price_or(course_price).amount

    def has_open_invoice(self) -> bool:
        return (
            self.invoice is not None
            and self.status is S.AWAITING_INVOICE_PAYMENT
            and self.invoice.still_owed
        )

    def hold_lapses_at(self) -> datetime | None:
        """When this application's seat returns to the pool unless paid for; None if never."""
        if not self.seat_held or self.status is ApplicationStatus.CONFIRMED or self.payment_pending:
            return None
        return self.hold_expires_at

    def sweep_due_at(self) -> datetime | None:
        """When the scheduled sweep must look at this application again, if ever: its unpaid
        hold lapses then, whether or not Stripe's expiry event arrives; and a move to a cheaper
        cohort whose refund Stripe could not make then is made by the sweep
        (``services.transfers``)."""
        owed = self.transfers[-1].refund_pending if self.transfers else False
        if owed and self.status is ApplicationStatus.CONFIRMED:
            return self.transfers[-1].at
        if self.pending_move is not None:
            # The seat held on the dearer cohort goes back at the move's deadline; an act
            # left half done after its checkout's expiry is the sweep's to end before.
            act = act_marked(self)
            ends = self.pending_move.expires_at
            return min(ends, act.left_half_done_at()) if act is not None else ends
        if self.waiting_move is not None and self.status is ApplicationStatus.CONFIRMED:
            # A move waiting for a seat ends unmoved when either cohort begins.
            return self.waiting_move.ends_at
        lapses = self.hold_lapses_at()
        act = act_marked(self)
        if act is None:
            return lapses
        # An act left half done after its invoice's void or its checkout's expiry: the
        # sweep's to end.
        return min(d for d in (lapses, act.left_half_done_at()) if d is not None)

    @property
    def is_erased(self) -> bool:
        """Erased on request: nothing personal is left, so nothing may be sent to anyone."""
        return self.erased_at is not None

    @property
    def enrolment_ended(self) -> bool:
        return self.status in ENROLMENT_ENDS

    def erased(self, now: datetime, *, withdraw: bool = True) -> Application:
        """This application with every answer replaced (``domain.application_erased``)."""
        return erased_copy(self, now, withdraw=withdraw)

    def payment_refusal(self, now: datetime, *, course_open: bool) -> str | None:
        """Why this application cannot open a Checkout Session now; None when it can.

        The one rule for "may pay now": the service refuses with it, and the status page and
        the emails offer a payment button only when it is None. ``course_open``: the course
        still takes payment (``Course.accepts_applications``): nothing is paid for a place once its
        course's applications close, an offer made earlier included.
        """
        if self.status not in PAYABLE_STATUSES:
            return "not_payable"
        if self.payment_pending:
            return "payment_pending"
        if self.status is S.OFFERED and self.offer_expires_at and self.offer_expires_at <= now:
            return "offer_lapsed"
        if not course_open:  # a lapsed offer is said lapsed, before the sweep and after
            return "offer_lapsed" if self.status_reason == "offer_lapsed" else "course_closed"
        return None

    def has_open_checkout(self, now: datetime) -> bool:
        return (
            self.checkout is not None
            and self.status in PAYABLE_STATUSES
            and self.seat_held
            and self.checkout.expires_at > now
        )

    @property
    def reference_or_id(self) -> str:
        return self.reference or self.application_id  # its id until a reference is given
