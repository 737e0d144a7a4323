"""The stand-in as one object: the store, the resources, the API and local routes, wired."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from infra.local.stripe_standin.api import Api, route
from infra.local.stripe_standin.checkout import CheckoutSessions
from infra.local.stripe_standin.events import Deliver, Webhooks, get_event, list_events
from infra.local.stripe_standin.local import LocalRoutes
from infra.local.stripe_standin.payments import Payments
from infra.local.stripe_standin.store import Outgoing, Request, Store
from infra.local.stripe_standin.wire import (
    LocalResponse,
    StripeError,
    find,
    json_response,
    reject_unknown,
)


class StripeStandIn:
    """Stripe's checkout, refund and event APIs, in memory, plus stand-in hosted pages."""

    def __init__(
        self,
        *,
        webhook_url: str,
        webhook_secret: str,
        public_base_url: str,
        clock: Callable[[], float] = time.time,
        deliver: Deliver | None = None,
    ) -> None:
        self._store = store = Store(clock=clock, public_base_url=public_base_url)
        self._webhooks = Webhooks(store, url=webhook_url, secret=webhook_secret, deliver=deliver)
        payments = Payments(store)
        self._checkout = checkout = CheckoutSessions(store, payments)

        def expire(
            params: dict[str, Any], ids: list[str], request: Request, out: list[Outgoing]
        ) -> dict[str, Any]:
            reject_unknown(params, frozenset())
            return checkout.expire(ids[0], request, out, api_call=True)

        self._api = Api(
            store,
            self._webhooks,
            gets=[
                route("/v1/events", lambda params, ids: list_events(store, params)),
                route("/v1/events/{}", lambda params, ids: get_event(store, ids[0])),
                route(
                    "/v1/checkout/sessions/{}",
                    lambda params, ids: find(store.sessions, ids[0], "checkout.session"),
                ),
                route(
                    "/v1/payment_intents/{}",
                    lambda params, ids: find(store.payment_intents, ids[0], "payment_intent"),
                ),
                route("/v1/charges/{}", lambda params, ids: find(store.charges, ids[0], "charge")),
                route("/v1/refunds/{}", lambda params, ids: find(store.refunds, ids[0], "refund")),
            ],
            posts=[
                route(
                    "/v1/checkout/sessions",
                    lambda params, ids, request, out: checkout.create(params),
                ),
                route("/v1/checkout/sessions/{}/expire", expire),
                route(
                    "/v1/refunds",
                    lambda params, ids, request, out: payments.create_refund(params, request, out),
                ),
            ],
        )
        self._local = LocalRoutes(store, self._webhooks, checkout, payments)

    def money_taken(self) -> dict[str, int]:
        """Money kept per ``client_reference_id``: captured minus refunded, over succeeded charges.

        Tests use it to prove nobody is charged twice or charged without a booking.
        """
        store = self._store
        with store.lock:
            sessions_by_intent = {
                s["payment_intent"]: s for s in store.sessions.values() if s.get("payment_intent")
            }
            kept: dict[str, int] = {}
            for charge in store.charges.values():
                if charge.get("status") != "succeeded":
                    continue
                session = sessions_by_intent.get(charge.get("payment_intent"))
                reference = str((session or {}).get("client_reference_id") or "")
                net = int(charge.get("amount_captured") or 0) - int(
                    charge.get("amount_refunded") or 0
                )
                kept[reference] = kept.get(reference, 0) + net
            return kept

    def expire_due(self) -> list[str]:
        """Expire every open session whose ``expires_at`` has passed on ``clock``, as Stripe does
        on its own; sends ``checkout.session.expired`` for each and returns their ids.

        Nothing calls this on a timer: the local scheduler (or a test that moves the clock)
        calls it, and the hosted-page routes apply it to the session they touch.
        """
        outgoing: list[Outgoing] = []
        with self._store.lock:
            expired = [
                session_id
                for session_id, session in self._store.sessions.items()
                if self._checkout.expire_if_due(session, outgoing)
            ]
        self._webhooks.deliver_all(outgoing)
        return expired

    def events(self) -> list[dict[str, Any]]:
        """Every event sent, newest first, as full Stripe event objects."""
        return self._store.events_newest_first()

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> LocalResponse:
        """Answer one request; ``path`` is relative to ``/_local/stripe``."""
        method = method.upper()
        lowered = {k.lower(): v for k, v in headers.items()}
        path = "/" + path.split("?", 1)[0].strip("/")
        try:
            if path.startswith("/v1/"):
                return self._api.handle(method, path, query, lowered, body)
            return self._local.handle(method, path, lowered, body)
        except StripeError as exc:
            return json_response(exc.status, exc.payload())
        except UnicodeDecodeError:
            return json_response(
                400, StripeError(400, "The request body is not valid UTF-8.").payload()
            )
