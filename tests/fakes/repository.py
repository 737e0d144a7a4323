"""An in-memory ``Repository``: the table's rules in dictionaries, for use-case unit tests.

It keeps exactly the promises of ``booking.services.ports.Repository`` that the DynamoDB
adapter keeps (``tests/contract`` runs one suite against both): conditional writes on the
version read, seats and waiting places counted with the application that holds them, one live
application per person per course, emails written with the change that decided them. Every
``save`` checks all its conditions before changing anything, like a transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from booking.domain.application import Application
from booking.domain.billing import DiscountCode, billing_contact_of
from booking.domain.cohort_currency import code_newly_priced, newly_priced, no_longer_priced
from booking.domain.course import Course, CourseDefinition
from booking.domain.emails import EmailJob
from booking.domain.emails_as_queued import stamped
from booking.domain.enrolments import enrolment_changes
from booking.domain.errors import (
    AlreadyApplied,
    CodeUsedUp,
    Conflict,
    CourseFull,
    NotFound,
    PriceChanged,
    ReferenceTaken,
    StaleWrite,
)
from booking.domain.facilitators_told import CopySent
from booking.domain.invitations import Telling, Told
from booking.domain.invoice_voiding import contacts_named
from booking.domain.limits import (
    OUTLIVES_ITS_HOLD,
    Holding,
    HoldingChanges,
    Limited,
    already_held,
    code_key,
    counter_moves,
    holding_changes,
    outliving_claims,
)
from booking.domain.people import address_digest
from booking.domain.provider_objects import payments_recorded, provider_objects
from booking.domain.reminders import INVITATION
from booking.domain.timeline import TimelineEntry, changes
from booking.services.ports import (
    Anomaly,
    ClaimHeld,
    ClaimRead,
    EmailClaim,
    EnrolmentRead,
    OwedSearch,
    PaymentRecorders,
    ReminderMarker,
    SessionRow,
    SubmissionRead,
)
from booking.services.stored import capacity_refusal, session_rows_refusal, stored_application


@dataclass
class _Claim:
    state: str
    claimed_at: datetime


@dataclass
class _Marker:
    state: str
    marker: ReminderMarker


@dataclass(frozen=True)
class _EnrolmentChanges:
    claimed: list[tuple[str, str]]  # (course, address digest) keys this save takes
    released: list[tuple[str, str]]  # and gives back


@dataclass
class FakeRepository:
    courses: dict[str, Course] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    # (course_id, address digest) -> application id
    enrolments: dict[tuple[str, str], str] = field(default_factory=dict)
    # (course_id, address digest) -> (group id, place number): a group's place holds it
    # (``FakeGroupStore``); the colleague's application through its link takes it over.
    group_enrolments: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)  # digest -> application ids
    billed: dict[str, set[str]] = field(default_factory=dict)  # contact's digest -> ids
    payments: dict[str, str] = field(default_factory=dict)  # payment intent -> application id
    owners: dict[str, str] = field(default_factory=dict)  # session or invoice id -> application
    # A group's provider objects (checkout session, invoice, payment intent) -> group id: kept
    # here, as in the one table, so one read answers who recorded a payment (the group store
    # writes it).
    group_owners: dict[str, str] = field(default_factory=dict)
    # (application id, job id) -> until when the send's lease lasts
    send_leases: dict[tuple[str, str], datetime] = field(default_factory=dict)
    outbox: dict[str, tuple[EmailJob, datetime]] = field(default_factory=dict)
    email_claims: dict[str, _Claim] = field(default_factory=dict)
    suppressed: set[str] = field(default_factory=set)
    markers: dict[tuple[str, datetime | None, str, str], _Marker] = field(default_factory=dict)
    # (about, offset, recipient) -> when a reminder at that offset was last claimed, any start
    last_reminded: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    calendar_sequences: dict[str, int] = field(default_factory=dict)  # person key -> last
    anomaly_log: dict[str, Anomaly] = field(default_factory=dict)
    given_back_for_nobody_log: set[str] = field(default_factory=set)
    # Every outbox write, in order: the "stream" a test relays from.
    written_emails: list[EmailJob] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # reference -> application id
    timelines: dict[str, list[TimelineEntry]] = field(default_factory=dict)
    # application id -> job id -> whom that facilitators' copy went to
    copies: dict[str, dict[str, CopySent]] = field(default_factory=dict)
    codes: dict[str, DiscountCode] = field(default_factory=dict)  # code key -> code
    # application id -> what it holds (kept apart from the application, as the table does,
    # so a deletion by retention leaves them to give back)
    holdings: dict[str, set[Holding]] = field(default_factory=dict)
    told: dict[str, dict[str, bool]] = field(default_factory=dict)  # about -> person -> holds
    told_times: dict[str, dict[str, Told]] = field(default_factory=dict)  # ... -> start, end
    registers_closed: dict[str, datetime] = field(default_factory=dict)  # course -> when
    certificates: dict[str, str] = field(default_factory=dict)  # code -> application id
    # Invoices whose customer erasure still owes a deletion at the provider -> when owed.
    customers_owed: dict[str, datetime] = field(default_factory=dict)
    # An owed search at the provider by its address's lower case: the address, when first
    # owed, when next due (a claim moves it).
    searches_owed: dict[str, tuple[str, datetime, datetime]] = field(default_factory=dict)
    search_spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The latest erasure that owed each search (by the address in lower case).
    search_erased_last: dict[str, datetime] = field(default_factory=dict)

    # -- courses ------------------------------------------------------------------------------

    def get_course(self, course_id: str) -> Course | None:
        return self.courses.get(course_id)

    def list_courses(self) -> list[Course]:
        return [self.courses[key] for key in sorted(self.courses)]

    def put_course(
        self,
        course_id: str,
        definition: CourseDefinition,
        follow_up_edits: Mapping[str, datetime] | None = None,
        *,
        checked: Course | None = None,
        dates_moved_at: datetime | None = None,
        creating: bool = False,
    ) -> Course:
        previous = self.courses.get(course_id)
        if creating and previous is not None:
            raise StaleWrite("a course was saved under this id since it was read")
        if checked is not None:
            if previous is None or previous.version != checked.version:
                raise StaleWrite("the course was saved again since this save read it")
            pinned = checked.definition.price.currency != definition.price.currency
            if pinned and (previous.priced, previous.priced_codes) != (
                checked.priced,
                checked.priced_codes,
            ):
                raise StaleWrite("the course changed since its currency was checked")
        old_rows = len(previous.definition.sessions) if previous else 0
        if (too_many := session_rows_refusal(old_rows, len(definition.sessions))) is not None:
            raise too_many
        if (overbooking := capacity_refusal(previous, definition)) is not None:
            raise overbooking
        stored = Course(
            course_id=course_id,
            definition=definition,
            seats_taken=previous.seats_taken if previous else 0,
            waiting=previous.waiting if previous else 0,
            version=(previous.version + 1) if previous else 1,
            priced=previous.priced if previous else 0,
            priced_codes=previous.priced_codes if previous else 0,
            follow_up_edits=dict(follow_up_edits or {}),
            dates_moved_at=dates_moved_at or (previous.dates_moved_at if previous else None),
        )
        self.courses[course_id] = stored
        return stored

    def sessions_starting(self, after: datetime, until: datetime) -> list[SessionRow]:
        rows = [
            SessionRow(course.course_id, session.index, session.start)
            for course in self.courses.values()
            for session in course.schedule
            if after < session.start <= until
        ]
        return sorted(rows, key=lambda row: (row.start, row.course_id, row.index))

    # -- applications -------------------------------------------------------------------------

    def get_application(self, application_id: str) -> Application | None:
        return self.applications.get(application_id)

    def read_for_submission(
        self,
        course_id: str,
        application_id: str | None,
        code: str | None,
        email: str | None = None,
    ) -> SubmissionRead:
        return SubmissionRead(
            course=self.courses.get(course_id),
            application=self.applications.get(application_id) if application_id else None,
            discount_code=self.get_discount_code(course_id, code) if code else None,
            enrolment=(
                EnrolmentRead(address_digest(email), self.enrolled_application_id(course_id, email))
                if email
                else None
            ),
        )

    # -- discount codes -----------------------------------------------------------------------

    def put_discount_code(self, code: DiscountCode) -> None:
        key = code_key(code.course_id, code.code)
        if key in self.codes:
            raise Conflict("the code is already in use", code="discount_code_exists")
        currency = code_newly_priced(code)
        if currency is not None:
            # Made only while the cohort is in its currency (and is a course at all), and
            # counted on the course (``Course.priced_codes``), as the table's course item does.
            self._check_priced({code.course_id: currency})
            course = self.courses[code.course_id]
            counted = {"priced_codes": course.priced_codes + 1}
            self.courses[code.course_id] = course.model_copy(update=counted)
        self.codes[key] = code.model_copy(update={"uses": 0})

    def _check_priced(self, priced: Mapping[str, str]) -> None:
        """A save pricing in a cohort is refused whole while the cohort is in another currency,
        or is no course at all: the table counts it on the course's item, whose update's
        condition refuses an item that is not there."""
        for course_id, currency in priced.items():
            course = self.courses.get(course_id)
            if course is None or course.definition.price.currency != currency:
                raise PriceChanged()

    def get_discount_code(self, course_id: str, code: str) -> DiscountCode | None:
        return self.codes.get(code_key(course_id, code))

    def discount_codes(self, course_id: str) -> list[DiscountCode]:
        return [c for key, c in sorted(self.codes.items()) if c.course_id == course_id]

    def record_code_active(
        self, course_id: str, code: str, *, active: bool, at: datetime
    ) -> DiscountCode:
        key = code_key(course_id, code)
        if key not in self.codes:
            raise NotFound(f"no discount code {code!r} on this course")
        kept = self.codes[key]
        expired_at = kept.expired_at or (None if active else at)  # the first expiry's time
        self.codes[key] = kept.model_copy(update={"active": active, "expired_at": expired_at})
        return self.codes[key]

    def list_applications(self, course_id: str) -> list[Application]:
        found = [a for a in self.applications.values() if a.course_id == course_id]
        return sorted(found, key=lambda a: (a.created_at, a.application_id))

    def save(
        self,
        new: Application,
        previous: Application | None,
        *,
        replaces: str | None = None,
        claim: ClaimRead | None = None,
        course_at: int | None = None,
    ) -> Application:
        stored = stored_application(new, previous)
        held = holding_changes(previous, stored)
        # What its holding items hold already is not claimed again (``limits.already_held``).
        mine = self.holdings.get(stored.application_id, set())
        held = already_held(held, frozenset(h for h in outliving_claims(held) if h in mine))
        # The conditions, all checked before anything changes (one transaction). A booking
        # moved to another cohort moves the counters of both courses.
        self._check_version(stored, previous)
        if claim is not None and self.email_state(claim.job_id) != claim.state:
            raise StaleWrite("the email's claim changed since it was read")
        course = self.courses.get(stored.course_id)
        if course_at is not None and (course is None or course.version != course_at):
            raise StaleWrite("the course was saved since it was read")
        counters = counter_moves(previous, stored, held)
        priced = newly_priced(previous, stored)
        self._check_priced(priced)
        unpriced = no_longer_priced(previous, stored)
        for course_id, (seat_delta, waiting_delta) in counters.items():
            _check_seats(self.courses.get(course_id), seat_delta, waiting_delta)
        self._check_codes(held)
        claims = self._check_enrolment(stored, previous, replaces)
        # The writes.
        self.applications[stored.application_id] = stored
        for course_id, (seat_delta, waiting_delta) in counters.items():
            self._move_seats(course_id, seat_delta, waiting_delta)
        for course_id in (priced.keys() | unpriced) & self.courses.keys():
            # The live count of what is priced in each cohort (``Course.priced``).
            course = self.courses[course_id]
            counted = course.priced + (course_id in priced) - (course_id in unpriced)
            self.courses[course_id] = course.model_copy(update={"priced": counted})
        self._move_holdings(stored.application_id, held)
        self._index(stored, previous, claims)
        for job in (stamped(j, stored) for j in new.outbox):
            self.outbox[job.job_id] = (job, stored.updated_at)
            self.written_emails.append(job)
        self.timelines.setdefault(stored.application_id, []).extend(changes(previous, stored))
        return stored

    def _check_version(self, stored: Application, previous: Application | None) -> None:
        current = self.applications.get(stored.application_id)
        if previous is None and current is not None:
            raise StaleWrite("application exists")
        if previous is not None and (current is None or current.version != previous.version):
            raise StaleWrite("application changed concurrently")

    def _check_enrolment(
        self, stored: Application, previous: Application | None, replaces: str | None
    ) -> _EnrolmentChanges:
        """One live application per person per course (``domain.enrolments``: its own, and
        the cohort its move waits for), one application per reference: the enrolments this
        save claims and gives back, each free or this application's (or ``replaces``')."""
        changed = enrolment_changes(previous, stored)
        claimed = [(c, address_digest(stored.answers.email)) for c in changed.claimed]
        released = [
            (c, address_digest(p.answers.email))
            for p in [previous]
            if p is not None
            for c in changed.given_back
        ]
        allowed = {None, stored.application_id, replaces if previous is None else None}
        for key in [*claimed, *released]:
            if self.enrolments.get(key) not in allowed or not self._group_allows(
                key, stored, previous
            ):
                raise AlreadyApplied("you have already applied for this course")
        # A move's claim goes only while it is this application's, as the table's read finds.
        released += [
            key
            for p in [previous]
            if p is not None
            for key in [(c, address_digest(p.answers.email)) for c in changed.moves_given_back]
            if self.enrolments.get(key) == stored.application_id
        ]
        if previous is None and stored.reference and stored.reference in self.references:
            raise ReferenceTaken("this reference belongs to another application")
        return _EnrolmentChanges(claimed=claimed, released=released)

    def _group_allows(
        self, key: tuple[str, str], stored: Application, previous: Application | None
    ) -> bool:
        """A group's place holding the enrolment lets only the colleague's first save of an
        application filling that very place take it over."""
        holder = self.group_enrolments.get(key)
        if holder is None:
            return True
        filling = stored.group_place
        return (
            previous is None
            and filling is not None
            and key[0] == stored.course_id
            and holder == (filling.group_id, filling.place)
        )

    def _index(
        self, stored: Application, previous: Application | None, claims: _EnrolmentChanges
    ) -> None:
        """The lookups a save keeps: person, enrolment, reference, payments, objects."""
        for key in claims.released:
            self.enrolments.pop(key, None)
        for key in claims.claimed:
            self.group_enrolments.pop(key, None)
            self.enrolments[key] = stored.application_id
        if previous is None:
            digest = address_digest(stored.answers.email)
            self.people.setdefault(digest, set()).add(stored.application_id)
            if stored.reference:
                self.references[stored.reference] = stored.application_id
        for contact in contacts_named(stored) - contacts_named(previous):
            self.billed.setdefault(address_digest(contact), set()).add(stored.application_id)
        for payment_intent in payments_recorded(stored):
            self.payments.setdefault(payment_intent, stored.application_id)
        for object_id in provider_objects(stored):
            self.owners.setdefault(object_id, stored.application_id)

    def _check_codes(self, held: HoldingChanges) -> None:
        for holding in held.claimed:
            if holding.thing is not Limited.CODE_USE:
                continue
            code = self.codes.get(holding.of)
            if code is None or code.uses_left == 0:  # as the table's condition refuses it
                raise CodeUsedUp("this discount code has no use left")
        for holding in held.released:
            if holding.thing is Limited.CODE_USE and holding.of not in self.codes:
                raise StaleWrite("the code of this application is gone")

    def _move_seats(self, course_id: str, seats: int, waiting: int) -> None:
        if course_id not in self.courses:
            return  # a course removed since (``_check_seats`` let only a give-back through)
        course = self.courses[course_id]
        self.courses[course_id] = course.model_copy(
            update={"seats_taken": course.seats_taken + seats, "waiting": course.waiting + waiting}
        )

    def _move_holdings(self, application_id: str, held: HoldingChanges) -> None:
        # Kept apart only for what an ended application may still hold, as the table does.
        mine = self.holdings.setdefault(application_id, set())
        for holding in held.claimed:
            if holding.thing in OUTLIVES_ITS_HOLD:
                mine.add(holding)
            self._count(holding, +1)
        for holding in held.released:
            mine.discard(holding)
            self._count(holding, -1)

    def _count(self, holding: Holding, delta: int) -> None:
        if holding.thing is Limited.CODE_USE:
            code = self.codes[holding.of]
            self.codes[holding.of] = code.model_copy(update={"uses": code.uses + delta})

    def delete_by_retention(self, application_id: str) -> None:
        """The table's time-to-live deletes an application: no transaction, no give-back (a
        test's hand, not a port method)."""
        self.applications.pop(application_id, None)

    def give_back_holdings(self, application_id: str) -> list[Holding]:
        if application_id in self.applications:
            return []
        given_back = sorted(self.holdings.pop(application_id, set()))
        for holding in given_back:
            if holding.thing is Limited.SEAT:
                self._move_seats(holding.of, -1, 0)
            else:
                self._count(holding, -1)
        return given_back

    def enrolled_application_id(self, course_id: str, email: str) -> str | None:
        return self.enrolments.get((course_id, address_digest(email)))

    def applications_of_person(self, email: str) -> list[Application]:
        ids = sorted(self.people.get(address_digest(email), set()))
        return [self.applications[i] for i in ids if i in self.applications]

    def applications_billed_to(self, email: str) -> list[Application]:
        ids = sorted(self.billed.get(address_digest(email), set()))
        found = [self.applications[i] for i in ids if i in self.applications]
        return [a for a in found if email.strip().lower() in contacts_named(a)]

    def forget_billing_contact(self, email: str, application_ids: list[str]) -> None:
        for application_id in application_ids:
            self.billed.get(address_digest(email), set()).discard(application_id)

    def index_billing_contact(self, application: Application) -> bool:
        contact = billing_contact_of(application.billing)
        if contact is None:
            raise ValueError("the application names no billing contact to index")
        ids = self.billed.setdefault(address_digest(contact), set())
        if application.application_id in ids:
            return False
        stored = self.applications.get(application.application_id)
        if stored is None or stored.version != application.version:
            raise StaleWrite("application changed concurrently")
        ids.add(application.application_id)
        return True

    def give_back_holding(self, application: Application, holding: Holding) -> bool:
        mine = self.holdings.get(application.application_id, set())
        if holding not in mine:
            return False
        stored = self.applications.get(application.application_id)
        if stored is None or stored.version != application.version:
            raise StaleWrite("application changed concurrently")
        if holding.thing is Limited.CODE_USE and holding.of not in self.codes:
            raise StaleWrite("the code of this application is gone")
        mine.discard(holding)
        self._count(holding, -1)
        return True

    def forget_person(self, email: str, application_ids: list[str]) -> None:
        digest = address_digest(email)
        for application_id in application_ids:
            application = self.applications.get(application_id)
            if application is not None:
                key = (application.course_id, digest)
                if self.enrolments.get(key) == application_id:
                    del self.enrolments[key]
            self.people.get(digest, set()).discard(application_id)

    def owner_of(self, provider_object_id: str) -> str | None:
        return self.owners.get(provider_object_id)

    def application_for_payment(self, payment_intent: str) -> Application | None:
        application_id = self.payments.get(payment_intent)
        return self.applications.get(application_id) if application_id else None

    def recorders_of_payment(
        self, payment_intent: str, course_id: str | None = None
    ) -> PaymentRecorders:
        return PaymentRecorders(
            application_id=self.payments.get(payment_intent),
            group_id=self.group_owners.get(payment_intent),
            given_back_for_nobody=payment_intent in self.given_back_for_nobody_log,
            course=self.get_course(course_id) if course_id is not None else None,
        )

    def applications_due(self, now: datetime, limit: int = 500) -> list[Application]:
        due = [
            (when, a.application_id, a)
            for a in self.applications.values()
            if (when := a.sweep_due_at()) is not None and when <= now
        ]
        return [a for _, _, a in sorted(due, key=lambda t: (t[0], t[1]))][:limit]

    def application_by_reference(self, reference: str) -> Application | None:
        application_id = self.references.get(reference)
        return self.applications.get(application_id) if application_id else None

    # -- history ------------------------------------------------------------------------------

    def application_with_timeline(
        self, application_id: str
    ) -> tuple[Application | None, list[TimelineEntry]]:
        entries = self.timelines.get(application_id, [])
        # The table orders entries by instant; entries of one instant keep their write order.
        return self.applications.get(application_id), sorted(entries, key=lambda e: e.at)

    def add_to_timeline(self, application_id: str, entry: TimelineEntry) -> None:
        self.timelines.setdefault(application_id, []).append(entry)

    def record_copy(self, application_id: str, copy: CopySent) -> None:
        self.copies.setdefault(application_id, {})[copy.job_id] = copy

    def recorded_copies(self, application_id: str) -> list[CopySent]:
        return list(self.copies.get(application_id, {}).values())

    # -- outbox -------------------------------------------------------------------------------

    def pending_emails(self, written_before: datetime, limit: int = 500) -> list[EmailJob]:
        waiting = sorted(
            (written, job.job_id, job)
            for job, written in self.outbox.values()
            if written.replace(microsecond=0) < written_before
        )
        return [job for _, _, job in waiting][:limit]

    def emails_relayed(self, job_ids: Sequence[str]) -> None:
        for job_id in job_ids:
            self.outbox.pop(job_id, None)

    # -- anomalies ----------------------------------------------------------------------------

    def record_anomaly(self, anomaly: Anomaly) -> None:
        self.anomaly_log.setdefault(anomaly.event_id, anomaly)

    def record_given_back_for_nobody(self, payment_intent: str) -> None:
        self.given_back_for_nobody_log.add(payment_intent)

    def given_back_for_nobody(self, payment_intent: str) -> bool:
        return payment_intent in self.given_back_for_nobody_log

    def forget_given_back_for_nobody(self, payment_intent: str) -> None:
        self.given_back_for_nobody_log.discard(payment_intent)

    def anomalies(self, limit: int = 100) -> list[Anomaly]:
        newest = sorted(
            self.anomaly_log.values(), key=lambda a: (a.at.replace(microsecond=0), a.event_id)
        )
        return list(reversed(newest))[:limit]

    # -- email ledger -------------------------------------------------------------------------

    def claim_email(self, job_id: str, now: datetime, stale_before: datetime) -> EmailClaim:
        claim = self.email_claims.get(job_id)
        if (
            claim is None
            or claim.state == "failed"
            or (claim.state == "sending" and _seconds(claim.claimed_at) < _seconds(stale_before))
        ):
            self.email_claims[job_id] = _Claim("sending", now)
            return EmailClaim.CLAIMED
        return EmailClaim.IN_FLIGHT if claim.state == "sending" else EmailClaim.DONE

    def finish_email(self, job_id: str, state: str, now: datetime) -> None:
        claim = self.email_claims.get(job_id)
        self.email_claims[job_id] = _Claim(state, claim.claimed_at if claim else now)

    def hold_send(
        self, application_id: str, job_id: str, until: datetime, *, erased_read: bool = False
    ) -> bool:
        application = self.applications.get(application_id)
        if application is None or (application.is_erased and not erased_read):
            return False
        self.send_leases[(application_id, job_id)] = until
        return True

    def release_send(self, application_id: str, job_id: str) -> None:
        self.send_leases.pop((application_id, job_id), None)

    def sends_held(self, application_id: str) -> list[datetime]:
        leases = list(self.send_leases.items())
        return [until for (held, _), until in leases if held == application_id]

    def email_state(self, job_id: str) -> str | None:
        claim = self.email_claims.get(job_id)
        return claim.state if claim is not None else None

    def email_claim(self, job_id: str) -> ClaimHeld | None:
        claim = self.email_claims.get(job_id)
        return ClaimHeld(claim.state, _seconds(claim.claimed_at)) if claim is not None else None

    def suppress_address(self, address: str, reason: str, now: datetime) -> None:
        self.suppressed.add(address_digest(address))

    def is_suppressed(self, address: str) -> bool:
        return address_digest(address) in self.suppressed

    def calendar_sequence(self, person: str) -> int:
        return self.calendar_sequences.get(person, 0)

    def next_calendar_sequence(self, person: str) -> int:
        self.calendar_sequences[person] = self.calendar_sequences.get(person, 0) + 1
        return self.calendar_sequences[person]

    # -- reminder ledger ----------------------------------------------------------------------

    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        latest = (marker.about, marker.offset, marker.recipient)
        counts_from = marker.counts_from
        if counts_from is not None:
            last = self.last_reminded.get(latest)
            if _marker_key(marker) in self.markers:
                return False
            if last is not None and last >= _seconds(counts_from):
                return False  # that offset's reminder still reminds in time for this start
            self.last_reminded[latest] = _seconds(now)
        return self._put_new(marker, "claimed")

    def supersede_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        return self._put_new(marker, "superseded")

    def mark_reminder_queued(
        self, marker: ReminderMarker, now: datetime, state: str = "queued"
    ) -> None:
        stored = self.markers.get(_marker_key(marker))
        self.markers[_marker_key(marker)] = _Marker(state, stored.marker if stored else marker)

    def claimed_reminders(self) -> list[ReminderMarker]:
        claimed = [m.marker for m in self.markers.values() if m.state == "claimed"]
        return sorted(claimed, key=lambda m: (m.session_start, _marker_key(m)))

    def invitations_to(self, about: str) -> list[ReminderMarker]:
        return [
            m.marker
            for m in self.markers.values()
            if m.marker.about == about and m.marker.offset == INVITATION
        ]

    # -- announcement ledger ------------------------------------------------------------------

    def record_told(self, telling: Telling, *, keep_until: datetime, now: datetime) -> None:
        about, person, holds, when = telling
        self.told.setdefault(about, {})[person] = holds
        self.told_times.setdefault(about, {}).pop(person, None)
        if holds and when is not None:
            self.told_times[about][person] = when

    def told_of(self, about: str) -> dict[str, bool]:
        return dict(self.told.get(about, {}))

    def told_when(self, about: str) -> dict[str, Told]:
        return dict(self.told_times.get(about, {}))

    def told_to(self, about: str, person: str) -> tuple[bool, Told | None] | None:
        holds = self.told.get(about, {}).get(person)
        return None if holds is None else (holds, self.told_times.get(about, {}).get(person))

    # -- the register --------------------------------------------------------------------------

    def close_register(self, course_id: str, at: datetime) -> datetime:
        return self.registers_closed.setdefault(course_id, at)

    def register_closed_at(self, course_id: str) -> datetime | None:
        return self.registers_closed.get(course_id)

    def record_certificate(self, code: str, application_id: str) -> None:
        if code in self.certificates:
            raise Conflict("that certificate code is taken", code="certificate_code_taken")
        self.certificates[code] = application_id

    def certificate_owner(self, code: str) -> str | None:
        return self.certificates.get(code)

    def forget_certificate(self, code: str) -> None:
        self.certificates.pop(code, None)

    # -- customers erasure owes a deletion ------------------------------------------------------

    def owe_customer_deletions(self, invoice_ids: Sequence[str], now: datetime) -> None:
        for invoice_id in invoice_ids:
            self.customers_owed.pop(invoice_id, None)
            self.customers_owed[invoice_id] = now

    def owed_customer_deletions(self, limit: int = 100) -> list[str]:
        oldest = sorted(self.customers_owed, key=lambda i: (self.customers_owed[i], i))
        return oldest[:limit]

    def customer_deletion_done(self, invoice_id: str) -> None:
        self.customers_owed.pop(invoice_id, None)

    def customer_deletion_owed(self, invoice_id: str) -> bool:
        return invoice_id in self.customers_owed

    def owe_provider_search(
        self, email: str, spellings: Sequence[str], now: datetime, expires: datetime
    ) -> None:
        _, owed_at, due = self.searches_owed.get(email.lower()) or (email, now, now)
        spelt = tuple(sorted({email, *spellings, *self.search_spellings.get(email.lower(), ())}))
        self.searches_owed[email.lower()] = (email, owed_at, due)
        self.search_spellings[email.lower()] = spelt
        latest = self.search_erased_last.get(email.lower())
        self.search_erased_last[email.lower()] = now if latest is None else max(latest, now)

    def claim_provider_searches(
        self, now: datetime, until: datetime, limit: int
    ) -> list[OwedSearch]:
        due = sorted(
            (owed for owed in self.searches_owed.values() if owed[2] <= now), key=lambda o: o[2]
        )[:limit]
        for email, owed_at, _ in due:
            self.searches_owed[email.lower()] = (email, owed_at, until)
        return [self._owed_search(email, owed_at) for email, owed_at, _ in due]

    def claim_provider_search(
        self, email: str, now: datetime, until: datetime
    ) -> OwedSearch | None:
        owed = self.searches_owed.get(email.lower())
        if owed is None or owed[2] > now:
            return None
        self.searches_owed[email.lower()] = (owed[0], owed[1], until)
        return self._owed_search(owed[0], owed[1])

    def _owed_search(self, email: str, owed_at: datetime) -> OwedSearch:
        key = email.lower()
        return OwedSearch(email, owed_at, self.search_spellings[key], self.search_erased_last[key])

    def provider_search_done(self, email: str, made_by: datetime | None = None) -> None:
        latest = self.search_erased_last.get(email.lower())
        if made_by is not None and latest is not None and latest > made_by:
            return  # owed again by an erasure since: kept for it
        self.searches_owed.pop(email.lower(), None)
        self.search_spellings.pop(email.lower(), None)
        self.search_erased_last.pop(email.lower(), None)

    def provider_search_owed_for(self, email: str) -> bool:
        return email.lower() in self.searches_owed

    def provider_searches_owed(self) -> list[datetime]:
        return [owed_at for _, owed_at, _ in self.searches_owed.values()]

    def _put_new(self, marker: ReminderMarker, state: str) -> bool:
        key = _marker_key(marker)
        if key in self.markers:
            return False
        self.markers[key] = _Marker(state, marker)
        return True


def _check_seats(course: Course | None, seat_delta: int, waiting_delta: int) -> None:
    if course is None and seat_delta <= 0 and waiting_delta <= 0:
        return  # given back to a course removed since: nothing to give back to, as the table
    if course is None:
        raise CourseFull("this course has no places left")
    if seat_delta > 0 and (
        course.seats_taken >= course.definition.capacity
        or course.definition.closed
        or (waiting_delta >= 0 and course.waiting > 0)  # the waiting list goes first
    ):
        raise CourseFull("this course has no places left")
    if seat_delta < 0 and course.seats_taken < -seat_delta:
        raise CourseFull("this course has no places left")


def _marker_key(marker: ReminderMarker) -> tuple[str, datetime | None, str, str]:
    # The table keeps the start to the second; so does the fake.
    occasion = _seconds(marker.occasion) if marker.occasion else None
    return (marker.about, occasion, marker.offset, marker.recipient)


def _seconds(moment: datetime) -> datetime:
    """The table keeps claim times to the second; so does the fake, to agree with it."""
    return moment.replace(microsecond=0)
