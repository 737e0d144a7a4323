"""What an applicant may see of their application (``booking.services.applications`` re-exports
it): the decisions the pages and emails show, made here once from the domain's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import PaymentMethod, invoice_can_be_asked
from booking.domain.course import Course
from booking.domain.covered import left_to_pay_now, payment_refusal
from booking.domain.model import Model
from booking.domain.money import Money
from booking.domain.offer_declines import may_decline
from booking.domain.offer_ends import (
    held_until_closing,
    no_more_offers,
    review_ended,
    waiting_list_ended,
)
from booking.domain.payer import payer_of
from booking.domain.transfer_record import PendingMove, WaitingMove
from booking.domain.waiting_list_leaving import leave_offered
from booking.domain.waiting_moves import waiting_at
from booking.domain.wording import cohort_name
from booking.services.code_uses import code_used_up_since
from booking.services.invoice_requests import invoice_offered
from booking.services.ports import Ports
from booking.services.reading import application_as_read
from booking.services.waitlist import position_in_line, waitlist_position

S = ApplicationStatus


@dataclass(frozen=True)
class ApplicationView:
    """What the applicant may see of their application (no answers: they know them)."""

    application_id: str
    course_id: str
    status: str
    token: str
    checkout_url: str | None
    status_url: str
    created_at: str
    reference: str | None = None  # what the applicant quotes on the phone
    status_reason: str | None = None
    waitlist_position: int | None = None
    offer_expires_at: str | None = None
    # The offer is (or was) held until applications close: nobody can book its place after.
    offer_until_closing: bool = False
    # On the waiting list when applications closed: no place will be offered (its wait ended).
    wait_ended: bool = False
    # Still awaiting review when applications closed: nobody will review it.
    review_ended: bool = False
    # On the waiting list while applications close too soon for a place to be offered
    # (``domain.offer_ends.no_more_offers``), when they close: nobody waiting is offered one.
    no_more_offers: bool = False
    applications_close_at: str | None = None
    # Decisions the pages and emails show, made here once (domain rules), never re-derived.
    can_pay: bool = False  # a (new) checkout may be started now
    # Lapsed unpaid, and the discount code it was made with used up since: it cannot start
    # again at that price (the checkout would refuse it, 409), so nothing is offered and the
    # page says why and what to do.
    code_used_up: bool = False
    can_decline_offer: bool = False  # an offer its person may turn down now
    # Waiting, with no offer to turn down: its person may leave the list; an
    # offered person turns the place down instead, which ends their wait too.
    can_leave_waiting_list: bool = False
    # Its place was offered from the waiting list (turning it down takes them off it too).
    offered_from_waiting_list: bool = False
    hold_expires_at: str | None = None  # the place is held until then unless paid
    payment_pending: bool = False  # a delayed payment method is settling
    # Paying by invoice: Stripe's hosted invoice page while the invoice is open, and whether
    # the applicant may ask for one now (they gave a billing contact and may pay).
    invoice_url: str | None = None
    invoice_due_at: str | None = None
    can_request_invoice: bool = False
    payment_method: str = "card"
    # Money: what the place costs, what a bursary and a code take off, what is left to pay.
    price: Money | None = None
    bursary: int = 0
    discount_code: str | None = None
    amount_due: int | None = None
    left_to_pay: int | None = None  # Application.left_to_pay: what the page asks for
    amount_paid: int = 0  # money received (the wording of a cancellation)
    paid_by: str = ""  # the organisation whose invoice paid it (``domain.payer``); "" the person
    on_group_place: bool = False  # a colleague's place, paid for by a manager's group booking
    was_booked: bool = False  # a booking once, paid for or funded
    # A move of the booking that waits: for the person to pay a dearer cohort's difference,
    # or on a full cohort's waiting list (``domain.dearer_moves``, ``domain.waiting_moves``).
    pending_move: PendingMoveView | None = None
    waiting_move: WaitingMoveView | None = None


class MoveTo(Model):
    """A move of the booking that waits, and the cohort it is to join."""

    model_config = ConfigDict(frozen=True)

    to_course_id: str = Field(description="The cohort it is to move to")
    to_course_name: str = Field(description="Its title with its first day")


class PendingMoveView(MoveTo):
    """A move to a dearer cohort waiting for the person to pay the difference: a place there
    is held for them until ``expires_at``; the booking stays where it is until it is paid."""

    difference: int = Field(description="What is asked by card (minor units)")
    currency: str
    expires_at: datetime = Field(description="When the held place goes back unless paid")
    pay_url: str | None = Field(description="Stripe's page to pay the difference, once opened")


class WaitingMoveView(MoveTo):
    """A move waiting on a full cohort's waiting list: the booking keeps its place where it is
    and moves when a place frees there for it (in the list's one order), or is asked for the
    difference then if that cohort costs more."""

    asked_at: datetime = Field(description="When it was asked: its place in that list's order")
    ends_at: datetime = Field(
        description="When it ends unmoved if no place has freed: the earlier cohort's first day"
    )
    position: int | None = Field(
        default=None,
        description="Its place in that list (1 = next in line), counted as its applicants' are",
    )


def view_of(
    ports: Ports, application: Application, course: Course | None = None
) -> ApplicationView:
    """What the applicant sees; ``course`` when the caller has it already (saves a read)."""
    now = ports.clock()
    if course is None and _needs_course(application, now):
        course = ports.repository.get_course(application.course_id)
    pending_move, waiting_move = moves_waiting(ports, application)
    # An offer whose time has passed is read as lapsed before the sweep ends it.
    shown = application_as_read(application, course, now)
    ended = course is not None and waiting_list_ended(application, course, now)
    offered = course is not None and invoice_offered(ports, course, now)
    read = _Read(application, course, now, shown, code_used_up_since(ports, application), offered)
    return ApplicationView(
        application_id=application.application_id,
        course_id=application.course_id,
        status=shown.status.value,
        token=application.token,
        status_url=ports.status_url(application),
        created_at=_iso(application.created_at),
        reference=application.reference,
        status_reason=shown.status_reason,
        offer_until_closing=course is not None and held_until_closing(shown, course),
        wait_ended=ended,
        review_ended=course is not None and review_ended(application, course, now),
        **_closing(application, course, now),
        waitlist_position=None if ended else waitlist_position(ports, application),
        payment_pending=application.payment_pending,
        amount_paid=application.charges_paid,
        paid_by=payer_of(application).organisation,
        on_group_place=application.group_place is not None,
        was_booked=application.was_booked,
        pending_move=pending_move,
        waiting_move=waiting_move,
        **_payment(read),
        **_money(read),
    )


def _closing(application: Application, course: Course | None, now: datetime) -> dict[str, Any]:
    """For one on the waiting list or awaiting review: whether no place can be offered before
    applications close, and when they close (what its page says then)."""
    if course is None or application.status not in (S.WAITLISTED, S.PENDING_REVIEW):
        return {}
    return {
        "no_more_offers": no_more_offers(course, now),
        "applications_close_at": _iso(course.applications_close_at()),
    }


def moves_waiting(
    ports: Ports, application: Application
) -> tuple[PendingMoveView | None, WaitingMoveView | None]:
    """The booking's move that waits, if any (for its difference; on a waiting list), with the
    cohort it is to join named: what the person's page, their JSON and the record say."""
    pending = application.pending_move if application.status is S.CONFIRMED else None
    waiting = waiting_at(application, ports.clock())  # its end passed: over, as shown
    move = pending or waiting
    if move is None:
        return None, None
    to = {"to_course_id": move.to_course_id, "to_course_name": _cohort_name(ports, move)}
    if pending is not None:
        money = {"difference": pending.difference, "currency": pending.price_after.currency}
        asked = PendingMoveView.model_validate(
            to | money | {"expires_at": pending.expires_at, "pay_url": pending.url}
        )
        return asked, None
    assert waiting is not None
    times = {"asked_at": waiting.asked_at, "ends_at": waiting.ends_at}
    # Where it stands in that cohort's one line, as an applicant there is told theirs.
    line = position_in_line(
        ports, waiting.to_course_id, (waiting.asked_at, application.application_id)
    )
    return None, WaitingMoveView.model_validate(to | times | {"position": line})


def _cohort_name(ports: Ports, move: PendingMove | WaitingMove) -> str:
    cohort = ports.repository.get_course(move.to_course_id)
    return cohort_name(cohort) if cohort is not None else move.to_course_id


def _needs_course(application: Application, now: datetime) -> bool:
    """Whether the view depends on the course: may it be paid while the course is open, and
    may it be invoiced."""
    may_pay = application.payment_refusal(now, course_open=True) is None
    # An offer: held until applications close? On the waiting list or in review: have they
    # closed (or are they about to)?
    offered = application.offer_expires_at is not None or application.status in (
        S.WAITLISTED,
        S.PENDING_REVIEW,
    )
    return may_pay or offered or application.payment_method is PaymentMethod.INVOICE


@dataclass(frozen=True)
class _Read:
    """The application as its view reads it: ``shown``, as read (``domain.offer_ends.as_read``),
    which says whether an offer still holds its place; ``code_used_up``, its code's uses all
    taken since it lapsed (no payment can start); ``invoice_offered``, paying by invoice is
    offered now (``invoice_requests.invoice_offered``)."""

    application: Application
    course: Course | None
    now: datetime
    shown: Application
    code_used_up: bool
    invoice_offered: bool = False


def _payment(read: _Read) -> dict[str, Any]:
    """How the application may be paid now, and what is open for it."""
    application, course, now, shown = read.application, read.course, read.now, read.shown
    code_used_up = read.code_used_up
    can_pay = payment_refusal(application, course, now) is None and not code_used_up
    open_checkout = application.has_open_checkout(now) and not application.payment_pending
    hold_ends = shown.hold_lapses_at()
    open_invoice = application.invoice if application.has_open_invoice() else None
    offered = shown.status is S.OFFERED and application.offer_expires_at is not None
    return {
        "checkout_url": application.checkout.url
        if open_checkout and application.checkout
        else None,
        "offer_expires_at": _iso(application.offer_expires_at)
        if offered and application.offer_expires_at
        else None,
        "can_pay": can_pay,
        "code_used_up": code_used_up,
        "can_decline_offer": may_decline(application, now),
        "can_leave_waiting_list": leave_offered(application, now),
        "offered_from_waiting_list": application.waitlisted_at is not None,
        "hold_expires_at": _iso(hold_ends) if hold_ends is not None and hold_ends > now else None,
        "invoice_url": open_invoice.url if open_invoice else None,
        "invoice_due_at": _iso(open_invoice.due_at) if open_invoice else None,
        "can_request_invoice": can_pay
        and course is not None
        and invoice_can_be_asked(application.billing, read.invoice_offered),
        "payment_method": application.payment_method.value,
    }


def _money(read: _Read) -> dict[str, Any]:
    """What the place costs, what a bursary and a code take off, what is left to pay (nothing
    on a lapse that cannot pay again: ``domain.covered.left_to_pay_now``, or whose code was
    used up since)."""
    application, course, now, shown = read.application, read.course, read.now, read.shown
    code_used_up = read.code_used_up
    course_price = course.definition.price if course is not None else application.price
    return {
        "price": application.price or course_price,
        "bursary": application.bursary_covering(course_price)
        if course_price
        else application.bursary,
        "discount_code": application.discount.code if application.discount else None,
        "amount_due": application.amount_due(course_price) if course_price else None,
        "left_to_pay": (0 if code_used_up else left_to_pay_now(application, shown, course, now))
        if course is not None
        else None,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
