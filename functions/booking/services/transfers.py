"""Move a booking to another cohort of its programme (``domain.transfers`` decides).

One read, one decision, one save that moves the seat (the repository gives the old cohort's
seat back and claims the new one in its single transaction), then the old cohort's freed seat
offered to its waiting list, then any refund the move owes asked of Stripe under the move's key
and recorded. Asking again (a double submit, a retry after Stripe was unavailable) finds the
move done and completes its refund if it is still owed: the same refund, never a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, CourseStatus
from booking.domain.enrolments import held_there
from booking.domain.errors import (
    AlreadyApplied,
    AlreadyRefunded,
    Conflict,
    CourseFull,
)
from booking.domain.offer_ends import no_more_offers
from booking.domain.page_seen import digest, move_facts
from booking.domain.paying import joinable
from booking.domain.programme import programme_of
from booking.domain.transfers import (
    TransferRefused,
    decide_transfer,
    difference_asked,
    pending_refund,
    refusal,
    transfer_refund_key,
    with_transfer_refund,
)
from booking.domain.waiting_moves import other_move_refusal, waiting_on, waiting_refusal
from booking.domain.wording import cohort_name
from booking.services.concurrency import course_of, load_application, retried
from booking.services.dearer_moves import open_move_checkout
from booking.services.move_choice import ChosenCohort, chosen_cohorts, target_course
from booking.services.one_place_each import what_holds_the_place
from booking.services.ports import Ports, RefundMade
from booking.services.refunds_held import record_refunds_held
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


@dataclass(frozen=True)
class Choice:
    """Another cohort of the booking's programme, and why the booking cannot move there now
    (None: it can)."""

    course: Course
    name: str
    status: CourseStatus
    refused: TransferRefused | None
    # What the person is asked to pay by card before the move is made (minor units; 0: the
    # move is made at once).
    difference: int = 0
    # Whether the booking may join this (full) cohort's waiting list instead, if the
    # organiser chooses (``domain.waiting_moves``).
    can_wait: bool = False
    # Applications there close too soon for a place to be offered (``offer_ends.no_more_offers``).
    too_late_to_offer: bool = False
    # The places this booking could take there now: a newcomer's (none while it is full).
    places_for_it: int = 0
    # What a page offering this choice saw (``domain.page_seen``): its move acts on it only.
    seen: str = ""


@dataclass(frozen=True)
class Choices:
    """The cohorts an application can move to."""

    application: Application
    course: Course
    cohorts: list[Choice]


def transfer_choices(ports: Ports, application_id: str) -> Choices:
    """The programme's other cohorts still taking people, soonest first, each with whether
    this booking may move there (what the console's and the CLI's choice shows)."""
    application = load_application(ports, application_id)
    source = course_of(ports, application)
    now = ports.clock()
    programme = programme_of(source)
    cohorts = sorted(
        (
            c
            for c in ports.repository.list_courses()
            if programme_of(c) == programme and c.course_id != source.course_id and joinable(c, now)
        ),
        key=lambda c: (c.first_start(), c.course_id),
    )
    return Choices(
        application, source, [_choice(ports, application, source, c, now) for c in cohorts]
    )


def _choice(
    ports: Ports, application: Application, source: Course, target: Course, now: datetime
) -> Choice:
    """One cohort's choice, true of what the move (or its wait) would meet: a cohort where
    the person's one place is held by something else (another application of theirs, or a
    manager's group booking naming them) can take neither, as its save would refuse."""
    refused = _why_not(application, source, target, now)
    held = (
        held_elsewhere(ports, application, target)
        if refused is None or refused.code == CourseFull.code
        else None
    )
    return Choice(
        target,
        cohort_name(target),
        target.status(now),
        held or refused,
        difference_asked(application, target),
        held is None
        and waiting_on(application) is None
        and waiting_refusal(application, source, target, now) is None,
        no_more_offers(target, now),
        target.places_for_newcomer(now),
        digest(move_facts(application, target, now)),
    )


def held_elsewhere(
    ports: Ports, application: Application, target: Course
) -> TransferRefused | None:
    """Why the booking cannot move (or wait to move) to ``target``: the person's one place
    there is held by something other than this booking (``services.one_place_each``, the one
    rule), said as what holds it. None: nothing else holds it."""
    held = what_holds_the_place(
        ports,
        target.course_id,
        application.answers.email,
        besides_application=application.application_id,
    )
    if held is None:
        return None
    organisation = held.group.organisation if held.group is not None else None
    return held_there(cohort_name(target), organisation)


def refused_there(ports: Ports, application: Application, target: Course) -> Conflict:
    """A move's (or a wait's) save found the person's place on ``target`` taken since the
    read: refused in the words of what holds it now (another application's, when it has
    gone again meanwhile)."""
    refused = held_elsewhere(ports, application, target) or held_there(cohort_name(target), None)
    return Conflict(refused.message, code=refused.code)


def _why_not(
    application: Application, source: Course, target: Course, now: datetime
) -> TransferRefused | None:
    """Why the booking cannot move to ``target`` now, as its choice says it: the cohort its
    waiting move asks for is that move (its seat there is the one held for it, not a full
    cohort); any other waits until the move is paid or withdrawn."""
    waiting = waiting_on(application)
    if waiting is not None:
        return (
            _waits_already(application, target)
            if waiting.to_course_id == target.course_id
            else other_move_refusal(application, target.course_id)
        )
    pending = application.pending_move
    if pending is not None and pending.to_course_id == target.course_id:
        return TransferRefused(
            "move_pending",
            f"the move here is waiting for {pending.difference_words()} to be paid (the link "
            f"was emailed); withdraw it to choose again",
        )
    return refusal(application, source, target, now)


def _waits_already(application: Application, target: Course) -> TransferRefused:
    return TransferRefused(
        "move_waiting",
        f"this booking is on the waiting list of {cohort_name(target)} already: it moves when "
        f"a place frees there; withdraw that move to choose again",
    )


@dataclass(frozen=True)
class Transfer:
    """What asking to move a booking did: the booking after it, and whether this request did
    nothing (``already``: the move was made, or its difference asked for with the link sent,
    by an earlier request; nothing changed and nobody was emailed again)."""

    application: Application
    already: bool
    # The applications its freed seat was offered to from the waiting list (their ids).
    offered: tuple[str, ...] = ()


def transfer_booking(ports: Ports, application_id: str, chosen: ChosenCohort) -> Transfer:
    """Move the booking to the cohort ``chosen`` names, with what the organiser's page (or the
    API's choices) showed of this choice (the console always sends it; optional for the API):
    changed since, refused (``services.move_choice``)."""
    target_id = chosen.to_course_id

    def attempt(current: Application) -> tuple[Application, bool]:
        """The application as saved, and whether an earlier request had done it already."""
        if _moved_there(current, target_id):
            return current, True  # asked again: the move is done (its refund is completed below)
        pending = current.pending_move
        if pending is not None and pending.to_course_id == target_id:
            # Asked again: the move waits for its difference (its checkout opened below when
            # an earlier request could not open it: then this one does something).
            return current, pending.session_id is not None
        source, target = chosen_cohorts(ports, current, chosen)
        _refused_while_waiting(current, target)
        decided = decide_transfer(current, source, target, ports.clock())
        if isinstance(decided, TransferRefused):
            raise Conflict(decided.message, code=decided.code)
        # Never to a cohort where something else holds the person's one place (its save would
        # find the enrolment taken; a dearer move's payment would only go back).
        held = held_elsewhere(ports, current, target)
        if held is not None:
            raise Conflict(held.message, code=held.code)
        return _save(ports, decided.application, current, target), False

    saved, found_done = retried(attempt, lambda: load_application(ports, application_id))
    if saved.pending_move is not None and saved.pending_move.to_course_id == target_id:
        asked = open_move_checkout(ports, saved, target_course(ports, target_id))
        logger.info(
            "booking's move waits for its difference",
            extra={"application_id": asked.application_id, "to": target_id},
        )
        return Transfer(asked, already=found_done)
    # A refund still owed (Stripe was unavailable) is made now: this request did that much.
    already = found_done and not owes_a_transfer_refund(saved)
    left = saved.transfers[-1].from_course_id
    offered = offer_free_places(ports, left)  # the seat given back goes to whoever waits there
    saved = _complete_refund(ports, saved)
    _refused_if_undone(ports, saved, target_id)
    logger.info(
        "booking moved",
        extra={"application_id": saved.application_id, "from": left, "to": saved.course_id},
    )
    return Transfer(saved, already=already, offered=tuple(offered))


def _refused_while_waiting(current: Application, target: Course) -> None:
    """It waits on a waiting list: it moves when a seat frees there, or is withdrawn."""
    waiting = waiting_on(current)
    if waiting is None:
        return
    refused = (
        _waits_already(current, target)
        if waiting.to_course_id == target.course_id
        else other_move_refusal(current, target.course_id)
    )
    assert refused is not None
    raise Conflict(refused.message, code=refused.code)


def _save(ports: Ports, new: Application, current: Application, target: Course) -> Application:
    try:
        return ports.repository.save(new, current)
    except CourseFull as full:
        # Its last place went (or someone began waiting) between the read and the save.
        raise Conflict(
            f"{cohort_name(target)} has no place free any more; choose another cohort",
            code=CourseFull.code,
        ) from full
    except AlreadyApplied as taken:
        raise refused_there(ports, current, target) from taken


def owes_a_transfer_refund(application: Application) -> bool:
    return pending_refund(application) is not None


def complete_owed_refund(ports: Ports, application: Application) -> Application:
    """The refund a move still owes, made now (the sweep's part: Stripe failed at the time)."""
    return _complete_refund(ports, application)


def _complete_refund(ports: Ports, saved: Application) -> Application:
    """The refunds the latest move owes, charge by charge, each asked of Stripe under the
    move's own key for that charge (a repeat is the same refund) and recorded on the
    booking. Stripe answering that the payment was refunded already (on its dashboard, its
    events not heard yet) is no refusal of the move, which was saved: what Stripe holds is
    recorded as its events would record it (a full refund ends the booking, undoing the move
    when the person was not told of it, ``domain.move_undone``), and the booking as it then
    stands is answered."""
    try:
        return _make_owed_refunds(ports, saved)
    except AlreadyRefunded:
        record_refunds_held(ports, saved.application_id)
    return load_application(ports, saved.application_id)


def _refused_if_undone(ports: Ports, saved: Application, target_id: str) -> None:
    """A move undone by a full refund at Stripe made as it was saved: said as what happened
    (the move's own refund could not be made, the payment having all gone back)."""
    latest = saved.transfers[-1] if saved.transfers else None
    if latest is None or latest.undone_at is None or latest.to_course_id != target_id:
        return
    raise Conflict(
        "the payment was refunded in full at Stripe (from its dashboard, say) as this move "
        f"was being made, so the move was undone: the booking has ended, refunded, on "
        f"{cohort_name(course_of(ports, saved))}, and the person is told of the refund only",
        code="refunded_meanwhile",
    )


def _make_owed_refunds(ports: Ports, saved: Application) -> Application:
    owed = pending_refund(saved)
    if owed is None:
        return saved
    record, move = owed
    for part, owed_part in enumerate(record.parts_of(saved.payment_intent), start=1):
        if owed_part.refund_id is not None:
            continue
        made = ports.payments.refund(
            owed_part.payment_intent,
            amount=owed_part.amount,
            idempotency_key=transfer_refund_key(saved.application_id, move, part),
        )
        saved = _note_refund(ports, saved, made, move, part)
    return saved


def _note_refund(
    ports: Ports, saved: Application, made: RefundMade, move: int, part: int
) -> Application:
    def note(current: Application) -> Application:
        if len(current.transfers) < move:
            return current
        parts = current.transfers[move - 1].parts_of(current.payment_intent)
        if len(parts) < part or parts[part - 1].refund_id is not None:
            return current
        told = with_transfer_refund(
            current, made.refund_id, made.amount, move, part, succeeded=made.succeeded
        )
        return ports.repository.save(told.model_copy(update={"updated_at": ports.clock()}), current)

    return retried(note, lambda: load_application(ports, saved.application_id), first=saved)


def _moved_there(application: Application, target_id: str) -> bool:
    latest = application.transfers[-1] if application.transfers else None
    return (
        latest is not None
        and application.status is ApplicationStatus.CONFIRMED
        and application.course_id == target_id
        and latest.to_course_id == target_id
    )
