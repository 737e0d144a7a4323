"""Under ``make run`` the functions share one process, and Powertools keeps the request being
resolved on a class attribute every resolver shares: two functions must never run at once,
or one reads the other's request (a console form came back empty while the api answered)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.local_stack import in_process_stack


def test_two_functions_never_run_at_the_same_time(tmp_path: Path) -> None:
    stack = in_process_stack(tmp_path)
    running: list[str] = []
    overlaps: list[tuple[str, ...]] = []

    def function(name: str) -> Any:
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            running.append(name)
            if len(running) > 1:
                overlaps.append(tuple(running))
            time.sleep(0.02)
            running.remove(name)
            return {"statusCode": 200, "body": name}

        return handler

    stack.handlers = {name: function(name) for name in ("api", "admin", "console", "webhook")}
    threads = [
        threading.Thread(target=stack._invoke, args=(name, {}))
        for name in ("api", "admin", "console", "webhook") * 3
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert overlaps == []
    assert running == []


class _CountedWakes:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


def test_each_invocation_wakes_the_mail_pump_after_it_ran(tmp_path: Path) -> None:
    """What a function wrote (mail to send) is sent at once, not after the idle pump's wait:
    even when the function failed."""
    stack = in_process_stack(tmp_path)
    pump = _CountedWakes()
    stack.pump = pump  # type: ignore[assignment]
    woken_while_running: list[int] = []

    def api(event: dict[str, Any], context: Any) -> dict[str, Any]:
        woken_while_running.append(pump.wakes)
        return {"statusCode": 200, "body": "ok"}

    def webhook(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("a failed invocation")

    stack.handlers = {"api": api, "webhook": webhook}
    stack._invoke("api", {})
    assert (woken_while_running, pump.wakes) == ([0], 1)
    with pytest.raises(RuntimeError):
        stack._invoke("webhook", {})
    assert pump.wakes == 2


class _CountedChanges:
    """What the stack reads of its moto server: how many requests may have changed something."""

    def __init__(self) -> None:
        self.changes = 0


def test_an_invocation_that_changed_nothing_in_aws_wakes_no_pump(tmp_path: Path) -> None:
    """A read or a refusal wrote no mail: the pump's round (a stream read and a queue poll)
    would be work for nothing. One that changed something wakes it, even when it failed."""
    stack = in_process_stack(tmp_path)
    pump, moto = _CountedWakes(), _CountedChanges()
    stack.pump = pump  # type: ignore[assignment]
    stack._moto = moto

    def api(event: dict[str, Any], context: Any) -> dict[str, Any]:
        moto.changes += event["writes"]
        if event.get("fail"):
            raise RuntimeError("a failed invocation")
        return {"statusCode": 200, "body": "ok"}

    stack.handlers = {"api": api}
    stack._invoke("api", {"writes": 0})
    assert pump.wakes == 0
    stack._invoke("api", {"writes": 2})
    assert pump.wakes == 1
    with pytest.raises(RuntimeError):
        stack._invoke("api", {"writes": 1, "fail": True})
    assert pump.wakes == 2


@pytest.mark.parametrize(
    ("method", "target", "reads_only"),
    [
        ("POST", "DynamoDB_20120810.GetItem", True),
        ("POST", "DynamoDB_20120810.Query", True),
        ("POST", "DynamoDB_20120810.TransactWriteItems", False),
        ("POST", "DynamoDB_20120810.UpdateItem", False),
        ("POST", "AmazonSQS.ReceiveMessage", True),
        ("POST", "AmazonSQS.SendMessageBatch", False),
        ("POST", "secretsmanager.GetSecretValue", True),
        ("GET", "", True),  # a REST read (SES v2)
        ("POST", "", False),  # a REST write, or a form-encoded call: a change
    ],
)
def test_moto_counts_every_request_but_a_read_as_a_change(
    method: str, target: str, reads_only: bool
) -> None:
    from infra.local.aws import _reads_only

    environ = {"REQUEST_METHOD": method, **({"HTTP_X_AMZ_TARGET": target} if target else {})}
    assert _reads_only(environ) is reads_only
