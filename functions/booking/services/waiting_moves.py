"""A move to a full cohort waiting on its waiting list (``domain.waiting_moves`` decides):
joining it, withdrawing it, a freed seat offered to it, and its end when a cohort begins.

Every step is one conditional save of the booking: joining counts it on the cohort's waiting
list (its ``waiting`` counter, in the same transaction); a freed seat moves it in one save as
any move is (old seat given back, new one claimed under the capacity condition, its waiting
place left), or holds the seat for a dearer move. Two seats freeing at once, a cancel racing
the offer, or a second request each find the version changed and read again: the booking moves
once, or not at all. Stripe is asked only after the save (a cheaper move's refund, a dearer
move's checkout), as for any move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain import waiting_moves as rules
from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.dearer_moves import MoveAsked
from booking.domain.errors import AlreadyApplied, Conflict, DependencyUnavailable
from booking.domain.page_seen import WITHDRAW_AGAIN, Seen, seen_refusal
from booking.domain.programme import programme_of
from booking.domain.wait_ended import refuse_withdrawing_an_ended_wait
from booking.domain.wording import cohort_name
from booking.services import dearer_moves, transfers
from booking.services.concurrency import course_of, load_application, retried
from booking.services.move_choice import ChosenCohort, chosen_cohorts
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


def join_waiting_list(ports: Ports, application_id: str, chosen: ChosenCohort) -> Application:
    """The organiser's choice: the booking waits on the full cohort ``chosen``'s waiting list,
    keeping its seat where it is. Asked again, it is the same waiting move. What the page
    showed of the choice: checked as a move's (``services.move_choice``)."""
    target_id = chosen.to_course_id

    def attempt(current: Application) -> Application:
        waiting = rules.waiting_on(current)
        if waiting is not None and waiting.to_course_id == target_id:
            return current  # asked again: it waits already, in its first place in line
        source, target = chosen_cohorts(ports, current, chosen)
        now = ports.clock()
        refused = rules.waiting_refusal(current, source, target, now) or (
            transfers.held_elsewhere(ports, current, target)
        )
        if refused is not None:
            raise Conflict(refused.message, code=refused.code)
        try:
            # The same save claims the person's one place there (``domain.enrolments``):
            # refused when they hold another application there, and nobody applies there
            # with their address while the move waits.
            return ports.repository.save(
                rules.joined_waiting_list(current, source, target, now), current
            )
        except AlreadyApplied as taken:
            raise transfers.refused_there(ports, current, target) from taken

    saved = retried(attempt, lambda: load_application(ports, application_id))
    logger.info(
        "booking waits for a place on another cohort",
        extra={"application_id": saved.application_id, "to": target_id},
    )
    # A seat there may be free while people wait (an offer on its way): the one rule decides.
    offer_free_places(ports, target_id)
    return load_application(ports, application_id)


def withdraw_move(ports: Ports, application_id: str, seen: Seen | None = None) -> Application:
    """The organiser withdraws the booking's move: one waiting on a full cohort's waiting list
    leaves it (the person told), else a dearer one waiting for its difference lapses
    (``services.dearer_moves``). The booking stays where it is. ``seen``: what the page (or
    the caller) saw (``domain.page_seen``): changed since, refused in words, nothing changed."""
    application = load_application(ports, application_id)
    if rules.waiting_on(application) is None:
        return dearer_moves.withdraw_move(ports, application_id, seen)

    def attempt(current: Application) -> Application:
        move = rules.waiting_on(current)
        if move is None:
            raise Conflict(
                "no move of this booking is waiting (for payment or for a seat)",
                code="no_move_pending",
            )
        now = ports.clock()
        definition = course_of(ports, current).definition
        # Its end passed, the sweep not there yet: nothing is left to withdraw.
        refuse_withdrawing_an_ended_wait(
            current, cohort_named(ports, move.to_course_id), definition.timezone, now
        )
        currency = current.price_or(definition.price).currency
        if changed := seen_refusal(seen, current, currency, WITHDRAW_AGAIN, now=now):
            raise Conflict(changed.message, code=changed.code)
        ended = rules.wait_ended(current, now, rules.WAITING_WITHDRAWN)
        return ports.repository.save(ended.application, current)

    return retried(attempt, lambda: load_application(ports, application_id), first=application)


def cohort_named(ports: Ports, course_id: str) -> str:
    """A cohort by its title and first day (one since deleted by its id)."""
    cohort = ports.repository.get_course(course_id)
    return cohort_name(cohort) if cohort is not None else course_id


@dataclass(frozen=True)
class MovingIn:
    """A booking of another cohort of the programme that is to join this one: on its waiting
    list (``waiting``), or holding a seat here while its dearer move waits for its
    difference (``seat_held``)."""

    application: Application
    kind: str
    since: datetime  # when its move was asked


WAITING, SEAT_HELD = "waiting", "seat_held"


def moving_in(ports: Ports, course: Course) -> list[MovingIn]:
    """The bookings of the programme's other cohorts whose move to ``course`` waits, oldest
    asked first (its roster and console show them; its waiting list takes the waiting ones)."""
    programme = programme_of(course)
    found: list[MovingIn] = []
    for cohort in ports.repository.list_courses():
        if cohort.course_id == course.course_id or programme_of(cohort) != programme:
            continue
        for application in ports.repository.list_applications(cohort.course_id):
            waiting = rules.waiting_on(application)
            pending = application.pending_move if waiting is None else None
            if waiting is not None and waiting.to_course_id == course.course_id:
                found.append(MovingIn(application, WAITING, waiting.asked_at))
            elif (
                pending is not None
                and pending.to_course_id == course.course_id
                and application.status is ApplicationStatus.CONFIRMED
            ):
                found.append(MovingIn(application, SEAT_HELD, pending.asked_at))
    return sorted(found, key=lambda m: (m.since, m.application.application_id))


def moving_in_now(ports: Ports, course: Course) -> list[MovingIn]:
    """:func:`moving_in` as shown (roster, console): a waiting move whose end has passed is
    over, before the sweep ends it."""
    now = ports.clock()
    return [
        m
        for m in moving_in(ports, course)
        if m.kind != WAITING or rules.waiting_at(m.application, now)
    ]


def waiting_for(ports: Ports, course: Course) -> list[Application]:
    """The bookings waiting for a seat on ``course``, in the order their moves were asked."""
    return [m.application for m in moving_in(ports, course) if m.kind == WAITING]


def place_in_line(application: Application) -> tuple[datetime, str]:
    """Where an application stands on a waiting list: when it began waiting there (applied,
    or its move asked), then its id. One order for applicants and waiting moves alike."""
    move = rules.waiting_on(application)
    if move is not None:
        return (move.asked_at, application.application_id)
    return (application.waitlisted_at or application.created_at, application.application_id)


def offer_seat(ports: Ports, listed: Application, course: Course) -> bool:
    """A seat on ``course`` freed with this waiting move first in line: True when the booking
    took it (moved, or the seat held for its dearer move). It is read again first (the list
    may be behind): moved, withdrawn or ended meanwhile, it takes nothing (False). Raises
    ``CourseFull`` when the seat went meanwhile and ``StaleWrite`` when the booking changed
    between that read and the save (the caller moves on)."""
    application = ports.repository.get_application(listed.application_id)
    move = rules.waiting_on(application) if application is not None else None
    if application is None or move is None or move.to_course_id != course.course_id:
        return False
    source = ports.repository.get_course(application.course_id)
    if source is None:
        return False
    decided = rules.seat_freed(application, source, course, ports.clock())
    if isinstance(decided, rules.WaitEnded):
        ports.repository.save(decided.application, application)
        return False
    try:
        saved = ports.repository.save(decided.application, application)
    except AlreadyApplied:
        # The person applied there meanwhile: the move cannot be made, so it ends.
        ended = rules.wait_ended(application, ports.clock(), rules.WAITING_CANNOT_MOVE)
        ports.repository.save(ended.application, application)
        return False
    if isinstance(decided, MoveAsked):
        _ask_for_difference(ports, saved, course)
    else:
        _moved(ports, saved, source)
    return True


def _moved(ports: Ports, saved: Application, source: Course) -> None:
    logger.info(
        "waiting move made",
        extra={"application_id": saved.application_id, "to": saved.course_id},
    )
    offer_free_places(ports, source.course_id)  # the seat it gave back goes to who waits there
    try:
        transfers.complete_owed_refund(ports, saved)
    except (DependencyUnavailable, Conflict):
        # Still owed on the move's record: the sweep (or asking for the move again) makes it.
        logger.warning("waiting move's refund left", extra={"application_id": saved.application_id})


def _ask_for_difference(ports: Ports, saved: Application, course: Course) -> None:
    try:
        dearer_moves.open_move_checkout(ports, saved, course)
    except DependencyUnavailable:
        # The seat stays held until the move's deadline, when the sweep lets it go.
        logger.warning(
            "waiting move's checkout left", extra={"application_id": saved.application_id}
        )


def end_overdue_wait(ports: Ports, application: Application, now: datetime) -> bool:
    """The sweep: a waiting move whose cohort (or the one it would leave) has begun ends
    unmoved, the person told. True when this run ended it."""

    def attempt(current: Application) -> bool:
        move = rules.waiting_on(current)
        if move is None or not rules.wait_over(current, now):
            return False
        reason = rules.ended_reason(ports.repository.get_course(move.to_course_id), now)
        ports.repository.save(rules.wait_ended(current, now, reason).application, current)
        return True

    return retried(
        attempt, lambda: load_application(ports, application.application_id), first=application
    )
