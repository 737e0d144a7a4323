"""The rest of a booking's life: approval, the waiting list, lapsed holds, cancellation.

Every seat that comes free (an expiry, a cancellation, a refund, a lapsed offer) goes to the
first person on the waiting list, and the scheduled sweep repeats that check, so a crash between
releasing a seat and offering it delays the offer by one sweep at most, never loses it. The
sweep's run is ``services.sweep`` (re-exported here, loaded when first asked: the organisers'
actions never run it); what it does with an application whose time is up is here
(:func:`sweep_due`), loaded by the first run that has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus, OptionalLongText
from booking.domain.commands import Situation
from booking.domain.emails import EmailKind
from booking.domain.employer_share import paid_off_stripe
from booking.domain.errors import Conflict, CourseFull, DependencyUnavailable, StaleWrite
from booking.domain.groups import organisers_give_it_up
from booking.domain.invoice_voiding import (
    CANCEL_ONCE_SETTLED,
    VoidingFor,
    checkout_act_left_half_done,
    left_half_done,
)
from booking.domain.offer_ends import OFFER_LAPSED, refuse_offering
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.page_seen import Seen
from booking.domain.payment_settlement import released_hold
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.domain.settlement import owes_nothing
from booking.domain.validation import parse_value
from booking.domain.waiting_moves import wait_over
from booking.domain.wording import shown_named
from booking.services.acted import Acted
from booking.services.concurrency import (
    MAX_ATTEMPTS,
    concurrent_update,
    course_of,
    load_application,
    retried,
)
from booking.services.dearer_moves import lapse_overdue_move
from booking.services.invoice_requests import refuse_while_being_paid
from booking.services.invoicing import release_lapsed_invoice
from booking.services.ports import Ports
from booking.services.refunds_held import settled_as_stripe_holds
from booking.services.transfers import complete_owed_refund, owes_a_transfer_refund
from booking.services.waiting_moves import end_overdue_wait
from booking.services.waitlist import given_a_seat, waitlist

if TYPE_CHECKING:
    from booking.services.sweep import SweepSummary as SweepSummary
    from booking.services.sweep import sweep as sweep


def __getattr__(name: str) -> Any:
    """PEP 562: the sweep's run and summary, from ``services.sweep`` when first asked (its
    group sweep and outbox load with it); the console's and the API's inits never ask."""
    if name not in ("sweep", "SweepSummary"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("booking.services.sweep"), name)
    globals()[name] = value
    return value


logger = Logger(child=True)
S = ApplicationStatus
_load = load_application


# -- approval -----------------------------------------------------------------------------


def approve(ports: Ports, application_id: str) -> Application:
    """Offer the place (seat held for the course's offer period; booked at once when nothing
    is left to pay) or, if full, a waiting place. Once no place may be offered any more
    (applications closed, or closing in minutes: ``domain.offer_ends.refuse_offering``) only
    a place left with nothing to pay is booked; anything else is refused in words, nothing
    changed (it had emailed an offer that had lapsed already)."""

    def attempt(application: Application) -> Application:
        if application.status is not S.PENDING_REVIEW:
            raise Conflict(
                f"only applications awaiting review can be approved; this one is "
                f"{shown_named(application.status, application.status_reason)}",
                code="not_pending_review",
            )
        course = course_of(ports, application)
        now = ports.clock()
        situation = Situation(now=now, course_price=course.definition.price)
        if not (course.seat_free_for_newcomer and owes_nothing(application, situation)):
            refuse_offering(course, now)
        if course.seat_free_for_newcomer:
            try:
                return ports.repository.save(
                    given_a_seat(application, course, now, reason="approved"), application
                )
            except CourseFull:
                pass  # the last place went meanwhile: this read is still current, so it waits
        return ports.repository.save(waitlist(application, now, approved=True), application)

    return retried(attempt, lambda: _load(ports, application_id))


def decline_note(message: object) -> str | None:
    """The organiser's message typed with a decline (None: none, the course's or the standard
    one goes), or InvalidInput beside ``message``."""
    # A message to the applicant is free text like an answer: as long, as plain.
    note = parse_value(OptionalLongText, message or "", "message", "the message needs attention")
    return str(note) if note else None


def decline(ports: Ports, application_id: str, message: object = None) -> Acted:
    """Decline an application; ``message`` (else the course's decline message) is emailed.
    Declined already: nothing changes, nobody is emailed again."""
    note = decline_note(message)
    application = _load(ports, application_id)
    if application.status is S.DECLINED:
        return Acted(application, changed=False)
    if application.status is not S.PENDING_REVIEW:
        raise Conflict(
            f"only applications awaiting review can be declined; this one is "
            f"{shown_named(application.status, application.status_reason)}",
            code="not_pending_review",
        )
    declined = application.moved_to(S.DECLINED, ports.clock(), decline_note=note).with_emails(
        application.email(EmailKind.DECLINED)
    )
    try:
        return Acted(ports.repository.save(declined, application), changed=True)
    except StaleWrite as exc:
        raise concurrent_update() from exc


# -- cancellation --------------------------------------------------------------------------


def cancel(
    ports: Ports,
    application_id: str,
    *,
    refund: bool,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
    by_applicant: bool = False,
) -> Acted:
    """Cancel a booking or an application, through the one path for money
    (``domain.settlement``): with ``refund`` the money goes back first, then the cancellation
    is recorded; an open checkout is detached in the same write and only then expired, an
    open invoice voided (and Stripe's answer recorded); the seat goes to the waiting list.
    A colleague's booking on a manager's group place is refused: it is the manager's to
    give up or give to someone else; once the manager is erased, the organisers' cancel
    gives the place up. Ended already: nothing changes (``changed`` False). ``read_against``:
    what the organiser's page showed (``domain.page_seen``): moved on since, refused; or the
    sweep's completion of a cancel left half done, only while the booking carries its mark.
    ``by_applicant``: its person left the waiting list (``services.waiting_list_leaving``
    has refused whatever they may not leave)."""
    application = ports.repository.get_application(application_id) if application_id else None
    organisation, off_stripe = "", False
    if application is not None and application.group_place is not None:
        group = ports.groups.get_group(application.group_place.group_id)
        organisation = group.organisation if group else ""
        off_stripe = group is not None and paid_off_stripe(group)
        if group is not None and organisers_give_it_up(application, group):
            # Nobody holds the manager's link any more: the organisers give the place up.
            place = application.group_place.place
            # A group's changes (its give-ups, applying, invoice replacement) load with the
            # first such cancel: no other action of the organisers needs them.
            from booking.services.group_changes import organisers_give_up

            back = organisers_give_up(ports, group, place, refund=refund, seen=read_against.seen)
            return Acted(load_application(ports, application_id), True, employer_refund=back)
    if application is not None:
        # Not under the employer's payment of its invoice (one rule with the void's).
        refuse_while_being_paid(ports, application, then=CANCEL_ONCE_SETTLED)
    # The application read for the group's name is the first the one money path decides on.
    cancellation = Cancellation(
        refund=refund,
        group_organisation=organisation,
        group_paid_off_stripe=off_stripe,
        seen=read_against.seen,
        by_applicant=by_applicant,
    )
    settled = settled_as_stripe_holds(
        ports, application_id, cancellation, first=application, read_against=read_against
    )
    return Acted(settled.saved, changed=settled.changed)


def refund_afterwards(ports: Ports, application_id: str, seen: Seen | None = None) -> Acted:
    """Give back what a booking cancelled without a refund kept, by the cancellation's own
    money path (``domain.settlement``): the same keyed refunds, recorded once, the person
    emailed once. Asked already, or refunded: nothing changes (``changed`` False). ``seen``:
    what the organiser's page showed (``domain.page_seen``): changed since, refused."""
    application = load_application(ports, application_id)
    ref = application.group_place
    group = ports.groups.get_group(ref.group_id) if ref is not None else None
    afterwards = Cancellation(
        refund=True,
        afterwards=True,
        group_organisation=group.organisation if group is not None else "",
        group_paid_off_stripe=group is not None and paid_off_stripe(group),
        seen=seen,
    )
    settled = settled_as_stripe_holds(ports, application_id, afterwards, first=application)
    return Acted(settled.saved, changed=settled.changed)


# -- the scheduled sweep's due applications (``services.sweep``) ------------------------


def sweep_due(
    ports: Ports, due: Iterable[Application], now: datetime, summary: SweepSummary
) -> set[str]:
    """The sweep's applications whose time is up, each released, lapsed or refunded as its
    state asks, counted in ``summary``. The courses a seat came free on."""
    touched: set[str] = set()
    for application in due:
        if owes_a_transfer_refund(application):
            try:
                complete_owed_refund(ports, application)
                summary.transfer_refunds_made += 1
            except (DependencyUnavailable, Conflict) as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
            continue
        if wait_over(application, now):
            # A move waiting for a seat ends unmoved once either cohort has begun.
            try:
                end_overdue_wait(ports, application, now)
            except Conflict as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
            continue
        if application.pending_move is not None and application.pending_move.overdue(now):
            try:
                if lapse_overdue_move(ports, application, now):
                    summary.holds_released += 1
                    touched.add(application.pending_move.to_course_id)
            except (DependencyUnavailable, Conflict) as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
            continue
        # An act stopped between its checkout's expiry and its save: completed as pressed.
        if checkout_act_left_half_done(application, now) and _checkout_act_ended(
            ports, application, now, summary, touched
        ):
            continue
        if left_half_done(application, now):
            from booking.services.invoice_void_sweep import act_completed

            try:  # an organiser's act stopped between its invoice's void and its save
                if act_completed(ports, application):
                    touched.add(application.course_id)
            except (DependencyUnavailable, Conflict) as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
            continue
        lapses = application.hold_lapses_at()
        if lapses is not None and lapses <= now:
            try:
                if _release_lapsed(ports, application, now):
                    summary.holds_released += 1
                    touched.add(application.course_id)
            except (DependencyUnavailable, Conflict) as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
    return touched


def _checkout_act_ended(
    ports: Ports, application: Application, now: datetime, summary: SweepSummary, touched: set[str]
) -> bool:
    """An act stopped between its checkout's expiry and its save (``checkout_acts``): True
    when this run is done with ``application`` (completed, or its hold not yet ended); False:
    not completed and its hold has ended, so it ends as any unpaid hold."""
    from booking.services.checkout_acts import checkout_act_completed

    try:
        if checkout_act_completed(ports, application):
            touched.add(application.course_id)
            return True
    except (DependencyUnavailable, Conflict) as exc:
        summary.skipped.append(f"{application.application_id}: {exc.code}")
    lapses = application.hold_lapses_at()
    return lapses is None or lapses > now


def _release_lapsed(ports: Ports, application: Application, now: datetime) -> bool:
    """Release one lapsed hold. Returns True when this run released it."""
    if application.status is S.AWAITING_INVOICE_PAYMENT:
        return release_lapsed_invoice(ports, application, now)

    def lapsed(current: Application) -> str | None:
        lapses_at = current.hold_lapses_at()
        if lapses_at is None or lapses_at > now:
            return None  # confirmed or renewed meanwhile
        return OFFER_LAPSED if current.status is S.OFFERED else "expired"

    return end_unpaid_hold(ports, application.application_id, now, lapsed)


def end_unpaid_hold(
    ports: Ports,
    application_id: str,
    now: datetime,
    ends_because: Callable[[Application], str | None],
) -> bool:
    """The one way an unpaid hold ends and its seat goes back (the sweep's lapse, an offer
    turned down: ``services.offer_declines``): the checkout the application holds now is
    expired at Stripe first (if it was paid meanwhile, the payment webhook decides), then the
    application is released (``domain.payment_settlement.released_hold``) with the reason
    ``ends_because`` gives for it as re-read, or left alone when that is None. True when this
    call released it (or the expiry webhook its expiry call set off did)."""
    expired_at_stripe: set[str] = set()
    for _ in range(MAX_ATTEMPTS):
        current = ports.repository.get_application(application_id)
        reason = ends_because(current) if current is not None else None
        if current is None or reason is None:
            # Changed meanwhile; or released by the expiry webhook that this call's expiry
            # set off, which counts as this call's release.
            return bool(expired_at_stripe) and current is not None and not current.seat_held
        session = current.checkout.session_id if current.checkout else None
        if session is not None and session not in expired_at_stripe:
            # Expire the session the application holds now (not the one the index showed):
            # if it was paid meanwhile, the payment webhook decides.
            try:
                if ports.payments.expire_checkout(session) == "complete":
                    return False
            except Conflict:
                pass  # Stripe cannot find or expire it: it cannot be paid either
            expired_at_stripe.add(session)
            continue  # the expiry webhook may have released it already: read again
        occasion = session or f"hold{current.version}"
        try:
            ports.repository.save(released_hold(current, now, reason, occasion), current)
            return True
        except StaleWrite:
            continue
    return False
