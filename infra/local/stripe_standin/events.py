"""Webhooks: each recorded event signed exactly as Stripe signs it and posted to the endpoint."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infra.local.stripe_standin.store import Outgoing, Store
from infra.local.stripe_standin.wire import StripeError, find, list_limit, listed

Deliver = Callable[[str, bytes, dict[str, str]], int]

logger = logging.getLogger(__name__)
# How long a hosted-page action waits for the deliveries its own events caused (a webhook that
# refunds causes charge.refunded, and so on): two default_deliver timeouts.
SETTLE_SECONDS = 60.0


def default_deliver(url: str, body: bytes, headers: dict[str, str]) -> int:
    # The scheme was checked in Webhooks.__init__, so urlopen cannot be handed file: URLs.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        # Stripe records an unreachable endpoint as a failed delivery rather than failing the
        # API call that caused the event; 0 stands for "no HTTP status".
        return 0


class Webhooks:
    """Signs and posts events to the one endpoint.

    Stripe answers an API call before it delivers the events the call caused. With
    ``background`` set, the stand-in does too: events caused by ``/v1`` calls go to one
    delivery thread, in the order they were recorded. Without it, a webhook handler that calls
    the API (a refund of a duplicate payment) would wait for the delivery of the refund's own
    events to that same handler, which the local server runs one invocation at a time: a
    deadlock that only the delivery's timeout ended. The hosted-page actions still deliver
    their own events at once, to report each status, and then ``settle``: they answer once
    everything their events caused has been delivered, so a caller sees a settled world.
    """

    def __init__(
        self,
        store: Store,
        *,
        url: str,
        secret: str,
        deliver: Deliver | None,
        background: bool = False,
    ) -> None:
        if deliver is None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"webhook_url must be an http(s) URL: {url!r}")
        self._store = store
        self._url = url
        self._secret = secret
        self._deliver = deliver or default_deliver
        self._background = background
        self._queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        # Events handed to the delivery thread and not yet delivered (or refused).
        self._unsettled = 0
        self._settled = threading.Condition()
        self._worker: threading.Thread | None = None
        # Open `held()` blocks, and the events the API recorded while any was open.
        self._holding = 0
        self._held: list[str] = []
        self._hold_lock = threading.Lock()

    def sign(self, payload: bytes) -> str:
        # The receiver checks the timestamp against its own wall clock (Stripe's verifier
        # uses time.time()), so the signature uses real time even when `clock` is simulated.
        timestamp = int(time.time())
        signed = f"{timestamp}.".encode() + payload
        digest = hmac.new(self._secret.encode("utf-8"), signed, hashlib.sha256)
        return f"t={timestamp},v1={digest.hexdigest()}"

    def send(self, event_id: str) -> int:
        """Deliver one recorded event; call without holding the lock."""
        with self._store.lock:
            event = self._store.events_by_id[event_id]
            payload = json.dumps(event, indent=2).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": self.sign(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        status = self._deliver(self._url, payload, headers)
        if 200 <= status < 300:
            with self._store.lock:
                # As Stripe counts them: the endpoints this event has still to reach.
                event["pending_webhooks"] = 0
        return status

    def deliver_all(self, outgoing: list[Outgoing]) -> list[int]:
        """Deliver now, in this thread: what a hosted-page action does, to report statuses."""
        return [self.send(item.event_id) for item in outgoing]

    def deliver_later(self, outgoing: list[Outgoing]) -> None:
        """What an API call does with the events it caused: in the background when so built,
        else at once (in-process tests, where nothing runs one invocation at a time); inside
        ``held()``, not before the block ends."""
        with self._hold_lock:
            if self._holding:
                self._held.extend(item.event_id for item in outgoing)
                return
        self._hand_over([item.event_id for item in outgoing])

    @contextmanager
    def held(self) -> Iterator[None]:
        """Events the API causes meanwhile are delivered (as ``deliver_later`` would) when the
        block ends.

        Stripe delivers a webhook after the call that caused it, never inside it. A scheduled
        run (the local scheduler's tick) decides as of its own time and must finish deciding
        before the webhooks it set off (a session it expired) are handled at theirs: else the
        webhook would decide the run's business (offer the freed seat) by the wall clock.
        """
        with self._hold_lock:
            self._holding += 1
        try:
            yield
        finally:
            with self._hold_lock:
                self._holding -= 1
                due, self._held = (self._held, []) if not self._holding else ([], self._held)
            self._hand_over(due)

    def _hand_over(self, event_ids: list[str]) -> None:
        if not self._background:
            for event_id in event_ids:
                self.send(event_id)
            return
        if not event_ids:
            return
        with self._settled:
            self._unsettled += len(event_ids)
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._deliver_queued, name="stripe-webhooks", daemon=True
                )
                self._worker.start()
        for event_id in event_ids:
            self._queue.put(event_id)

    def settle(self, timeout: float = SETTLE_SECONDS) -> bool:
        """Wait until every event handed to the delivery thread has been delivered; False if
        some were still on their way after ``timeout`` seconds."""
        with self._settled:
            return self._settled.wait_for(lambda: self._unsettled == 0, timeout=timeout)

    def _deliver_queued(self) -> None:
        while True:
            event_id = self._queue.get()
            try:
                status = self.send(event_id)
                if not 200 <= status < 300:
                    logger.warning("webhook delivery of %s answered %s", event_id, status)
            except Exception:  # one bad delivery must not stop the ones behind it
                logger.exception("webhook delivery of %s failed", event_id)
            finally:
                with self._settled:
                    self._unsettled -= 1
                    self._settled.notify_all()

    def sent(self, outgoing: list[Outgoing], statuses: list[int]) -> list[dict[str, Any]]:
        """What a local action reports about the events it caused."""
        with self._store.lock:
            return [
                {
                    "id": item.event_id,
                    "type": self._store.events_by_id[item.event_id]["type"],
                    "webhook_status": status,
                }
                for item, status in zip(outgoing, statuses, strict=True)
            ]


def list_events(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    """``GET /v1/events``: newest first, filtered by type (``a.*`` too), paged; call locked."""
    limit = list_limit(params)
    events = store.events[::-1]
    event_type = params.get("type")
    if isinstance(event_type, str) and event_type:
        if event_type.endswith(".*"):
            events = [e for e in events if e["type"].startswith(event_type[:-1])]
        else:
            events = [e for e in events if e["type"] == event_type]
    starting_after = params.get("starting_after")
    if isinstance(starting_after, str) and starting_after:
        ids = [e["id"] for e in events]
        if starting_after not in ids:
            raise StripeError(
                404,
                f"No such event: '{starting_after}'",
                code="resource_missing",
                param="starting_after",
            )
        events = events[ids.index(starting_after) + 1 :]
    return listed(events, limit, "/v1/events")


def get_event(store: Store, event_id: str) -> dict[str, Any]:
    return copy.deepcopy(find(store.events_by_id, event_id, "event"))
