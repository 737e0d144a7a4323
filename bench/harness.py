"""The in-process system the bench measures: the real handlers against in-process moto.

The harness is the integration tests' :class:`tests.support.system.System` (moto for AWS, the
Stripe stand-in behind the real ``stripe.StripeClient``), with the meter of
:mod:`bench.instrument` around each handler invocation. Webhook events are produced by the
stand-in (paying, expiring, settling a delayed payment), captured instead of delivered, then
handed to the webhook handler inside a measured window. :mod:`bench.calls` counts calls with it,
:mod:`bench.latency` times them.
"""

from __future__ import annotations

import gc
import importlib
import io
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from bench.instrument import Meter, Window
from tests.support.stripe_client import InProcessHTTPClient

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "STRIPE_SECRET_KEY": "sk_test_local",
    "SENDER_EMAIL": "courses@example.org",
}
TZ = "Europe/London"
SOURCE_IP = "198.51.100.7"
WEBHOOK_PATH = "/webhooks/stripe"

_meter: Meter | None = None


def meter() -> Meter:
    """One meter per process."""
    global _meter
    if _meter is None:
        _meter = Meter()
    return _meter


def optional_handler(name: str) -> ModuleType | None:
    """A handler module, or None if it is not built yet (or does not import). Its logger is
    made as it is imported, after any earlier silencing: its log lines are kept off the
    bench's table too (the ses_events handler's 200 lines once stood in the latency table)."""
    try:
        module = importlib.import_module(f"booking.handlers.{name}")
    except ImportError:
        return None
    silence_stdout_logs()
    return module


def silence_stdout_logs() -> None:
    """Keep the handlers' JSON log lines (and their formatting cost) off the bench's table."""
    sink = io.StringIO()
    root = logging.getLogger()
    if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
        # A service's child logger whose function's logger was never made here (the bench
        # calls services directly) has no handler on its way up: without one at the root,
        # logging's last resort prints its warnings (the relay sweep's) over the table.
        root.addHandler(logging.NullHandler())
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
    for logger in [logging.getLogger(), *loggers]:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setStream(sink)
                sink.seek(0)
                sink.truncate()


def applicant_email(n: int) -> str:
    """A new applicant's address (one application per person and course)."""
    return f"applicant{n}-{uuid.uuid4().hex[:6]}@example.org"


def course_definition(capacity: int, first: date, sessions: int = 1) -> dict[str, Any]:
    return {
        "programme": f"bench-{uuid.uuid4().hex[:8]}",
        "title": "Bench course",
        "timezone": TZ,
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": capacity,
        "reminder_offsets_hours": [24, 1],
        "sessions": [
            {
                "date": (first + timedelta(weeks=i)).isoformat(),
                "start_time": "15:00",
                "end_time": "17:00",
                "kind": "core",
                "title": f"Session {i + 1}",
            }
            for i in range(sessions)
        ],
    }


def session_start(first: date) -> datetime:
    return datetime.combine(first, time(15, 0), ZoneInfo(TZ)).astimezone(UTC)


@contextmanager
def harness() -> Iterator[Bench]:
    from moto import mock_aws

    from infra.local.aws import provision

    saved = dict(os.environ)
    os.environ.update(ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)
    the_meter = meter()
    try:
        with mock_aws():
            the_meter.attach()  # after mock_aws, which resets boto3's default session
            resources = provision()
            os.environ.update(
                {
                    "TABLE_NAME": resources.table_name,
                    "EMAIL_QUEUE_URL": resources.email_queue_url,
                    "PUBLIC_BASE_URL": "http://booking.test",
                    "STRIPE_WEBHOOK_SECRET": "whsec_integration",
                }
            )
            from booking import bootstrap

            bootstrap.reset()
            system = _system(resources, the_meter)
            # The stream relay runs as its own function: measured on its own, not inside the
            # request that wrote the outbox.
            system.hold_stream = True
            yield Bench(system, the_meter)
            bootstrap.reset()
    finally:
        gc.unfreeze()
        os.environ.clear()
        os.environ.update(saved)


def settle_heap() -> None:
    """Leave what this process holds so far out of the collector's full passes, as a deployed
    function leaves what its init made (``booking.bootstrap.at_cold_start`` freezes it). The
    bench's process also holds moto's tables, the Stripe stand-in and the harness, which no
    function holds: a full pass inside a measured request walked them all (about 350,000
    objects; it was the roster's one slow run in 50, 200 to 800 ms of it), not what the
    request made."""
    gc.collect()
    gc.freeze()


def _system(resources: Any, the_meter: Meter) -> Any:
    from tests.support.system import System

    class BenchSystem(System):
        """The integration harness, able to hold back the stand-in's webhooks."""

        def __init__(self) -> None:
            self.captured: list[tuple[bytes, dict[str, str]]] | None = None
            super().__init__(resources, deployed_client)
            self.stripe_http = InProcessHTTPClient(
                self.standin, observe=the_meter.stripe_request, clock=the_meter.clock
            )

        def _deliver(self, url: str, body: bytes, headers: dict[str, str]) -> int:
            if self.captured is not None:
                self.captured.append((body, headers))
                return 200
            return super()._deliver(url, body, headers)

    return BenchSystem()


def deployed_client(service: str) -> Any:
    """A client made as a deployed function makes it (``booking.aws.DEPLOYED_CONFIG``), on
    boto3's default session, which the meter hooks (the integration tests' clients check each
    request against the service's model besides)."""
    import boto3

    from booking.aws import DEPLOYED_CONFIG

    return boto3.client(service, config=DEPLOYED_CONFIG)  # type: ignore[call-overload]


@dataclass
class Bench:
    system: Any
    meter: Meter
    course_ids: list[str] = field(default_factory=list)

    def put_course(self, capacity: int, first: date, sessions: int = 1) -> str:
        course_id = f"bench-{uuid.uuid4().hex[:10]}"
        self.system.put_course(course_id, course_definition(capacity, first, sessions))
        return course_id

    def submit(self, course_id: str, n: int = 0) -> dict[str, Any]:
        reply = self.system.apply(course_id, email=applicant_email(n))
        if reply.status != 201:
            raise RuntimeError(f"submit answered {reply.status}: {reply.body[:300]}")
        return dict(reply.json())

    def invoke(self, function: str, event: dict[str, Any], status: int = 200) -> Window:
        """``function``'s handler on ``event``, timed alone, as Lambda bills an invocation: the
        event and context are made before the window opens and the answer checked after it.
        Through the integration harness a request also built its event, parsed the answer and
        checked it against the OpenAPI document (jsonschema: more than half the time once
        counted as a read's own), none of which a deployed function does."""
        module = importlib.import_module(f"booking.handlers.{function}")
        context = lambda_context(function)
        with self._window() as window:
            answer = module.handler(event, context)
        if answer.get("statusCode") != status:
            raise RuntimeError(f"{function} answered {answer.get('statusCode')}, not {status}")
        return window

    def request(self, method: str, target: str, body: Any = None, status: int = 200) -> Window:
        """One request to the public API function (``body`` sent as JSON), timed by
        :meth:`invoke`."""
        from infra.local.front import http_api_event

        sent = b"" if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"content-type": "application/json"}
        return self.invoke("api", http_api_event(method, target, headers, sent, SOURCE_IP), status)

    def stripe_action(
        self, application: dict[str, Any], action: str, **form: str
    ) -> list[tuple[bytes, dict[str, str]]]:
        """Pay / expire / settle the application's session; the webhooks, held back."""
        session_id = urlsplit(application["checkout_url"]).path.rsplit("/", 1)[-1]
        self.system.captured = []
        try:
            body = urlencode(form).encode()
            headers = {"content-type": "application/x-www-form-urlencoded"} if form else {}
            reply = self.system.stripe_local(
                "POST", f"/checkout/{session_id}/{action}", body, headers
            )
            if reply.status >= 300:
                raise RuntimeError(f"stand-in {action} answered {reply.status}: {reply.body}")
            return list(self.system.captured)
        finally:
            self.system.captured = None

    def webhook(self, delivery: tuple[bytes, dict[str, str]]) -> Window:
        """The webhook function on one delivery the stand-in made, timed by :meth:`invoke`."""
        from infra.local.front import http_api_event

        body, headers = delivery
        event = http_api_event("POST", WEBHOOK_PATH, headers, body, SOURCE_IP)
        return self.invoke("webhook", event)

    def scheduled(self, event: dict[str, Any]) -> AbstractContextManager[None]:
        """The functions' clock at ``event``'s time, as the local stack's tick moves it: a
        scheduled run ahead of its function's clock is refused (``domain.run_time``)."""
        moment = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
        return self.system.functions_clock.reading(moment)  # type: ignore[no-any-return]

    def measure(self, call: Callable[[], Any]) -> Window:
        with self._window() as window:
            call()
        return window

    def _window(self) -> AbstractContextManager[Window]:
        settle_heap()
        return self.meter.window()


def seed_attendees(b: Bench, course_id: str, n: int) -> None:
    """One real confirmed booking, then n-1 copies of it written straight to the table."""
    from booking.adapters.dynamodb import UNPAID_RETENTION
    from booking.adapters.dynamodb.items import application_to_item  # the table's own shape

    application = b.submit(course_id)
    for delivery in b.stripe_action(application, "pay"):
        b.system.webhook(*delivery)
    repo = b.system.ports.repository
    confirmed = repo.get_application(application["application_id"])
    table = b.system.resources.table_name
    items = []
    for i in range(1, n):
        answers = confirmed.answers.model_copy(update={"email": f"attendee{i}@example.org"})
        copy = confirmed.model_copy(
            update={
                "application_id": f"{confirmed.application_id[:20]}{i:06d}",
                "answers": answers,
                "outbox": (),
            }
        )
        items.append({"PutRequest": {"Item": application_to_item(copy, UNPAID_RETENTION)}})
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {table: items[start : start + 25]}
        while pending:
            pending = (
                b.system.dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems")
                or {}
            )


def lambda_context(name: str) -> Any:
    from infra.local.server import lambda_context

    return lambda_context(f"booking-{name}")


def sample_event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return loaded


def reminder_tick(day: date) -> dict[str, Any]:
    """The scheduler's event at the moment the 24 h reminder of a course starting on ``day``
    has just come due."""
    now = session_start(day) - timedelta(hours=23)
    return {
        **sample_event("scheduler/reminder_tick.json"),
        "time": now.isoformat().replace("+00:00", "Z"),
    }
