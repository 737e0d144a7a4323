"""Warm latency: each handler's time per request once warm, and how much of it is its own (not
spent waiting on AWS or Stripe)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from types import ModuleType
from typing import Any

from bench.harness import (
    Bench,
    applicant_email,
    harness,
    lambda_context,
    optional_handler,
    reminder_tick,
    sample_event,
    seed_attendees,
    silence_stdout_logs,
)
from bench.instrument import Window

LATENCY_RUNS = 200


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


def warm_latency(runs: int = LATENCY_RUNS) -> list[Latency]:
    rows: list[Latency] = []
    with harness() as b:
        silence_stdout_logs()
        course_id = b.put_course(10_000, datetime.now(UTC).date() + timedelta(days=90), sessions=6)
        for _ in range(5):  # warm up every path once
            b.submit(course_id)
            b.system.api("GET", "/courses")
        apps = [b.submit(course_id, i) for i in range(runs)]
        rows += _api_latency(b, course_id, apps, runs)
        deliveries = [b.stripe_action(a, "pay")[0] for a in apps]
        rows.append(_latency("webhook", "completed (paid)", [b.webhook(d) for d in deliveries]))
        for measured in (_admin_latency, _mailer_latency, _ses_events_latency):
            row = measured(b, course_id, runs)
            if row is not None:
                rows.append(row)

    reminders = optional_handler("reminders")
    if reminders is not None:
        rows.append(_reminder_latency(reminders, max(runs // 4, 20)))
    measured_handlers = {r.handler for r in rows}
    from bench.coldstart import discover_handlers

    for name, _ in discover_handlers():
        if name not in measured_handlers:
            rows.append(Latency(name, "-", 0, None, None, None, None, "not built / no recipe"))
    return rows


def _api_latency(b: Bench, course_id: str, apps: list[dict[str, Any]], runs: int) -> list[Latency]:
    """The public API's reads and its one write, each ``runs`` times."""
    from tests.support.applications import application_body

    def timed(method: str, target: str) -> list[Window]:
        return [b.request(method, target) for _ in range(runs)]

    applications = f"/courses/{course_id}/applications"
    return [
        _latency("api", "GET /courses", timed("GET", "/courses")),
        _latency("api", "GET /courses/{id}", timed("GET", f"/courses/{course_id}")),
        _latency(
            "api",
            "POST /courses/{id}/applications",
            [
                b.request("POST", applications, application_body(email=applicant_email(n)), 201)
                for n in range(runs)
            ],
        ),
        _latency(
            "api",
            "GET /applications/{id}?token",
            [
                b.request("GET", f"/applications/{a['application_id']}?token={a['token']}")
                for a in apps
            ],
        ),
    ]


def _admin_latency(b: Bench, course_id: str, runs: int) -> Latency | None:
    """The organiser's roster of the course every other measure has filled."""
    if optional_handler("admin") is None:
        return None
    from infra.local.server import http_api_event

    path = f"/admin/courses/{course_id}/applications"
    # What API Gateway's JWT authorizer passes on (infra/local/front.py stands in).
    organiser = {"jwt": {"claims": {"sub": "bench", "scope": "booking/admin"}}}

    def roster() -> Window:
        event = http_api_event("GET", path, {}, b"", "198.51.100.9")
        event["requestContext"]["authorizer"] = organiser
        return b.invoke("admin", event)

    roster()
    return _latency(
        "admin",
        f"GET roster ({runs * 2 + 10} applications)",
        [roster() for _ in range(max(runs // 4, 20))],
    )


def _mailer_latency(b: Bench, course_id: str, runs: int) -> Latency | None:
    """One email job at a time, from the jobs the earlier measures queued."""
    mailer = optional_handler("mailer")
    if mailer is None:
        return None
    records = _queued_records(b, runs)
    return _latency(
        "mailer",
        "one email job (SES via moto)",
        [b.measure(partial(_mail, mailer, r)) for r in records],
    )


def _ses_events_latency(b: Bench, course_id: str, runs: int) -> Latency | None:
    ses_events = optional_handler("ses_events")
    if ses_events is None:
        return None
    bounce = sample_event("sns/ses_bounce.json")
    return _latency(
        "ses_events",
        "bounce notification",
        [
            b.measure(lambda: ses_events.handler(bounce, lambda_context("ses-events")))
            for _ in range(runs)
        ],
    )


def _queued_records(b: Bench, wanted: int) -> list[dict[str, Any]]:
    """Email jobs the webhooks queued, as the SQS records Lambda would hand the mailer."""
    template = sample_event("sqs/email_job.json")["Records"][0]
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
    answer = mailer.handler({"Records": [record]}, lambda_context("mailer"))
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
            event = reminder_tick(day)
            with b.scheduled(event):
                window = b.measure(
                    lambda e=event: reminders.handler(  # type: ignore[misc]
                        e, lambda_context("reminders")
                    )
                )
            if k:  # the first run warms up
                windows.append(window)
    return _latency("reminders", "run, 1 attendee due", windows)
