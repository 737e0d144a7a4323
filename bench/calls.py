"""Calls per operation: how many DynamoDB, SQS and Stripe calls each handler makes, against the
targets that keep it cheap and fast."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.harness import (
    Bench,
    harness,
    lambda_context,
    optional_handler,
    reminder_tick,
    seed_attendees,
    silence_stdout_logs,
)
from bench.instrument import Window

# 10,000 is not in the default run: in-process moto gets quadratic there (SQS recounts its queue
# on every message, DynamoDB scans its indexes), so it takes many minutes; the call count per
# attendee is the figure, and it is flat from 100 up. ``python -m bench --reminders 1,100,10000``.
REMINDER_SIZES = (1, 100, 1_000)

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
    # The third DynamoDB call asks whether a manager booked the applicant a place (one person,
    # one place: ``services.one_place_each``).
    ok = (
        window.count("dynamodb.") <= 3
        and window.count("stripe.") <= 1
        and window.count("sqs.") == 0
    )
    rows.append(_calls("submit application", window, "<= 3 DynamoDB + 1 Stripe, no SQS", ok))
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
            # Its third DynamoDB call asks, in one batch read, whether another booking recorded
            # the payment it carries (``services.believed``).
            paid_ok = window.count("dynamodb.") <= 4 and window.count("sqs.") == 0
            rows.append(_calls(name, window, "<= 4 DynamoDB, no SQS", paid_ok))
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
            event = reminder_tick(day)
            with b.scheduled(event), b.meter.window() as window:
                summary = reminders.handler(event, lambda_context("reminders"))
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
