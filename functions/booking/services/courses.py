"""Use cases around courses: publish a definition, list and read courses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from aws_lambda_powertools import Logger

from booking.domain.application import ApplicationStatus
from booking.domain.cohort_currency import currency_change_refusal
from booking.domain.course import (
    Course,
    CourseDefinition,
    is_valid_course_id,
    programme_id_fault,
)
from booking.domain.dates_changed import told_of
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.domain.follow_up_files import (
    joining_refusal,
    link_change_refusal,
    moved_without_id,
    replies_moved,
    replies_moved_said,
    with_event_titles,
    zone_change_refusal,
)
from booking.domain.programme import (
    FollowUpEvent,
    follow_up_edits,
    moves_programme,
    programme_of,
)
from booking.domain.register import EVERYTHING_HELD, RegisterHeld, register_edit_refusal
from booking.domain.schedule_changes import every_session_moved
from booking.domain.wording import cohort_name, moved_without_id_warning
from booking.services.change_messages import people, save_messages, tell_of_changes
from booking.services.concurrency import retried
from booking.services.follow_ups import courses_as_held
from booking.services.ports import Ports
from booking.services.wait_closed import reopen_waiting_list
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


@dataclass(frozen=True)
class SavedCourse:
    """A course as saved (and as people are shown it), with what the organiser should read
    about the save."""

    course: Course
    # The local days of follow-ups without an id the save seemed to move (a new event each).
    moved_without_id: list[date] = field(default_factory=list)
    # The applications the save offered a place from the waiting list (ids, first in line first).
    offered: list[str] = field(default_factory=list)
    # How many people the save's changed dates and times are being emailed to, with a
    # calendar update (``tell_of_changes``, the rule that queues them).
    emailed: int = 0
    # What those messages tell: "dates", "link" or "dates and link" (``told_of``).
    told: str = "dates"
    # How many group bookings' apply-by dates the save moved, each manager told.
    groups_redated: int = 0
    managers_told: int = 0  # of those, the managers emailed
    # The other cohorts whose people the save's messages go to (ids, A to Z): a follow-up
    # they share moved or renamed, said by name after the save.
    cohorts_told: list[str] = field(default_factory=list)
    # How many of the people emailed are booked on those other cohorts.
    others_emailed: int = 0
    # The follow-ups whose invitations and reminders the save gives another Reply-To (their
    # host's enquiries address: ``domain.follow_up_files.replies_moved``), as saved.
    replies_moved: list[FollowUpEvent] = field(default_factory=list)
    # Dates moved earlier than an open invoice's due day (a person's before the course, a
    # group's before its apply-by): those named, in words (``domain.invoices_after_start``).
    due_late: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        moved = [moved_without_id_warning(day) for day in self.moved_without_id]
        replies = [replies_moved_said(event) for event in self.replies_moved]
        return [*moved, *replies, *self.due_late]


COURSE_ID_RULE = "use lower-case letters, digits and hyphens"


class CourseIdTaken(InvalidInput):
    """A course added under an id another course has (the console's *Add a
    course* silently replaced it, dates, price and all, and emailed its people "Changed
    dates"). ``course``: the course that has it, which the console links to change it."""

    def __init__(self, course: Course) -> None:
        said = f"{cohort_name(course)} has this id already"
        super().__init__(
            f"{said}: choose another id, or change that course from its own page",
            {"course_id": f"{said}: choose another id, or change that course instead"},
        )
        self.course = course


def put_course(
    ports: Ports, course_id: str, definition: CourseDefinition, *, adding: bool = False
) -> SavedCourse:
    """Create or replace the course ``course_id``; ``adding``: only create it (a course saved
    under the id meanwhile is refused too: the check is part of the save's one decision)."""
    if not is_valid_course_id(course_id):
        raise InvalidInput(
            "course ids are 2-80 lower-case letters, digits and hyphens",
            {"course_id": COURSE_ID_RULE},
        )
    # The checks and the save are one decision: a save that priced something in the cohort
    # meanwhile makes a currency change's write fail, and all of it is decided again.
    return retried(
        lambda previous: _put_course(ports, course_id, definition, previous, adding=adding),
        lambda: ports.repository.get_course(course_id),
        exhausted=lambda: Conflict(
            "this course is being changed concurrently; please retry", code="concurrent_update"
        ),
    )


def _put_course(
    ports: Ports,
    course_id: str,
    definition: CourseDefinition,
    previous: Course | None,
    *,
    adding: bool,
) -> SavedCourse:
    now = ports.clock()
    others = _refuse_what_may_not_be_saved(ports, course_id, definition, previous, adding=adding)
    definition = _joined(course_id, definition, others, previous)
    edits = follow_up_edits(previous, definition, now)
    as_saved = _as_saved(course_id, definition, edits, previous)
    _refuse_shared_link_change(as_saved, previous, others, now)
    replies = replies_moved(as_saved, previous, others, now)
    moved = previous is not None and dates_moved(previous, definition)
    # Written only over ``previous``: a save meanwhile makes it StaleWrite, and all of the
    # above (refusals, edits, whether the dates moved) and the notices below are decided
    # again on the version now stored.
    course = ports.repository.put_course(
        course_id,
        definition,
        edits,
        checked=previous,
        dates_moved_at=now if moved else None,
        creating=previous is None,
    )
    logger.info("course saved", extra={"course_id": course_id, "version": course.version})
    emailed, redated, managers = (
        _moved_dates_followed(ports, previous, course, now) if previous and moved else (0, 0, 0)
    )
    messages, changes, own = save_messages(ports, previous, course, others, now)
    emailed += tell_of_changes(ports, course, messages, changes)
    cohorts_told = sorted({application.course_id for application, _ in messages} - {course_id})
    elsewhere = people([m for m in messages if m[0].course_id != course_id])
    offered: list[str] = []
    if course.waiting and course.places_left:
        # More places (or a course reopened): the waiting list hears first, in this same step.
        offered = offer_free_places(ports, course_id)
        course = ports.repository.get_course(course_id) or course
    unnamed = moved_without_id(previous.definition, definition) if previous else []
    return SavedCourse(
        courses_as_held(ports, [course], [*others, course])[0],
        [session.local_start(definition.timezone).date() for session in unnamed],
        offered,
        emailed,
        told_of(own, changes),
        redated,
        managers,
        cohorts_told,
        elsewhere,
        replies,
        late_invoices_said(ports, course) if moved else [],
    )


def late_invoices_said(ports: Ports, course: Course) -> list[str]:
    """``services.late_invoices``' warnings, loaded by a save (the console's page after one, too)
    alone: the api's and the console's first requests never read them
    (tests/unit/test_cold_start_imports.py)."""
    from booking.services import late_invoices

    return late_invoices.late_invoices_said(ports, course)


def _moved_dates_followed(
    ports: Ports, previous: Course, course: Course, now: datetime
) -> tuple[int, int, int]:
    """The groups' dates and the waiting list followed after a save moved ``course``'s
    dates: how many emails that sent, how many groups were redated, and their managers."""
    # Loaded by a course's save alone (the organisers'): the api's reads of courses load no
    # group model (tests/unit/test_cold_start_imports.py).
    from booking.services.group_dates import redate_groups

    # Through by-course queries, which may miss what was written a moment before: the
    # sweep follows the moved dates again for a while (``services.dates_followed``).
    followed = redate_groups(ports, course)
    reopen_waiting_list(ports, previous, course, now)
    return followed.emailed, followed.changed, followed.managers


def date_change_emails(ports: Ports, course_id: str) -> int:
    """How many emails a change of the course's dates would send (its form warns of it before
    a save): the save's own decision (``save_messages``, and its groups'
    ``apply_by_emails``) run, without writing, on every session moved
    (``domain.schedule_changes.every_session_moved``), so erased people are not counted and
    other cohorts' people holding a follow-up it hosts, and group managers and colleagues,
    are."""
    from booking.services.group_dates import apply_by_emails

    course = ports.repository.get_course(course_id) if is_valid_course_id(course_id) else None
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    now = ports.clock()
    others = [c for c in ports.repository.list_courses() if c.course_id != course_id]
    definition = every_session_moved(course.definition, now)
    moved = course.model_copy(
        update={
            "definition": definition,
            "follow_up_edits": follow_up_edits(course, definition, now),
            "version": course.version + 1,
        }
    )
    messages, _, _ = save_messages(ports, course, moved, others, now)
    groups = apply_by_emails(ports, moved) if dates_moved(course, definition) else 0
    return people(messages) + groups


def dates_moved(previous: Course, definition: CourseDefinition) -> bool:
    """Whether saving ``definition`` over ``previous`` moves what a group's apply-by date is
    reckoned from, or when applications close (both follow the first session)."""
    saved = previous.model_copy(update={"definition": definition})
    return (
        previous.first_start() != saved.first_start()
        or previous.definition.group_apply_by_days != definition.group_apply_by_days
    )


def _refuse_what_may_not_be_saved(
    ports: Ports,
    course_id: str,
    definition: CourseDefinition,
    previous: Course | None,
    *,
    adding: bool,
) -> list[Course]:
    """The refusals a save is held to before anything is written; every other course, as
    read for them."""
    if adding and previous is not None:
        raise CourseIdTaken(previous)
    if previous is not None and moves_programme(previous, definition):
        _refuse_programme_change_of_bookings(ports, previous)
    if previous is not None:
        _refuse_register_rewrite(ports, previous, definition)
        _refuse_currency_change_of_money(ports, previous, definition)
    others = [c for c in ports.repository.list_courses() if c.course_id != course_id]
    held = {c.definition.programme for c in [*others, *([previous] if previous else [])]}
    if (fault := programme_id_fault(definition.programme, held)) is not None:
        raise InvalidInput(f"the programme is named by its id: {fault}", {"programme": fault})
    refusal = zone_change_refusal(previous, definition, others) if previous else None
    if refusal is not None:
        raise InvalidInput(refusal[0], {"timezone": refusal[1]})
    return others


def _joined(
    course_id: str, definition: CourseDefinition, others: list[Course], previous: Course | None
) -> CourseDefinition:
    """``definition`` as saved: a row joining one of the programme's follow-ups (a cohort
    being added, or a stored cohort's row given an id its file did not list) joins it as it
    is, its title left empty taking the event's; any other date, time or title is refused
    (``domain.follow_up_files``). Every save goes through it: console, file, API and CLI."""
    definition = with_event_titles(course_id, definition, others, previous)
    joining = joining_refusal(course_id, definition, others, previous)
    if joining is not None:
        raise InvalidInput(*joining)
    return definition


def _as_saved(
    course_id: str,
    definition: CourseDefinition,
    edits: dict[str, datetime],
    previous: Course | None,
) -> Course:
    """The course as the save would store it, to weigh what it does to shared follow-ups."""
    update = {"definition": definition, "follow_up_edits": edits}
    return (
        previous.model_copy(update=update)
        if previous
        else Course(course_id=course_id, definition=definition, follow_up_edits=edits)
    )


def _refuse_shared_link_change(
    saved: Course, previous: Course | None, others: Sequence[Course], now: datetime
) -> None:
    """A save that would give a shared follow-up another joining link than its people hold,
    only because another cohort would host it (``domain.follow_up_files.link_change_refusal``)."""
    refusal = link_change_refusal(saved, previous, others, now)
    if refusal is not None:
        raise InvalidInput(refusal[0], {"joining_url": refusal[1]})


def stored_title(ports: Ports, course_id: str) -> str | None:
    """The title of the course saved under ``course_id``, None when there is none: what the
    form changing it is headed with, whatever was typed into it (a title refused, invisible
    say, heads nothing)."""
    course = ports.repository.get_course(course_id) if course_id else None
    return course.definition.title if course is not None else None


def _refuse_register_rewrite(ports: Ports, course: Course, definition: CourseDefinition) -> None:
    """A register with marks, or closed, keeps its core sessions and completion rule, and the
    dates and times of the sessions it says were held (``domain.register``). The register is
    read only when the save changes something it could keep."""
    now = ports.clock()
    if register_edit_refusal(course, definition, EVERYTHING_HELD, now) is None:
        return
    held = RegisterHeld.of(
        ports.repository.list_applications(course.course_id),
        closed=ports.repository.register_closed_at(course.course_id) is not None,
    )
    refusal = register_edit_refusal(course, definition, held, now)
    if refusal is not None:
        raise Conflict(refusal, code="register_kept")


def _refuse_currency_change_of_money(
    ports: Ports, course: Course, definition: CourseDefinition
) -> None:
    """A cohort whose bookings hold money keeps its currency
    (``domain.cohort_currency.currency_change_refusal``): what the roster lists, and the
    course's live count (``Course.priced``), which counts a save the roster's index may not
    list yet; the write holds only while that count is as read (``put_course``'s ``checked``)."""
    was, to = course.definition.price.currency, definition.price.currency
    if was == to:
        return
    # Loaded by the rare save that changes a cohort's currency: its rule reads the waiting
    # moves, which no other request of the API's loads.
    from booking.services.waiting_moves import moving_in_now

    refusal = currency_change_refusal(
        was,
        to,
        ports.repository.list_applications(course.course_id),
        ports.groups.groups_of_course(course.course_id),
        ports.clock(),
        moving_in=[m.application for m in moving_in_now(ports, course)],
        codes=ports.repository.discount_codes(course.course_id),
        counted=course.priced,
    )
    if refusal is not None:
        raise InvalidInput(refusal[0], {"price": refusal[1]})


def _refuse_programme_change_of_bookings(ports: Ports, course: Course) -> None:
    """A cohort's confirmed attendees hold its follow-ups in their calendars under the
    programme's name (the UIDs, the list of whom each event was announced to, the graduates it
    invites): moving the cohort to another programme would leave those entries with no event
    behind them, never cancelled. So a cohort with bookings keeps its programme."""
    booked = sum(
        a.status is ApplicationStatus.CONFIRMED
        for a in ports.repository.list_applications(course.course_id)
    )
    if booked:
        raise Conflict(
            f"this cohort has {booked} confirmed booking{'s' if booked != 1 else ''}, so it "
            f"stays in the programme {programme_of(course)!r}: its attendees' follow-ups "
            "belong to that programme. Keep the programme as it was, or make a new cohort for "
            "the other programme",
            code="programme_has_bookings",
        )


def get_course(ports: Ports, course_id: str) -> Course:
    """The course as people are shown it: its follow-ups as the programme holds them."""
    course = ports.repository.get_course(course_id) if is_valid_course_id(course_id) else None
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    return courses_as_held(ports, [course])[0]


def cohort_names(ports: Ports, course_ids: Sequence[str]) -> list[str]:
    """Each of ``course_ids`` still listed, by its title and first day (``cohort_name``)."""
    found = (ports.repository.get_course(c) for c in course_ids if is_valid_course_id(c))
    return [cohort_name(course) for course in found if course is not None]


def list_courses(ports: Ports) -> list[Course]:
    """Every course as people are shown it; open courses first, then full, then closed;
    within each, soonest first."""
    now = ports.clock()
    rank = {"open": 0, "full": 1, "closed": 2}
    every = ports.repository.list_courses()
    return sorted(
        courses_as_held(ports, every, every),
        key=lambda c: (rank[c.status(now).value], c.first_start(), c.course_id),
    )


def title_like_another(ports: Ports, course_id: str, definition: CourseDefinition) -> str | None:
    """The title of another cohort of ``definition``'s programme that its title is most likely
    a mistyping of (``domain.title_typos``; None: none is, or it is the course's own title
    as saved), for the form to warn before the save."""
    from booking.domain.title_typos import likely_typo_of

    programme = definition.programme or course_id
    courses = ports.repository.list_courses()
    # Its own title, unchanged, was saved as it is already (after the warning, or before
    # there was one): warning of it again at every change of the course would never end
    # .
    if any(c.course_id == course_id and c.definition.title == definition.title for c in courses):
        return None
    others = (
        course.definition.title
        for course in courses
        if course.course_id != course_id and programme_of(course) == programme
    )
    return likely_typo_of(definition.title, others)
