"""The register's steps as a state machine on the fakes: bookings, cancellations before the
course, marks (given, changed, repeated, refused once closed), Clear mark (the mark the model
holds, named as read; again, a retry; and naming a mark changed since, which is refused and
keeps the mark), closing (refused before the last core session, repeated), erasure, time
passing (or reaching a core session) and the scheduler's ticks, over a programme of two
cohorts: one keeps a register (2 of 3 core sessions), one keeps none.

Invariants: every mark stored is the last one given (or cleared) while the register was open,
and the register reads the same, a cleared mark as not marked; closing decides each booking
once, completers exactly those with enough sessions attended (as many as the model's marks
say), each with a certificate that verifies (none once erased); every follow-up invitation
goes to a graduate and to each person at most once; and at the end (the register closed, ticks
inside the invitation window) every graduate is invited, once, and nobody else.

It runs on the fakes (milliseconds a step), apart from ``test_lifecycle_machine.py``, whose
steps go through the real handlers, moto and the Stripe stand-in and take a second each. Its
examples: ``LIFECYCLE_EXAMPLES`` (200 by default), as the lifecycle machine's.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from booking.domain.application import Application
from booking.domain.attendance import Mark
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailKind
from booking.domain.errors import AlreadyApplied, Conflict, InvalidInput, NotFound
from booking.domain.programme import person_key
from booking.domain.register import certificate_code
from booking.domain.statuses import ApplicationStatus
from booking.services import courses, lifecycle, people, register
from booking.services.ports import Ports
from booking.services.reminders import dispatch_reminders
from tests.fakes import Clock, FakeEmailQueue, fake_ports
from tests.fakes.repository import FakeRepository
from tests.support.exploration import noted, seeded
from tests.support.register_steps import book

EXAMPLES = int(os.environ.get("LIFECYCLE_EXAMPLES", "200"))
KEPT, PLAIN = "kept", "plain"  # a cohort keeping a register, and one keeping none
PEOPLE = tuple(f"p{n}@example.org" for n in range(5))
START = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
COURSE_ENDS = datetime(2027, 6, 21, 16, 0, tzinfo=UTC)  # 17:00 BST, the last core session
IN_THE_WINDOW = datetime(2027, 9, 10, 9, 0, tzinfo=UTC)  # the follow-up's invitations are due
LATEST = datetime(2027, 9, 15, 9, 0, tzinfo=UTC)  # time stops before the follow-up starts
REQUIRED = 2


def _definition(keeps_register: bool) -> CourseDefinition:
    days = ("2027-06-07", "2027-06-14", "2027-06-21")
    body: dict[str, Any] = {
        "programme": "machine-programme",
        "title": "Compassionate Leadership",
        "price": {"amount": 20000},
        "capacity": 10,
        "sessions": [
            *({"date": d, "start_time": "15:00", "end_time": "17:00"} for d in days),
            {"date": "2027-09-20", "start_time": "15:00", "end_time": "16:00", "kind": "follow_up"},
        ],
    }
    if keeps_register:
        body["completion_min_sessions"] = REQUIRED
    return CourseDefinition.model_validate(body)


# The same examples on every CI run; `make soak` (SOAK_SEED) explores others.
@seeded(30)
class RegisterMachine(RuleBasedStateMachine):
    bookings = Bundle("bookings")

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(START)
        self.ports: Ports = fake_ports(self.clock)
        self.marks: dict[tuple[str, str], Mark] = {}  # (application, session) -> last given
        self.closed = False
        self.erased: set[str] = set()  # addresses
        self.cancelled: set[str] = set()  # application ids

    @initialize()
    def courses_exist(self) -> None:
        courses.put_course(self.ports, KEPT, _definition(True))
        courses.put_course(self.ports, PLAIN, _definition(False))
        kept = register.register_of(self.ports, KEPT).sessions
        self.sessions = [s.key for s in kept]
        self.starts = [s.start for s in kept]

    @property
    def repo(self) -> FakeRepository:
        assert isinstance(self.ports.repository, FakeRepository)
        return self.ports.repository

    # -- steps ---------------------------------------------------------------------------------

    @rule(target=bookings, person=st.sampled_from(PEOPLE), course=st.sampled_from([KEPT, PLAIN]))
    def person_books(self, person: str, course: str) -> str:
        if self.clock.now >= datetime(2027, 6, 7, 14, 0, tzinfo=UTC) or person in self.erased:
            return ""
        try:
            return book(self.ports, person, course_id=course)
        except AlreadyApplied:
            return ""

    @rule(booking=bookings)
    def organiser_cancels_before_the_course(self, booking: str) -> None:
        if not booking or self.clock.now >= datetime(2027, 6, 7, 14, 0, tzinfo=UTC):
            return
        if self.repo.applications[booking].status is not ApplicationStatus.CONFIRMED:
            return
        lifecycle.cancel(self.ports, booking, refund=True)
        self.cancelled.add(booking)

    @rule(booking=bookings, session=st.integers(0, 2), mark=st.sampled_from(list(Mark)))
    def organiser_marks(self, booking: str, session: int, mark: Mark) -> None:
        if booking:
            self._given(booking, session, mark)

    def _given(self, booking: str, session: int, mark: Mark) -> bool:
        """``mark`` given to ``booking`` at the core session ``session``, held by the model;
        False when it was refused, for the reason the model expects."""
        application = self.repo.applications[booking]
        key = self.sessions[session]
        refusal = ""
        try:
            register.mark(self.ports, application.course_id, booking, key, mark)
        except Conflict as refused:
            refusal = refused.code
        except NotFound:
            refusal = "not_on_register"
        except InvalidInput:
            refusal = "not_begun"
        if refusal == "not_begun":  # attended or absent is known only once the session begins
            assert self.clock.now < self.starts[session], self.clock.now
            assert mark is not Mark.APOLOGIES
        elif refusal:
            self._refused_as_expected(application, refusal)
        else:
            assert not self.closed
            self.marks[(booking, key)] = mark
        return not refusal

    def _refused_as_expected(self, application: Application, refusal: str) -> None:
        """A mark or a clear refused as the model expects: off the register (not confirmed,
        or erased), or no register open on its course."""
        if refusal == "not_on_register":
            assert application.status is not ApplicationStatus.CONFIRMED or application.is_erased
            return
        assert refusal in ("register_closed", "no_register"), refusal
        assert self.closed or application.course_id == PLAIN

    def _clear_refusal(self, booking: str, key: str, shown: Mark) -> str:
        """The error code of a clear of ``booking``'s mark at ``key`` naming ``shown`` ("": it
        was taken, or there was none to take); nothing may change when it is refused."""
        application = self.repo.applications[booking]
        try:
            register.mark(self.ports, application.course_id, booking, key, None, shown.value)
        except (Conflict, NotFound) as refused:
            refusal = refused.code if isinstance(refused, Conflict) else "not_on_register"
            noted(f"clear refused: {refusal}")
            assert self.repo.applications[booking] is application
            if refusal == "mark_changed":  # the mark held is another than the one named
                assert self.marks.get((booking, key)) not in (None, shown)
            else:
                self._refused_as_expected(application, refusal)
            return refusal
        noted("clear taken" if (booking, key) in self.marks else "clear again: nothing held")
        return ""

    @rule(
        booking=bookings,
        session=st.integers(0, 2),
        mark=st.sampled_from(list(Mark)),
        given_first=st.booleans(),
    )
    def organiser_clears_the_mark_read(
        self, booking: str, session: int, mark: Mark, given_first: bool
    ) -> None:
        """The mark the model holds cleared, naming it, then cleared again (a retry: nothing
        changes). ``given_first``: a mark given by mistake just before, when none is held;
        else, none held, the clear names ``mark`` and takes nothing."""
        if not booking:
            return
        key = self.sessions[session]
        if given_first and (booking, key) not in self.marks:
            self._given(booking, session, mark)
        shown = self.marks.get((booking, key), mark)
        if self._clear_refusal(booking, key, shown):
            return  # refused as the model expects (checked where it is made)
        assert not self.closed
        self.marks.pop((booking, key), None)
        cleared = self.repo.applications[booking]
        assert self._clear_refusal(booking, key, shown) == ""
        assert self.repo.applications[booking] is cleared  # again: nothing saved

    def _markable(self) -> list[tuple[str, int]]:
        """(booking, core session) pairs any mark may be given to now: on the open register,
        the session begun."""
        if self.closed:
            return []
        begun = [n for n, start in enumerate(self.starts) if start <= self.clock.now]
        return [
            (a.application_id, n)
            for a in self.repo.applications.values()
            if a.course_id == KEPT and a.status is ApplicationStatus.CONFIRMED and not a.is_erased
            for n in begun
        ]

    @precondition(lambda self: bool(self._markable()))
    @rule(pick=st.integers(0, 40), read=st.sampled_from(list(Mark)), shift=st.integers(1, 2))
    def organiser_clears_a_mark_changed_since(self, pick: int, read: Mark, shift: int) -> None:
        """An organiser reads a mark (``read``, given now when none is held), another changes
        it, and the first clears it naming the mark read: refused in words, the newer mark
        kept."""
        markable = self._markable()
        booking, session = markable[pick % len(markable)]
        key = self.sessions[session]
        read = self.marks.get((booking, key), read)
        marks = list(Mark)
        changed = marks[(marks.index(read) + shift) % len(marks)]
        assert self._given(booking, session, read)
        assert self._given(booking, session, changed)
        assert self._clear_refusal(booking, key, read) == "mark_changed"
        assert self.repo.applications[booking].attendance[key] is changed

    @rule()
    def organiser_closes_the_register(self) -> None:
        refusal = ""
        try:
            register.close(self.ports, KEPT)
        except Conflict as refused:
            refusal = refused.code
        assert refusal in ("", "register_not_over"), refusal
        assert bool(refusal) == (self.clock.now < COURSE_ENDS)
        self.closed = self.closed or not refusal

    @rule(person=st.sampled_from(PEOPLE))
    def person_is_erased(self, person: str) -> None:
        try:
            people.erase_person(self.ports, person)
        except NotFound:
            return
        self.erased.add(person)

    @rule(days=st.integers(1, 40), hours=st.integers(0, 23))
    def time_passes_and_the_scheduler_ticks(self, days: int, hours: int) -> None:
        self.clock.now = min(self.clock.now + timedelta(days=days, hours=hours), LATEST)
        dispatch_reminders(self.ports, self.clock.now)

    @precondition(lambda self: self._someone_on_the_register())
    @rule(session=st.integers(0, 2))
    def time_reaches_a_core_session(self, session: int) -> None:
        """An hour into a core session (when it is still to come), once someone is on the
        register: where marks are given, changed and cleared, which whole days' leaps mostly
        jump over."""
        self.clock.now = max(self.clock.now, self.starts[session] + timedelta(hours=1))
        dispatch_reminders(self.ports, self.clock.now)

    def _someone_on_the_register(self) -> bool:
        return any(
            a.course_id == KEPT and a.status is ApplicationStatus.CONFIRMED
            for a in self.repo.applications.values()
        )

    # -- what must hold ------------------------------------------------------------------------

    def _graduates(self) -> set[str]:
        """Person keys of the programme's graduates, by the model."""
        found = set()
        for application in self.repo.applications.values():
            if application.status is not ApplicationStatus.CONFIRMED or application.is_erased:
                continue
            email = application.answers.email
            if application.course_id == PLAIN:
                found.add(person_key(email))
            elif self.closed:
                attended = sum(
                    1
                    for key in self.sessions
                    if self.marks.get((application.application_id, key)) is Mark.ATTENDED
                )
                if attended >= REQUIRED:
                    found.add(person_key(email))
        return found

    def _invitations(self) -> list[str]:
        queue = self.ports.email_queue
        assert isinstance(queue, FakeEmailQueue)
        return [j.person or "" for j in queue.jobs if j.kind is EmailKind.FOLLOW_UP_INVITATION]

    @invariant()
    def marks_are_the_last_given_while_open(self) -> None:
        for application in self.repo.applications.values():
            if application.is_erased:
                continue
            expected = {
                key: mark
                for (booking, key), mark in self.marks.items()
                if booking == application.application_id
            }
            assert dict(application.attendance) == expected

    @invariant()
    def the_register_reads_the_marks_last_given(self) -> None:
        """What the register shows (the console's, the API's and the CLI's reading) is the
        model's marks, a cleared one as not marked."""
        for row in register.register_of(self.ports, KEPT).rows:
            booking = row.application.application_id
            assert row.marks == {key: self.marks.get((booking, key)) for key in self.sessions}

    @invariant()
    def completion_is_decided_once_by_the_course_rule_with_a_certificate(self) -> None:
        for application in self.repo.applications.values():
            done = application.completion
            if application.course_id == PLAIN or not self.closed:
                assert done is None
                continue
            if application.status is not ApplicationStatus.CONFIRMED:
                continue
            if application.is_erased and done is None:
                continue  # erased before the close: off the register, nothing decided
            assert done is not None
            attended = sum(1 for m in application.attendance.values() if m is Mark.ATTENDED)
            assert done.completed == (attended >= REQUIRED)
            code = certificate_code(application)
            if done.completed and not application.is_erased:
                assert code is not None
                assert register.verify(self.ports, code).reference == application.reference
            else:
                assert code is None
        certificates = [
            j.application_id for j in self.repo.written_emails if j.kind is EmailKind.CERTIFICATE
        ]
        assert len(certificates) == len(set(certificates))

    @invariant()
    def completions_count_the_attended_marks_last_given(self) -> None:
        """Each completion's count of sessions attended is the model's, cleared marks gone."""
        for application in self.repo.applications.values():
            done = application.completion
            if done is None or application.is_erased:
                continue
            believed = [m for (b, _), m in self.marks.items() if b == application.application_id]
            assert done.attended == believed.count(Mark.ATTENDED)

    @invariant()
    def invitations_go_to_graduates_once_each(self) -> None:
        invited = self._invitations()
        assert len(invited) == len(set(invited))
        erased = {person_key(email) for email in self.erased}
        assert set(invited) - erased <= self._graduates()

    def teardown(self) -> None:
        self.every_graduate_is_invited_and_nobody_else()

    def every_graduate_is_invited_and_nobody_else(self) -> None:
        self.clock.now = max(self.clock.now, IN_THE_WINDOW)
        if not self.closed:
            register.close(self.ports, KEPT)
            self.closed = True
        dispatch_reminders(self.ports, self.clock.now)
        dispatch_reminders(self.ports, self.clock.now)
        invited = self._invitations()
        erased = {person_key(email) for email in self.erased}
        assert len(invited) == len(set(invited))
        assert set(invited) - erased == self._graduates()


RegisterMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestRegisterMachine = RegisterMachine.TestCase
