"""The programme's follow-ups over a season of ticks: every graduate invited once and reminded
once per offset, whatever cohorts they took, whatever happened to their bookings meanwhile.

Five cohorts of one programme (the 2026 one, and January, February, June and late-summer 2027
cohorts; the 2027 ones share the follow-ups, each listing some or all of them), people
holding bookings on any of them (several at once too), cancellations and erasures at any time,
and scheduler ticks anywhere from September to December 2027 (BST, then GMT), some fired twice.
The real dispatcher and mailer run on the in-memory fakes (held to the real adapters by
``tests/contract``); after every tick the mail is sent, and at the end what went out is compared
with what a graduate at each tick was owed:

* exactly one invitation per (graduate, follow-up);
* exactly one reminder per (graduate, follow-up, offset) that was the nearest due at a tick,
  and per (booking, core session, offset) for the cohort whose own sessions run into September;
* nothing to anyone who never held a confirmed place, nothing after a cancellation or erasure;
* every message names its follow-up's host cohort: its title, joining link and Reply-To;
* every message parses back, and each calendar UID's SEQUENCE only grows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.adapters.ses_sender import build_mime
from booking.domain.application import Answers, Application, ApplicationStatus
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.programme import person_key
from booking.domain.reminders import FOLLOW_UP_INVITATION_LEAD
from booking.services.lifecycle import cancel
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.organisers import erase_person
from booking.services.reminders import dispatch_reminders
from tests.fakes import Clock, FakeEmailQueue, FakeEmailSender, FakeRepository, fake_ports
from tests.support.mail_checks import Seen, check_message

EXAMPLES = int(os.environ.get("PROGRAMME_EXAMPLES", "60"))
OFFSETS = (24, 1)
# The follow-ups of 2027, on the weekdays and at the times of the real ones (UK time).
FOLLOW_UPS = {
    "sep": (date(2027, 9, 23), "16:00", "17:00", datetime(2027, 9, 23, 15, 0, tzinfo=UTC)),
    "oct": (date(2027, 10, 20), "16:00", "17:00", datetime(2027, 10, 20, 15, 0, tzinfo=UTC)),
    "nov": (date(2027, 11, 23), "13:00", "14:00", datetime(2027, 11, 23, 13, 0, tzinfo=UTC)),
    "dec": (date(2027, 12, 13), "16:00", "17:00", datetime(2027, 12, 13, 16, 0, tzinfo=UTC)),
}
SUBJECT_TIMES = {
    "sep": "Thursday 23 September 2027, 16:00-17:00 BST",
    "oct": "Wednesday 20 October 2027, 16:00-17:00 BST",
    "nov": "Tuesday 23 November 2027, 13:00-14:00 GMT",
    "dec": "Monday 13 December 2027, 16:00-17:00 GMT",
}


@dataclass(frozen=True)
class Cohort:
    course_id: str
    first_monday: date
    follow_ups: tuple[str, ...]  # which of FOLLOW_UPS its file lists
    own_2026_follow_ups: bool = False

    @property
    def core_starts(self) -> list[datetime]:
        """15:00 UK time each Monday: 14:00 UTC in summer time, 15:00 in winter."""
        starts = []
        for week in range(6):
            day = self.first_monday + timedelta(weeks=week)
            summer = date(day.year, 3, 28) <= day < date(day.year, 10, 31)
            starts.append(datetime(day.year, day.month, day.day, 14 if summer else 15, tzinfo=UTC))
        return starts

    @property
    def core_end(self) -> datetime:
        return self.core_starts[-1] + timedelta(hours=2)

    def definition(self) -> CourseDefinition:
        sessions: list[dict[str, Any]] = [
            {
                "date": (self.first_monday + timedelta(weeks=week)).isoformat(),
                "start_time": "15:00",
                "end_time": "17:00",
            }
            for week in range(6)
        ]
        for name in self.follow_ups:
            day, start, end, _ = FOLLOW_UPS[name]
            sessions.append(
                {"date": day.isoformat(), "start_time": start, "end_time": end, "kind": "follow_up"}
            )
        if self.own_2026_follow_ups:
            sessions.append(
                {
                    "date": "2026-09-17",
                    "start_time": "16:00",
                    "end_time": "17:00",
                    "kind": "follow_up",
                }
            )
        return CourseDefinition.model_validate(
            {
                "programme": "compassionate-leadership",
                "title": f"Compassionate Leadership Training ({self.course_id})",
                "price": {"amount": 20000},
                "capacity": 30,
                "enquiries_email": f"{self.course_id}@example.org",
                "joining_url": f"https://example.org/join/{self.course_id}",
                "reminder_offsets_hours": list(OFFSETS),
                "sessions": sessions,
            }
        )


COHORTS = (
    Cohort("cl-2026-06", date(2026, 6, 1), (), own_2026_follow_ups=True),
    Cohort("cl-2027-02", date(2027, 2, 1), ("sep", "oct", "nov", "dec")),
    Cohort("cl-2027-06", date(2027, 6, 7), ("sep", "oct", "nov", "dec")),
    # Ends on 4 October: its people graduate in time for October, not September.
    Cohort("cl-2027-08", date(2027, 8, 30), ("oct", "nov", "dec")),
    # Lists only September's: started first of those listing it, so it hosts it.
    Cohort("cl-2027-01", date(2027, 1, 4), ("sep",)),
)
BY_ID = {c.course_id: c for c in COHORTS}
# The cohort that started first of those listing each follow-up hosts it.
HOSTS = {"sep": "cl-2027-01", "oct": "cl-2027-02", "nov": "cl-2027-02", "dec": "cl-2027-02"}
PEOPLE = tuple(f"person{n}@example.org" for n in range(6))
SEASON_START = datetime(2027, 9, 1, tzinfo=UTC)
SEASON_END = datetime(2028, 1, 1, tzinfo=UTC)


@dataclass
class Booking:
    application_id: str
    email: str
    cohort: Cohort
    confirmed: bool
    ended_at: datetime | None = None  # cancelled, or its person erased


@dataclass
class World:
    bookings: list[Booking] = field(default_factory=list)

    def attending(self, booking: Booking, at: datetime) -> bool:
        return booking.confirmed and (booking.ended_at is None or booking.ended_at > at)

    def graduate(self, email: str, event: str, at: datetime) -> bool:
        start = FOLLOW_UPS[event][3]
        return any(
            b.email == email and self.attending(b, at) and b.cohort.core_end <= start
            for b in self.bookings
        )


tick = st.one_of(
    # Near a follow-up: within its invitation lead, around its reminder offsets.
    st.tuples(
        st.sampled_from(sorted(FOLLOW_UPS)),
        st.one_of(
            st.integers(-15 * 24 * 60, 30),
            st.integers(-25 * 60, -23 * 60),
            st.integers(-70, 5),
        ),
    ).map(lambda pair: FOLLOW_UPS[pair[0]][3] + timedelta(minutes=pair[1])),
    # Anywhere in the season.
    st.integers(0, int((SEASON_END - SEASON_START).total_seconds() // 60)).map(
        lambda minutes: SEASON_START + timedelta(minutes=minutes)
    ),
)
change = st.tuples(
    st.sampled_from(["cancel", "erase"]),
    st.integers(0, len(PEOPLE) - 1),
    st.sampled_from([c.course_id for c in COHORTS]),
    st.integers(0, int((SEASON_END - SEASON_START).total_seconds() // 60)).map(
        lambda minutes: SEASON_START + timedelta(minutes=minutes)
    ),
)
bookings = st.lists(
    st.tuples(
        st.integers(0, len(PEOPLE) - 1),
        st.sampled_from([c.course_id for c in COHORTS]),
        st.booleans().map(lambda unpaid: not unpaid) | st.just(True),
    ),
    min_size=3,
    max_size=12,
)


def _application(booking: Booking, created: datetime) -> Application:
    status = ApplicationStatus.CONFIRMED if booking.confirmed else ApplicationStatus.EXPIRED
    return Application(
        application_id=booking.application_id,
        course_id=booking.cohort.course_id,
        status=status,
        token=f"tok-{booking.application_id}",
        answers=Answers(
            name=f"Person {booking.application_id}",
            email=booking.email,
            job_title="Ward manager",
            organisation="NHS Trust",
            leadership_role="A ward",
            motivation="Care",
        ),
        created_at=created,
        updated_at=created,
        amount_paid=20000 if booking.confirmed else 0,
    )


def run_season(
    booked: list[tuple[int, str, bool]],
    ticks: list[tuple[datetime, bool]],
    changes: list[tuple[str, int, str, datetime]],
) -> tuple[World, list[tuple[EmailJob, OutgoingEmail]]]:
    """Load the cohorts and bookings, then apply changes and run ticks in time order, sending
    the mail after each tick. Returns the world as a model and what was sent."""
    clock = Clock(datetime(2027, 1, 5, tzinfo=UTC))
    repository = FakeRepository()
    ports = fake_ports(clock, repository)
    world = World()
    for cohort in COHORTS:
        repository.put_course(cohort.course_id, cohort.definition())
    seen_pairs: set[tuple[str, str]] = set()
    for number, (who, course_id, paid) in enumerate(booked):
        if (PEOPLE[who], course_id) in seen_pairs:
            continue  # one live application per person per course
        seen_pairs.add((PEOPLE[who], course_id))
        booking = Booking(f"app{number}", PEOPLE[who], BY_ID[course_id], paid)
        world.bookings.append(booking)
        created = datetime.combine(booking.cohort.first_monday, datetime.min.time(), UTC)
        repository.save(_application(booking, created - timedelta(days=30 - number)), None)

    events: list[tuple[datetime, int, Any]] = [(t, 1, twice) for t, twice in ticks]
    events += [(at, 0, (kind, who, course_id)) for kind, who, course_id, at in changes]
    sent: list[tuple[EmailJob, OutgoingEmail]] = []
    sender = ports.sender
    queue = ports.email_queue
    assert isinstance(sender, FakeEmailSender)
    assert isinstance(queue, FakeEmailQueue)
    for moment, order, what in sorted(events, key=lambda e: (e[0], e[1])):
        clock.now = moment
        if order == 0:
            _apply_change(ports, world, moment, *what)
            continue
        for _ in range(2 if what else 1):  # a second scheduler firing for the same moment
            dispatch_reminders(ports, moment)
            for job in queue.jobs:
                before = len(sender.sent)
                if send_email_job(ports, job) is SendOutcome.SENT:
                    sent.append((job, sender.sent[before]))
            queue.jobs.clear()
    return world, sent


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    booked=bookings,
    ticks=st.lists(st.tuples(tick, st.booleans()), min_size=1, max_size=25),
    changes=st.lists(change, max_size=4),
)
def test_each_graduate_is_invited_once_and_reminded_once_per_offset(
    booked: list[tuple[int, str, bool]],
    ticks: list[tuple[datetime, bool]],
    changes: list[tuple[str, int, str, datetime]],
) -> None:
    world, sent = run_season(booked, ticks, changes)
    _check_counts(world, [t for t, _ in ticks], sent)
    _check_messages(sent)
    kinds = [j.kind.value + ("" if j.person else ":core") for j, _ in sent]
    for kind in sorted(set(kinds)):
        hypothesis.event(f"{kind}: {kinds.count(kind) // 5 * 5}+")


def test_a_season_with_every_case_sends_the_counts_owed() -> None:
    """One season worked out by hand: Ada took February and June, Bob June, Cy late summer
    (graduating after September's follow-up), Di 2026 (another year), Eve paid nothing, Fay
    is erased in October and Bob's booking is cancelled in November."""
    booked = [(0, "cl-2027-02", True), (0, "cl-2027-06", True), (1, "cl-2027-06", True)]
    booked += [(2, "cl-2027-08", True), (3, "cl-2026-06", True), (4, "cl-2027-06", False)]
    booked += [(5, "cl-2027-02", True)]
    ticks: list[tuple[datetime, bool]] = []
    for _, _, _, start in FOLLOW_UPS.values():
        for before in (timedelta(days=13), timedelta(hours=23), timedelta(minutes=50)):
            ticks.append((start - before, before == timedelta(hours=23)))
    ticks.append((datetime(2027, 9, 27, 13, 30, tzinfo=UTC), False))  # Cy's Monday session
    changes = [
        ("erase", 5, "cl-2027-02", datetime(2027, 10, 1, tzinfo=UTC)),
        ("cancel", 1, "cl-2027-06", datetime(2027, 11, 1, tzinfo=UTC)),
    ]
    world, sent = run_season(booked, ticks, changes)
    _check_counts(world, [t for t, _ in ticks], sent)
    _check_messages(sent)
    follow_ups = [(j, m) for j, m in sent if j.person]
    invitations = [m.to[0] for j, m in follow_ups if j.kind is EmailKind.FOLLOW_UP_INVITATION]
    # September: Ada, Bob, Di, Fay (Cy not yet a graduate). October: Ada, Bob, Cy, Di (Fay
    # erased). November and December: Ada, Cy, Di (Bob cancelled).
    assert len(invitations) == 4 + 4 + 3 + 3
    assert invitations.count(PEOPLE[0]) == 4  # Ada: once per follow-up, though in two cohorts
    assert PEOPLE[4] not in invitations  # Eve never paid
    assert len(follow_ups) - len(invitations) == 2 * 14  # a 24 h and a 1 h reminder each
    core = [m for j, m in sent if not j.person]
    assert [m.to[0] for m in core] == [PEOPLE[2]]  # Cy's own session, 30 minutes before
    assert core[0].subject == "Reminder: Session 5 of 6, Monday 27 September 2027, 15:00-17:00 BST"


def _apply_change(
    ports: Any, world: World, moment: datetime, kind: str, who: int, course: str
) -> None:
    email = PEOPLE[who]
    if kind == "erase":
        if any(b.email == email and b.ended_at is None for b in world.bookings):
            erase_person(ports, email)
            for booking in world.bookings:
                if booking.email == email and booking.ended_at is None:
                    booking.ended_at = moment
        return
    for booking in world.bookings:
        mine = booking.email == email and booking.cohort.course_id == course
        if mine and booking.ended_at is None and booking.confirmed:
            cancel(ports, booking.application_id, refund=False)
            booking.ended_at = moment


def _event_of(job: EmailJob) -> str:
    assert job.session_start is not None
    return next(name for name, spec in FOLLOW_UPS.items() if spec[3] == job.session_start)


def _due(start: datetime, moment: datetime) -> int | None:
    """The nearest offset due at ``moment`` (the one a tick then sends), if any."""
    due = [o for o in OFFSETS if start - timedelta(hours=o) <= moment < start]
    return min(due) if due else None


def _check_counts(
    world: World, ticks: list[datetime], sent: list[tuple[EmailJob, OutgoingEmail]]
) -> None:
    invited: list[tuple[str, str]] = []
    reminded: list[tuple[str, str, int]] = []
    core: list[tuple[str, datetime, int]] = []
    for job, message in sent:
        [address] = message.to
        assert job.offset_hours is not None or job.kind is EmailKind.FOLLOW_UP_INVITATION
        if job.person is None:  # a cohort's own session
            assert job.session_start is not None
            assert job.offset_hours is not None
            core.append((job.application_id, job.session_start, job.offset_hours))
            continue
        assert job.person == person_key(address)
        if job.kind is EmailKind.FOLLOW_UP_INVITATION:
            invited.append((address, _event_of(job)))
        else:
            assert job.offset_hours is not None
            reminded.append((address, _event_of(job), job.offset_hours))
    assert len(invited) == len(set(invited)), "a graduate was invited twice to one follow-up"
    assert len(reminded) == len(set(reminded)), "a follow-up reminder went twice"
    assert len(core) == len(set(core)), "a session reminder went twice"

    owed_invitations: set[tuple[str, str]] = set()
    owed_reminders: set[tuple[str, str, int]] = set()
    owed_core: set[tuple[str, datetime, int]] = set()
    for moment in ticks:
        for event, (_, _, _, start) in FOLLOW_UPS.items():
            nearest = _due(start, moment)
            for email in PEOPLE:
                if not world.graduate(email, event, moment):
                    continue
                if start - FOLLOW_UP_INVITATION_LEAD <= moment < start:
                    owed_invitations.add((email, event))
                if nearest is not None:
                    owed_reminders.add((email, event, nearest))
        for booking in world.bookings:
            for start in booking.cohort.core_starts:
                nearest = _due(start, moment)
                if nearest is not None and world.attending(booking, moment):
                    owed_core.add((booking.application_id, start, nearest))
    assert set(invited) == owed_invitations
    assert set(reminded) == owed_reminders
    assert set(core) == owed_core


def _check_messages(sent: list[tuple[EmailJob, OutgoingEmail]]) -> None:
    seen = Seen()
    for job, message in sent:
        check_message(build_mime(message, "courses@example.org", job.session_start), seen)
        if job.person is None:
            assert job.course_id == "cl-2027-08"  # the only cohort meeting in the season
            continue
        event = _event_of(job)
        host = BY_ID[HOSTS[event]]
        assert job.course_id == host.course_id
        assert message.reply_to == [f"{host.course_id}@example.org"]
        assert f"https://example.org/join/{host.course_id}" in message.text
        assert f"({host.course_id})" in message.text
        assert message.subject.endswith(SUBJECT_TIMES[event])
