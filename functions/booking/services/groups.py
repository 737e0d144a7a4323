"""Use cases of places booked by a manager (``domain.groups``): book, pay, apply, substitute,
cancel a place, and Stripe's events about a group's checkout, invoice and payment.

Seats are claimed before Stripe is asked for anything (the group's first save holds them), and
given back if Stripe cannot be asked; a colleague's application claims its place in the same
transaction that creates it (``Limited.GROUP_PLACE``). Names and addresses stay here and in the
table: Stripe is told the group's id and the number of places, never who they are for.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import (
    ERASED,
    ERASED_EMAIL,
    Application,
    ApplicationForm,
    ApplicationStatus,
    GroupPlaceRef,
)
from booking.domain.commands import Refund, Situation
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import (
    Conflict,
    CourseClosed,
    CourseFull,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    StaleWrite,
)
from booking.domain.groups import (
    Colleague,
    GroupBooking,
    GroupForm,
    GroupPlace,
    GroupStatus,
    apply_by,
    lapsed,
    places_bounds_refusal,
    refuse_unless_open,
    share_of_place,
)
from booking.domain.settlement import booked_with_nothing_to_pay
from booking.domain.validation import parse
from booking.services.applications import reference_for
from booking.services.concurrency import retried
from booking.services.invoicing import billing_for, invoice_due_or_refuse
from booking.services.ports import CheckoutRequest, InvoiceRequest, Ports
from booking.services.settle import refund
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
S = ApplicationStatus


@dataclass(frozen=True)
class PlaceView:
    number: int
    name: str
    email: str
    state: str  # not_applied | an application's status | released
    application_id: str | None
    reference: str | None
    link: str | None  # the colleague's own link while it can be used


@dataclass(frozen=True)
class GroupView:
    group: GroupBooking
    course: Course
    manager_url: str
    places: tuple[PlaceView, ...]

    @property
    def pay_url(self) -> str | None:
        """Where the manager pays now (the open checkout, or the invoice's page)."""
        group = self.group
        if group.status is GroupStatus.AWAITING_PAYMENT and group.checkout is not None:
            return group.checkout.url
        if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT and group.invoice is not None:
            return group.invoice.url
        return None


def _course(ports: Ports, course_id: str) -> Course:
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    return course


def _group(ports: Ports, group_id: str) -> GroupBooking:
    group = ports.groups.get_group(group_id) if group_id else None
    if group is None:
        raise NotFound(f"no group booking {group_id!r}")
    return group


def _managed(ports: Ports, group_id: str, token: str) -> GroupBooking:
    """The group whose manager's link this is (NotFound for a wrong id or token alike)."""
    group = _group(ports, group_id)
    if not token or not group.manager_may_see(token):
        raise NotFound(f"no group booking {group_id!r}")
    return group


def manager_url(ports: Ports, group: GroupBooking) -> str:
    return f"{ports.public_base_url}/groups/{group.group_id}?token={group.token}"


def place_url(ports: Ports, group: GroupBooking, place: GroupPlace) -> str:
    return (
        f"{ports.public_base_url}/groups/{group.group_id}/places/{place.number}/apply"
        f"?token={place.token}"
    )


# -- booking -------------------------------------------------------------------------------


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
    gets the first booking's answer."""
    now = ports.clock()
    course = _course(ports, course_id)
    group_id = _group_id_for(course_id, idempotency_key)
    if idempotency_key is not None:
        earlier = ports.groups.get_group(group_id)
        if earlier is not None:
            return view_of(ports, earlier)
    form = parse(GroupForm, payload)
    if not course.accepts_applications(now):
        raise CourseClosed()
    if course.definition.approval_required:
        raise Conflict(
            "places on this course are given after review: each colleague applies themselves",
            code="approval_required",
        )
    if not course.seat_free_for_newcomer:
        raise CourseFull(
            "this course has no places left"
            if course.places_left <= 0
            else "the places left are offered to the people on the waiting list first"
        )
    refusal = places_bounds_refusal(len(form.colleagues), course.places_left)
    if refusal is not None:
        raise InvalidInput(refusal, {"colleagues": refusal})
    booked_already = {
        f"colleagues.{index}.email": ALREADY_ON_COURSE
        for index, colleague in enumerate(form.colleagues)
        if _has_a_place_on(ports, course_id, colleague.email)
    }
    if booked_already:
        raise InvalidInput("a colleague already has a place on this course", booked_already)
    billing = billing_for(course, form)
    due_at = invoice_due_or_refuse(course, now, ports.bank_holidays) if billing else None
    by_invoice = billing is not None
    held = GroupBooking(
        group_id=group_id,
        course_id=course_id,
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
        created_at=now,
        updated_at=now,
    )
    try:
        saved = ports.groups.save_group(held, None)  # CourseFull when the seats are gone
    except StaleWrite:
        # The same key at the same moment: the other request made it; answer with it.
        return view_of(ports, _group(ports, group_id))
    logger.info(
        "group booked",
        extra={"group_id": saved.group_id, "course_id": course_id, "places": len(saved.places)},
    )
    try:
        asked = _ask_for_payment(ports, course, saved, due_at)
    except DependencyUnavailable:
        ports.groups.save_group(lapsed(saved, ports.clock()), saved)
        raise
    return view_of(ports, ports.groups.save_group(asked.told_manager("booked"), saved))


ALREADY_ON_COURSE = (
    "this colleague already has a place on this course (or has applied for one): each "
    "person holds one place"
)


def _has_a_place_on(
    ports: Ports, course_id: str, email: str, besides_group: str | None = None
) -> bool:
    """Whether ``email`` already holds (or is applying for) a place on the course: an
    application of their own that has not ended, or a place named for them in another group
    that still holds its seats. One person holds one place on a course."""
    earlier_id = ports.repository.enrolled_application_id(course_id, email)
    earlier = ports.repository.get_application(earlier_id) if earlier_id else None
    if earlier is not None and not earlier.enrolment_ended:
        return True
    address = email.lower()
    return any(
        group.course_id == course_id
        and group.group_id != besides_group
        and group.seats_held > 0
        and any(
            not place.released and place.colleague.email.lower() == address
            for place in group.places
        )
        for group in ports.groups.groups_of_person(email)
    )


def _ask_for_payment(
    ports: Ports, course: Course, group: GroupBooking, due_at: datetime | None
) -> GroupBooking:
    what = _places_line(group, course)
    if group.billing is not None and due_at is not None:
        invoice = ports.payments.create_invoice(
            InvoiceRequest(
                application_id=group.group_id,
                course_id=group.course_id,
                description=what,
                amount=group.total,
                billing=group.billing,
                due_at=due_at,
                attempt=1,
            )
        )
        return group.model_copy(update={"invoice": invoice})
    assert group.hold_expires_at is not None
    back = manager_url(ports, group)
    checkout = ports.payments.create_checkout(
        CheckoutRequest(
            application_id=group.group_id,
            course_id=group.course_id,
            product_name=what,
            price=group.total,
            customer_email=group.manager.email,
            expires_at=group.hold_expires_at,
            success_url=back,
            cancel_url=back,
            attempt=1,
        )
    )
    return group.model_copy(update={"checkout": checkout})


# -- what the manager sees -----------------------------------------------------------------


def view_of(ports: Ports, group: GroupBooking) -> GroupView:
    course = _course(ports, group.course_id)
    places: list[PlaceView] = []
    for place in group.places:
        holder_id = ports.groups.place_holder(group.group_id, place.number)
        holder = ports.repository.get_application(holder_id) if holder_id else None
        if holder is not None and holder.enrolment_ended:
            holder = None
        state = "released" if place.released else (holder.status.value if holder else "")
        open_link = (
            group.status is GroupStatus.PAID
            and not place.released
            and not place.erased
            and holder is None
        )
        places.append(
            PlaceView(
                number=place.number,
                name=place.colleague.name,
                email=place.colleague.email,
                state=state or "not_applied",
                application_id=holder.application_id if holder else None,
                reference=holder.reference if holder else None,
                link=place_url(ports, group, place) if open_link else None,
            )
        )
    return GroupView(group, course, manager_url(ports, group), tuple(places))


def get_group(ports: Ports, group_id: str, token: str) -> GroupView:
    return view_of(ports, _managed(ports, group_id, token))


# -- a colleague applies through their link ---------------------------------------------------


@dataclass(frozen=True)
class PlaceOpened:
    group: GroupBooking
    place: GroupPlace
    course: Course


def open_place(ports: Ports, group_id: str, number: int, token: str) -> PlaceOpened:
    """The place a colleague's link opens, if it may be used now (NotFound for a wrong or old
    link; Conflict when the place is not to be filled now)."""
    group = _group(ports, group_id)
    place = group.place_for_link(number, token) if token else None
    if place is None or place.erased:
        raise NotFound("no such place: the link may have been replaced")
    course = _course(ports, group.course_id)
    now = ports.clock()
    # The deadline first: past it, an unfilled place was given up because of it.
    if now >= group.apply_by or now >= course.first_start():
        raise Conflict("the time to apply for this place has passed", code="apply_by_passed")
    if place.released:
        raise Conflict("this place was cancelled", code="place_cancelled")
    if group.status is not GroupStatus.PAID:
        raise Conflict("this place is not paid for yet", code="not_paid")
    holder_id = ports.groups.place_holder(group.group_id, place.number)
    holder = ports.repository.get_application(holder_id) if holder_id else None
    if holder is not None and not holder.enrolment_ended and _is_theirs(holder, place):
        raise Conflict(
            "you have applied for this place already: your confirmation email has your "
            "booking's link",
            code="already_applied",
        )
    return PlaceOpened(group, place, course)


def _is_theirs(application: Application, place: GroupPlace) -> bool:
    return application.answers.email.lower() == place.colleague.email.lower()


def apply_for_place(
    ports: Ports, group_id: str, number: int, token: str, payload: Mapping[str, Any]
) -> Application:
    """The colleague's application: a booking at once, filling the place (its seat is the
    group's). The facilitators get it like any other."""
    opened = open_place(ports, group_id, number, token)
    group, place, course = opened.group, opened.place, opened.course
    form = parse(ApplicationForm, {**payload, "payment_method": "card"})
    if form.email.lower() != place.colleague.email.lower():
        raise InvalidInput(
            "this place is for another address",
            {"email": f"this place is booked for {place.colleague.email}"},
        )
    holder_id = ports.groups.place_holder(group.group_id, place.number)
    if holder_id is not None:
        holder = ports.repository.get_application(holder_id)
        if holder is not None and not holder.enrolment_ended:
            # Not theirs (open_place refused theirs): left by an unfinished substitution.
            _withdraw(ports, holder, "substituted")
    now = ports.clock()
    fresh = Application(
        application_id=secrets.token_hex(12),
        course_id=course.course_id,
        status=S.AWAITING_PAYMENT,
        token=secrets.token_urlsafe(24),
        reference=reference_for(course),
        answers=form.answers(),
        created_at=now,
        updated_at=now,
        price=group.price,
        group_place=GroupPlaceRef(
            group_id=group.group_id, place=place.number, group_version=group.version
        ),
    )
    booked = booked_with_nothing_to_pay(fresh, Situation(now, course.definition.price))
    try:
        saved = ports.repository.save(booked, None)
    except StaleWrite:
        raise Conflict(
            "this booking changed while you applied; please open your link again",
            code="group_changed",
        ) from None
    logger.info(
        "group place filled",
        extra={
            "group_id": group.group_id,
            "place": place.number,
            "application_id": saved.application_id,
        },
    )
    return saved


def _withdraw(ports: Ports, application: Application, reason: str) -> None:
    """The colleague's application ends (its place goes back to the group, not the course):
    no money of theirs to give back, the group paid."""

    def end(current: Application) -> Application:
        if current.enrolment_ended:
            return current
        ended = current.moved_to(
            S.CANCELLED, ports.clock(), seat_held=False, status_reason=reason
        ).with_emails(
            # The usual cancellation email, with its calendar cancel, saying why.
            EmailJob.about(
                EmailKind.CANCELLED, current.application_id, current.course_id, reason=reason
            )
        )
        return ports.repository.save(ended, current)

    retried(end, lambda: _reloaded(ports, application.application_id), first=application)


def _reloaded(ports: Ports, application_id: str) -> Application:
    found = ports.repository.get_application(application_id)
    if found is None:
        raise NotFound(f"no application {application_id!r}")
    return found


# -- the manager changes the places ----------------------------------------------------------


def substitute(
    ports: Ports, group_id: str, token: str, number: int, payload: Mapping[str, Any]
) -> GroupView:
    """Another colleague takes place ``number``: a new link (the old one stops working), and
    the old colleague's application, if they had applied, is withdrawn."""
    colleague = parse(Colleague, payload)

    def change(group: GroupBooking) -> GroupBooking:
        course = _course(ports, group.course_id)
        now = ports.clock()
        refuse_unless_open(group, now, course.first_start())
        if now >= group.apply_by:
            raise Conflict(
                "the time to name colleagues for these places has passed", code="apply_by_passed"
            )
        place = group.place(number)
        if place.released:
            raise Conflict("this place was cancelled", code="place_cancelled")
        others = {p.colleague.email.lower() for p in group.places if p.number != number}
        if colleague.email.lower() in others:
            raise InvalidInput(
                "each colleague needs their own place",
                {"email": "this colleague has another place in this booking"},
            )
        if colleague.email.lower() != place.colleague.email.lower() and _has_a_place_on(
            ports, group.course_id, colleague.email, besides_group=group.group_id
        ):
            raise InvalidInput(
                "this colleague already has a place on this course", {"email": ALREADY_ON_COURSE}
            )
        new_place = place.model_copy(
            update={
                "colleague": colleague,
                "token": secrets.token_urlsafe(24),
                "substitutions": place.substitutions + 1,
            }
        )
        changed = group.with_place(new_place, now).told_colleague(new_place)
        return ports.groups.save_group(changed, group)

    saved = retried(change, lambda: _group(ports, group_id), first=_managed(ports, group_id, token))
    _withdraw_holder(ports, saved, number, "substituted")
    logger.info("group place substituted", extra={"group_id": group_id, "place": number})
    return view_of(ports, saved)


def _withdraw_holder(ports: Ports, group: GroupBooking, number: int, reason: str) -> None:
    holder_id = ports.groups.place_holder(group.group_id, number)
    holder = ports.repository.get_application(holder_id) if holder_id else None
    if holder is not None and not holder.enrolment_ended:
        _withdraw(ports, holder, reason)


def cancel_place(ports: Ports, group_id: str, token: str, number: int) -> GroupView:
    """Place ``number`` is given up: its colleague's application (if any) is withdrawn, its
    share of the payment refunded through Stripe, and its seat goes to the waiting list. While
    the employer's invoice is unpaid, the invoice is replaced by one for the places kept."""
    group = _managed(ports, group_id, token)
    course = _course(ports, group.course_id)
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        return _off_the_invoice(ports, group, course, number)
    refuse_unless_open(group, ports.clock(), course.first_start())
    if group.place(number).released:
        return view_of(ports, group)  # a repeat: done already
    saved = _give_up(ports, group, number, withdraw=True)
    logger.info("group place cancelled", extra={"group_id": group_id, "place": number})
    offer_free_places(ports, saved.course_id)
    return view_of(ports, saved)


def _give_up(ports: Ports, group: GroupBooking, number: int, *, withdraw: bool) -> GroupBooking:
    """A paid place given up: its share refunded (asked of Stripe before the save, keyed by
    the place, so a retry is the same refund), its seat given back with the save, which holds
    only while nobody fills the place. ``withdraw``: the colleague's application filling it is
    withdrawn first (the manager gave it up); otherwise a place filled meanwhile is kept."""

    def release(current: GroupBooking) -> GroupBooking:
        place = current.place(number)
        if place.released:
            return current
        holder_id = ports.groups.place_holder(current.group_id, number)
        holder = ports.repository.get_application(holder_id) if holder_id else None
        if holder is not None and not holder.enrolment_ended:
            if not withdraw:
                return current  # filled meanwhile: theirs
            _withdraw(ports, holder, "group_place_cancelled")
        refunds = dict(current.refunds)
        refund_id = place.refund_id
        share = share_of_place(current)
        if current.payment_intent and share > 0 and refund_id is None:
            made = refund(
                ports,
                Refund(current.payment_intent, share, f"group-{current.group_id}-place-{number}"),
            )
            if made is not None:
                refund_id = made.refund_id
                refunds[made.refund_id] = made.amount
        released = place.model_copy(update={"released": True, "refund_id": refund_id})
        changed = current.with_place(released, ports.clock()).model_copy(
            update={"refunds": refunds}
        )
        return ports.groups.save_group(changed, current)

    return retried(release, _reader(ports, group.group_id), first=group)


# -- the sweep -------------------------------------------------------------------------------


def release_lapsed_groups(ports: Ports, now: datetime) -> list[str]:
    """Unpaid groups whose hold ran out let their seats go, in case Stripe's event about it
    was lost: a checkout is expired at Stripe first (if it was paid meanwhile, the payment's
    event decides); an invoice is voided after (as an application's is). The courses touched."""
    touched: list[str] = []
    for due in ports.groups.groups_due(now):
        if due.status is GroupStatus.PAID:
            if _give_up_unfilled(ports, due, now):
                touched.append(due.course_id)
            continue
        if due.checkout is not None and due.status is GroupStatus.AWAITING_PAYMENT:
            try:
                if ports.payments.expire_checkout(due.checkout.session_id) == "complete":
                    continue
            except Conflict:
                pass  # unknown to Stripe: nothing can pay it

        def release(current: GroupBooking) -> GroupBooking | None:
            lapses = current.hold_lapses_at()
            if lapses is None or lapses > now:
                return None  # paid or released meanwhile
            status = "overdue" if current.invoice is not None else "void"
            return ports.groups.save_group(lapsed(current, now, status), current)

        released = retried(release, _reader(ports, due.group_id), first=due)
        if released is None:
            continue
        touched.append(released.course_id)
        if released.invoice is not None:
            _void_quietly(ports, released)
    return touched


def _give_up_unfilled(ports: Ports, group: GroupBooking, now: datetime) -> bool:
    """Past the colleagues' deadline: each place nobody filled is given up (its price refunded,
    its seat freed), once. True if any was."""
    if group.apply_by > now or group.unfilled_given_up:
        return False
    given_up = False
    current = group
    for place in group.places:
        if place.released:
            continue
        after = _give_up(ports, current, place.number, withdraw=False)
        given_up = given_up or after.place(place.number).released
        current = after

    def mark(latest: GroupBooking) -> GroupBooking:
        done = latest.model_copy(update={"unfilled_given_up": True, "updated_at": now})
        return ports.groups.save_group(done, latest)

    retried(mark, _reader(ports, group.group_id), first=current)
    if given_up:
        logger.info("unfilled group places given up", extra={"group_id": group.group_id})
    return given_up


def _reader(ports: Ports, group_id: str) -> Callable[[], GroupBooking]:
    return lambda: _group(ports, group_id)


def _void_quietly(ports: Ports, group: GroupBooking) -> None:
    """Void a lapsed group's invoice so it cannot be paid for seats no longer held; if it was
    paid first, its payment's event gives the money back."""
    assert group.invoice is not None
    try:
        ports.payments.void_invoice(group.invoice.invoice_id)
    except (Conflict, DependencyUnavailable):
        logger.warning("a lapsed group's invoice left open", extra={"group_id": group.group_id})


# -- erasure -------------------------------------------------------------------------------


def forget_in_groups(ports: Ports, email: str) -> list[str]:
    """A person erased: no group booking names them any more, as its manager or on a place
    (the places, their seats and the money stay the group's, as a booking stays a booking).
    The groups that named them."""
    address = email.lower()
    blank = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    forgotten: list[str] = []
    for found in ports.groups.groups_of_person(email):

        def forget(current: GroupBooking) -> GroupBooking:
            now = ports.clock()
            changed = current
            if current.manager.email.lower() == address:
                changed = changed.model_copy(update={"manager": blank, "updated_at": now})
            billing = current.billing
            if billing is not None and billing.billing_email.lower() == address:
                changed = changed.model_copy(
                    update={"billing": billing.erased(), "updated_at": now}
                )
            for place in current.places:
                if place.colleague.email.lower() == address:
                    # Their link dies with them (a new token nobody holds): nobody can apply
                    # as the erased person; the manager names someone else (a substitution).
                    forgotten_place = place.model_copy(
                        update={"colleague": blank, "token": secrets.token_urlsafe(24)}
                    )
                    changed = changed.with_place(forgotten_place, now)
            if changed is current:
                return current
            if current.status is GroupStatus.AWAITING_INVOICE_PAYMENT and (
                current.manager.email.lower() == address or changed.billing != current.billing
            ):
                # As a single applicant's erasure: the open invoice, addressed to someone
                # erased, is voided (after the save) and the seats it held go back.
                changed = lapsed(changed, now)
            return ports.groups.save_group(changed, current)

        before = found
        saved = retried(forget, _reader(ports, found.group_id), first=found)
        ended_now = before.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        if ended_now and saved.status is GroupStatus.LAPSED and before.invoice is not None:
            _void_quietly(ports, saved.model_copy(update={"invoice": before.invoice}))
            offer_free_places(ports, saved.course_id)
        ports.groups.forget_group_person(email, found.group_id)
        forgotten.append(found.group_id)
    return forgotten


def groups_named(ports: Ports, email: str) -> list[dict[str, Any]]:
    """What the group bookings hold about a person (an export): as manager, or on a place."""
    address = email.lower()
    held: list[dict[str, Any]] = []
    for group in ports.groups.groups_of_person(email):
        if group.manager.email.lower() == address:
            held.append(
                {
                    "group_id": group.group_id,
                    "course_id": group.course_id,
                    "as": "manager",
                    "name": group.manager.name,
                    "organisation": group.organisation,
                }
            )
        if group.billing is not None and group.billing.billing_email.lower() == address:
            held.append(
                {
                    "group_id": group.group_id,
                    "course_id": group.course_id,
                    "as": "billing contact",
                    "name": group.billing.billing_name,
                    "organisation": group.organisation,
                }
            )
        for place in group.places:
            if place.colleague.email.lower() == address:
                held.append(
                    {
                        "group_id": group.group_id,
                        "course_id": group.course_id,
                        "as": f"colleague (place {place.number})",
                        "name": place.colleague.name,
                        "organisation": group.organisation,
                    }
                )
    return held


def _off_the_invoice(ports: Ports, group: GroupBooking, course: Course, number: int) -> GroupView:
    """A place given up before the employer paid: a new invoice for the places kept (asked of
    Stripe before the save that records it, so the seat is given back only with it), then the
    old one voided; if the old one is paid meanwhile, its payment is not the group's current
    invoice and goes back whole. The last place given up ends the booking."""
    now = ports.clock()
    if now >= course.first_start():
        raise Conflict("the course has started: the places can no longer change", code="started")
    place = group.place(number)
    if place.released:
        return view_of(ports, group)
    old = group.invoice
    released = group.with_place(place.model_copy(update={"released": True}), now)
    if released.seats_held == 0:
        new = lapsed(released, now)
    else:
        assert old is not None
        assert group.billing is not None
        invoice = ports.payments.create_invoice(
            InvoiceRequest(
                application_id=group.group_id,
                course_id=group.course_id,
                description=_places_line(released, course),
                amount=released.total,
                billing=group.billing,
                due_at=old.due_at,
                attempt=old.attempt + 1,
            )
        )
        new = released.model_copy(update={"invoice": invoice})
    try:
        saved = ports.groups.save_group(new, group)
    except StaleWrite:
        if new.invoice is not None and new.invoice is not old:
            ports.payments.void_invoice(new.invoice.invoice_id)
        raise Conflict(
            "the booking changed meanwhile; please try again", code="group_changed"
        ) from None
    if old is not None:
        _void_quietly(ports, saved.model_copy(update={"invoice": old}))
    logger.info("group place taken off its invoice", extra={"group_id": group.group_id})
    offer_free_places(ports, saved.course_id)
    return view_of(ports, saved)


def _places_line(group: GroupBooking, course: Course) -> str:
    """The invoice's line: how many places, on which course (never who they are for)."""
    places = group.seats_held or len(group.places)
    return f"{places} place{'s' if places != 1 else ''}: {course.definition.title}"
