"""Reminders runs at the same time may queue one reminder up to three times: a run re-queues
the reminders another claimed and has not queued yet (a crashed run leaves them so), and the
run that claimed them queues them too. Each copy is the same job, under the same id, and the
mailer claims the id before SES is called: the reminder is sent once, whichever copy comes
first and whatever the others find it doing.

Through the reminders and mailer handlers on moto (SQS, DynamoDB, SES); the overlap is made by
starting the next run as the one before it queues (the queue itself real).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.domain.emails import EmailJob, OutgoingEmail
from booking.handlers import mailer, reminders
from infra.local.front import lambda_context
from infra.local.mail import scheduled_event, sqs_event
from tests.support.system import System


def _run(moment: datetime) -> None:
    reminders.handler(scheduled_event(moment), lambda_context("booking-reminders"))


def _deliver(messages: list[dict[str, Any]]) -> dict[str, Any]:
    answer: dict[str, Any] = mailer.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-2:1:q"), lambda_context("booking-mailer")
    )
    return answer


def test_a_reminder_queued_three_times_by_overlapping_runs_is_sent_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    system.booked(email="ada@example.org")
    system.deliver_emails()
    moment = system.first_start() - timedelta(hours=23, minutes=50)
    queue = system.ports.email_queue
    queue_send = queue.send
    overlapping = [2]

    def next_run_starts_first(jobs: list[EmailJob]) -> None:
        # Two more runs start as this one queues: each finds the reminder claimed, not yet
        # queued, and queues it itself.
        if overlapping[0]:
            overlapping[0] -= 1
            _run(moment)
        queue_send(jobs)

    monkeypatch.setattr(queue, "send", next_run_starts_first)
    system.scheduled_run(moment)  # the functions' clock reads ``moment`` through all three
    monkeypatch.undo()

    url = system.resources.email_queue_url
    received = system.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    copies: list[dict[str, Any]] = [dict(m) for m in received]
    job_ids = [EmailJob.model_validate_json(m["Body"]).job_id for m in copies]
    assert len(job_ids) == 3
    assert len(set(job_ids)) == 1  # one reminder, queued three times
    assert job_ids[0].startswith("session_reminder:")

    # The first copy's delivery is inside its SES call when the second is delivered; the
    # third comes after both.
    sender = system.ports.sender
    ses_send = sender.send
    during: list[dict[str, Any]] = []
    meanwhile = [copies[1]]

    def another_copy_delivered_meanwhile(message: OutgoingEmail) -> str:
        if meanwhile:
            during.append(_deliver([meanwhile.pop()]))
        return ses_send(message)

    monkeypatch.setattr(sender, "send", another_copy_delivered_meanwhile)
    first = _deliver([copies[0]])
    monkeypatch.undo()
    last = _deliver([copies[2]])

    assert first == last == {"batchItemFailures": []}
    assert during == [{"batchItemFailures": []}]
    reminded = [m for m in system.sent if m.subject.startswith("Reminder")]
    assert [m.to for m in reminded] == [["ada@example.org"]]
