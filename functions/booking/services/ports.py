"""What the use cases need from the outside world: ports (Protocols) and the values they carry.

Services import these and the domain, never an adapter. ``booking.bootstrap`` builds the real
adapters (DynamoDB, SQS, Stripe, SES, Jinja2, icalendar) once per container; the tests build
in-memory fakes (``tests/fakes``) held to the same contract as the real adapters by one contract
suite (``tests/contract``).

Adapters translate their own failures into the domain's: a dependency that is down or busy is
:class:`~booking.domain.errors.DependencyUnavailable`, a write that lost a race is
:class:`~booking.domain.errors.StaleWrite`, and so on. No service knows botocore or Stripe.

The ports live by what they reach (``repository_port``, ``email_port``, ``payment_port``,
``sign_in_port``; an email's claim in ``email_claims``); this module re-exports each name, so
use cases import ports from one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from booking.domain.links import with_query
from booking.services.code_store_port import DiscountCodeStore
from booking.services.email_claims import ClaimHeld, ClaimRead, EmailClaim
from booking.services.email_port import (
    CalendarWriter,
    CertificateWriter,
    EmailQueue,
    EmailRenderer,
    EmailSender,
    EmailSendError,
    QueueUnavailable,
    RenderedEmail,
)
from booking.services.ledger_ports import (
    AnnouncementLedger,
    EmailLedger,
    ReminderLedger,
    ReminderMarker,
)
from booking.services.payment_port import (
    PAID_ALREADY,
    CheckoutAtStripe,
    CheckoutRequest,
    DiscountCodeRequest,
    InvoiceAtStripe,
    InvoiceRequest,
    PaymentGateway,
    RefundAtStripe,
    RefundMade,
)
from booking.services.payment_recorders_port import PaymentRecorderIndex, PaymentRecorders
from booking.services.repository_port import (
    Anomaly,
    AnomalyLog,
    ApplicationHistory,
    ApplicationStore,
    CourseStore,
    EmailOutbox,
    EnrolmentRead,
    GroupStore,
    OwedSearch,
    RegisterStore,
    Repository,
    SessionRow,
    SubmissionRead,
)
from booking.services.sign_in_port import (
    ConsoleSessionStore,
    OrganiserIdentity,
    OrganiserSignIn,
)

if TYPE_CHECKING:
    # Types only: a function that reads no application (the SES events') loads no model.
    from booking.domain.application import Application
    from booking.domain.disputes import DisputeEvent
    from booking.domain.invoices import InvoiceEvent
    from booking.domain.payments import CheckoutEvent, RefundEvent

    PaymentEvent = CheckoutEvent | RefundEvent | InvoiceEvent | DisputeEvent

# Re-exported: the use cases and adapters import every port from here.
__all__ = [
    "PAID_ALREADY",
    "AnnouncementLedger",
    "Anomaly",
    "AnomalyLog",
    "ApplicationHistory",
    "ApplicationStore",
    "CalendarWriter",
    "CertificateWriter",
    "CheckoutAtStripe",
    "CheckoutRequest",
    "ClaimHeld",
    "ClaimRead",
    "ConsoleSessionStore",
    "CourseStore",
    "DiscountCodeRequest",
    "DiscountCodeStore",
    "EmailClaim",
    "EmailLedger",
    "EmailOutbox",
    "EmailQueue",
    "EmailRenderer",
    "EmailSendError",
    "EmailSender",
    "EnrolmentRead",
    "GroupStore",
    "InvoiceAtStripe",
    "InvoiceRequest",
    "OrganiserIdentity",
    "OrganiserSignIn",
    "OwedSearch",
    "PaymentGateway",
    "PaymentRecorderIndex",
    "PaymentRecorders",
    "QueueUnavailable",
    "RefundAtStripe",
    "RefundMade",
    "RegisterStore",
    "ReminderLedger",
    "ReminderMarker",
    "RenderedEmail",
    "Repository",
    "SessionRow",
    "SubmissionRead",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


# -- the calendar of working days --------------------------------------------------------------


class BankHolidays(Protocol):
    """The days beyond weekends on which nobody is at work to pay an invoice (England and
    Wales' bank holidays): ``day in bank_holidays``. Given to ``domain.billing``'s due-date
    rule, which is pure."""

    def __contains__(self, day: object, /) -> bool: ...


# -- Stripe's webhook -----------------------------------------------------------------------


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


# How long an application that ended without any payment is kept after its last change, unless
# the stage's setting says otherwise (``Settings.unpaid_retention_days``): the one default the
# settings, the repository and the ports are given.
UNPAID_RETENTION = timedelta(days=90)


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
    # A mailer claim left "sending" longer than this belongs to a delivery that died before
    # calling SES (the email queue's visibility timeout, set in one place in CDK); one that
    # called SES left "sent_unconfirmed", never taken over (``services.send_leases``).
    email_claim_timeout: timedelta = timedelta(seconds=180)
    # An application that ended without being a booking is deleted this long after its last
    # change (the repository writes its expiry with it); a subject access answer says it.
    unpaid_retention: timedelta = UNPAID_RETENTION
    # How a use case waits a moment: an erasure, for a send already past its last check.
    pause: Callable[[float], None] = field(default=time.sleep)
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
        return self._sharing(clock=lambda: now)

    def brief_at_the_provider(self) -> Ports:
        """These ports with the payment provider asked briefly (``PaymentGateway.brief``):
        what the schedule's run and an erasure work with, so nothing of them waits on a
        provider that hangs (an erasure's answer must come inside API Gateway's 29 s)."""
        return self._sharing(payment_gateway_factory=lambda: self.payments.brief())

    def _sharing(self, **changes: Any) -> Ports:
        """These ports with ``changes``, the parts already built (or built later) shared with
        them rather than built again."""
        shared: dict[str, Any] = {
            "email_queue_factory": lambda: self.email_queue,
            "payment_gateway_factory": lambda: self.payments,
            "sender_factory": lambda: self.sender,
            "renderer_factory": lambda: self.renderer,
            "calendar_factory": lambda: self.calendar,
            "bank_holidays_factory": lambda: self.bank_holidays,
        }
        if self.groups_factory is not None:
            shared["groups_factory"] = lambda: self.groups
        return replace(self, **{**shared, **changes})

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
        return with_query(
            f"{self.public_base_url}/applications/{application.application_id}",
            {"token": application.token},
        )
