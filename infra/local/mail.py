"""Local email delivery and scheduling, behaving like AWS where it matters (never deployed).

* :class:`CapturingSesClient` wraps the real SES v2 client (moto): the mailer's production code
  path runs unchanged, and every message SES accepts is also written to ``OUTBOX_DIR`` as an
  ``.eml`` file, which ``GET /_local/outbox`` lists.
* :class:`EmailPump` is the SQS event source mapping: it receives from the email queue, calls the
  mailer handler with an SQS-shaped event and deletes only the records the handler did not report
  as failed, so retries, visibility timeouts and the DLQ after 5 receives behave as in AWS. Before
  each round it lets the stream relay (``infra.local.relay``) move new outbox items to the queue.
* :class:`ReminderTicker` is EventBridge Scheduler: a "Scheduled Event" every minute.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from infra.local.aws import REGION

Handler = Callable[[dict[str, Any], Any], Any]


class CapturingSesClient:
    """Delegates to a real ``sesv2`` client and keeps a copy of each accepted raw message."""

    def __init__(self, client: Any, outbox_dir: Path) -> None:
        self._client = client
        self._dir = outbox_dir
        self._lock = threading.Lock()

    def send_email(self, **request: Any) -> Any:
        answer = self._client.send_email(**request)  # raises like SES would: nothing captured
        raw = request.get("Content", {}).get("Raw", {}).get("Data")
        if isinstance(raw, bytes | bytearray):
            self._dir.mkdir(parents=True, exist_ok=True)
            with self._lock:
                # A nanosecond prefix makes lexical order the sending order.
                name = f"{time.time_ns():020d}-{answer.get('MessageId') or uuid.uuid4().hex}.eml"
                (self._dir / name).write_bytes(bytes(raw))
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def read_outbox(outbox_dir: Path) -> list[dict[str, Any]]:
    """Every captured email, newest first, in the contract's shape."""
    if not outbox_dir.is_dir():
        return []
    return [
        _as_contract(path.read_bytes()) for path in sorted(outbox_dir.glob("*.eml"), reverse=True)
    ]


def address_erased_by(method: str, path: str, body: bytes) -> str | None:
    """The address an erasure request names: the organisers' API (``DELETE
    /admin/people/{email}``) or the console's People page (its confirmed form)."""
    if method == "DELETE" and path.startswith("/admin/people/"):
        return unquote(path.removeprefix("/admin/people/")) or None
    if method == "POST" and path == "/console/people/erase":
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return (form.get("email") or [""])[0].strip() or None
    return None


def addresses_exported(export: bytes) -> list[str]:
    """Every address a person's export (``GET /admin/people/{email}``) names as theirs."""
    exported = json.loads(export)
    return sorted({exported["email"]} | {a["answers"]["email"] for a in exported["applications"]})


def purge_outbox(outbox_dir: Path, addresses: list[str]) -> int:
    """Delete every captured email sent to any of ``addresses``; returns how many.

    Erasure under ``make run``: the outbox is data the local system keeps, so the mail a person
    received must leave it too. People are matched exactly, by the address in the message's
    recipient headers, never by text in the body: a person called "Jo" must not take with them
    every message that says "Join". Addresses compare case-insensitively, as the system stores
    and looks people up (and as every mail provider in practice treats them).
    """
    wanted = {address.strip().lower() for address in addresses if address.strip()}
    removed = 0
    if not outbox_dir.is_dir() or not wanted:
        return 0
    for path in outbox_dir.glob("*.eml"):
        if wanted & recipients(path.read_bytes()):
            path.unlink()
            removed += 1
    return removed


def recipients(raw: bytes) -> set[str]:
    """Every address a message was sent to (To, Cc, Bcc), lower-cased."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    headers = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return {address.lower() for _, address in getaddresses(headers) if address}


def _as_contract(raw: bytes) -> dict[str, Any]:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    attachments = []
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        content_type = part.get_content_type()
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": content_type,
                "content": data.decode(part.get_content_charset() or "utf-8")
                if part.get_content_maintype() == "text"
                else base64.b64encode(data).decode("ascii"),
            }
        )
    return {
        "to": [address for _, address in getaddresses(message.get_all("To", []))],
        "reply_to": [address for _, address in getaddresses(message.get_all("Reply-To", []))],
        "subject": str(message.get("Subject", "")),
        "text": text.get_content() if isinstance(text, EmailMessage) else "",
        "html": html.get_content() if isinstance(html, EmailMessage) else "",
        "attachments": attachments,
    }


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping would deliver for these messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m.get("Attributes", {}).get(
                        "ApproximateReceiveCount", "1"
                    ),
                    "SentTimestamp": m.get("Attributes", {}).get("SentTimestamp", "0"),
                    "SenderId": m.get("Attributes", {}).get("SenderId", "local"),
                    "ApproximateFirstReceiveTimestamp": m.get("Attributes", {}).get(
                        "ApproximateFirstReceiveTimestamp", "0"
                    ),
                },
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody")
                or hashlib.md5(  # noqa: S324 - SQS's own checksum
                    m["Body"].encode()
                ).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def scheduled_event(moment: datetime) -> dict[str, Any]:
    """An EventBridge Scheduler "Scheduled Event" for ``moment`` (see infra/cdk/scheduling.py)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "000000000000",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:scheduler:{REGION}:000000000000:schedule/default/local-reminders"],
        "detail": {},
    }


# How long the pump waits between polls that found nothing, unless woken: every invocation of
# a function wakes it (``wake``), and so does a caller of ``settled``. The wait only bounds how
# late mail that nobody announced goes out (the reminder ticker's, a minute apart). At 0.25 s an
# idle stack spent about 5% of a core asking the stream and the queue, through a whole session
# of end-to-end tests.
IDLE_SECONDS = 2.0


class EmailPump:
    """Receive from the email queue and hand batches to the mailer handler, like Lambda."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        handler: Handler,
        context: Callable[[], Any],
        relay: Callable[[], int] | None = None,
    ) -> None:
        self._relay = relay
        self._sqs = sqs
        self._url = queue_url
        self._handler = handler
        self._context = context
        self._arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        # Rounds are numbered as they start; ``_idle_through`` is the number of the latest
        # round that found nothing to relay or send. A round that starts after a caller asks
        # and finds nothing means everything written before the question has been mailed.
        self._rounds = threading.Condition()
        self._started = 0
        self._idle_through = 0
        # The latest round a caller of ``settled`` waits on: an idle pump starts it at once.
        self._wanted = 0
        # How many times ``wake`` was called: a change of it since a round began ends the wait.
        self._wakes = 0

    def run(self, stopping: threading.Event) -> None:
        while not stopping.is_set():
            with self._rounds:
                self._started += 1
                this_round, wakes = self._started, self._wakes
            try:
                relayed = self._relay() if self._relay is not None else 0
                # Short polls only: the local moto answers one call at a time, and a long poll
                # would hold every other AWS call behind it for its whole wait.
                if not self.pump_once(wait_seconds=0) and not relayed:
                    self._idle(this_round, wakes, stopping)
            except Exception as exc:  # the pump must outlive a handler or moto hiccup
                print(f"local email pump error: {exc!r}", file=sys.stderr)
                stopping.wait(1)

    def _idle(self, this_round: int, wakes: int, stopping: threading.Event) -> None:
        """Round ``this_round`` found nothing: say so, then poll again in a while, or at once
        when a caller of ``settled`` waits on a later round or ``wake`` was called since the
        round began (``wakes``: the count then; a wake during the round is not lost)."""
        with self._rounds:
            self._idle_through = this_round
            self._rounds.notify_all()
            self._rounds.wait_for(
                lambda: self._wanted > this_round or self._wakes != wakes or stopping.is_set(),
                IDLE_SECONDS,
            )

    def wake(self) -> None:
        """Something may have written mail (a function ran): an idle pump starts a round at
        once, a busy one starts another when this one ends."""
        with self._rounds:
            self._wakes += 1
            self._rounds.notify_all()

    def settled(self, timeout: float) -> bool:
        """Wait until a round that starts after this call finds nothing to relay or send: every
        email queued by a change made before the call has been handed to the mailer and sent
        (or refused). False when ``timeout`` seconds pass first (a mailer that keeps failing,
        or mail that keeps coming)."""
        with self._rounds:
            after = self._started + 1
            self._wanted = max(self._wanted, after)
            self._rounds.notify_all()
            return self._rounds.wait_for(lambda: self._idle_through >= after, timeout)

    def pump_once(self, wait_seconds: int = 0) -> int:
        """One receive + invoke + delete round. Returns how many messages were received."""
        answer = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._handler(sqs_event(messages, self._arn), self._context())
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        except Exception as exc:  # every record failed: Lambda would retry them all
            print(f"local mailer invocation failed: {exc!r}", file=sys.stderr)
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        return len(messages)


class ReminderTicker:
    """EventBridge Scheduler for the local stack: the reminders handler once a minute."""

    def __init__(self, handler: Handler, context: Callable[[], Any], interval: float = 60) -> None:
        self._handler = handler
        self._context = context
        self._interval = interval

    def tick(self, moment: datetime) -> Any:
        return self._handler(scheduled_event(moment), self._context())

    def run(self, stopping: threading.Event) -> None:
        while not stopping.wait(self._interval):
            try:
                # The schedule's own time, like EventBridge: this is the scheduler, not a handler.
                self.tick(datetime.now(UTC).replace(second=0, microsecond=0))
            except Exception as exc:
                print(f"local reminder tick failed: {exc!r}", file=sys.stderr)
