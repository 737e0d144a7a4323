"""The stand-in's memory: every object it has made, the events it has sent, one lock for all.

Each resource module (checkout, payments, ...) changes objects here while holding ``lock`` and
records the events those changes cause; the events are delivered only after the lock is
released, so a webhook handler that calls back into the stand-in never waits on this lock (and,
in the local server, after the API call that caused them has answered: ``events.Webhooks``).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.local.stripe_standin.wire import api_version, as_answered, load_fixture, random_id

# The Stripe objects the stand-in copies: each is one file in infra/local/stripe_fixtures.
FIXTURE_NAMES = (
    "checkout_session",
    "event",
    "charge",
    "refund",
    "payment_intent",
    "customer",
    "coupon",
    "promotion_code",
    "discount",
    "invoice",
    "invoiceitem",
    "invoice_payment",
    "dispute",
)


@dataclass(frozen=True)
class Outgoing:
    """An event recorded under the lock, to be delivered once the lock is released."""

    event_id: str


@dataclass(frozen=True)
class Idempotent:
    fingerprint: str
    status: int
    body: dict[str, Any]


Request = Mapping[str, str | None]


class Store:
    def __init__(self, *, clock: Callable[[], float], public_base_url: str) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.base = public_base_url.rstrip("/")
        self.api_version = api_version()
        self.fixtures = {name: load_fixture(name) for name in FIXTURE_NAMES}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        # The status a new refund is made with: ``succeeded``, as a card's is at once; a test
        # sets ``pending`` for a Bacs or SEPA refund, which goes through (or fails) days later.
        self.refund_status = "succeeded"
        self.disputes: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.coupons: dict[str, dict[str, Any]] = {}
        self.promotion_codes: dict[str, dict[str, Any]] = {}
        self.discounts: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.invoice_items: dict[str, dict[str, Any]] = {}
        self.invoice_payments: dict[str, dict[str, Any]] = {}
        # The (coupon, promotion code, discount) behind each discount on an invoice, in order.
        self.invoice_discounts: dict[str, list[tuple[str, str | None, str]]] = {}
        # When each invoice was emailed (invoice.sent), for the hosted page.
        self.invoice_sends: dict[str, list[int]] = {}
        # Invoices whose due date has passed and whose invoice.overdue has been sent.
        self.overdue_sent: set[str] = set()
        # Oldest first; listings reverse it.
        self.events: list[dict[str, Any]] = []
        self.events_by_id: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[tuple[str, str], Idempotent] = {}
        # A test's fault inside Stripe: the next idempotent POST to a path here fails with this
        # status after its endpoint began, so it is saved for its key and replayed as Stripe
        # replays a saved 500 (its docs: "including 500 errors") for 24 hours.
        self.failing_once: dict[str, int] = {}
        # The requests answered as a replay (key, idempotency key, request id).
        self.replays: set[tuple[str, str, str]] = set()
        # Kept beside the sessions, not on them, because Stripe's session object has no field
        # for either: line items are a separate sub-resource, and payment_intent_data only
        # surfaces on the payment intent created at payment time.
        self.line_items: dict[str, list[str]] = {}
        self.intent_metadata: dict[str, dict[str, str]] = {}

    def now(self) -> int:
        return int(self.clock())

    def fixture(self, name: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A fresh deep copy of Stripe's example object, ``values`` written over it."""
        made = copy.deepcopy(self.fixtures[name])
        made.update(values or {})
        return made

    def record_event(
        self, event_type: str, obj: Mapping[str, Any], request: Request | None
    ) -> Outgoing:
        """Record an event of Stripe's full shape about ``obj`` (a snapshot, as Stripe sends:
        without the fields Stripe gives only when asked for, ``wire.as_answered``)."""
        event = self.fixture(
            "event",
            {
                "id": random_id("evt_"),
                "object": "event",
                "type": event_type,
                "created": self.now(),
                "api_version": self.api_version,
                "data": {"object": as_answered(copy.deepcopy(dict(obj)), [])},
                "livemode": False,
                "pending_webhooks": 1,
                # Events caused by the customer on the hosted page, not by an API call, carry
                # no request, as Stripe's do.
                "request": {
                    "id": request.get("id") if request else None,
                    "idempotency_key": request.get("idempotency_key") if request else None,
                },
            },
        )
        self.events.append(event)
        self.events_by_id[event["id"]] = event
        return Outgoing(event["id"])

    def answered(
        self, event_type: str, obj: dict[str, Any], request: Request | None, sent: list[Outgoing]
    ) -> dict[str, Any]:
        """``obj`` as a call that changed it answers: its event recorded and added to ``sent``,
        a copy of it answered (the stored one stays the store's)."""
        sent.append(self.record_event(event_type, obj, request))
        return copy.deepcopy(obj)

    def events_newest_first(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.events[::-1])


class OnStore:
    """A part of the stand-in's API (customers, payments, discounts) answering from the one
    store every part shares."""

    def __init__(self, store: Store) -> None:
        self._store = store
