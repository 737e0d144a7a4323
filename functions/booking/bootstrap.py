"""The one composition root: every function's adapters, built from validated settings.

Each handler module calls :func:`at_cold_start` when Lambda imports it, naming the parts only
its function needs (the webhook its signing secret, the console its sign-in, sessions and
cookie key), so a bad or missing setting fails the function's init (visible at deploy, retried
by Lambda) rather than its first request, and nothing runs on a default. Outside Lambda (tests,
the local stack) the ports are built on first use instead, after the environment has been set.
Handlers reach settings only through here.

Tests and the local stack replace the ports in one way, :func:`use`, and forget them with
:func:`reset`. Nothing else in ``functions/`` creates a client.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from booking import aws
from booking.adapters.dynamodb import StoresOnDemand
from booking.adapters.dynamodb.sessions import DynamoConsoleSessions
from booking.config import Settings, settings
from booking.domain.organisers import SIGN_IN_SCOPES
from booking.services.ports import (
    BankHolidays,
    CalendarWriter,
    CertificateWriter,
    EmailQueue,
    EmailRenderer,
    EmailSender,
    MissingSetting,
    OrganiserSignIn,
    PaymentGateway,
    Ports,
    WebhookEvents,
)

_current: Ports | None = None

# How long the webhook waits for Stripe to answer a read, well inside its 15 s Lambda.
READ_TIMEOUT_SECONDS = 5
# How long any other call waits for each answer, and how often it is tried: every try of an
# applicant's call, and the SDK's pauses between them (under 2 s), end well inside the API's
# 15 s Lambda, so a Stripe that hangs is a 503 in words with the application kept, not the
# gateway's wordless 503 once the function is cut off (the SDK's own default waits 80 s).
CALL_TIMEOUT_SECONDS = 4
CALL_RETRIES = 2


class _Adapters:
    """How each adapter is made from the settings, each imported only when first used: a
    Stripe client costs about 160 ms of cold start, Jinja and icalendar more."""

    def __init__(self, config: Settings, clients: dict[str, Any]) -> None:
        self.config = config
        self.clients = clients

    def client(self, service: str) -> Any:
        return self.clients.get(service) or aws.client(service)

    def email_queue(self) -> EmailQueue:
        from booking.adapters.email_queue import SqsEmailQueue

        return SqsEmailQueue(self.client("sqs"), self.config.email_queue_url)

    def payments(self) -> PaymentGateway:
        import stripe

        from booking.adapters.stripe_calls import UntilSilent
        from booking.adapters.stripe_gateway import StripeGateway

        api_base, key = self.config.stripe_api_base, self.config.stripe_key()
        client = stripe.StripeClient(
            key,
            # Only the local stand-in changes the address; real Stripe keeps the SDK default.
            base_addresses={"api": api_base} if api_base else {},
            http_client=stripe.new_default_http_client(timeout=CALL_TIMEOUT_SECONDS),
            # Safe to retry: every mutating call carries an idempotency key.
            max_network_retries=CALL_RETRIES,
        )
        # The webhook's reads (is this session paid?) answer within seconds or not at all:
        # the SDK's 80 s default would hold a paid event for the whole Lambda timeout.
        reading = stripe.new_default_http_client(timeout=READ_TIMEOUT_SECONDS)

        def reader(http_client: stripe.HTTPClient) -> stripe.StripeClient:
            return stripe.StripeClient(
                key,
                base_addresses={"api": api_base} if api_base else {},
                http_client=http_client,
                max_network_retries=0,
            )

        # The scheduled run's calls (``StripeGateway.brief``): as the reader's, and none more
        # once Stripe is silent, so a Stripe that hangs never holds the run's reminders.
        return StripeGateway(client, reader(reading), lambda: reader(UntilSilent(reading)))

    def sender(self) -> EmailSender:
        from booking.adapters.ses_sender import SesSender

        config = self.config
        return SesSender(self._ses_client(), config.sender_email, config.ses_configuration_set)

    def _ses_client(self) -> Any:
        """SES with one attempt and short timeouts, so a call ends within SES_CALL_LIMIT: a
        send is started only while it can end within its lease (``services.mailer``). A
        throttled or failed call is retried by the queue, not here."""
        given = self.clients.get("sesv2")
        if given is not None:
            return given
        from botocore.config import Config

        from booking.services.send_leases import SES_CALL_LIMIT

        half = SES_CALL_LIMIT.total_seconds() / 2
        limited = Config(
            connect_timeout=half, read_timeout=half, retries={"max_attempts": 1, "mode": "standard"}
        )
        return aws.client("sesv2", config=limited)

    def renderer(self) -> EmailRenderer:
        from booking.adapters.email_templates import JinjaEmailRenderer

        return JinjaEmailRenderer()

    def calendar(self) -> CalendarWriter:
        from booking.adapters.calendar import IcsCalendarWriter

        # Right-hand side of calendar UIDs: stable per deployment (the sender's domain).
        return IcsCalendarWriter(self.config.sender_email.rpartition("@")[2] or "localhost")

    @staticmethod
    def certificates() -> CertificateWriter:
        from booking.adapters.certificate_pdf import FpdfCertificateWriter

        return FpdfCertificateWriter()

    @staticmethod
    def bank_holidays() -> BankHolidays:
        from booking.adapters.bank_holidays import EnglandAndWalesBankHolidays

        return EnglandAndWalesBankHolidays()

    def sign_in(self) -> OrganiserSignIn:
        from booking.adapters.cognito import CognitoSignIn

        # Built only when configured (``Settings.has_sign_in``).
        return CognitoSignIn(
            self.config.cognito_domain or "", self.config.cognito_client_id or "", SIGN_IN_SCOPES
        )

    def webhook_events(self) -> WebhookEvents:
        from booking.adapters.stripe_webhook import StripeWebhookEvents

        return StripeWebhookEvents(self.config.webhook_secret)


def build(config: Settings, **clients: Any) -> Ports:
    """The ports of a deployed function, on botocore clients made here (``booking.aws``)
    unless given in ``clients`` by service name (``dynamodb``, ``sqs``, ``sesv2``): the local
    stack passes an SES client that also keeps each message, fault-injection tests pass
    clients they control.
    A part whose settings are missing has no factory (``Ports.unconfigured`` names it). The
    repository's stores are each built when first used (``StoresOnDemand``)."""
    made = _Adapters(config, clients)
    unpaid_retention = timedelta(days=config.unpaid_retention_days)
    repository = StoresOnDemand(made.client("dynamodb"), config.table_name, unpaid_retention)
    return Ports(
        repository=repository,
        public_base_url=config.public_base_url.rstrip("/"),
        email_queue_factory=made.email_queue,
        payment_gateway_factory=made.payments,
        sender_factory=made.sender,
        renderer_factory=made.renderer,
        calendar_factory=made.calendar,
        bank_holidays_factory=made.bank_holidays,
        email_claim_timeout=timedelta(seconds=config.email_claim_timeout_seconds),
        unpaid_retention=unpaid_retention,
        sender_email=config.sender_email,
        sign_in_factory=made.sign_in if config.has_sign_in else None,
        console_sessions_factory=lambda: DynamoConsoleSessions(repository.table),
        session_key_factory=(
            config.console_session_key if config.has_console_session_secret else None
        ),
        webhook_events_factory=made.webhook_events if config.has_webhook_secret else None,
        groups_factory=lambda: repository,
        certificate_factory=made.certificates,
    )


def ports() -> Ports:
    """This container's ports, built on first use from the environment."""
    global _current
    if _current is None:
        _current = build(settings())
    return _current


def use(replacement: Ports) -> None:
    """Tests and the local stack: run every handler on these ports from now on."""
    global _current
    _current = replacement


def reset() -> None:
    """Forget the ports and the settings (the environment changed)."""
    global _current
    _current = None
    settings.cache_clear()
    aws.forget()


def at_cold_start(*needed: str, repository_calls: Collection[str] | None = None) -> None:
    """In Lambda, build the ports now, and check that the parts this function ``needed``
    (``webhook_events``, ``sign_in``, ``console_sessions``, ``session_key``) are configured: a
    missing or malformed setting fails the init.

    The repository's stores are built now too: every one, unless the function names the
    ``repository_calls`` every one of its requests makes; then only the stores serving them,
    and any other when a request first calls it. A store's module loads the domain models it
    reads and writes, which a function that never calls it need not wait for; one its every
    request calls is loaded here, where it costs the same, rather than in the first request.
    A SnapStart init builds every store whatever the function names: its snapshot holds them.
    """
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        try:
            repository = require(*needed).repository
            if isinstance(repository, StoresOnDemand):
                repository.build_stores(None if taking_snapshot() else repository_calls)
        finally:
            # What init made (every module, class and client) lives as long as the
            # environment: kept out of the collector's full passes, which otherwise walk it all
            # again inside a request (admin: about 90,000 objects, a 60 ms pause in the
            # roster's slowest request).
            gc.freeze()
            # Paused since the first import of ``booking`` (booking/__init__.py): it collects
            # again from here on, over what requests make.
            gc.enable()


def snapshot_builds_every_model() -> None:
    """SnapStart: build the validator and serializer of every model the init defined (each is
    built on first use, ``booking.domain.model``), so the snapshot holds them and no request
    after a restore waits for one. Each SnapStart function calls it last in its init."""
    if taking_snapshot():
        from booking.domain.model import build_every_model

        build_every_model()


def taking_snapshot() -> bool:
    """True during a SnapStart function's init (Lambda says ``snap-start``): whatever is loaded
    now is in the snapshot every later start resumes from, so loading it costs nobody a wait;
    on an ordinary cold start, loading what a request may never use is the wait itself."""
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def require(*needed: str) -> Ports:
    """This container's ports, refusing (``MissingSetting``) when a needed part has no
    settings."""
    the_ports = ports()
    unconfigured = the_ports.unconfigured(*needed)
    if unconfigured:
        raise MissingSetting(f"this function needs settings for: {', '.join(unconfigured)}")
    return the_ports
