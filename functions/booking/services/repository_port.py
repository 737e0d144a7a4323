"""The repository's port: what the use cases keep (one DynamoDB table in AWS, dictionaries in the
tests) and the values it carries; ``booking.services.ports`` re-exports every name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from booking.services.code_store_port import DiscountCodeStore
from booking.services.email_claims import ClaimRead
from booking.services.ledger_ports import AnnouncementLedger, EmailLedger, ReminderLedger
from booking.services.payment_recorders_port import PaymentRecorderIndex

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.billing import DiscountCode
    from booking.domain.course import Course, CourseDefinition
    from booking.domain.emails import EmailJob
    from booking.domain.facilitators_told import CopySent
    from booking.domain.groups import GroupBooking
    from booking.domain.limits import Holding
    from booking.domain.timeline import TimelineEntry


@dataclass(frozen=True)
class SessionRow:
    """One session in the index of sessions by start: enough to decide whether its course
    needs a look from the reminder dispatcher."""

    course_id: str
    index: int
    start: datetime


@dataclass(frozen=True)
class Anomaly:
    """Something Stripe reported that the system could not match and did not act on as asked:
    kept for the organisers (and alarmed). Ids only, never personal data."""

    event_id: str
    kind: str  # e.g. "amount_or_currency_mismatch", "refund_of_unrecorded_payment"
    at: datetime
    details: Mapping[str, str] = field(default_factory=dict)


class CourseStore(Protocol):
    def get_course(self, course_id: str) -> Course | None: ...

    def list_courses(self) -> list[Course]: ...

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
        """Create or replace; raises Conflict ``capacity_below_taken`` rather than overbook, and
        ``too_many_sessions`` beyond the rows one save writes (``services.stored``).
        ``follow_up_edits`` is kept with it as given (``Course.follow_up_edits``). Written only
        over the version the save was decided on, else StaleWrite (decide it all again on a
        fresh read): ``checked`` (a currency change also only while nothing was priced in it
        since: ``Course.priced``); ``creating``: no course has the id; neither (a set-up that
        decides nothing from a read): what is stored as the write reads it. ``dates_moved_at``:
        recorded as when its dates last moved (None: the one recorded kept)."""

    def sessions_starting(self, after: datetime, until: datetime) -> list[SessionRow]:
        """Sessions of every course starting in (after, until], soonest first."""


@dataclass(frozen=True)
class EnrolmentRead:
    """Which application holds an address's one place on a course, as read with the rest of a
    submission (``ApplicationStore.enrolled_application_id``, read early)."""

    address: str  # the address read, as ``domain.people.address_digest`` has it
    application_id: str | None  # None: no application holds it (a group's place may)


@dataclass(frozen=True)
class SubmissionRead:
    """What a submission reads before deciding, in one round trip."""

    course: Course | None
    application: Application | None = None  # the earlier answer to the same Idempotency-Key
    discount_code: DiscountCode | None = None  # the code it gives, as this course knows it
    enrolment: EnrolmentRead | None = None  # of the address it gives, if it gives one


class ApplicationStore(Protocol):
    def get_application(self, application_id: str) -> Application | None: ...

    def read_for_submission(
        self,
        course_id: str,
        application_id: str | None,
        code: str | None,
        email: str | None = None,
    ) -> SubmissionRead:
        """One round trip for what a submission needs: the course, the earlier answer to its
        Idempotency-Key (if it has one), the discount code it gives (if any) and which
        application holds the address's one place on the course (if it gives an address)."""

    def list_applications(self, course_id: str) -> list[Application]: ...

    def save(
        self,
        new: Application,
        previous: Application | None,
        *,
        replaces: str | None = None,
        claim: ClaimRead | None = None,
        course_at: int | None = None,
    ) -> Application:
        """Write ``new`` if the stored application is still ``previous`` (None: not stored yet),
        an email's ``claim`` still as read, and its course still at the version ``course_at``
        (a decision made from the course's dates, for a save that moves none of its
        counters), in one transaction with every limited thing it
        claims or gives back (``booking.domain.limits``: its seat, its code's use), its
        enrolment claim and the emails in its outbox.

        Returns what was stored (next version, outbox emptied: the emails are on their way).
        Raises StaleWrite if someone wrote first (or the email's claim or the course changed),
        CourseFull if a seat was needed and none is left, CodeUsedUp if its code's uses are all
        held, AlreadyApplied if the person has another live application on the course (``replaces``
        names a dead one whose claim may be taken over).
        """
        ...

    def give_back_holdings(self, application_id: str) -> list[Holding]:
        """What an application deleted without a save (the table's time-to-live) held goes
        back, each holding once however often this is called; nothing while it is stored."""
        ...

    def enrolled_application_id(self, course_id: str, email: str) -> str | None:
        """The application holding the person's one place on the course (None: none does; a
        group's place may: ``GroupStore``)."""

    def applications_of_person(self, email: str) -> list[Application]: ...

    def forget_person(self, email: str, application_ids: list[str]) -> None:
        """Drop the lookups from an address to its (already anonymised) applications."""
        ...

    def applications_billed_to(self, email: str) -> list[Application]:
        """The applications whose invoice's billing contact is ``email`` now (any case)."""
        ...

    def forget_billing_contact(self, email: str, application_ids: list[str]) -> None:
        """Drop the lookups from a billing contact's address to those (blanked) applications."""
        ...

    def index_billing_contact(self, application: Application) -> bool:
        """Write the lookup from the application's billing contact to it where none exists (an
        application saved before the lookup was kept): True when written, False when it was
        there already; StaleWrite when the application is no longer the version read."""
        ...

    def give_back_holding(self, application: Application, holding: Holding) -> bool:
        """Give back ``holding`` that ``application`` (as read) no longer holds but whose item
        is still stored (a code use kept by an expiry before ``limits.holds_code_use`` gave
        it back): the item deleted and its counter moved back in one transaction. True when
        given back, False when there was no such item; StaleWrite when the application is no
        longer the version read."""
        ...

    def application_for_payment(self, payment_intent: str) -> Application | None:
        """The application that recorded the payment (indexed by the save that first recorded
        it, given back or not: refund events name the payment, not the application)."""

    def owner_of(self, provider_object_id: str) -> str | None:
        """The id of the application that recorded a checkout session or an invoice (indexed
        by the save that first recorded it)."""
        ...

    def applications_due(self, now: datetime, limit: int = 500) -> list[Application]:
        """Applications whose hold lapses at or before ``now``, oldest first."""
        ...

    def application_by_reference(self, reference: str) -> Application | None:
        """The application a reference was claimed for (claimed with it, in its creation)."""
        ...


class ApplicationHistory(Protocol):
    """Each save adds what it changed (``booking.domain.timeline.changes``) to the history of
    its application, in the same transaction; the mailer adds the emails it sent."""

    def application_with_timeline(
        self, application_id: str
    ) -> tuple[Application | None, list[TimelineEntry]]:
        """The application and its history, oldest entry first (one read in the table)."""
        ...

    def add_to_timeline(self, application_id: str, entry: TimelineEntry) -> None: ...

    def record_copy(self, application_id: str, copy: CopySent) -> None:
        """Keep whom a facilitators' copy of the application went to, one record per job (a
        later send of the same job, the first having failed, replaces it). Kept with the
        application's history: the erasure asks these addresses to delete their copy."""
        ...

    def recorded_copies(self, application_id: str) -> list[CopySent]:
        """Every facilitators' copy of the application recorded by ``record_copy``."""
        ...


class EmailOutbox(Protocol):
    """Emails decided by a state change, written with it, relayed to the queue afterwards."""

    def pending_emails(self, written_before: datetime, limit: int = 500) -> list[EmailJob]: ...

    def emails_relayed(self, job_ids: Sequence[str]) -> None: ...


class AnomalyLog(Protocol):
    def record_anomaly(self, anomaly: Anomaly) -> None:
        """Keep it (once per event id: a redelivery records nothing new)."""
        ...

    def anomalies(self, limit: int = 100) -> list[Anomaly]:
        """The most recent first."""
        ...

    def record_given_back_for_nobody(self, payment_intent: str) -> None:
        """Remember a payment no booking recorded that this system gives back whole, so the
        events about the refund it makes are known as its own (kept once; a repeat is none)."""
        ...

    def given_back_for_nobody(self, payment_intent: str) -> bool:
        """Whether this system gave back ``payment_intent`` as money for no booking."""
        ...

    def forget_given_back_for_nobody(self, payment_intent: str) -> None:
        """Drop what ``record_given_back_for_nobody`` kept (the provider held no such payment,
        so nothing was given back)."""
        ...


class RegisterStore(Protocol):
    """A course's register closed (once, for good) and the certificates it gave, by code
    (``domain.register``). The marks and completions themselves are on the applications."""

    def close_register(self, course_id: str, at: datetime) -> datetime:
        """Record the register closed at ``at`` unless it was closed before; when it was
        closed first (atomic: of two closing at once, the first stands)."""
        ...

    def register_closed_at(self, course_id: str) -> datetime | None: ...

    def record_certificate(self, code: str, application_id: str) -> None:
        """Remember whose certificate a code is (Conflict if the code is anyone's already)."""
        ...

    def certificate_owner(self, code: str) -> str | None:
        """The application that recorded the code; believed only if that application still
        carries it."""
        ...

    def forget_certificate(self, code: str) -> None: ...


@dataclass(frozen=True)
class OwedSearch:
    """An erasure's search at the payment provider still to be made: the address to search
    by, when it was first owed, and how our records spelt the address (the provider's lookup
    matches case and all, and those records are erased by the time the search is made).
    ``last_erased_at``: the latest erasure that owed it (None: the first), whose customers it
    must find too, made at the provider between the erasures."""

    email: str
    owed_at: datetime
    spellings: tuple[str, ...] = ()
    last_erased_at: datetime | None = None

    @property
    def made_by(self) -> datetime:
        """The search finds the customers the provider made by then: every erasure's."""
        return self.last_erased_at or self.owed_at


class CustomerErasureLedger(Protocol):
    """Deletions of the payment provider's customers that erasure owes (by the invoice each
    customer was addressed to; no personal data): written before the provider is asked, done
    when it has answered, retried by the sweep meanwhile (``services.provider_erasure``)."""

    def owe_customer_deletions(self, invoice_ids: Sequence[str], now: datetime) -> None:
        """Record each as owed (recording one again is harmless)."""
        ...

    def owed_customer_deletions(self, limit: int = 100) -> list[str]:
        """The invoices whose customer is still to be deleted, oldest first."""
        ...

    def customer_deletion_done(self, invoice_id: str) -> None: ...

    def customer_deletion_owed(self, invoice_id: str) -> bool:
        """Whether the customer of ``invoice_id`` is still owed a deletion."""
        ...

    # An erasure's search at the provider (the customers it finds by the address) that the
    # provider could not answer: the address kept, alone, until the search is made.

    def owe_provider_search(
        self, email: str, spellings: Sequence[str], now: datetime, expires: datetime
    ) -> None:
        """Record the search as owed, due at once, with the address's ``spellings`` to ask
        by; owed already, it stays as it is (when it was first owed, and so its age; when it
        is due, so a run's claim holds; its expiry) but asks by these spellings too, and
        covers this erasure too: ``now`` its ``last_erased_at`` unless a later one is kept."""
        ...

    def claim_provider_searches(
        self, now: datetime, until: datetime, limit: int
    ) -> list[OwedSearch]:
        """The searches due at ``now``, oldest first, each claimed until ``until`` (not due
        again before then), at most ``limit``: one claimed by another run meanwhile is left
        out, so two runs never make the same search at once."""
        ...

    def claim_provider_search(
        self, email: str, now: datetime, until: datetime
    ) -> OwedSearch | None:
        """The search owed for ``email`` (whatever its case), claimed until ``until`` as
        :meth:`claim_provider_searches` claims it, if it is due at ``now``; None when none is
        owed, or another claim holds it (a run making it now)."""
        ...

    def provider_search_done(self, email: str, made_by: datetime | None = None) -> None:
        """Forget the search (and the address with it); done twice, harmless. ``made_by``:
        the search made covered erasures until then; one owed later is kept, still owed."""
        ...

    def provider_search_owed_for(self, email: str) -> bool:
        """Whether an erasure of ``email`` (whatever its case) still waits for its search."""
        ...

    def provider_searches_owed(self) -> list[datetime]:
        """When each search still owed was first owed (no address): to count them."""
        ...


class Repository(
    CourseStore,
    DiscountCodeStore,
    ApplicationStore,
    ApplicationHistory,
    EmailOutbox,
    AnomalyLog,
    EmailLedger,
    ReminderLedger,
    AnnouncementLedger,
    RegisterStore,
    CustomerErasureLedger,
    PaymentRecorderIndex,
    Protocol,
):
    """Everything the use cases keep: one table in AWS, dictionaries in the unit tests."""


class GroupStore(Protocol):
    """Places booked by a manager (``booking.domain.groups``)."""

    def get_group(self, group_id: str) -> GroupBooking | None: ...

    def save_group(self, new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        """Save conditionally on ``previous``'s version, claiming or giving back the seats the
        change holds (CourseFull when they are not free) and indexing each provider object it
        records first: all or nothing. StaleWrite when the group changed meanwhile."""
        ...

    def group_of_object(self, provider_object_id: str) -> str | None:
        """The group that recorded a checkout session, invoice or payment, if any."""
        ...

    def place_holder(self, group_id: str, place: int) -> str | None:
        """The application filling one of a group's places now, if any."""
        ...

    def groups_due(self, now: datetime, limit: int = 100) -> list[GroupBooking]:
        """Groups the sweep must look at by ``now``: unpaid ones whose hold lapsed, paid ones
        past their colleagues' deadline (``GroupBooking.sweep_due_at``)."""
        ...

    def groups_of_course(self, course_id: str) -> list[GroupBooking]:
        """Every group booked on the course, whatever became of it, the oldest first (the
        course's money counts what each paid and was refunded)."""
        ...

    def groups_of_person(self, email: str) -> list[GroupBooking]:
        """Every group that named ``email`` (as its manager or a colleague), ever."""
        ...

    def hold_group_send(self, group: GroupBooking, job_id: str, until: datetime) -> bool:
        """Lease the send of a job about ``group`` until ``until``, in one write with the check
        that the group is still the version read: False, and no lease, if it changed."""
        ...

    def forget_group_person(self, email: str, group_id: str) -> None:
        """The group no longer names ``email`` (erasure): it is no longer found by it."""
        ...
