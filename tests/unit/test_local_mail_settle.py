"""``EmailPump.settled`` (behind ``POST /_local/mail/settle``): it answers once a round that
began after the question has found nothing to send, so whatever was queued before the question
has been handed to the mailer; and it says so truthfully when the mail does not settle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local import mail
from infra.local.mail import EmailPump
from tests.support.local_stack import in_process_stack


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="eu-west-2")


def _pump(sqs: Any, handled: list[str]) -> tuple[EmailPump, str]:
    url = sqs.create_queue(QueueName="emails")["QueueUrl"]

    def mailer(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        handled.extend(record["body"] for record in event["Records"])
        return {"batchItemFailures": []}

    return EmailPump(sqs, url, mailer, lambda: None), url


@contextmanager
def _running(pump: EmailPump) -> Iterator[threading.Thread]:
    """The pump running on a thread of its own, as under ``make run``; stopped after."""
    stopping = threading.Event()
    runner = threading.Thread(target=pump.run, args=(stopping,), daemon=True)
    runner.start()
    try:
        yield runner
    finally:
        stopping.set()
        pump.settled(timeout=0)  # wakes an idle pump, which sees it is stopping
        runner.join(timeout=5)


def test_settled_answers_after_what_was_queued_before_it_is_sent(sqs: Any) -> None:
    handled: list[str] = []
    pump, url = _pump(sqs, handled)
    with _running(pump):
        for n in range(25):  # more than one batch of ten
            sqs.send_message(QueueUrl=url, MessageBody=f"job-{n}")
        assert pump.settled(timeout=60)
        assert sorted(handled) == sorted(f"job-{n}" for n in range(25))


def test_settled_says_no_when_no_round_runs_in_time(sqs: Any) -> None:
    handled: list[str] = []
    pump, url = _pump(sqs, handled)
    sqs.send_message(QueueUrl=url, MessageBody="job")
    # The pump is not running: no round begins, so nothing can be said to have settled.
    assert not pump.settled(timeout=0.3)
    assert handled == []


def test_settled_starts_an_idle_pump_round_at_once(
    sqs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pump that found nothing waits before it polls again; a caller of ``settled`` does not
    wait that out: the pump starts the round it waits on at once."""
    monkeypatch.setattr(mail, "IDLE_SECONDS", 600)
    handled: list[str] = []
    pump, url = _pump(sqs, handled)
    with _running(pump) as runner:
        assert pump.settled(timeout=60)  # the first round found nothing: the pump idles
        sqs.send_message(QueueUrl=url, MessageBody="job")
        assert pump.settled(timeout=60)  # long before the ten minutes the pump would idle
        assert handled == ["job"]
    assert not runner.is_alive()


def test_a_woken_idle_pump_sends_at_once(sqs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An idle pump woken (a function ran under ``make run``) starts a round at once rather than
    after its wait."""
    monkeypatch.setattr(mail, "IDLE_SECONDS", 600)
    handled: list[str] = []
    sent = threading.Event()
    pump, url = _pump(sqs, handled)
    mailer = pump._handler

    def noted(event: dict[str, Any], context: Any) -> Any:
        answer = mailer(event, context)
        sent.set()
        return answer

    pump._handler = noted
    with _running(pump):
        assert pump.settled(timeout=60)  # the first round found nothing: the pump idles
        sqs.send_message(QueueUrl=url, MessageBody="job")
        pump.wake()
        assert sent.wait(timeout=60)  # long before the ten minutes the pump would idle
    assert handled == ["job"]


def test_the_stack_stops_its_idle_pump_at_once(
    sqs: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Stopping the stack (Ctrl-C, SIGTERM: every end-to-end session's end) wakes an idle pump,
    which would otherwise see the stop only when its wait ran out."""
    monkeypatch.setattr(mail, "IDLE_SECONDS", 600)
    pump, _ = _pump(sqs, [])
    stack = in_process_stack(tmp_path)
    stack.pump = pump
    runner = threading.Thread(target=pump.run, args=(stack._stopping,), daemon=True)
    stack._threads.append(runner)
    runner.start()
    assert pump.settled(timeout=60)  # the first round found nothing: the pump idles
    started = time.monotonic()
    stack.stop()
    assert not runner.is_alive()
    assert time.monotonic() - started < 5
