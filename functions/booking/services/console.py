"""What the organisers' console shows: read models over the repository.

Every change the console makes goes through the existing use cases (``lifecycle``,
``organisers``, ``courses``); this module only reads, and decides which actions fit an
application from the same rules those use cases enforce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, CourseStatus
from booking.domain.course_money import (
    CourseMoney,
    added_up,
    course_money,
    paid_by_group_words,
)
from booking.domain.covered import left_to_pay_now
from booking.domain.disputes import GroupDisputesSaid
from booking.domain.employer_share import paid_off_stripe, place_share
from booking.domain.errors import NotFound
from booking.domain.groups import (
    fills_a_group_place,
    group_disputes_said,
    organisers_give_it_up,
    the_place_is_the_groups,
)
from booking.domain.live_for_money import bursary_refusal
from booking.domain.offer_ends import may_offer, no_more_offers
from booking.domain.page_seen import application_seen
from booking.domain.references import normalised_reference
from booking.domain.register import certificate_code
from booking.domain.seat_counts import SeatCounts, seat_counts
from booking.domain.timeline import TimelineEntry
from booking.domain.wait_ended import wait_ended_said
from booking.domain.waiting_moves import waiting_on
from booking.domain.wording import cohort_name, course_state_said
from booking.services.concurrency import course_of
from booking.services.course_seats import stored_and_taken
from booking.services.courses import get_course, list_courses
from booking.services.finding import MAX_QUERY_LENGTH
from booking.services.groups import groups_disputed, organisations_of_course
from booking.services.invoice_requests import invoice_due
from booking.services.organiser_actions import available_actions
from booking.services.ports import Ports
from booking.services.reading import application_as_read, applications_as_read
from booking.services.register import printable
from booking.services.waiting_moves import MovingIn, moving_in_now
from booking.services.waitlist import waiting_positions, waitlist_position

S = ApplicationStatus


@dataclass(frozen=True)
class CourseSummary:
    course: Course
    status: CourseStatus
    first_start: datetime
    last_end: datetime
    applications: int
    # Its seats, each counted once (``domain.seat_counts``): booked (a paid group's places
    # too) and held for someone who has not paid yet (an unpaid group's places too; a hold
    # whose time has passed until the sweep releases it, as the seat counter holds it).
    confirmed: int
    holds: int
    waiting: int
    pending_review: int
    money: CourseMoney  # counted as the money page and the /admin totals count it
    ended: bool = False  # every session is over
    # Applications close too soon for a place to be offered (``offer_ends.no_more_offers``).
    too_late_to_offer: bool = False

    @property
    def state_said(self) -> str:
        """Its state in the organisers' words, as every view says it (``course_state_said``)."""
        return course_state_said(
            self.status.value,
            ended=self.ended,
            waiting=self.waiting,
            free=self.course.places_left,
            too_late_to_offer=self.too_late_to_offer,
        )


def course_summaries(ports: Ports) -> list[CourseSummary]:
    """Every course, open ones first, its seats and money counted from its applications as read."""
    return _summaries(ports, list_courses(ports))


def _summaries(ports: Ports, courses: list[Course]) -> list[CourseSummary]:
    """``courses``, each one's seats counted with all their applications."""
    now = ports.clock()
    # Every cohort's applications, for the moves between them: their seats counted once.
    stored, taken = stored_and_taken(ports, courses)
    return [_summary(ports, c, now, stored[c.course_id], taken) for c in courses]


def _summary(
    ports: Ports,
    course: Course,
    now: datetime,
    stored: list[Application],
    taken: Mapping[str, SeatCounts],
) -> CourseSummary:
    applications = applications_as_read(ports, course, now, stored)
    groups = ports.groups.groups_of_course(course.course_id)
    # Seats as the course's counter holds them: a lapsed offer's seat is held
    # until the sweep releases it; a dearer move's where it is to join.
    seats = seat_counts(course.course_id, taken, groups)
    schedule = course.schedule
    return CourseSummary(
        course=course,
        status=course.status(now),
        first_start=min(s.start for s in schedule),
        last_end=max(s.end for s in schedule),
        applications=len(applications),
        confirmed=seats.booked,
        holds=seats.held,
        waiting=sum(a.status is S.WAITLISTED for a in applications),
        pending_review=sum(a.status is S.PENDING_REVIEW for a in applications),
        money=course_money(applications, course.definition.price, groups),
        ended=max(s.end for s in schedule) <= now,
        too_late_to_offer=no_more_offers(course, now),
    )


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: str
    cohorts: list[CourseSummary]  # the earliest first
    # The cohorts' money added up, in the currency of the first cohort (a cohort priced in
    # another currency is listed, and left out of the totals: ``other_currencies`` says so).
    totals: CourseMoney
    other_currencies: bool


def programme_overview(ports: Ports, programme: str) -> ProgrammeOverview:
    """Every cohort of a programme (courses with the same ``programme``), each with its places,
    waiting list and money, and the money of them all."""
    courses = list_courses(ports) if programme else []
    of_programme = [c for c in courses if c.definition.programme == programme]
    cohorts = sorted(
        _summaries(ports, of_programme), key=lambda s: (s.first_start, s.course.course_id)
    )
    if not cohorts:
        raise NotFound(f"no course is in the programme {programme!r}")
    currency = cohorts[0].money.currency
    return ProgrammeOverview(
        programme=programme,
        cohorts=cohorts,
        totals=added_up([c.money for c in cohorts], currency),
        other_currencies=any(c.money.currency != currency for c in cohorts),
    )


@dataclass(frozen=True)
class CourseApplications:
    course: Course
    applications: list[Application]  # those that match, oldest first
    counts: dict[ApplicationStatus, int]  # every application of the course, by status
    status: ApplicationStatus | None
    query: str
    # A filter that could not be used (field -> why): every application is shown instead.
    problems: dict[str, str] = field(default_factory=dict)
    # Each group booking of the course: the organisation its manager booked for (a
    # colleague's row says their place was paid by it).
    group_organisations: dict[str, str] = field(default_factory=dict)
    # Bookings of other cohorts whose move here waits (``services.waiting_moves``): on its
    # waiting list, or holding a seat here for a dearer move.
    moving_in: list[MovingIn] = field(default_factory=list)
    # Each waiting application's place in the line (1 = next), by application id.
    waiting_positions: dict[str, int] = field(default_factory=dict)
    # Each group booking whose payment a payer's bank disputed: the disputes in words.
    groups_disputed: dict[str, GroupDisputesSaid] = field(default_factory=dict)


def course_applications(
    ports: Ports, course_id: str, status: str = "", query: str = ""
) -> CourseApplications:
    """A course's applications, those of one status only when ``status`` is given, and only
    those whose name, email or reference contain ``query`` when it is given. An unknown status
    or too long a search filters nothing and says why (``problems``)."""
    course = get_course(ports, course_id)
    wanted: ApplicationStatus | None = None
    query = query.strip()
    problems: dict[str, str] = {}
    if status and status not in {s.value for s in ApplicationStatus}:
        problems["status"] = "choose one of the statuses"
    elif status:
        wanted = ApplicationStatus(status)
    if len(query) > MAX_QUERY_LENGTH:
        problems["q"] = f"at most {MAX_QUERY_LENGTH} characters"
    if problems:
        wanted, query = None, ""
    every = applications_as_read(ports, course, ports.clock())  # as every view reads them
    counts = {s: sum(a.status is s for a in every) for s in ApplicationStatus}
    shown = [
        a
        for a in every
        if (wanted is None or a.status is wanted) and (not query or _matches(a, query))
    ]
    organisations = organisations_of_course(ports, course_id)
    return CourseApplications(
        course,
        shown,
        counts,
        wanted,
        query,
        problems,
        organisations,
        moving_in_now(ports, course),
        waiting_positions(ports, course),
        groups_disputed(ports, course_id, course.definition.timezone),
    )


def _matches(application: Application, query: str) -> bool:
    reference = normalised_reference(query)
    if reference is not None and application.reference == reference:
        return True
    lowered = query.lower()
    answers = application.answers
    return any(
        lowered in value.lower()
        for value in (answers.name, answers.email, application.reference or "")
    )


@dataclass(frozen=True)
class ApplicationDetail:
    application: Application
    course: Course
    timeline: list[TimelineEntry]
    # approve, decline, cancel, resend, bursary, resend_invoice, void_invoice: what fits now
    actions: frozenset[str]
    refundable: int  # what a cancellation with refund would give back, minor units
    # A booking on a group place: the employer that paid for it (its organisation), to whom the
    # refundable (its share) goes when the organisers give it up (its manager erased); and
    # what was refunded to them for the place.
    refund_to: str = ""
    employer_refunded: int = 0
    # A colleague filling a group's place: "Paid by the group booking (...)", said where
    # their own payment (none) would be; "" for anyone else.
    paid_by_group: str = ""
    # The payer's bank's disputes of the group booking's payment for the place, in words, as
    # the roster says them beside it ("" when none, or not a group's place).
    group_disputed: str = ""
    # Why a colleague's booking on a group place has no Cancel or Transfer here ("" if none).
    group_place_note: str = ""
    # The cohorts its moves name (course id -> title and first day), for its history's words.
    cohort_names: dict[str, str] = field(default_factory=dict)
    # Its waiting move's end has passed, the sweep not there yet: that it ended, in words
    # (``domain.wait_ended``; "" otherwise). No withdrawal is offered for it then.
    wait_ended_said: str = ""
    # Its person's address is suppressed (emails to it bounced, or were marked as spam): the
    # mailer sends it nothing, so no notice says it was emailed.
    address_suppressed: bool = False
    # What is left to pay, as every view says it (``domain.covered.left_to_pay_now``).
    left_to_pay: int | None = None
    # Its place on the waiting list (1 = next), while it waits.
    waitlist_position: int | None = None
    # Its certificate is held (its name unprintable in the certificate's font): never sent.
    certificate_held: bool = False
    # The ``seen`` its pages' confirm forms carry (``domain.page_seen``), read at this moment.
    seen: str = ""
    invoice_due_now: datetime | None = None  # an invoice sent now falls due (None: too late)


def application_detail(ports: Ports, application_id: str) -> ApplicationDetail:
    application, timeline = (
        ports.repository.application_with_timeline(application_id) if application_id else (None, [])
    )
    if application is None:
        raise NotFound(f"no application {application_id!r}")
    course = course_of(ports, application)
    owed = application.amount_kept
    ref = application.group_place
    group = ports.groups.get_group(ref.group_id) if ref is not None else None
    cohort_names = _cohort_names(ports, application)
    now = ports.clock()
    wait_ended = _wait_ended(application, course, cohort_names, now)
    due = invoice_due(course, now, ports.bank_holidays)  # the rule the act sends it by
    shown = application_as_read(application, course, now)
    return ApplicationDetail(
        application=shown,  # actions: stored
        seen=application_seen(shown, now),
        left_to_pay=left_to_pay_now(application, shown, course, now),
        waitlist_position=waitlist_position(ports, shown),
        course=course,
        timeline=timeline,
        actions=available_actions(
            application,
            wait_ended=bool(wait_ended),
            manager_erased=organisers_give_it_up(application, group),
            place_refused=bursary_refusal(application, course, now) is not None,
            offer_holds=shown.status is S.OFFERED and may_offer(course, now),
            too_late_for_invoice=due is None,
        ),
        invoice_due_now=due,
        refundable=place_share(application, group)
        if organisers_give_it_up(application, group)
        else (owed if owed > 0 and application.payment_intent else 0),
        refund_to=group.organisation if group is not None and ref is not None else "",
        employer_refunded=place_share(application, group, refunded=True),
        paid_by_group=paid_by_group_words(group.organisation if group else "") if ref else "",
        group_disputed=group_disputes_said(
            group, course.definition.timezone, colleague_gone=application.enrolment_ended
        ),
        group_place_note=the_place_is_the_groups(
            group.organisation if group else "",
            paid_off_stripe=group is not None and paid_off_stripe(group),
        )
        if fills_a_group_place(application) and not organisers_give_it_up(application, group)
        else "",
        cohort_names=cohort_names,
        wait_ended_said=wait_ended,
        address_suppressed=not application.is_erased
        and ports.repository.is_suppressed(application.answers.email),
        certificate_held=certificate_code(application) is not None
        and not printable(ports, application),
    )


def _wait_ended(
    application: Application, course: Course, cohort_names: Mapping[str, str], now: datetime
) -> str:
    """Its waiting move's end has passed: that it ended, in words ("" otherwise)."""
    waiting = waiting_on(application)
    if waiting is None:
        return ""
    named = cohort_names.get(waiting.to_course_id, waiting.to_course_id)
    return wait_ended_said(application, named, course.definition.timezone, now)


def _cohort_names(ports: Ports, application: Application) -> dict[str, str]:
    """Each cohort the booking's moves name, the one a waiting move asks for included, by its
    title and first day (one since deleted keeps its id)."""
    named: dict[str, str] = {}
    waiting = application.pending_move
    for move in application.transfers:
        for course_id in (move.from_course_id, move.to_course_id):
            named.setdefault(course_id, "")
    if waiting is not None:
        named.setdefault(waiting.to_course_id, "")
    on_a_list = waiting_on(application)
    if on_a_list is not None:
        named.setdefault(on_a_list.to_course_id, "")
    for course_id in named:
        cohort = ports.repository.get_course(course_id)
        named[course_id] = cohort_name(cohort) if cohort is not None else course_id
    return named


def application_id_for(ports: Ports, typed: str) -> str:
    """The application a path names, by its id or by its reference (``CL-7K3Q9``): organisers
    quote what the applicant read out, spaces around it and all. An unknown reference is a
    404 like an unknown id."""
    typed = typed.strip()
    reference = normalised_reference(typed)
    if reference is None:
        return typed
    application = ports.repository.application_by_reference(reference)
    if application is None:
        raise NotFound(f"no application has the reference {reference}")
    return application.application_id


def course_exists(ports: Ports, course_id: str) -> bool:
    return bool(course_id) and ports.repository.get_course(course_id) is not None
