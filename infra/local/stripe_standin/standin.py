"""The stand-in as one object: the store, the resources, the API and local routes, wired."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from infra.local.stripe_standin.api import Api, Route, route
from infra.local.stripe_standin.checkout import CheckoutSessions
from infra.local.stripe_standin.customers import Customers
from infra.local.stripe_standin.discounts import Discounts
from infra.local.stripe_standin.events import Deliver, Webhooks, get_event, list_events
from infra.local.stripe_standin.invoice_life import InvoiceLife
from infra.local.stripe_standin.invoices import InvoiceDrafts
from infra.local.stripe_standin.local import LocalRoutes
from infra.local.stripe_standin.outage import Outage
from infra.local.stripe_standin.payments import Payments
from infra.local.stripe_standin.store import Outgoing, Request, Store
from infra.local.stripe_standin.wire import (
    Incoming,
    LocalResponse,
    StripeError,
    find,
    json_response,
    reject_unknown,
)

Params = dict[str, Any]


def _retrieve(objects: dict[str, dict[str, Any]], kind: str) -> Callable[..., dict[str, Any]]:
    return lambda params, ids: find(objects, ids[0], kind)


class StripeStandIn:
    """Stripe's checkout, invoicing, discount, refund and event APIs, in memory, plus stand-in
    hosted pages for checkouts and invoices."""

    def __init__(
        self,
        *,
        webhook_url: str,
        webhook_secret: str,
        public_base_url: str,
        clock: Callable[[], float] = time.time,
        deliver: Deliver | None = None,
        background_delivery: bool = False,
    ) -> None:
        """``background_delivery``: deliver the events an API call causes after answering it,
        as Stripe does; needed wherever the webhook's receiver may itself call the API and
        waits for its answer (the local server; see ``events.Webhooks``)."""
        self._store = store = Store(clock=clock, public_base_url=public_base_url)
        self._webhooks = Webhooks(
            store,
            url=webhook_url,
            secret=webhook_secret,
            deliver=deliver,
            background=background_delivery,
        )
        payments = Payments(store)
        discounts = Discounts(store)
        customers = Customers(store)
        self._checkout = CheckoutSessions(store, payments, discounts)
        drafts = InvoiceDrafts(store, discounts)
        self._invoices = InvoiceLife(store, payments, discounts)
        self._api = Api(
            store,
            self._webhooks,
            gets=self._get_routes(payments, discounts, customers),
            posts=self._post_routes(payments, discounts, customers, drafts),
            deletes=[
                route(
                    "/v1/customers/{}",
                    lambda params, ids, r, out: customers.delete(ids[0], r, out),
                ),
                route(
                    "/v1/coupons/{}",
                    lambda params, ids, r, out: discounts.delete_coupon(ids[0], r, out),
                ),
            ],
        )
        self._local = LocalRoutes(store, self._webhooks, self._checkout, payments, self._invoices)
        self._outage = Outage()

    def _get_routes(
        self, payments: Payments, discounts: Discounts, customers: Customers
    ) -> list[Route]:
        store = self._store
        return [
            route("/v1/events", lambda params, ids: list_events(store, params)),
            route("/v1/events/{}", lambda params, ids: get_event(store, ids[0])),
            route("/v1/checkout/sessions/{}", _retrieve(store.sessions, "checkout.session")),
            route("/v1/payment_intents/{}", _retrieve(store.payment_intents, "payment_intent")),
            route("/v1/charges/{}", _retrieve(store.charges, "charge")),
            route("/v1/refunds", lambda params, ids: payments.list_refunds(params)),
            route("/v1/refunds/{}", _retrieve(store.refunds, "refund")),
            route("/v1/disputes/{}", _retrieve(store.disputes, "dispute")),
            route("/v1/customers", lambda params, ids: customers.list_customers(params)),
            route("/v1/customers/{}", _retrieve(store.customers, "customer")),
            route("/v1/coupons/{}", _retrieve(store.coupons, "coupon")),
            route(
                "/v1/promotion_codes", lambda params, ids: discounts.list_promotion_codes(params)
            ),
            route(
                "/v1/promotion_codes/{}",
                lambda params, ids: discounts.retrieve_promotion_code(ids[0], params),
            ),
            route("/v1/invoices", lambda params, ids: self._invoices.list_invoices(params)),
            route("/v1/invoices/{}", lambda params, ids: self._invoices.retrieve(ids[0], params)),
            route("/v1/invoiceitems/{}", _retrieve(store.invoice_items, "invoiceitem")),
            route("/v1/invoice_payments", lambda params, ids: self._invoices.list_payments(params)),
            route("/v1/invoice_payments/{}", _retrieve(store.invoice_payments, "invoice_payment")),
        ]

    def _post_routes(
        self,
        payments: Payments,
        discounts: Discounts,
        customers: Customers,
        drafts: InvoiceDrafts,
    ) -> list[Route]:
        checkout, invoices = self._checkout, self._invoices

        def expire(params: Params, ids: list[str], request: Request, out: list[Outgoing]) -> Any:
            reject_unknown(params, frozenset({"expand"}))
            return checkout.expire(ids[0], request, out, api_call=True)

        def invoice_step(
            step: Callable[[str, Request, list[Outgoing]], dict[str, Any]],
            allowed: frozenset[str] = frozenset({"expand"}),
        ) -> Callable[..., dict[str, Any]]:
            def run(params: Params, ids: list[str], request: Request, out: list[Outgoing]) -> Any:
                reject_unknown(params, allowed)
                return step(ids[0], request, out)

            return run

        return [
            route("/v1/checkout/sessions", lambda params, ids, r, out: checkout.create(params)),
            route("/v1/checkout/sessions/{}/expire", expire),
            route(
                "/v1/refunds", lambda params, ids, r, out: payments.create_refund(params, r, out)
            ),
            route("/v1/customers", lambda params, ids, r, out: customers.create(params, r, out)),
            route(
                "/v1/coupons", lambda params, ids, r, out: discounts.create_coupon(params, r, out)
            ),
            route(
                "/v1/promotion_codes",
                lambda params, ids, r, out: discounts.create_promotion_code(params, r, out),
            ),
            route(
                "/v1/promotion_codes/{}",
                lambda params, ids, r, out: discounts.update_promotion_code(ids[0], params, r, out),
            ),
            route("/v1/invoices", lambda params, ids, r, out: drafts.create(params, r, out)),
            route(
                "/v1/invoiceitems", lambda params, ids, r, out: drafts.create_item(params, r, out)
            ),
            route(
                "/v1/invoices/{}/finalize",
                invoice_step(invoices.finalize, frozenset({"expand", "auto_advance"})),
            ),
            route("/v1/invoices/{}/send", invoice_step(invoices.send)),
            route(
                "/v1/invoices/{}/pay",
                lambda params, ids, r, out: invoices.pay(ids[0], params, r, out),
            ),
            route("/v1/invoices/{}/void", invoice_step(invoices.void)),
            route("/v1/invoices/{}/mark_uncollectible", invoice_step(invoices.mark_uncollectible)),
        ]

    def money_taken(self) -> dict[str, int]:
        """Money kept per application: captured minus refunded, over succeeded charges, by the
        Checkout Session's ``client_reference_id`` or the invoice's ``application_id`` metadata.

        Tests use it to prove nobody is charged twice or charged without a booking.
        """
        return {ref: taken - back for ref, (taken, back) in self.money_moved().items()}

    def money_moved(self) -> dict[str, tuple[int, int]]:
        """Per application (as :meth:`money_taken` finds it): every penny captured and every
        penny refunded, over succeeded charges. Tests hold what the system records of each
        application's money, every payment it gave back included, to these."""
        store = self._store
        with store.lock:
            reference_of_intent: dict[str, str] = {
                s["payment_intent"]: str(s.get("client_reference_id") or "")
                for s in store.sessions.values()
                if s.get("payment_intent")
            }
            for payment in store.invoice_payments.values():
                invoice = store.invoices[payment["invoice"]]
                intent = payment["payment"]["payment_intent"]
                reference_of_intent[intent] = str(invoice["metadata"].get("application_id", ""))
            moved: dict[str, tuple[int, int]] = {}
            for charge in store.charges.values():
                if charge.get("status") != "succeeded":
                    continue
                reference = reference_of_intent.get(charge.get("payment_intent") or "", "")
                taken, back = moved.get(reference, (0, 0))
                moved[reference] = (
                    taken + int(charge.get("amount_captured") or 0),
                    back + int(charge.get("amount_refunded") or 0),
                )
            return moved

    def money_paid_off_stripe(self) -> dict[str, int]:
        """Per application (by the invoice's ``application_id`` metadata): what its invoices
        marked paid out of band say was paid outside Stripe. No charge holds it, so
        :meth:`money_moved` counts none of it; tests hold what the system records as received
        outside Stripe to this."""
        with self._store.lock:
            paid: dict[str, int] = {}
            for invoice in self._store.invoices.values():
                off_stripe = int(invoice.get("amount_paid_off_stripe") or 0)
                if off_stripe:
                    reference = str(invoice["metadata"].get("application_id", ""))
                    paid[reference] = paid.get(reference, 0) + off_stripe
            return paid

    def sessions_paid(self) -> list[dict[str, Any]]:
        """Every Checkout Session that took a payment (copies), for tests that hold what the
        system says of a payment to what Stripe holds of it."""
        with self._store.lock:
            return [
                copy.deepcopy(session)
                for session in self._store.sessions.values()
                if session.get("payment_intent")
            ]

    def expire_due(self) -> list[str]:
        """What Stripe does on its own as time passes (on ``clock``): expire every open session
        whose ``expires_at`` has passed (``checkout.session.expired``) and tell of every unpaid
        invoice past its due date (``invoice.overdue``). Returns the ids of both.

        Nothing calls this on a timer: the local scheduler (or a test that moves the clock)
        calls it, and the hosted-page routes apply it to the object they touch.
        """
        outgoing: list[Outgoing] = []
        with self._store.lock:
            expired = [
                session_id
                for session_id, session in self._store.sessions.items()
                if self._checkout.expire_if_due(session, outgoing)
            ]
            overdue = [
                invoice_id
                for invoice_id, invoice in self._store.invoices.items()
                if self._invoices.overdue_if_due(invoice, outgoing)
            ]
        self._webhooks.deliver_all(outgoing)
        return expired + overdue

    def webhooks_held(self) -> AbstractContextManager[None]:
        """Webhooks of the API calls made meanwhile wait until the block ends (a scheduled
        run's: see ``Webhooks.held``)."""
        return self._webhooks.held()

    def settle(self, timeout: float) -> bool:
        """Wait until the events API calls caused have been delivered (background delivery);
        False if some were still on their way after ``timeout`` seconds."""
        return self._webhooks.settle(timeout)

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
        incoming = Incoming(
            method=method.upper(),
            path="/" + path.split("?", 1)[0].strip("/"),
            query=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
        )
        try:
            if incoming.path.startswith("/v1/"):
                return self._outage.before_api() or self._api.handle(incoming)
            if incoming.path == "/outage":
                controlled = self._outage.control(incoming.method, incoming.body)
                if controlled is not None:
                    return controlled
            return self._local.handle(incoming)
        except StripeError as exc:
            return json_response(exc.status, exc.payload())
        except UnicodeDecodeError:
            return json_response(
                400, StripeError(400, "The request body is not valid UTF-8.").payload()
            )
