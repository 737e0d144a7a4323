"""What the use cases need from the outside world: ports (Protocols) and the values they carry.

Services import these and the domain, never an adapter. ``booking.bootstrap`` builds the real
adapters (DynamoDB, SQS, Stripe, SES, Jinja2, icalendar) once per container; the tests build
in-memory fakes (``tests/fakes``) held to the same contract as the real adapters by one contract
suite (``tests/contract``).

Adapters translate their own failures into the domain's: a dependency that is down or busy is
:class:`~booking.domain.errors.DependencyUnavailable`, a write that lost a race is
:class:`~booking.domain.errors.StaleWrite`, and so on. No service knows botocore or Stripe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Protocol, TypeVar

from booking.domain.application import Application
from booking.domain.billing import (
    DiscountCode,
)
from booking.domain.course import Course, CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail, Party
from booking.domain.errors import DependencyUnavailable
from booking.domain.groups import GroupBooking
from booking.domain.invitations import CalendarEntry
from booking.domain.invoices import InvoiceEvent
from booking.domain.limits import Holding
from booking.domain.organisers import ConsoleSession
from booking.domain.payments import CheckoutEvent, RefundEvent
from booking.domain.register import CertificateDetails
from booking.domain.reminders import INVITATION, reminder_counts_from
from booking.domain.timeline import TimelineEntry
from booking.services.payment_port import (
    CheckoutRequest as CheckoutRequest,
)
from booking.services.payment_port import (
    DiscountCodeRequest as DiscountCodeRequest,
)
from booking.services.payment_port import (
    InvoiceRequest as InvoiceRequest,
)
from booking.services.payment_port import (
    PaymentGateway as PaymentGateway,
)
from booking.services.payment_port import (
    RefundMade as RefundMade,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


# -- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    """One session in the index of sessions by start: enough to decide whether its course
    needs a look from the reminder dispatcher."""

    course_id: str
    index: int
    start: datetime


class EmailClaim(StrEnum):
    CLAIMED = "claimed"  # this caller may send now
    DONE = "done"  # already sent (or deliberately skipped): do nothing
    IN_FLIGHT = "in_flight"  # another delivery is sending it right now: retry later


@dataclass(frozen=True)
class ReminderMarker:
    """The claim on one reminder: (what, when, offset, recipient), carrying its job.

    ``about`` names the session by what it is: ``COURSE#<course>#<session key>`` for a cohort's
    own session, ``PROGRAMME#<programme>#<event key>`` for a follow-up event shared by the
    programme's cohorts. ``session_start`` is part of the claim, so a session moved after its
    reminder went out is reminded again at its new time. ``recipient`` is the application id
    for a cohort's attendees and the person key for a programme's graduates, who may hold
    several bookings but get one reminder.
    """

    about: str
    session_start: datetime
    offset: str  # "h24", "h1", or "invite"
    recipient: str
    job: EmailJob | None = None

    @property
    def occasion(self) -> datetime | None:
        """The start the claim is for: a reminder's (a moved session is reminded again at its
        new time); None for an invitation to a programme's event, which is one per person
        wherever the event moves (a move is announced to the invited instead, and the claims
        on an event's invitations are the list of whom it was announced to)."""
        return None if self.offset == INVITATION else self.session_start

    @property
    def offset_hours(self) -> int | None:
        """A reminder's offset ("h24": 24); None for an invitation."""
        return None if self.offset == INVITATION else int(self.offset.removeprefix("h"))

    @property
    def counts_from(self) -> datetime | None:
        """A reminder's: one already sent for the same (about, offset, recipient) at or after
        this moment, whatever start it named, still reminds in time for this start and is
        this one (``domain.reminders.still_reminds``). None for an invitation."""
        hours = self.offset_hours
        return None if hours is None else reminder_counts_from(self.session_start, hours)


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
    ) -> Course:
        """Create or replace; raises Conflict ``capacity_below_taken`` rather than overbook.
        ``follow_up_edits`` is kept with it as given (``Course.follow_up_edits``)."""
        ...

    def sessions_starting(self, after: datetime, until: datetime) -> list[SessionRow]:
        """Sessions of every course starting in (after, until], soonest first."""
        ...


@dataclass(frozen=True)
class SubmissionRead:
    """What a submission reads before deciding, in one round trip."""

    course: Course | None
    application: Application | None = None  # the earlier answer to the same Idempotency-Key
    discount_code: DiscountCode | None = None  # the code it gives, as this course knows it


class DiscountCodeStore(Protocol):
    def put_discount_code(self, code: DiscountCode) -> None:
        """Keep a new code (no use yet); Conflict ``discount_code_exists`` if the course has
        one with the same letters."""
        ...

    def get_discount_code(self, course_id: str, code: str) -> DiscountCode | None:
        """The course's code as typed (in any case), with its uses now."""
        ...

    def discount_codes(self, course_id: str) -> list[DiscountCode]: ...

    def record_code_active(self, course_id: str, code: str, *, active: bool) -> DiscountCode:
        """Record whether the code may still be given (what the provider holds after an
        organiser expired it), leaving its uses as they are; the code after the change.
        NotFound when the course has no such code."""
        ...


class ApplicationStore(Protocol):
    def get_application(self, application_id: str) -> Application | None: ...

    def read_for_submission(
        self, course_id: str, application_id: str | None, code: str | None
    ) -> SubmissionRead: ...

    def list_applications(self, course_id: str) -> list[Application]: ...

    def save(
        self, new: Application, previous: Application | None, *, replaces: str | None = None
    ) -> Application:
        """Write ``new`` if the stored application is still ``previous`` (None: not stored yet),
        in one transaction with every limited thing it claims or gives back
        (``booking.domain.limits``: its seat, its code's use), its enrolment claim and the
        emails in its outbox.

        Returns what was stored (next version, outbox emptied: the emails are on their way).
        Raises StaleWrite if someone wrote first, CourseFull if a seat was needed and none is
        left, CodeUsedUp if its code's uses are all held, AlreadyApplied if the person has
        another live application on the course (``replaces`` names a dead one whose claim may
        be taken over).
        """
        ...

    def give_back_holdings(self, application_id: str) -> list[Holding]:
        """What an application deleted without a save (the table's time-to-live) held goes
        back, each holding once however often this is called; nothing while it is stored."""
        ...

    def enrolled_application_id(self, course_id: str, email: str) -> str | None: ...

    def applications_of_person(self, email: str) -> list[Application]: ...

    def forget_person(self, email: str, application_ids: list[str]) -> None:
        """Drop the lookups from an address to its (already anonymised) applications."""
        ...

    def application_for_payment(self, payment_intent: str) -> Application | None: ...

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


class EmailLedger(Protocol):
    def claim_email(self, job_id: str, now: datetime, stale_before: datetime) -> EmailClaim: ...

    def finish_email(self, job_id: str, state: str, now: datetime) -> None: ...

    def suppress_address(self, address: str, reason: str, now: datetime) -> None: ...

    def is_suppressed(self, address: str) -> bool: ...

    def next_calendar_sequence(self, person: str) -> int:
        """The next SEQUENCE for any calendar entry sent to ``person`` (a person key): one
        counter per person, so it only grows, whatever was sent before (atomic: two mailers
        never get the same number)."""
        ...


class ReminderLedger(Protocol):
    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """Claim it for sending at ``now``: False when anyone claimed, queued or superseded
        this marker before, or (a reminder) when one for the same (about, offset, recipient)
        was claimed at or after ``marker.counts_from`` for another start: it still reminds in
        time. Atomic: of two runs racing, one wins."""
        ...

    def supersede_reminder(self, marker: ReminderMarker, now: datetime) -> bool: ...

    def mark_reminder_queued(
        self, marker: ReminderMarker, now: datetime, state: str = "queued"
    ) -> None: ...

    def claimed_reminders(self) -> list[ReminderMarker]: ...

    def invitations_to(self, about: str) -> list[ReminderMarker]:
        """Every claim on an invitation to the programme's event ``about``, whatever its state
        (one per person, wherever the event has moved since)."""
        ...


class AnnouncementLedger(Protocol):
    """Whom each of a programme's follow-up events was told to: every message that put it in a
    person's calendar (a confirmation, a "Changed dates", an invitation, a change notice) or
    took it out (a cancellation), as it went. A change to the event reaches them from this,
    not from what the cohorts' files list now."""

    def record_told(
        self, about: str, person: str, *, holds: bool, keep_until: datetime, now: datetime
    ) -> None:
        """``person`` (a person key) was just sent the event ``about``: in their calendar
        (``holds``) or taken out of it. The latest word stands; kept until ``keep_until``."""
        ...

    def told_of(self, about: str) -> dict[str, bool]:
        """Person key -> whether they hold the event (False: told it was taken out), for
        everyone ever sent it."""
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

    def forget_group_person(self, email: str, group_id: str) -> None:
        """The group no longer names ``email`` (erasure): it is no longer found by it."""
        ...


# -- the email queue ------------------------------------------------------------------------


class QueueUnavailable(DependencyUnavailable):
    """Some jobs could not be queued; they stay in the outbox and are relayed again."""

    code = "email_queue_unavailable"


class EmailQueue(Protocol):
    def send(self, jobs: Sequence[EmailJob]) -> None:
        """Queue every job or raise :class:`QueueUnavailable`."""
        ...


# -- sending email --------------------------------------------------------------------------


class EmailSendError(Exception):
    """The mail service throttled or rejected the message: the queue record must be retried."""


class EmailSender(Protocol):
    def send(self, message: OutgoingEmail) -> str:
        """Send and return the provider's message id, or raise :class:`EmailSendError`."""
        ...


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailRenderer(Protocol):
    def render(self, kind: EmailKind, context: Mapping[str, object]) -> RenderedEmail: ...


class CalendarWriter(Protocol):
    def calendar(
        self,
        entries: Sequence[CalendarEntry],
        *,
        name: str,
        stamp: datetime,
        sequence: int,
        organizer: Party,
        attendees: Sequence[Party],
        cancelled: bool = False,
    ) -> bytes:
        """An iTIP calendar (RFC 5546) with one event per entry, as identified by the domain
        (``domain.invitations``): REQUEST, or CANCEL when ``cancelled``."""
        ...


class CertificateWriter(Protocol):
    def certificate(self, details: CertificateDetails) -> bytes:
        """A certificate of completion as a PDF document."""
        ...

    def unprintable(self, text: str) -> str:
        """The characters of ``text`` the certificate's font has no glyph for, each once, in
        order ("" when it prints in full): such a name would print with gaps."""
        ...


# -- the calendar of working days --------------------------------------------------------------


class BankHolidays(Protocol):
    """The days beyond weekends on which nobody is at work to pay an invoice (England and
    Wales' bank holidays): ``day in bank_holidays``. Given to ``domain.billing``'s due-date
    rule, which is pure."""

    def __contains__(self, day: object, /) -> bool: ...


# -- organisers signing in (AWS: Cognito's hosted sign-in) -----------------------------------


@dataclass(frozen=True)
class OrganiserIdentity:
    """Who signed in, as the identity provider vouches: an opaque subject and the scopes."""

    subject: str
    scopes: frozenset[str]


class OrganiserSignIn(Protocol):
    """OAuth 2.0 authorization code with PKCE against the organisers' identity provider."""

    def authorization_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        """Where to send the browser to sign in (``code_challenge``: S256 of the verifier)."""
        ...

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> OrganiserIdentity:
        """Redeem the code at the token endpoint. Raises ``SignInRefused`` when the provider
        refuses it and ``DependencyUnavailable`` when it cannot be reached."""
        ...

    def sign_out_url(self, *, return_to: str) -> str:
        """Where to send the browser to end the provider's own session too (else the next
        sign-in would skip the password), coming back to ``return_to``."""
        ...

    @property
    def origin(self) -> str:
        """The provider's origin: the console's forms may be redirected there."""
        ...


class ConsoleSessionStore(Protocol):
    """The organisers' console sessions, kept so that they can be ended."""

    def put_session(self, session: ConsoleSession) -> None: ...

    def get_session(self, subject: str, session_id: str) -> ConsoleSession | None: ...

    def delete_session(self, subject: str, session_id: str) -> None: ...

    def delete_sessions(self, subject: str) -> int:
        """End every session of one organiser; how many there were."""
        ...


# -- Stripe's webhook -----------------------------------------------------------------------

PaymentEvent = CheckoutEvent | RefundEvent | InvoiceEvent


@dataclass(frozen=True)
class WebhookDelivery:
    """One verified delivery: Stripe's event id and type (ids only: fine to log), and its
    facts when it is an event this system acts on."""

    event_id: str
    event_type: str
    event: PaymentEvent | None


class WebhookEvents(Protocol):
    """Stripe's signed events: the signature checked on the exact bytes received (with the
    endpoint's signing secret), then the event read into what this system acts on."""

    def read(self, payload: bytes, signature: str | None) -> WebhookDelivery:
        """Raises ``InvalidInput`` for a missing, stale or wrong signature, or a body that is
        not a Stripe event (nothing may be written)."""
        ...


# -- all of them ----------------------------------------------------------------------------


class MissingSetting(RuntimeError):
    """A function needs a setting this container was not given: it fails rather than run
    with a default (a public secret, a sign-in anyone passes)."""


Built = TypeVar("Built")


def _configured(factory: Callable[[], Built] | None, setting: str) -> Callable[[], Built]:
    if factory is None:
        raise MissingSetting(f"not configured: set {setting}")
    return factory


@dataclass
class Ports:
    """Everything a use case may reach, built once per container by ``booking.bootstrap``.

    Only the repository is built eagerly (every function reads the table); the rest are
    factories run on first use, because a Stripe client costs about 160 ms of cold start and a
    boto3 client 20-60 ms, and most invocations never need them.
    """

    repository: Repository
    public_base_url: str
    email_queue_factory: Callable[[], EmailQueue]
    payment_gateway_factory: Callable[[], PaymentGateway]
    sender_factory: Callable[[], EmailSender]
    renderer_factory: Callable[[], EmailRenderer]
    calendar_factory: Callable[[], CalendarWriter]
    bank_holidays_factory: Callable[[], BankHolidays]
    clock: Callable[[], datetime] = field(default=utc_now)
    # The From address: also the calendars' ORGANIZER when a course has no enquiries address.
    sender_email: str = "courses@example.org"
    # Only the console's function signs organisers in (Cognito; under `make run` the local
    # stack's stand-in for it), keeps their sessions and signs their cookies with a key read
    # on each use (Secrets Manager caches it for five minutes: a rotated key takes effect).
    sign_in_factory: Callable[[], OrganiserSignIn] | None = None
    console_sessions_factory: Callable[[], ConsoleSessionStore] | None = None
    session_key_factory: Callable[[], bytes] | None = None
    # Only the webhook's function reads Stripe's events (with the signing secret).
    webhook_events_factory: Callable[[], WebhookEvents] | None = None
    # A mailer claim left "sending" longer than this belongs to a delivery that died (the email
    # queue's visibility timeout, set in one place in CDK).
    email_claim_timeout: timedelta = timedelta(seconds=180)
    # Places booked by a manager (``domain.groups``): kept in the same table as the rest.
    groups_factory: Callable[[], GroupStore] | None = None
    # Certificates of completion as PDF (fpdf2, imported only when one is made).
    certificate_factory: Callable[[], CertificateWriter] | None = None

    def at(self, now: datetime) -> Ports:
        """These ports with their clock stopped at ``now``: what a scheduled run works with.

        A scheduled run decides as of its event's time (DESIGN: *time is explicit*), not the
        wall clock: every use case it calls (sweeping holds, offering freed seats, releasing
        invoices, the deadlines and emails they write) reads ``clock()`` and so gets the
        run's moment, given once here rather than passed to every call. The parts already
        built (a Stripe client, the queue) are shared, not built again.
        """
        return replace(
            self,
            clock=lambda: now,
            email_queue_factory=lambda: self.email_queue,
            payment_gateway_factory=lambda: self.payments,
            sender_factory=lambda: self.sender,
            renderer_factory=lambda: self.renderer,
            calendar_factory=lambda: self.calendar,
            bank_holidays_factory=lambda: self.bank_holidays,
        )

    @cached_property
    def email_queue(self) -> EmailQueue:
        return self.email_queue_factory()

    @cached_property
    def payments(self) -> PaymentGateway:
        return self.payment_gateway_factory()

    @cached_property
    def sender(self) -> EmailSender:
        return self.sender_factory()

    @cached_property
    def renderer(self) -> EmailRenderer:
        return self.renderer_factory()

    @cached_property
    def calendar(self) -> CalendarWriter:
        return self.calendar_factory()

    @cached_property
    def bank_holidays(self) -> BankHolidays:
        return self.bank_holidays_factory()

    @cached_property
    def sign_in(self) -> OrganiserSignIn:
        return _configured(self.sign_in_factory, "COGNITO_DOMAIN and COGNITO_CLIENT_ID")()

    @cached_property
    def console_sessions(self) -> ConsoleSessionStore:
        return _configured(self.console_sessions_factory, "TABLE_NAME")()

    def session_key(self) -> bytes:
        return _configured(self.session_key_factory, "CONSOLE_SESSION_SECRET_PARAM")()

    @cached_property
    def webhook_events(self) -> WebhookEvents:
        return _configured(self.webhook_events_factory, "STRIPE_WEBHOOK_SECRET_PARAM")()

    @cached_property
    def groups(self) -> GroupStore:
        return _configured(self.groups_factory, "TABLE_NAME")()

    @cached_property
    def certificates(self) -> CertificateWriter:
        return _configured(self.certificate_factory, "the certificate writer")()

    def unconfigured(self, *parts: str) -> list[str]:
        """Which of the named parts (``sign_in``, ``console_sessions``, ``session_key``,
        ``webhook_events``) this container has no settings for."""
        return [part for part in parts if getattr(self, f"{part}_factory") is None]

    @property
    def serves_https(self) -> bool:
        """Served over HTTPS (always in AWS): cookies are ``Secure`` there."""
        return self.public_base_url.startswith("https://")

    def console_url(self, application_id: str) -> str:
        """The application's page in the organisers' console."""
        return f"{self.public_base_url}/console/applications/{application_id}"

    def status_url(self, application: Application) -> str:
        """The applicant's own page: the one link every page and email uses."""
        return (
            f"{self.public_base_url}/applications/{application.application_id}"
            f"?token={application.token}"
        )
