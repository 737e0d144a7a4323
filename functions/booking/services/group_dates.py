"""A course's group bookings follow its dates: when the organisers move its first session (or
change ``group_apply_by_days``), each group's apply-by date is set again by the rule it was
booked by (``domain.groups.redated``), so the colleagues' links, the emails and pages sent
from then on, and the sweep that gives unfilled places up all keep one time that holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.colleague_links import first_link
from booking.domain.course import Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, DependencyUnavailable, NotFound
from booking.domain.group_dates import (
    colleague_told_earlier,
    colleagues_told,
    course_moves_apply_by,
    redated,
    told_recorded,
    with_told_apply_by,
)
from booking.domain.group_notices import (
    apply_by_move_told,
    apply_by_moved_since,
    apply_by_told,
    gives_apply_by,
    manager_told_of_move,
)
from booking.domain.groups import GroupBooking, GroupPlace, GroupStatus
from booking.services.concurrency import retried
from booking.services.email_claims import CALLED_SES
from booking.services.groups import group_reader
from booking.services.ports import Ports

logger = Logger(child=True)


@dataclass(frozen=True)
class GroupsRedated:
    """What following a course's dates did to its groups."""

    changed: int  # groups whose apply-by date moved
    emailed: int  # emails that queued (managers, colleagues not applied yet)
    managers: int = 0  # managers among them (a paid booking's, not erased)


def redate_groups(ports: Ports, course: Course) -> GroupsRedated:
    """Each of ``course``'s groups still to be applied for, its apply-by date set again from
    the course as saved, the manager told of it (``domain.group_notices.apply_by_move_told``)."""
    now = ports.clock()
    changed = emailed = managers = 0
    for group in ports.groups.groups_of_course(course.course_id):
        redated = _redated(ports, course, group, now)
        if redated is not None:
            changed += 1
            emailed += redated.emails
            managers += redated.manager_told
    if changed:
        logger.info(
            "groups' apply-by dates follow the course", extra={"course_id": course.course_id}
        )
    return GroupsRedated(changed, emailed, managers)


def apply_by_emails(ports: Ports, course: Course) -> int:
    """How many emails following ``course`` (a course as a save would leave it, not saved)
    would queue to its groups' managers and colleagues: the decision ``redate_group`` saves,
    run without saving (what the course's form counts before a save)."""
    now = ports.clock()
    total = 0
    for group in ports.groups.groups_of_course(course.course_id):
        told = _told_of_move(course, group, _places_applied_for(ports, group), now)
        total += _queued(told, group) if told is not None else 0
    return total


def _told_of_move(
    course: Course, current: GroupBooking, applied: frozenset[int], now: datetime
) -> GroupBooking | None:
    """``current`` with its apply-by date set again from ``course`` and whoever must hear of
    it told; None when the date holds."""
    moved = redated(current, course.first_start(), course.definition.group_apply_by_days, now)
    if moved is None:
        return None
    return apply_by_move_told(colleagues_told(moved, current, applied), current)


def _queued(told: GroupBooking, current: GroupBooking) -> int:
    """How many emails ``told`` queues beyond ``current``'s."""
    return len({job.job_id for job in told.outbox} - {job.job_id for job in current.outbox})


def told_of_new_apply_by(ports: Ports, course_id: str) -> int:
    """How many emails a change of ``course_id``'s ``group_apply_by_days`` may send (its form
    warns of it before a save): ``apply_by_emails`` on the course with the
    apply-by date a day earlier, the change that tells most (each group still following the
    course's dates tells its manager, and an earlier date each colleague sent a link who has
    not applied yet)."""
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    days = course.definition.group_apply_by_days + 1
    earlier = course.model_copy(
        update={"definition": course.definition.model_copy(update={"group_apply_by_days": days})}
    )
    return apply_by_emails(ports, earlier)


def redate_group(
    ports: Ports, course: Course, group: GroupBooking, now: datetime
) -> GroupBooking | None:
    """``group`` (as read) with its apply-by date set again from ``course`` as it stands, the
    manager told of the move (and colleagues not applied yet of one earlier than their last
    email gave: ``domain.group_dates.colleagues_told``), saved: the group as saved; None when
    the date holds."""
    redated = _redated(ports, course, group, now)
    return redated.group if redated is not None else None


@dataclass(frozen=True)
class _Redated:
    """A group whose apply-by date moved, as saved, with what its save queued."""

    group: GroupBooking
    emails: int  # the emails the save queued (the manager's, colleagues' links)
    manager_told: bool  # whether the manager's was one


def _redated(ports: Ports, course: Course, group: GroupBooking, now: datetime) -> _Redated | None:
    """``redate_group``, with what the save queued (each attempt decides on the group as it
    then reads, so the count is the winning save's); None when the date holds."""
    applied = _places_applied_for(ports, group)

    def save(current: GroupBooking) -> _Redated | None:
        told = _told_of_move(course, current, applied, now)
        if told is None:
            return None
        saved = ports.groups.save_group(told, current)
        return _Redated(saved, _queued(told, current), manager_told_of_move(told, current))

    return retried(save, group_reader(ports, group.group_id), first=group)


def dated_by_the_course(
    ports: Ports, group: GroupBooking, now: datetime, course: Course | None = None
) -> GroupBooking:
    """``group`` with the apply-by date its course gives now (``course``, else one consistent
    read of it), saved and its manager told if that moved it: what an act decided by a group's
    stored date that has passed does first (the sweep giving its places up, a colleague
    applying), as a save of the course that moved it may have missed the group (its by-course
    index a moment behind) and the sweep follows that save only at its next run
    (``services.dates_followed``)."""
    course = course or ports.repository.get_course(group.course_id)
    if course is None or not course_moves_apply_by(course, group, now):
        return group
    return redate_group(ports, course, group, now) or group


def _places_applied_for(ports: Ports, group: GroupBooking) -> frozenset[int]:
    """The numbers of ``group``'s places a colleague's application holds now."""
    if group.status is not GroupStatus.PAID:
        return frozenset()  # no link sent: nobody to tell
    return frozenset(
        place.number
        for place in group.places
        if ports.groups.place_holder(group.group_id, place.number) is not None
    )


def apply_by_news_overtaken(
    ports: Ports, job: EmailJob, group: GroupBooking, course: Course
) -> bool:
    """Whether ``job``, an email about a move of the apply-by date, is not to go
    (``domain.group_notices.apply_by_moved_since``), or is about a move told from a date its
    reader was never given: nothing is recorded as told them yet and their first email giving
    the date (the manager's paid email, the colleague's first link) has not reached SES, so
    it will give the date as it then holds, and its record tells them from there."""
    if apply_by_moved_since(job, group, course_moves_apply_by(course, group, ports.clock())):
        return True
    if apply_by_told(job) is None:
        return False
    place = next((p for p in group.places if p.number == job.group_place), None)
    if job.group_place is not None and place is None:
        return False  # its place's own check drops it
    if told_recorded(group, place) is not None:
        return False
    first = (
        first_link(group, place)
        if place is not None
        else EmailJob.for_group(
            EmailKind.GROUP_BOOKED, group.group_id, group.course_id, occasion="paid", place=None
        )
    )
    return ports.repository.email_state(first.job_id) not in CALLED_SES


def record_told_apply_by(
    ports: Ports, job: EmailJob, group: GroupBooking, place: GroupPlace | None
) -> None:
    """After an email giving the apply-by date went (``services.group_emails``: a colleague's
    link, the manager's paid email or one of a move), the date it gave (``group``'s, as the
    email was composed from it) recorded for whom it went to, even when the date has moved
    since: what they hold is what it said. A move queued before the record
    compared with what they were told before, so its email is dropped when it is sent
    (``domain.group_notices.apply_by_moved_since``); when the record moved and the date that
    holds now is another they must hear of (the manager: any; a colleague: an earlier one),
    one email from what they were told to what holds is queued with it, so whatever order
    the saves and the sends come in, the last email each person has gives a date that holds
    or a later one the page and every email from then on say. Best effort, after the send:
    failing here must not send it again (a move then compares with the date before it)."""
    if not gives_apply_by(job):
        return
    said = group.apply_by
    number = place.number if place is not None else None
    substitutions = place.substitutions if place is not None else 0

    def save(current: GroupBooking) -> GroupBooking | None:
        recorded = with_told_apply_by(current, number, said, substitutions)
        if recorded is None:
            return None  # recorded already: what was queued since compared with it
        return ports.groups.save_group(_told_what_holds(ports, recorded, number), current)

    try:
        retried(save, group_reader(ports, group.group_id))
    except (DependencyUnavailable, Conflict, NotFound) as error:
        # Sent: a failure here must not fail the delivery into sending it again.
        logger.warning(
            "an email giving the apply-by date sent, its date not recorded",
            extra={"group_id": group.group_id, "error": type(error).__name__},
        )


def _told_what_holds(ports: Ports, recorded: GroupBooking, number: int | None) -> GroupBooking:
    """``recorded`` (a new date recorded as told to the manager, or to place ``number``'s
    colleague) with that person's email from it to the date that holds queued, by the rules a
    move is told by (``domain.group_notices.apply_by_move_told``,
    ``domain.group_dates.colleague_told_earlier``); as it was when nothing is to be told."""
    if number is None:
        return apply_by_move_told(recorded, recorded)
    place = next(p for p in recorded.places if p.number == number)
    applied = ports.groups.place_holder(recorded.group_id, number) is not None
    return colleague_told_earlier(recorded, recorded, place, applied)
