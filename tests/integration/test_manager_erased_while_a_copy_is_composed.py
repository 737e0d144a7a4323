"""A colleague's facilitators' copy composed before their group's manager was erased, and sent
after, goes without the manager: their erasure asked only the lists already sent a copy naming
them, so a copy naming them sent afterwards would reach a list never asked to delete it.
Once the send is leased the mailer reads the group again, and a manager erased
since has the copy composed again. Through the real handlers (admin, relay, mailer), moto and
the Stripe stand-in; the erasure is made while the mailer holds the copy composed."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.handlers import mailer as mailer_handler
from booking.services import mailer
from booking.services.email_composing import composed as composing
from infra.local.front import lambda_context
from infra.local.mail import sqs_event
from tests.support.groups import COLLEAGUES, MANAGER, apply_through, paid_group
from tests.support.system import Reply, System

pytestmark = pytest.mark.usefixtures("invoiced")


def delivered_with_retries(system: System) -> list[OutgoingEmail]:
    """Every queued job through the mailer handler, a job it answers as failed delivered
    again (as SQS does once its visibility lapses), until the queue is empty."""
    before = len(system.sent)
    url = system.resources.email_queue_url
    for _ in range(20):
        system.relay()
        messages: list[dict[str, Any]] = [
            dict(m)
            for m in system.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
            ).get("Messages", [])
        ]
        if not messages:
            return system.sent[before:]
        answer = mailer_handler.handler(
            sqs_event(messages, "arn:aws:sqs:eu-west-2:1:q"), lambda_context("booking-mailer")
        )
        failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                system.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    raise AssertionError("the queue never emptied")


def test_a_copy_composed_before_the_managers_erasure_is_sent_without_them(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    applied = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert applied.status == 201, applied.body
    erasures: list[Reply] = []
    composed = composing  # the composer; mailer's name for it is patched below

    def composed_then_manager_erased(ports: Any, job: EmailJob, *args: Any, **kw: Any) -> Any:
        message = composed(ports, job, *args, **kw)
        if job.kind is EmailKind.FACILITATOR_COPY and not erasures:
            assert "Florence Nightingale" in message[0].text  # composed naming the manager
            erasures.append(system.admin("DELETE", f"/people/{MANAGER}"))
        return message

    monkeypatch.setattr(mailer, "composed", composed_then_manager_erased)

    sent = delivered_with_retries(system)

    [erased] = erasures
    assert erased.status == 200, erased.body
    [booking] = erased.json()["group_bookings"]
    assert booking["facilitator_lists_asked"] == 0  # no copy had gone out yet
    [copy] = [m for m in sent if m.subject.startswith("New booking")]
    for part in (copy.subject, copy.text, copy.html):
        assert "Florence" not in part
        assert MANAGER not in part
    assert "booked and paid for by" in copy.text  # by the organisation, as it now reads
