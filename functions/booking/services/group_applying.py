"""A colleague applies through their own link to a place a manager booked: a booking at once,
its application claiming the place in the same transaction that creates it
(``Limited.GROUP_PLACE``); and a colleague's application withdrawn when their place changes."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus, GroupPlaceRef
from booking.domain.application_form import PlaceApplicationForm, refuse_payment_fields
from booking.domain.commands import Situation
from booking.domain.course import Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, InvalidInput, NotFound, StaleWrite
from booking.domain.facilitators_told import facilitators_told_it_ended
from booking.domain.groups import GroupBooking, GroupPlace, GroupStatus
from booking.domain.settlement import booked_with_nothing_to_pay
from booking.domain.validation import parse_posted
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.groups import find_group
from booking.services.ports import Ports

logger = Logger(child=True)
S = ApplicationStatus


@dataclass(frozen=True)
class PlaceOpened:
    """A group place a colleague's link opens, with its group and course."""

    group: GroupBooking
    place: GroupPlace
    course: Course


def open_place(ports: Ports, group_id: str, number: int, token: str) -> PlaceOpened:
    """The place a colleague's link opens, if it may be used now (NotFound for a wrong or old
    link; Conflict when the place is not to be filled now)."""
    group = find_group(ports, group_id)
    place = group.place_for_link(number, token) if token else None
    if place is None or place.erased:
        raise NotFound("no such place: the link may have been replaced")
    course = existing_course(ports, group.course_id)
    now = ports.clock()
    if now >= group.apply_by:  # dated by the course as it is, before refused by that date
        from booking.services.group_dates import dated_by_the_course  # only past it

        group = dated_by_the_course(ports, group, now, course)
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
    refuse_payment_fields(payload)  # the group paid: never a code or billing dropped unread
    form = parse_posted(PlaceApplicationForm, payload)
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
            withdraw_application(ports, holder, "substituted")
    # Only a place being taken needs it, never a withdrawal: the scheduled sweep, which
    # withdraws, loads no part of applying (the submission service with its checkouts).
    from booking.services.applications import reference_for

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


def withdraw_application(ports: Ports, application: Application, reason: str) -> None:
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
            ),
            # The facilitators hear that someone on their list is no longer coming.
            *facilitators_told_it_ended(current, reason),
        )
        return ports.repository.save(ended, current)

    retried(end, lambda: _reloaded(ports, application.application_id), first=application)


def _reloaded(ports: Ports, application_id: str) -> Application:
    found = ports.repository.get_application(application_id)
    if found is None:
        raise NotFound(f"no application {application_id!r}")
    return found
