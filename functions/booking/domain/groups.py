"""Places booked by a manager: several named colleagues on one course, paid for once.

A manager books N places for named colleagues and pays once, by card (one Checkout Session
for the N places) or by an invoice to the employer. The group holds N seats on the course
from the moment it is made: while its checkout is open or its invoice unpaid, and once paid
until the places are used or given back. Each colleague gets their own link (an unguessable
token) to the application form; their application fills one of the group's places
(``Limited.GROUP_PLACE`` in ``domain.limits``) and is a booking at once, with nothing to pay.

Pure rules, no I/O: what a group holds, what each payment event means for it, what a substitution
and a place's cancellation change (``domain.place_changes``); ``services.groups`` does them.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from pydantic import ConfigDict, Field

from booking.domain.application import ERASED_EMAIL, Application, CheckoutRef
from booking.domain.billing import BillingDetails, FormerContact, InvoiceRef, PaymentMethod
from booking.domain.colleague_told import PlaceEnd
from booking.domain.disputes import (
    DisputeRecord,
    PaymentRefunds,
    PlaceHeld,
    disputes_said,
)
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import NotFound
from booking.domain.given_back import GivenBack
from booking.domain.group_endings import INVOICE_STATUS_AFTER, GroupEnding
from booking.domain.group_form import MAX_PLACES as MAX_PLACES
from booking.domain.group_form import MIN_PLACES as MIN_PLACES
from booking.domain.group_form import Colleague as Colleague
from booking.domain.group_form import GroupForm as GroupForm
from booking.domain.group_place import GroupStatus as GroupStatus
from booking.domain.group_place import booked_for_you as booked_for_you
from booking.domain.group_place import fills_a_group_place as fills_a_group_place
from booking.domain.group_place import the_place_is_the_groups as the_place_is_the_groups
from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER, group_checkout_act
from booking.domain.model import Model
from booking.domain.money import Money

# Colleagues apply by the course's ``group_apply_by_days`` before the first session (the
# facilitators need their answers before they meet them), but never less than this after the
# booking, so a late booking still leaves time.
LEAST_TIME_TO_APPLY = timedelta(days=2)
# A colleague's link sent again because the apply-by date moved earlier: the occasion's
# suffix, before the new date's timestamp (``GroupBooking.told_colleague_apply_by``).
APPLY_BY_MOVED = "-by-"
# The manager's paid email of a payment that came once the apply-by date had passed.
APPLY_BY_PASSED = "apply_by_passed"

# A replacement of the group's invoice still marked this long after it began was left half
# done (Stripe failed, or the function was stopped): the sweep completes it (or clears it).
REPLACEMENT_LEFT_AFTER = LEFT_HALF_DONE_AFTER

HOLDS_SEATS = frozenset(
    {GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT, GroupStatus.PAID}
)


class GroupPlace(Model):
    """One named place: who it is for now, and the link they apply with."""

    model_config = ConfigDict(frozen=True)

    number: int  # 1..N, for good: a substitution keeps the number, a new person and link
    colleague: Colleague
    token: str
    released: bool = False  # given back (cancelled): its seat went to the course's pool
    # Released by the sweep at the apply-by date because nobody applied for it (not given up
    # by the manager).
    released_unfilled: bool = False
    # Released when the booking ended because its payment was refunded at Stripe (not given up
    # by the manager).
    released_by_refund: bool = False
    refund_id: str | None = None  # the refund of its share, when it was paid by card
    substitutions: int = 0
    # (substitutions, apply-by): the date its colleague's last moved link gave (domain.group_dates)
    told_apply_by: tuple[int, datetime] | None = None

    @property
    def erased(self) -> bool:
        """Its colleague was erased: the place stays the group's, for the manager to name
        someone else; nobody can apply for it as it is."""
        return self.colleague.email == ERASED_EMAIL


class GroupBooking(Model):
    model_config = ConfigDict(frozen=True)

    group_id: str
    course_id: str
    token: str  # the manager's link
    manager: Colleague
    organisation: str
    status: GroupStatus
    places: tuple[GroupPlace, ...]
    price: Money  # one place's price when it was booked: what each place costs for good
    payment_method: PaymentMethod
    billing: BillingDetails | None = None
    checkout: CheckoutRef | None = None
    invoice: InvoiceRef | None = None
    hold_expires_at: datetime | None = None  # an unpaid group's seats go back then
    apply_by: datetime  # colleagues apply by then
    # The apply-by date the manager's last email giving one said (their paid email, or one of
    # a move), recorded once it went: a move is told from it (``domain.group_dates.last_told``).
    told_manager_apply_by: datetime | None = None
    # The course's version its apply-by date was reckoned from at booking: the first save holds
    # only while the course is still at it (``CourseRedated`` else), whichever lands first.
    dated_by: int | None = None
    # Paid once its apply-by date had passed: no colleague was sent a link (none could be used).
    paid_after_apply_by: bool = False
    payment_intent: str | None = None
    amount_paid: int = 0
    # When Stripe took its payment (its checkout's completed event, its invoice's ``paid_at``),
    # kept once: the money page's day for it. None: not paid at Stripe, or paid before kept.
    paid_at: datetime | None = None
    refunds: dict[str, int] = Field(default_factory=dict)  # refund id -> minor units
    refunds_failed: tuple[str, ...] = ()  # of those, the ids Stripe said failed: not given back
    # Refunds of its payment made at Stripe, not asked from here (``domain.group_refunds``):
    # each by id, and the charge's running total of every refund, as Stripe reported them.
    refunds_at_stripe: dict[str, int] = Field(default_factory=dict)
    charge_amount_refunded: int = 0
    # Payments it could not honour (a second payment, one after it lapsed, a wrong amount),
    # each given back whole: payment intent -> what was refunded.
    given_back: dict[str, int] = Field(default_factory=dict)
    returned_by_hand: tuple[GivenBack, ...] = ()  # paid outside Stripe, given back by hand
    recent_event_ids: tuple[str, ...] = ()
    # Emails decided by a change, written with it (the group's save) and relayed from there.
    outbox: tuple[EmailJob, ...] = ()
    created_at: datetime
    updated_at: datetime
    version: int = 0
    # What the manager asked (``domain.idempotency``), kept when made with an Idempotency-Key:
    # the same key with another body is refused, never answered with this booking.
    request_fingerprint: str | None = None
    # Past ``apply_by``, the places nobody filled were given up (the sweep's, once).
    unfilled_given_up: bool = False
    # Why it ended unpaid (``lapsed``), as the step that ended it knew (None: not ended, or
    # ended before the reason was recorded).
    ended_because: GroupEnding | None = None
    # The invoice an organiser (or an erasure) asked Stripe to void, recorded before asking,
    # and why (None: an organiser's, as recorded before the reason was): Stripe's own
    # ``invoice.voided`` for it, which may arrive before the asking step applies it, is theirs.
    void_asked_for: str | None = None
    void_asked_because: GroupEnding | None = None
    # The invoice voided at Stripe to be replaced by one for the places kept (a place given
    # up before it was paid), recorded before the void is asked and cleared by the save of
    # its replacement: Stripe's ``invoice.voided`` for it ends nothing.
    replacing_invoice: str | None = None
    # With that mark, the place being given up and when: a replacement left half done (the
    # new invoice never made or saved) is completed by the sweep (``group_replacement_sweep``).
    replacing_place: int | None = None
    replacing_since: datetime | None = None
    # The invoices a replacement's tries made, each recorded here as a draft before it was
    # finalised and sent: one a try stopped before its save left open is voided
    # by the step that completes or ends the replacement, found here, never by listing Stripe.
    replacing_with: tuple[str, ...] = ()
    # With that mark and no place: an organiser's correction of the invoice's billing details
    # (``services.group_invoice_correction``), the details the new invoice goes to; one left
    # half done is completed by the sweep to them.
    replacing_billing: BillingDetails | None = None
    # Saved since a group's places claim their colleagues' one place on the course
    # (``domain.enrolments``): a group saved before holds no claims and takes them at its next
    # save (where each is free).
    enrolments_claimed: bool = False
    # Each payer's bank's dispute of its payment (``domain.disputes``), oldest first: the
    # places are not taken away (a dispute may be won); the organisers decide.
    disputes: tuple[DisputeRecord, ...] = ()
    # Every invoice sent for it, oldest first (``domain.provider_objects.with_invoice``): a
    # replaced one is no longer ``invoice``, and erasure deletes each one's customer.
    invoices_issued: tuple[str, ...] = ()
    former_billing: tuple[FormerContact, ...] = ()  # corrected away from (``former_contacts``)

    @property
    def places_kept(self) -> int:
        """How many of its places are not given up (or released), whatever its status."""
        return sum(1 for place in self.places if not place.released)

    @property
    def holds_no_place(self) -> bool:
        """Every place given up or released: a dispute of its payment has nothing to cancel."""
        return self.places_kept == 0

    @property
    def seats_held(self) -> int:
        """How many of the course's seats this group holds: every place not given back, for
        as long as it may still be (or was) paid for."""
        if self.status not in HOLDS_SEATS:
            return 0
        return self.places_kept

    @property
    def total(self) -> Money:
        """What the group pays for its places: one price per place not given up (a place given
        up before payment is taken off the invoice; after, its price is refunded)."""
        kept = self.places_kept or len(self.places)
        return Money(amount=self.price.amount * kept, currency=self.price.currency)

    @property
    def people_named(self) -> set[str]:
        """Every address the group holds (lower case): its manager's, each place's colleague's
        and its billing contact's, the one a correction of its invoice left half done is marked
        to (``replacing_billing``) and those it was corrected away from; found and erased."""
        named = {self.manager.email, *(place.colleague.email for place in self.places)}
        billed = (self.billing, self.replacing_billing, *(f.billing for f in self.former_billing))
        named |= {b.billing_email for b in billed if b is not None and b.billing_email}
        return {email.lower() for email in named if email != ERASED_EMAIL}

    @property
    def names_someone_erased(self) -> bool:
        """Whether a person it named (manager, colleague, billing contact) was erased."""
        billing = self.billing.billing_email if self.billing is not None else ""
        named = {self.manager.email, billing, *(place.colleague.email for place in self.places)}
        return ERASED_EMAIL in named

    @property
    def amount_refunded(self) -> int:
        """Refunds of its payment: by id (its places' shares, any made at Stripe) or the
        charge's running total, whichever is larger (the newest); a refund that failed at
        Stripe counts in neither (the total, which only grows, may have counted it)."""
        held = {**self.refunds_at_stripe, **self.refunds}
        by_id = sum(v for k, v in held.items() if k not in self.refunds_failed)
        failed = sum(self.refunds.get(refund, 0) for refund in self.refunds_failed)
        return max(by_id, self.charge_amount_refunded - failed)

    @property
    def payment_refunds(self) -> dict[str, PaymentRefunds]:
        """Its payment (its places' shares given up refunded of it) and each one given back
        whole, by payment intent: what a dispute of it is weighed with (``domain.disputes``)."""
        given = {pi: PaymentRefunds(amount, amount) for pi, amount in self.given_back.items()}
        if self.payment_intent:
            given[self.payment_intent] = PaymentRefunds(self.amount_paid, self.amount_refunded)
        return given

    @property
    def money_received(self) -> int:
        """Every payment Stripe took for this group, its own and each one given back."""
        return self.amount_paid + sum(self.given_back.values())

    @property
    def money_returned(self) -> int:
        """Every refund of its payments: its places' shares, each given back whole or by hand."""
        by_hand = sum(record.amount for record in self.returned_by_hand)
        return self.amount_refunded + sum(self.given_back.values()) + by_hand

    def sweep_due_at(self) -> datetime | None:
        """When the sweep must look at this group: an unpaid hold's end, or a paid group's
        deadline for its colleagues to apply (its unfilled places are given up then)."""
        lapses = self.hold_lapses_at()
        act = group_checkout_act(self)
        if lapses is not None and act is not None:
            # A place's give-up left half done after its checkout's expiry: the sweep's.
            return min(lapses, act.left_half_done_at())
        if lapses is not None and self.replacing_since is not None:
            return min(lapses, self.replacing_since + REPLACEMENT_LEFT_AFTER)
        if lapses is not None:
            return lapses
        if self.status is GroupStatus.PAID and not self.unfilled_given_up and self.seats_held:
            return self.apply_by
        return None

    def hold_lapses_at(self) -> datetime | None:
        """When an unpaid group's seats go back unless it is paid (None: paid or over)."""
        if self.status in (GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT):
            return self.hold_expires_at
        return None

    def place(self, number: int) -> GroupPlace:
        found = next((p for p in self.places if p.number == number), None)
        if found is None:
            # As a link to a place that does not exist: not found, whoever asks.
            raise NotFound(f"this booking has no place {number}")
        return found

    @property
    def manager_erased(self) -> bool:
        """Its manager was erased: their link is dead, so the organisers decide its places
        (they cancel a colleague's booking themselves)."""
        return self.manager.email == ERASED_EMAIL

    def manager_may_see(self, token: str) -> bool:
        return hmac.compare_digest(self.token.encode(), token.encode())

    def place_for_link(self, number: int, token: str) -> GroupPlace | None:
        """The place a colleague's link opens (None: no such link, or an old one)."""
        place = next((p for p in self.places if p.number == number), None)
        if place is None or not hmac.compare_digest(place.token.encode(), token.encode()):
            return None
        return place

    def with_place(self, place: GroupPlace, now: datetime) -> GroupBooking:
        places = tuple(place if p.number == place.number else p for p in self.places)
        return self.model_copy(update={"places": places, "updated_at": now})

    def with_emails(self, *jobs: EmailJob) -> GroupBooking:
        known = {job.job_id for job in self.outbox}
        fresh = tuple(job for job in jobs if job.job_id not in known)
        return self.model_copy(update={"outbox": (*self.outbox, *fresh)})

    def told_manager(self, occasion: str, reason: str | None = None) -> GroupBooking:
        """The manager is emailed their page (``occasion``: booked, paid; ``reason``:
        ``APPLY_BY_PASSED`` for a payment that came once nobody could apply)."""
        job = EmailJob.for_group(
            EmailKind.GROUP_BOOKED, self.group_id, self.course_id, occasion=occasion, place=None
        ).model_copy(
            # What the email says of the places and their price, as they are at this event (a
            # place given up before it is sent does not change what was booked or paid).
            update={"places_kept": self.seats_held, "amount": self.total.amount, "reason": reason}
        )
        return self.with_emails(job)

    def told_colleague(self, place: GroupPlace) -> GroupBooking:
        """The colleague of ``place`` is emailed their own link (a substitute gets a new one)."""
        return self._told_colleague_of(place, EmailKind.GROUP_PLACE_LINK)

    def told_colleague_place_gone(self, place: GroupPlace, end: PlaceEnd) -> GroupBooking:
        """The colleague of ``place``, sent a link and not applied, is told the place ended,
        and why (``end``, worded by ``domain.colleague_told``): the link no longer works."""
        return self._told_colleague_of(place, EmailKind.GROUP_PLACE_GIVEN_UP, end.value)

    def told_colleague_apply_by(self, place: GroupPlace) -> GroupBooking:
        """The colleague of ``place``, sent their link and not applied, emailed it again with
        the earlier apply-by date the course's new dates set (:func:`redated`): the date their
        first email said no longer holds. Once per date."""
        moved = f"{APPLY_BY_MOVED}{int(self.apply_by.timestamp())}"
        return self._told_colleague_of(place, EmailKind.GROUP_PLACE_LINK, moved=moved)

    def _told_colleague_of(
        self, place: GroupPlace, kind: EmailKind, reason: str | None = None, moved: str = ""
    ) -> GroupBooking:
        """The person named on ``place`` emailed ``kind``: once per person named on it (a
        substitute is another occasion), and once per apply-by date ``moved`` to."""
        job = EmailJob.for_group(
            kind,
            self.group_id,
            self.course_id,
            occasion=f"v{place.substitutions}{moved}",
            place=place.number,
        ).model_copy(update={"reason": reason})
        return self.with_emails(job)

    def with_event(self, event_id: str) -> GroupBooking:
        return self.model_copy(
            update={"recent_event_ids": (*self.recent_event_ids, event_id)[-20:]}
        )


def apply_by(first_start: datetime, now: datetime, days_before: int = 7) -> datetime:
    """When the colleagues must have applied: ``days_before`` the first session (the course
    says how many), or two days after booking if that is later, and never after the first
    session starts."""
    earliest = first_start - timedelta(days=days_before)
    return min(max(earliest, now + LEAST_TIME_TO_APPLY), first_start)


def paid(
    group: GroupBooking,
    payment_intent: str | None,
    now: datetime,
    paid_at: datetime | None = None,
) -> GroupBooking:
    """Paid (at Stripe at ``paid_at``, kept once): the places are the colleagues' to fill, each
    told of their own link, the manager of their page. Paid once the apply-by date had passed
    (a delayed payment, Bacs or SEPA, honoured however late it settles), no link could be
    used: none is sent, and the manager is told that the places are released and refunded
    (the sweep's, at once) instead."""
    invoice = group.invoice.model_copy(update={"status": "paid"}) if group.invoice else None
    too_late = now >= group.apply_by
    told = group.told_manager("paid", APPLY_BY_PASSED if too_late else None)
    for place in group.places:
        if not (place.released or too_late):
            told = told.told_colleague(place)
    return told.model_copy(
        update={
            "status": GroupStatus.PAID,
            "payment_intent": payment_intent,
            "amount_paid": group.total.amount,
            "paid_at": group.paid_at or paid_at,
            "paid_after_apply_by": too_late,
            "hold_expires_at": None,
            "invoice": invoice,
            "updated_at": now,
        }
    )


def void_asked(
    group: GroupBooking, invoice_id: str, now: datetime, because: GroupEnding
) -> GroupBooking:
    """``group`` recording that Stripe is asked to void its invoice ``invoice_id``, and why."""
    update = {"void_asked_for": invoice_id, "void_asked_because": because, "updated_at": now}
    return group.model_copy(update=update)


def lapsed(group: GroupBooking, now: datetime, because: GroupEnding) -> GroupBooking:
    """``group`` ended unpaid ``because``: its seats go back, its invoice marked as Stripe
    holds it after that ending."""
    invoice_status = INVOICE_STATUS_AFTER.get(because, "void")
    invoice = group.invoice.model_copy(update={"status": invoice_status}) if group.invoice else None
    return group.model_copy(
        update={
            "status": GroupStatus.LAPSED,
            "ended_because": because,
            "hold_expires_at": None,
            "invoice": invoice,
            "updated_at": now,
        }
    )


def share_of_place(group: GroupBooking) -> int:
    """What one place's cancellation gives back: the place's price, never more than what is
    left of the payment."""
    return max(min(group.price.amount, group.amount_paid - group.amount_refunded), 0)


def organisers_give_it_up(application: Application, group: GroupBooking | None) -> bool:
    """Whether cancelling ``application`` is the organisers' to do by giving its group place
    up: it fills a place of ``group``, whose manager was erased (nobody holds the link that
    decides the places any more). While the manager is there, the place is theirs to decide."""
    return fills_a_group_place(application) and group is not None and group.manager_erased


def group_place_held(group: GroupBooking) -> PlaceHeld:
    """What a group booking holds, as a dispute of its payment is told: no place, places the
    organisers may cancel (its manager erased: ``organisers_give_it_up``), or places only its
    manager gives up."""
    if group.holds_no_place:
        return PlaceHeld.GONE
    return PlaceHeld.CANCELLABLE if group.manager_erased else PlaceHeld.MANAGERS


def group_disputes_said(
    group: GroupBooking | None, timezone: str, *, colleague_gone: bool = False, many: bool = False
) -> str:
    """The payer's bank's disputes of ``group``'s payment in words, each weighed with what was
    refunded of it and what it holds ("" when none, or no group): what every page saying them
    says (``colleague_gone``: beside a colleague whose own booking holds no place any more;
    ``many``: on the group's own line, of all its places)."""
    if group is None:
        return ""
    place = PlaceHeld.GONE if colleague_gone else group_place_held(group)
    refunds = group.payment_refunds
    return disputes_said(group.disputes, timezone, refunds, place=place, many=many)
