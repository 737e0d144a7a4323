"""A place of a group booking given up before the group paid, its invoice or its card payment
still open (``services.group_changes.cancel_place``): a new way to pay for the places kept, an
invoice to the employer or a Checkout Session for the card, is asked of Stripe before the save
that records it, so the seat is given back only with it. The last place given up ends the
booking.

The old invoice is voided at Stripe before its replacement is made
(``group_invoice_replacement``): one paid or being paid meanwhile is never replaced, and the
give-up is refused. The old checkout is expired at Stripe first too
(``checkout_expiry``): one paid meanwhile has the give-up refused and the payment kept
. If the group changed since it was read in what
this change decides (the seats it holds and their price, its way to pay), what was asked of
Stripe is undone and the manager asked to try again (nothing else changed); a change in nothing
of that (an event recorded, such as Stripe's ``invoice.voided`` for the invoice replaced, or another
colleague named on a place kept by invoice) is saved over.

The invoice for the places kept that a try stopped before its save sent (recorded ahead, among
``replacing_with``) and the employer then paid is the group's: the completion (the manager's
retry, the sweep, or that invoice's own ``invoice.paid``: ``services.earlier_try_paid``)
records it as the group's invoice, sends nothing more, and applies its payment
(``group_invoice_replacement.earlier_try_invoice``, one rule with a correction's); one
the employer is paying by a bank debit is recorded alike, its ``invoice.paid`` paying it. A
completion is made even once the course's applications have closed: the give-up was decided
while they were open (``group_give_ups.opens_a_new_way_to_pay``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.erasure import refuse_new_invoice
from booking.domain.errors import Conflict, DependencyUnavailable, StaleWrite
from booking.domain.group_endings import GroupEnding
from booking.domain.group_events import GroupEvent
from booking.domain.group_figures import earlier_try_may_be_paid, not_replacing, still_replacing
from booking.domain.group_give_ups import (
    being_recorded_refused,
    give_up_refusal,
    hold_ends,
    opens_a_new_way_to_pay,
    refuse_once_due,
    refuse_while_another_is_given_up,
    refuse_while_voided,
)
from booking.domain.group_notices import manager_told
from booking.domain.groups import GroupBooking, GroupStatus, lapsed
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.invoices import InvoicePaying
from booking.domain.place_changes import place_given_up, refuse_once_started
from booking.domain.provider_objects import with_invoice
from booking.domain.wording import moment_when
from booking.services.checkout_expiry import expired_first
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import (
    EarlierTryInvoice,
    earlier_try_invoice,
    recorded_ahead,
    unrecorded_voided,
    voided_for_replacement,
)
from booking.services.groups import (
    GroupView,
    checkout_for_places,
    group_reader,
    invoice_for_places,
    invoice_paying,
    view_of,
    void_quietly,
)
from booking.services.invoice_issue import paid_by_an_earlier_try_applied
from booking.services.invoice_requests import invoice_held
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice
from booking.services.settle import expire_quietly
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


class _Changed(Exception):
    """The group changed since it was read in what the give-up decides."""


@dataclass(frozen=True)
class _WayToPay:
    """How the group was to pay: the use case's ports, the group as read, and its course."""

    ports: Ports
    before: GroupBooking
    course: Course

    def cleared(self, number: int, now: datetime) -> GroupBooking:
        """The group the change (place ``number`` given up, ``now``) is saved over, once the
        old way to pay is closed at Stripe if it must be before a new one is made (by card:
        as read, its checkout expired after)."""
        del number, now
        return self.before

    def unavailable(self, error: DependencyUnavailable) -> DependencyUnavailable:
        """What the manager is told when Stripe could not make the new way to pay."""
        return error

    def onto(
        self, current: GroupBooking, new: GroupBooking, number: int, now: datetime
    ) -> GroupBooking | None:
        """``new``'s way to pay made again of ``current``, the group read again after a lost
        race (None: it changed in what this change decides)."""
        del current, new, number, now
        return None


@dataclass(frozen=True)
class _ByInvoice(_WayToPay):
    """The employer's invoice, replaced by one for the places kept (due when the old was).
    ``earlier_read``: the invoice for them a stopped try sent that the employer paid, or is
    paying by a bank debit, as read already (``_refused_by_invoice``); None: not read yet, or
    none paid or being paid."""

    earlier_read: EarlierTryInvoice | None = None
    done = "group place taken off its invoice"

    @property
    def attempt(self) -> int:
        old = self.before.invoice
        return old.attempt + 1 if old is not None else 1

    def cleared(self, number: int, now: datetime) -> GroupBooking:
        return voided_for_replacement(self.ports, self.before, number, now)

    def ask(
        self, released: GroupBooking, now: datetime, drafted: Callable[[str], None] | None = None
    ) -> GroupBooking:
        old, billing = self.before.invoice, self.before.billing
        assert old is not None
        assert billing is not None
        # The invoice for the places kept that a try of this give-up sent and never saved,
        # paid by the employer meanwhile (or being paid by a bank debit), is the group's:
        # recorded as Stripe holds it, nothing more sent (one rule with a correction's).
        earlier = self.earlier_read or earlier_try_invoice(self.ports, self.before)
        paid = earlier.invoice if earlier is not None else None
        invoice = (
            paid.model_copy(update={"attempt": self.attempt})
            if paid is not None
            else invoice_for_places(
                self.ports,
                released,
                self.course,
                billing=billing,
                due_at=old.due_at,
                attempt=self.attempt,
                drafted=drafted,
            )
        )
        return not_replacing(with_invoice(released, invoice))

    def unavailable(self, error: DependencyUnavailable) -> DependencyUnavailable:
        # The old invoice is void by now: said, with what a retry does, and
        # what happens if nobody tries (``group_replacement_sweep``).
        return DependencyUnavailable(
            "the payment provider could not make the new invoice for the places kept, and the "
            "old invoice is already cancelled, so it can no longer be paid. Every place is "
            "kept: trying again in a few minutes makes the new invoice (if nobody does, it is "
            "made and sent to the billing contact within half an hour)",
            code=error.code,
            retry_after_seconds=error.retry_after_seconds,
            details=error.details,
        )

    def onto(
        self, current: GroupBooking, new: GroupBooking, number: int, now: datetime
    ) -> GroupBooking | None:
        old = self.before.invoice
        assert old is not None
        before = self.before
        unchanged = (
            still_replacing(current, old.invoice_id)
            # What the new invoice asks and of whom: the seats held and their price, the
            # billing contact. A colleague named instead on a place changes none of it
            # (refused, the old invoice already void, nothing could be paid).
            and (_seats(current), current.price, current.billing, current.manager)
            == (_seats(before), before.price, before.billing, before.manager)
            and current.void_asked_for == before.void_asked_for
        )
        released = place_given_up(current, number, now) if unchanged else None
        if released is None:
            return None
        if new.status is GroupStatus.LAPSED:  # the last place: the booking ends, unpaid
            ended = lapsed(released, now, GroupEnding.EVERY_PLACE_GIVEN_UP)
            return self.told(not_replacing(ended), number)
        assert new.invoice is not None
        return self.told(not_replacing(with_invoice(released, new.invoice)), number)

    def told(self, new: GroupBooking, number: int) -> GroupBooking:
        """Told what the invoice now asks (or that none is owed), as it is at this change."""
        return manager_told(
            new,
            GroupEvent.INVOICE_REISSUED,
            f"invoice{self.attempt}",
            amount=new.total.amount if new.seats_held else 0,
            places=(number,),
            places_kept=new.seats_held,
        )

    def undo(self, new: GroupBooking) -> None:
        old = self.before.invoice
        made = new.invoice.invoice_id if new.invoice is not None else None
        # One an earlier try sent that the employer paid stays the group's (``replacing_with``).
        if (
            made is not None
            and made != (old.invoice_id if old else None)
            and not _adopted(self.before, new)
        ):
            disown_invoice(self.ports, made)

    def close_old(self, saved: GroupBooking) -> None:
        # Replaced, or ended by its last place given up, the old invoice was voided first
        # (``cleared``); an ended booking records it void as Stripe answers.
        if self.before.invoice is not None and saved.status is GroupStatus.LAPSED:
            void_quietly(self.ports, saved.model_copy(update={"invoice": self.before.invoice}))


def _seats(group: GroupBooking) -> tuple[tuple[int, bool], ...]:
    """Which of ``group``'s places are held, by number (not who they are for)."""
    return tuple((place.number, place.released) for place in group.places)


def _paid_at_stripe(ports: Ports, invoice_id: str) -> bool:
    held = invoice_held(ports, invoice_id)
    return held is not None and held.paid


def _adopted(before: GroupBooking, new: GroupBooking) -> str | None:
    """The invoice ``new`` records that a try of this give-up sent and the employer paid
    (recorded ahead on ``before``'s mark, never saved as its invoice), or None."""
    made = new.invoice.invoice_id if new.invoice is not None else None
    own = before.invoice.invoice_id if before.invoice is not None else None
    return made if made is not None and made != own and made in before.replacing_with else None


class _ByCard(_WayToPay):
    """The open Checkout Session, replaced by one for the places kept."""

    done = "group place taken off its checkout"

    def ask(
        self, released: GroupBooking, now: datetime, drafted: Callable[[str], None] | None = None
    ) -> GroupBooking:
        del drafted  # a checkout session sends nothing before it is saved
        hold_until = now + CHECKOUT_HOLD  # Stripe asks at least 30 minutes of a new session
        checkout = checkout_for_places(
            self.ports,
            released,
            self.course,
            expires_at=hold_until,
            # One session per set of places kept: a retry of this change asks for it again.
            attempt=1 + len(released.places) - released.seats_held,
        )
        return released.model_copy(update={"checkout": checkout, "hold_expires_at": hold_until})

    def cleared(self, number: int, now: datetime) -> GroupBooking:
        # The old checkout expired at Stripe first, the last place's too: one the manager paid
        # meanwhile has the give-up refused and the payment kept.
        if self.before.checkout is None:
            return self.before
        return expired_first(
            self.ports,
            self.before,
            self.ports.groups.save_group,
            group_reader(self.ports, self.before.group_id),
            being_recorded_refused(by_card=True),
            # The give-up on the mark: one stopped before its save is completed
            # (``services.checkout_acts``), never lapsed whole.
            VoidingFor(since=now, place=number),
        )

    def told(self, new: GroupBooking, number: int) -> GroupBooking:
        return new  # no email: the answer is the manager's page, with the new total and link

    def undo(self, new: GroupBooking) -> None:
        if new.checkout is not None and new.checkout is not self.before.checkout:
            expire_quietly(self.ports, new.checkout.session_id)

    def close_old(self, saved: GroupBooking) -> None:
        del saved  # expired first (``cleared``)

    def onto(
        self, current: GroupBooking, new: GroupBooking, number: int, now: datetime
    ) -> GroupBooking | None:
        # Saved over a group that changed in nothing this change decides (Stripe's expiry
        # event of the old checkout recorded, ending nothing: ``CheckoutRef.expiring``).
        before, old = self.before, self.before.checkout
        unchanged = (
            current.status is GroupStatus.AWAITING_PAYMENT
            and old is not None
            and current.checkout is not None
            and current.checkout.session_id == old.session_id
            and (_seats(current), current.price, current.manager)
            == (_seats(before), before.price, before.manager)
        )
        released = place_given_up(current, number, now) if unchanged else None
        if released is None:
            return None
        if new.status is GroupStatus.LAPSED:
            ended = lapsed(released, now, GroupEnding.EVERY_PLACE_GIVEN_UP)
            return self.told(not_replacing(ended), number)
        kept = {"checkout": new.checkout, "hold_expires_at": new.hold_expires_at}
        return released.model_copy(update=kept)


def off_the_way_to_pay(ports: Ports, group: GroupBooking, course: Course, number: int) -> GroupView:
    """Place ``number`` of ``group`` (its invoice or its card payment still open) given up."""
    now = ports.clock()
    refuse_once_started(now, course.first_start())
    way: _ByInvoice | _ByCard = _ByCard(ports, group, course)
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        way = _ByInvoice(ports, group, course, _refused_by_invoice(ports, group, number, now))
    released = place_given_up(group, number, now)
    if released is None:
        return view_of(ports, group)
    ends = hold_ends(group)
    # A completion of a give-up begun before applications closed opens its new payment still.
    taking = opens_a_new_way_to_pay(
        group, number, taking_applications=course.accepts_applications(now)
    )
    refusal = give_up_refusal(
        group,
        taking_applications=taking,
        held_until=moment_when(ends, course.definition.timezone) if ends else None,
        # Read only when a new invoice would replace it: more than the last place, open.
        invoice=invoice_paying(ports, group)
        if taking and group.seats_held > 1
        else InvoicePaying.NOT_PAID,
    )
    if refusal is not None:
        # A new checkout or invoice for the places kept could not be paid before the course
        # begins, or would throw away a payment made or settling: none is opened, nothing changes.
        raise refusal
    try:
        saved = _saved(way, released, number, now)
    except _Changed:
        fresh = ports.groups.get_group(group.group_id)
        if fresh is not None and fresh.place(number).released:
            return view_of(ports, fresh)  # the same place given up meanwhile: a repeat
        raise Conflict(
            "the booking changed meanwhile; please try again", code="group_changed"
        ) from None
    return view_of(ports, _completed(way, saved))


def _refused_by_invoice(
    ports: Ports, group: GroupBooking, number: int, now: datetime
) -> EarlierTryInvoice | None:
    """Raise why place ``number`` of ``group`` may not come off its invoice as it stands, if it
    may not. The invoice for the places kept that a stopped try sent and the employer paid, or
    is paying by a bank debit, when it had to be read at Stripe (past the due time:
    ``earlier_try_may_be_paid``), else None."""
    # Read after an erasure's save, before its void at Stripe: nothing new for nobody.
    refuse_new_invoice(group)
    refuse_while_voided(group)
    refuse_while_another_is_given_up(group, number)
    earlier = earlier_try_invoice(ports, group) if earlier_try_may_be_paid(group, now) else None
    refuse_once_due(group, now, earlier_try_paid=earlier is not None)  # before the old is voided
    return earlier


def _completed(way: _ByInvoice | _ByCard, saved: GroupBooking) -> GroupBooking:
    """The give-up saved as ``saved``, completed: the old way to pay closed, any invoice an
    earlier try sent and never recorded voided, the seat offered on; and the payment of an
    invoice an earlier try sent that the employer paid (now the group's own) applied as
    Stripe's ``invoice.paid`` is. The group after."""
    ports, before = way.ports, way.before
    way.close_old(saved)
    if isinstance(way, _ByInvoice) and before.replacing_invoice is not None:
        # A try before this one left it half done, and may have sent an invoice it never
        # recorded (stopped before its save): voided now the booking records its own.
        unrecorded_voided(ports, saved, before.replacing_with)
    logger.info(way.done, extra={"group_id": saved.group_id})
    offer_free_places(ports, saved.course_id)
    paid = _adopted(before, saved) if isinstance(way, _ByInvoice) else None
    if paid is None or not _paid_at_stripe(ports, paid):
        return saved  # none adopted, or a bank debit on its way: its invoice.paid pays it
    # The places kept are paid for by it: the one path for money (nothing more sent).
    paid_by_an_earlier_try_applied(ports, saved.group_id, paid)
    return ports.groups.get_group(saved.group_id) or saved


def _saved(
    way: _ByInvoice | _ByCard, released: GroupBooking, number: int, now: datetime
) -> GroupBooking:
    """The group saved with place ``number`` given up (``released``, as read): ended when it
    was the last place, or on a new way to pay, the old one closed first if it must be
    (``_WayToPay.cleared``). A lost race re-applies the change on the group read again when
    it changed in nothing this change decides; otherwise (_Changed), or when the save fails
    for any other reason, what was asked of Stripe is undone."""
    try:
        # The old invoice voided first, the last place's too (its booking ends unpaid): a
        # payment of it begun meanwhile has the give-up refused, not given back whole.
        base = way.cleared(number, now)
    except StaleWrite:
        raise _Changed() from None
    marked = place_given_up(base, number, now)
    assert marked is not None  # read unreleased, and unchanged since
    if released.seats_held == 0:
        ended = lapsed(marked, now, GroupEnding.EVERY_PLACE_GIVEN_UP)
        new = way.told(not_replacing(ended), number)
    else:
        try:
            # The new invoice's id recorded on the mark while it is a draft, before Stripe
            # sends it: a try stopped before its save leaves an id the retry, the sweep and
            # the lapse void. The save below, over ``base``, then meets that
            # record and is decided again on the group as read (``_WayToPay.onto``).
            asked = way.ask(marked, now, lambda made: recorded_ahead(way.ports, base, made))
        except DependencyUnavailable as error:
            raise way.unavailable(error) from error
        new = way.told(asked, number)

    def save(current: GroupBooking) -> GroupBooking:
        again = new if current is base else way.onto(current, new, number, now)
        if again is None:
            raise _Changed()
        return way.ports.groups.save_group(again, current)

    try:
        return retried(save, group_reader(way.ports, base.group_id), first=base, exhausted=_Changed)
    except BaseException:
        # Whatever stopped the save (the group changed, the table unreachable, the function
        # out of time), nothing records the new invoice Stripe has already sent: it is undone
        # .
        way.undo(new)
        raise
