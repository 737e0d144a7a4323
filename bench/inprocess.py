"""Calls per operation and warm latency: the real handlers against in-process moto.

The harness is the integration tests' :class:`tests.support.system.System` (moto for AWS, the
Stripe stand-in behind the real ``stripe.StripeClient``), with the meter of
:mod:`bench.instrument` around each handler invocation. Webhook events are produced by the
stand-in (paying, expiring, settling a delayed payment), captured instead of delivered, then
handed to the webhook handler inside a measured window.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import math
import os
import statistics
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from bench.instrument import Meter, TimedStripeClient, Window

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "STRIPE_SECRET_KEY": "sk_test_local",
    "SENDER_EMAIL": "courses@example.org",
}
LATENCY_RUNS = 200
# 10,000 is not in the default run: in-process moto gets quadratic there (SQS recounts its queue
# on every message, DynamoDB scans its indexes), so it takes many minutes; the call count per
# attendee is the figure, and it is flat from 100 up. ``python -m bench --reminders 1,100,10000``.
REMINDER_SIZES = (1, 100, 1_000)
TZ = "Europe/London"

_meter: Meter | None = None


def meter() -> Meter:
    """One meter per process."""
    global _meter
    if _meter is None:
        _meter = Meter()
    return _meter


def optional_handler(name: str) -> ModuleType | None:
    """A handler module, or None if it is not built yet (or does not import)."""
    try:
        return importlib.import_module(f"booking.handlers.{name}")
    except ImportError:
        return None


def silence_stdout_logs() -> None:
    """Keep the handlers' JSON log lines (and their formatting cost) off the bench's table."""
    sink = io.StringIO()
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
    for logger in [logging.getLogger(), *loggers]:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setStream(sink)
                sink.seek(0)
                sink.truncate()


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
        os.environ.clear()
        os.environ.update(saved)


def _system(resources: Any, the_meter: Meter) -> Any:
    from tests.support.system import System

    class BenchSystem(System):
        """The integration harness, able to hold back the stand-in's webhooks."""

        def __init__(self) -> None:
            self.captured: list[tuple[bytes, dict[str, str]]] | None = None
            super().__init__(resources)
            self.stripe_http = TimedStripeClient(self.standin, the_meter)

        def _deliver(self, url: str, body: bytes, headers: dict[str, str]) -> int:
            if self.captured is not None:
                self.captured.append((body, headers))
                return 200
            return super()._deliver(url, body, headers)

    return BenchSystem()


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
        email = f"applicant{n}-{uuid.uuid4().hex[:6]}@example.org"
        reply = self.system.apply(course_id, email=email)
        if reply.status != 201:
            raise RuntimeError(f"submit answered {reply.status}: {reply.body[:300]}")
        return dict(reply.json())

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
        with self.meter.window() as window:
            reply = self.system.webhook(*delivery)
        if reply.status != 200:
            raise RuntimeError(f"webhook answered {reply.status}: {reply.body[:300]}")
        return window

    def measure(self, call: Callable[[], Any]) -> Window:
        with self.meter.window() as window:
            call()
        return window


# -- webhook scenarios ---------------------------------------------------------------------


def _paid(b: Bench, course_id: str) -> tuple[bytes, dict[str, str]]:
    return b.stripe_action(b.submit(course_id), "pay")[0]


def _expired(b: Bench, course_id: str) -> tuple[bytes, dict[str, str]]:
    return b.stripe_action(b.submit(course_id), "expire")[0]


def _async(result: str) -> Callable[[Bench, str], tuple[bytes, dict[str, str]]]:
    def scenario(b: Bench, course_id: str) -> tuple[bytes, dict[str, str]]:
        application = b.submit(course_id)
        for delivery in b.stripe_action(application, "pay", **{"async": "true"}):
            b.system.webhook(*delivery)  # completed, unpaid: not the event measured here
        return b.stripe_action(application, "async", result=result)[0]

    return scenario


WEBHOOK_SCENARIOS: dict[str, Callable[[Bench, str], tuple[bytes, dict[str, str]]]] = {
    "webhook: completed (paid)": _paid,
    "webhook: expired": _expired,
    "webhook: async succeeded": _async("succeeded"),
    "webhook: async failed": _async("failed"),
}


# -- calls per operation -------------------------------------------------------------------


@dataclass
class Calls:
    operation: str
    dynamodb: int | None
    sqs: int | None
    stripe: int | None
    other: int | None
    target: str
    verdict: str
    detail: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _calls(operation: str, window: Window, target: str, ok: bool | None, note: str = "") -> Calls:
    other = sum(
        n
        for name, n in window.calls.items()
        if not name.startswith(("dynamodb.", "sqs.", "stripe."))
    )
    verdict = "-" if ok is None else ("ok" if ok else "OVER")
    return Calls(
        operation,
        window.count("dynamodb."),
        window.count("sqs."),
        window.count("stripe."),
        other,
        target,
        verdict,
        dict(sorted(window.calls.items())),
        note,
    )


def calls_per_operation(b: Bench) -> list[Calls]:
    course_id = b.put_course(10_000, datetime.now(UTC).date() + timedelta(days=90), sessions=2)
    rows = []
    with b.meter.window() as window:
        b.submit(course_id)
    ok = (
        window.count("dynamodb.") <= 2
        and window.count("stripe.") <= 1
        and window.count("sqs.") == 0
    )
    rows.append(_calls("submit application", window, "<= 2 DynamoDB + 1 Stripe, no SQS", ok))
    with b.meter.window() as window:
        relayed = b.system.stream.pump()
    rows.append(
        _calls(
            "relay: the stream batch after it",
            window,
            "1 SQS batch + 1 delete per email",
            window.count("sqs.") == 1,
            f"{relayed} stream records",
        )
    )
    for name, scenario in WEBHOOK_SCENARIOS.items():
        delivery = scenario(b, course_id)
        window = b.webhook(delivery)
        b.system.stream.pump()  # outside the window: the relay's work, not the webhook's
        if name.endswith("(paid)"):
            paid_ok = window.count("dynamodb.") <= 3 and window.count("sqs.") == 0
            rows.append(_calls(name, window, "<= 3 DynamoDB, no SQS", paid_ok))
            rows.append(_calls("webhook: same event again", b.webhook(delivery), "-", None))
        else:
            rows.append(_calls(name, window, "-", None))
    return rows


def reminder_runs(sizes: tuple[int, ...] = REMINDER_SIZES) -> list[Calls]:
    reminders = optional_handler("reminders")
    if reminders is None or not hasattr(reminders, "handler"):
        return [
            Calls(
                f"reminder run, {n} attendees",
                None,
                None,
                None,
                None,
                "O(due), batched sends",
                "not built",
            )
            for n in sizes
        ]
    rows = []
    with harness() as b:
        silence_stdout_logs()
        first = datetime.now(UTC).date() + timedelta(days=60)
        for k, n in enumerate(sizes):
            day = first + timedelta(days=15 * k)  # earlier courses have started by this run
            course_id = b.put_course(10_000, day)
            seed_attendees(b, course_id, n)
            now = session_start(day) - timedelta(hours=23)  # the 24 h reminder is due
            event = {
                **_sample_event("scheduler/reminder_tick.json"),
                "time": now.isoformat().replace("+00:00", "Z"),
            }
            with b.meter.window() as window:
                summary = reminders.handler(event, _context("reminders"))
            sends = window.count("sqs.")
            # Per attendee: claim, then mark queued. Fixed: the sweep's own queries (holds,
            # offers, invoices, outbox leftovers, the due-reminder index, with their pages).
            ok = sends <= math.ceil(n / 10) + 1 and window.count("dynamodb.") <= 2 * n + 16
            note = (
                f"{window.count('dynamodb.') / n:.2f} DynamoDB calls per attendee, "
                f"{window.wall_s:.2f} s; summary {summary}"
            )
            rows.append(
                _calls(f"reminder run, {n} attendees", window, "O(due), batched sends", ok, note)
            )
    return rows


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


# -- warm latency --------------------------------------------------------------------------


@dataclass
class Latency:
    handler: str
    operation: str
    runs: int
    p50_ms: float | None
    p99_ms: float | None
    own_p50_ms: float | None
    own_p99_ms: float | None
    note: str = ""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(math.ceil(q * len(ordered)) - 1, 0)
    return ordered[index]


def _latency(handler: str, operation: str, windows: list[Window]) -> Latency:
    walls = [w.wall_s * 1e3 for w in windows]
    owns = [w.own_s * 1e3 for w in windows]
    return Latency(
        handler,
        operation,
        len(windows),
        statistics.median(walls),
        _percentile(walls, 0.99),
        statistics.median(owns),
        _percentile(owns, 0.99),
    )


def _context(name: str) -> Any:
    from infra.local.server import lambda_context

    return lambda_context(f"booking-{name}")


def _sample_event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return loaded


def warm_latency(runs: int = LATENCY_RUNS) -> list[Latency]:
    from infra.local.server import http_api_event

    rows: list[Latency] = []
    with harness() as b:
        silence_stdout_logs()
        course_id = b.put_course(10_000, datetime.now(UTC).date() + timedelta(days=90), sessions=6)
        api = optional_handler("api")
        for _ in range(5):  # warm up every path once
            b.submit(course_id)
            b.system.api("GET", "/courses")
        apps = [b.submit(course_id, i) for i in range(runs)]
        rows.append(
            _latency(
                "api",
                "GET /courses",
                [b.measure(lambda: b.system.api("GET", "/courses")) for _ in range(runs)],
            )
        )
        rows.append(
            _latency(
                "api",
                "GET /courses/{id}",
                [
                    b.measure(lambda: b.system.api("GET", f"/courses/{course_id}"))
                    for _ in range(runs)
                ],
            )
        )
        rows.append(
            _latency(
                "api",
                "POST /courses/{id}/applications",
                [b.measure(lambda: b.submit(course_id)) for _ in range(runs)],
            )
        )
        rows.append(
            _latency(
                "api",
                "GET /applications/{id}?token",
                [
                    b.measure(
                        lambda a=a: b.system.api(  # type: ignore[misc]
                            "GET", f"/applications/{a['application_id']}?token={a['token']}"
                        )
                    )
                    for a in apps
                ],
            )
        )
        assert api is not None
        deliveries = [b.stripe_action(a, "pay")[0] for a in apps]
        rows.append(_latency("webhook", "completed (paid)", [b.webhook(d) for d in deliveries]))

        admin = optional_handler("admin")
        if admin is not None:
            path = f"/admin/courses/{course_id}/applications"
            # What API Gateway's JWT authorizer passes on (infra/local/front.py stands in).
            organiser = {"jwt": {"claims": {"sub": "bench", "scope": "booking/admin"}}}

            def roster() -> None:
                event = http_api_event("GET", path, {}, b"", "198.51.100.9")
                event["requestContext"]["authorizer"] = organiser
                answer = admin.handler(event, _context("admin"))
                if answer.get("statusCode") != 200:
                    raise RuntimeError(f"admin answered {answer.get('statusCode')}")

            roster()
            rows.append(
                _latency(
                    "admin",
                    f"GET roster ({runs * 2 + 10} applications)",
                    [b.measure(roster) for _ in range(max(runs // 4, 20))],
                )
            )

        mailer = optional_handler("mailer")
        if mailer is not None:
            records = _queued_records(b, runs)
            rows.append(
                _latency(
                    "mailer",
                    "one email job (SES via moto)",
                    [b.measure(partial(_mail, mailer, r)) for r in records],
                )
            )

        ses_events = optional_handler("ses_events")
        if ses_events is not None:
            bounce = _sample_event("sns/ses_bounce.json")
            rows.append(
                _latency(
                    "ses_events",
                    "bounce notification",
                    [
                        b.measure(lambda: ses_events.handler(bounce, _context("ses-events")))
                        for _ in range(runs)
                    ],
                )
            )

    reminders = optional_handler("reminders")
    if reminders is not None:
        rows.append(_reminder_latency(reminders, max(runs // 4, 20)))
    measured = {r.handler for r in rows}
    from bench.coldstart import discover_handlers

    for name, _ in discover_handlers():
        if name not in measured:
            rows.append(Latency(name, "-", 0, None, None, None, None, "not built / no recipe"))
    return rows


def _queued_records(b: Bench, wanted: int) -> list[dict[str, Any]]:
    """Email jobs the webhooks queued, as the SQS records Lambda would hand the mailer."""
    template = _sample_event("sqs/email_job.json")["Records"][0]
    records: list[dict[str, Any]] = []
    b.system.stream.pump()  # the outbox to the queue, as the relay function does
    url = b.system.resources.email_queue_url
    while len(records) < wanted:
        got = b.system.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        for message in got:
            records.append(
                {
                    **template,
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                }
            )
    return records[:wanted]


def _mail(mailer: ModuleType, record: dict[str, Any]) -> None:
    answer = mailer.handler({"Records": [record]}, _context("mailer"))
    if answer.get("batchItemFailures"):
        raise RuntimeError(f"mailer failed: {answer}")


def _reminder_latency(reminders: ModuleType, runs: int) -> Latency:
    """Each run meets a fresh course (1 attendee) whose 24 h reminder has just come due."""
    windows = []
    with harness() as b:
        silence_stdout_logs()
        first = datetime.now(UTC).date() + timedelta(days=60)
        for k in range(runs + 1):
            day = first + timedelta(days=15 * k)
            course_id = b.put_course(100, day)
            seed_attendees(b, course_id, 1)
            now = session_start(day) - timedelta(hours=23)
            event = {
                **_sample_event("scheduler/reminder_tick.json"),
                "time": now.isoformat().replace("+00:00", "Z"),
            }
            window = b.measure(
                lambda e=event: reminders.handler(  # type: ignore[misc]
                    e, _context("reminders")
                )
            )
            if k:  # the first run warms up
                windows.append(window)
    return _latency("reminders", "run, 1 attendee due", windows)
