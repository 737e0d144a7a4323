"""A manager books places (``domain.groups``): the seats are claimed before Stripe is asked
for anything (the group's first save holds them), and given back if Stripe cannot be asked; then
a checkout for them all, or an invoice to the employer."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.billing import BillingDetails
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.errors import (
    ColleagueEnrolled,
    Conflict,
    CourseClosed,
    CourseFull,
    CourseRedated,
    DependencyUnavailable,
    InvalidInput,
    PriceChanged,
    StaleWrite,
)
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import (
    Colleague,
    GroupBooking,
    GroupForm,
    GroupPlace,
    GroupStatus,
    apply_by,
    lapsed,
)
from booking.domain.idempotency import fingerprint, refuse_unless_retry
from booking.domain.offer_ends import no_more_offers
from booking.domain.place_changes import places_bounds_refusal
from booking.domain.provider_objects import with_invoice
from booking.domain.validation import parse_posted
from booking.domain.wording import moment_when
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.groups import (
    GroupView,
    checkout_for_places,
    find_group,
    invoice_for_places,
    view_of,
)
from booking.services.invoice_requests import group_invoice_due
from booking.services.invoicing import (
    TOO_CLOSE_TO_APPLY_BY,
    billing_for,
    invoice_due_or_refuse,
    with_billing_reasons,
)
from booking.services.one_place_each import ALREADY_ON_COURSE, has_a_place_on
from booking.services.ports import Ports

logger = Logger(child=True)


def _group_id_for(course_id: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return secrets.token_hex(12)
    # A retried booking (a double click, a lost answer) maps to the same group: its
    # conditional create finds the first, whose answer is given again.
    digest = hashlib.sha256(f"group\x00{course_id}\x00{idempotency_key}".encode())
    return digest.hexdigest()[:24]


def book_places(
    ports: Ports, course_id: str, payload: Mapping[str, Any], idempotency_key: str | None = None
) -> GroupView:
    """A manager books a place for each named colleague: the seats held at once, then a
    checkout for them all, or an invoice to the employer. With an Idempotency-Key, a retry
    gets the first booking's answer; the key with another body is refused (409)."""
    now = ports.clock()
    course = existing_course(ports, course_id)
    group_id = _group_id_for(course_id, idempotency_key)
    try:
        form = parse_posted(GroupForm, payload)
    except InvalidInput as refused:
        raise with_billing_reasons(refused, course, payload) from None
    if idempotency_key is not None:
        earlier = ports.groups.get_group(group_id)
        if earlier is not None:
            return _replay(ports, earlier, form)
    try:
        course, saved, due_at = _first_saved(ports, course, group_id, form, idempotency_key, now)
    except StaleWrite:
        # The same key at the same moment: the other request made it; answer with it.
        return _replay(ports, find_group(ports, group_id), form)
    except ColleagueEnrolled as refused:
        # The save decides (a colleague who applied since the read above): place n is the
        # form's colleague n - 1.
        fields = {f"colleagues.{n - 1}.email": ALREADY_ON_COURSE for n in refused.places}
        raise InvalidInput("a colleague already has a place on this course", fields) from None
    logger.info(
        "group booked",
        extra={"group_id": saved.group_id, "course_id": course_id, "places": len(saved.places)},
    )
    try:
        asked = _ask_for_payment(ports, course, saved, due_at)
    except DependencyUnavailable:
        _ended_unasked(ports, saved.group_id)
        raise
    try:
        booked = _recorded(ports, saved, asked)
    except PriceChanged:
        _asked_in_vain(ports, asked)
        raise
    except _ChangedMeanwhile:
        _asked_in_vain(ports, asked)
        raise Conflict(
            "the group booking changed while its payment was being set up, so it was ended and "
            "its places given back; nothing was charged: please book again",
            code="concurrent_update",
        ) from None
    return view_of(ports, booked)


# How many times a booking is reckoned again from its course saved meanwhile.
_REDATED_ATTEMPTS = 3


def _first_saved(
    ports: Ports,
    course: Course,
    group_id: str,
    form: GroupForm,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[Course, GroupBooking, datetime | None]:
    """The group saved with its seats held (CourseFull when they are gone), reckoned from its
    course as the save finds it, and that course, and its invoice's due date. A course saved
    between the read and the save (its dates moved, perhaps) refuses the save
    (``CourseRedated``): it is reckoned again from the course as it is now. So its apply-by
    date is right whichever lands first: a save of the course after the group's re-dates it
    (``services.group_dates``)."""
    for _ in range(_REDATED_ATTEMPTS):
        _refuse_unless_bookable(ports, course, form, now)
        billing = billing_for(course, form)
        holidays = ports.bank_holidays
        due_at = (
            invoice_due_or_refuse(course, now, holidays, group_invoice_due, TOO_CLOSE_TO_APPLY_BY)
            if billing
            else None
        )
        held = _held_group(group_id, course, form, billing, due_at, now)
        if idempotency_key is not None:
            held = held.model_copy(update={"request_fingerprint": fingerprint(form)})
        try:
            return course, ports.groups.save_group(held, None), due_at
        except CourseRedated:
            course = existing_course(ports, course.course_id)
    raise Conflict(
        "the course was being changed as the places were booked, so nothing was booked: "
        "please book again",
        code="concurrent_update",
    )


class _ChangedMeanwhile(Exception):
    """The group no longer awaits the payment just asked for, for the same places."""


def _recorded(ports: Ports, saved: GroupBooking, asked: GroupBooking) -> GroupBooking:
    """``saved`` with what was asked at Stripe for it (``asked``: its checkout or invoice),
    saved; after a lost race (a sweep, the manager's page, an erasure writing it meanwhile) put on
    the fresh group while it still awaits that payment for the same
    places and price, never a 500 leaving the checkout held by no group."""

    def record(current: GroupBooking | None) -> GroupBooking:
        unchanged = current is not None and (
            current.status is saved.status
            and current.checkout == saved.checkout
            and current.invoice == saved.invoice
            and current.seats_held == saved.seats_held
            and current.total == saved.total
        )
        if current is None or not unchanged:
            raise _ChangedMeanwhile()
        on_it = current.model_copy(
            update={
                "checkout": asked.checkout,
                "invoice": asked.invoice,
                "invoices_issued": asked.invoices_issued,
            }
        )
        return ports.groups.save_group(on_it.told_manager("booked"), current)

    def read() -> GroupBooking | None:
        return ports.groups.get_group(saved.group_id)

    as_saved: GroupBooking | None = saved
    return retried(record, read, first=as_saved, exhausted=_ChangedMeanwhile)


def _asked_in_vain(ports: Ports, asked: GroupBooking) -> None:
    """The cohort's currency changed since the group was priced: what was asked at Stripe
    belongs to nothing (its checkout expired, its invoice disowned), and the group ends."""
    from booking.services.provider_erasure import disown_invoice  # only on this rare path
    from booking.services.settle import expire_quietly

    if asked.checkout is not None:
        expire_quietly(ports, asked.checkout.session_id)
    if asked.invoice is not None:
        disown_invoice(ports, asked.invoice.invoice_id)
    _ended_unasked(ports, asked.group_id)


_AWAITING = (GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT)


def _ended_unasked(ports: Ports, group_id: str) -> None:
    """The group ends, its seats back, when no payment could be asked for it: decided again
    from a fresh read after a lost race (a sweep, the manager's page, an erasure writing it
    meanwhile), so the booking's own refusal is what the manager is answered, never the
    store's. Ended already: nothing more to do."""

    def end(held: GroupBooking | None) -> None:
        if held is None or held.status not in _AWAITING:
            return  # ended already, or paid meanwhile: not this clean-up's to end
        ports.groups.save_group(lapsed(held, ports.clock(), GroupEnding.PAYMENT_NOT_STARTED), held)

    def read() -> GroupBooking | None:
        return ports.groups.get_group(group_id)

    retried(end, read)  # as stored: what was asked at Stripe was never saved on it


def _replay(ports: Ports, earlier: GroupBooking, form: GroupForm) -> GroupView:
    """The first booking made with the key, when this request asks the same."""
    refuse_unless_retry(
        earlier.request_fingerprint, form, "a group booking", erased=earlier.names_someone_erased
    )
    return view_of(ports, earlier)


def _refuse_unless_bookable(ports: Ports, course: Course, form: GroupForm, now: datetime) -> None:
    """The course takes this many places from a manager now, for colleagues who hold none."""
    if not course.accepts_applications(now):  # the places could not be paid for before it closes
        raise CourseClosed()
    if course.definition.approval_required:
        raise Conflict(
            "places on this course are given after review: each colleague applies themselves",
            code="approval_required",
        )
    if not course.seat_free_for_newcomer:
        raise CourseFull(_no_seat_free_said(course, now))
    refusal = places_bounds_refusal(len(form.colleagues), course.places_left)
    if refusal is not None:
        # The seats are not free: the contract's 409 course_full, as when the save finds so.
        raise CourseFull(refusal)
    booked_already = {
        f"colleagues.{index}.email": ALREADY_ON_COURSE
        for index, colleague in enumerate(form.colleagues)
        if has_a_place_on(ports, course.course_id, colleague.email)
    }
    if booked_already:
        raise InvalidInput("a colleague already has a place on this course", booked_already)


def _no_seat_free_said(course: Course, now: datetime) -> str:
    """Why no seat is free to a manager: none left, or the places left go to those waiting,
    which in the last minutes before applications close nobody can be offered (the
    last-15-minutes rule of docs/features/paying-by-card.md, said as the course's page says it)."""
    if course.places_left <= 0:
        return "this course has no places left"
    if no_more_offers(course, now):
        closes = moment_when(course.applications_close_at(), course.definition.timezone)
        return (
            f"applications close on {closes}, too soon for the places left to be offered to "
            "the people on the waiting list, who come first, so none can be booked"
        )
    return "the places left are offered to the people on the waiting list first"


def _held_group(
    group_id: str,
    course: Course,
    form: GroupForm,
    billing: BillingDetails | None,
    due_at: datetime | None,
    now: datetime,
) -> GroupBooking:
    """The group as first saved: its seats held until the checkout's hold or the invoice's due
    date runs out; each place with its own link's token."""
    by_invoice = billing is not None
    return GroupBooking(
        group_id=group_id,
        course_id=course.course_id,
        token=secrets.token_urlsafe(24),
        manager=Colleague(name=form.manager_name, email=form.manager_email),
        organisation=form.organisation,
        status=GroupStatus.AWAITING_INVOICE_PAYMENT if by_invoice else GroupStatus.AWAITING_PAYMENT,
        places=tuple(
            GroupPlace(number=n, colleague=colleague, token=secrets.token_urlsafe(24))
            for n, colleague in enumerate(form.colleagues, start=1)
        ),
        price=course.definition.price,
        payment_method=form.payment_method,
        billing=billing,
        hold_expires_at=due_at if by_invoice else now + CHECKOUT_HOLD,
        apply_by=apply_by(course.first_start(), now, course.definition.group_apply_by_days),
        dated_by=course.version,
        created_at=now,
        updated_at=now,
    )


def _ask_for_payment(
    ports: Ports, course: Course, group: GroupBooking, due_at: datetime | None
) -> GroupBooking:
    if group.billing is not None and due_at is not None:
        invoice = invoice_for_places(
            ports, group, course, billing=group.billing, due_at=due_at, attempt=1
        )
        return with_invoice(group, invoice)
    assert group.hold_expires_at is not None
    checkout = checkout_for_places(
        ports, group, course, expires_at=group.hold_expires_at, attempt=1
    )
    return group.model_copy(update={"checkout": checkout})
