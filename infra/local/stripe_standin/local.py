"""Routes only the local stack has (``/_local/stripe/...``): the hosted pages and the buttons
on them, which do what a customer would do on Stripe's pages and send Stripe's signed events."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from infra.local.stripe_standin.checkout import CheckoutSessions
from infra.local.stripe_standin.disputes import Disputes
from infra.local.stripe_standin.events import Webhooks
from infra.local.stripe_standin.invoice_life import InvoiceLife
from infra.local.stripe_standin.pages import (
    checkout_page,
    invoice_page,
    not_found_page,
    refused_page,
)
from infra.local.stripe_standin.payments import Payments
from infra.local.stripe_standin.store import Outgoing, Store
from infra.local.stripe_standin.wire import (
    HTML_HEADERS,
    Incoming,
    LocalResponse,
    StripeError,
    body_fields,
    find,
    json_response,
    truthy,
)


class LocalRoutes:
    def __init__(
        self,
        store: Store,
        webhooks: Webhooks,
        checkout: CheckoutSessions,
        payments: Payments,
        invoices: InvoiceLife,
    ) -> None:
        self._store = store
        self._webhooks = webhooks
        self._checkout = checkout
        self._payments = payments
        self._invoices = invoices
        self._disputes = Disputes(store)

    def handle(self, incoming: Incoming) -> LocalResponse:
        parts = incoming.path.strip("/").split("/")
        response = None
        if incoming.method == "GET":
            response = self._get(parts, incoming.query)
        elif incoming.method == "POST":
            wants_html = "text/html" in incoming.headers.get("accept", "")
            try:
                response = self._post(parts, incoming.headers, incoming.body, wants_html)
            except StripeError as refused:
                if not wants_html or len(parts) != 3 or parts[0] not in ("checkout", "invoices"):
                    raise  # an API client's: Stripe's JSON error
                return self._refused(parts[0], parts[1], refused)
        if response is None:
            raise StripeError(
                404, f"Unrecognized local Stripe route ({incoming.method}: {incoming.path})"
            )
        return response

    def _get(self, parts: list[str], query: Mapping[str, list[str]]) -> LocalResponse | None:
        """The event log and the hosted pages."""
        match parts:
            case ["events"]:
                return json_response(200, self._store.events_newest_first())
            case ["checkout", session_id]:
                return self._checkout_page(session_id)
            case ["invoices", invoice_id]:
                return self._invoice_page(invoice_id, left_unpaid="left" in query)
        return None

    def _post(
        self, parts: list[str], headers: Mapping[str, str], body: bytes, wants_html: bool
    ) -> LocalResponse | None:
        """The hosted pages' buttons, and sending an event again."""
        match parts:
            case ["invoices", invoice_id, "dispute"]:
                reason = str(body_fields(headers, body).get("reason", "") or "fraudulent")
                return self._dispute_action(
                    lambda out: self._disputes.open(
                        self._charge_of_invoice(invoice_id), reason, out
                    )
                )
            case ["invoices", invoice_id, action]:
                fields = body_fields(headers, body)
                return self._invoice_action(invoice_id, action, fields, wants_html)
            case ["events", event_id, "resend"]:
                return self._resend(event_id)
            case ["disputes", dispute_id, "escalate"]:
                return self._dispute_action(lambda out: self._disputes.escalate(dispute_id, out))
            case ["disputes", dispute_id, "close"]:
                outcome = str(body_fields(headers, body).get("outcome", ""))
                return self._dispute_action(
                    lambda out: self._disputes.close(dispute_id, outcome, out)
                )
            case ["checkout", session_id, action]:
                fields = body_fields(headers, body)
                return self._checkout_action(session_id, action, fields, wants_html)
        return None

    def _resend(self, event_id: str) -> LocalResponse:
        with self._store.lock:
            find(self._store.events_by_id, event_id, "event")
        status = self._webhooks.send(event_id)
        self._webhooks.settle()
        return json_response(200, {"event_id": event_id, "webhook_status": status})

    def _checkout_action(
        self, session_id: str, action: str, fields: Mapping[str, Any], wants_html: bool
    ) -> LocalResponse | None:
        """What the customer does on the hosted checkout page (pay, or a delayed payment's
        outcome), or what happens to the session later (expiry, a refund)."""
        if action == "pay":
            return self._pay(session_id, fields, wants_html)
        if action == "refund":
            return self._refund(session_id, wants_html)
        if action == "dispute":
            reason = str(fields.get("reason", "") or "fraudulent")
            inquiry = str(fields.get("inquiry", "")) == "true"
            return self._dispute_action(
                lambda out: self._disputes.open(
                    self._charge_of(session_id), reason, out, inquiry=inquiry
                )
            )
        steps: dict[str, Callable[[list[Outgoing]], dict[str, Any]]] = {
            "async": lambda out: self._checkout.settle_async(
                session_id, str(fields.get("result", "")), out
            ),
            "expire": lambda out: self._checkout.expire(session_id, {}, out, api_call=False),
        }
        step = steps.get(action)
        return None if step is None else self._session_action(session_id, wants_html, step)

    def _deliver(self, outgoing: list[Outgoing]) -> list[int]:
        """Deliver this action's events now (their statuses are reported), then wait for what
        they caused in turn: the action answers once the world has settled."""
        statuses = self._webhooks.deliver_all(outgoing)
        self._webhooks.settle()
        return statuses

    def _acted(
        self, action: Callable[[list[Outgoing]], dict[str, Any]]
    ) -> tuple[dict[str, Any], list[Outgoing], list[int]]:
        """A button's ``action`` done under the store's lock: what it returned, the events it
        sent, and their delivery's statuses (delivered once the lock is let go)."""
        outgoing: list[Outgoing] = []
        with self._store.lock:
            done = action(outgoing)
        return done, outgoing, self._deliver(outgoing)

    def _pay(self, session_id: str, fields: Mapping[str, Any], wants_html: bool) -> LocalResponse:
        delayed = truthy(fields.get("async", False))
        outgoing: list[Outgoing] = []
        with self._store.lock:
            lapsed = self._checkout.expire_if_due(
                find(self._store.sessions, session_id, "checkout.session"), outgoing
            )
            if not lapsed:
                session = self._checkout.pay(session_id, delayed=delayed, outgoing=outgoing)
        statuses = self._deliver(outgoing)
        if lapsed:
            raise StripeError(
                409,
                f"Checkout session {session_id} expired before it was paid.",
                code="checkout_session_not_open",
            )
        if wants_html:
            success = str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)
            return _see_other(success)
        return json_response(
            200,
            {"session": session, "event_id": outgoing[0].event_id, "webhook_status": statuses[0]},
        )

    def _session_action(
        self,
        session_id: str,
        wants_html: bool,
        action: Callable[[list[Outgoing]], dict[str, Any]],
    ) -> LocalResponse:
        session, outgoing, statuses = self._acted(action)
        if wants_html:
            return self._redirect_to_page(session_id)
        return json_response(
            200,
            {"session": session, "event_id": outgoing[0].event_id, "webhook_status": statuses[0]},
        )

    def _charge_of(self, session_id: str) -> str:
        """The charge that paid a checkout session (the one a payer's bank may dispute)."""
        session = find(self._store.sessions, session_id, "checkout.session")
        intent_id = session.get("payment_intent")
        if session["payment_status"] != "paid" or not intent_id:
            raise StripeError(
                409, f"Checkout session {session_id} has not been paid.", code="not_paid"
            )
        intent = find(self._store.payment_intents, str(intent_id), "payment_intent")
        return str(intent["latest_charge"])

    def _charge_of_invoice(self, invoice_id: str) -> str:
        """The charge that paid an invoice through Stripe (its paid invoice payment's intent's):
        the one the payer's bank may dispute. An invoice paid outside Stripe has none."""
        find(self._store.invoices, invoice_id, "invoice")
        paying = [
            p["payment"]["payment_intent"]
            for p in self._store.invoice_payments.values()
            if p["invoice"] == invoice_id and p["status"] == "paid"
        ]
        if not paying:
            raise StripeError(
                409, f"Invoice {invoice_id} was not paid through Stripe.", code="not_paid"
            )
        intent = find(self._store.payment_intents, str(paying[-1]), "payment_intent")
        return str(intent["latest_charge"])

    def _dispute_action(self, action: Callable[[list[Outgoing]], dict[str, Any]]) -> LocalResponse:
        """A payer's bank opening or closing a dispute: the dispute, and each event it sent."""
        dispute, outgoing, statuses = self._acted(action)
        return json_response(
            200, {"dispute": dispute, "events": self._webhooks.sent(outgoing, statuses)}
        )

    def _refund(self, session_id: str, wants_html: bool) -> LocalResponse:
        outgoing: list[Outgoing] = []
        with self._store.lock:
            session = find(self._store.sessions, session_id, "checkout.session")
            intent_id = session.get("payment_intent")
            if session["payment_status"] != "paid" or not intent_id:
                raise StripeError(
                    409, f"Checkout session {session_id} has not been paid.", code="not_paid"
                )
            refund = self._payments.create_refund({"payment_intent": intent_id}, None, outgoing)
            charge = copy.deepcopy(self._store.charges[refund["charge"]])
        statuses = self._deliver(outgoing)
        if wants_html:
            return self._redirect_to_page(session_id)
        # The contract's event for a refund is charge.refunded, so it is the one named on top.
        return json_response(
            200,
            {
                "refund": refund,
                "charge": charge,
                "event_id": outgoing[-1].event_id,
                "webhook_status": statuses[-1],
                "events": self._webhooks.sent(outgoing, statuses),
            },
        )

    def _invoice_action(
        self, invoice_id: str, action: str, fields: Mapping[str, Any], wants_html: bool
    ) -> LocalResponse:
        """What the billing contact does on the hosted invoice page (pay; ``async=true``: by a
        bank debit, processing until ``async`` gives the bank's ``result``), or what an
        organiser does in Stripe's dashboard (void, mark uncollectible)."""
        slowly = truthy(fields.get("async", False))
        result = str(fields.get("result", ""))
        steps: dict[str, Callable[[list[Outgoing]], dict[str, Any]]] = {
            "pay": lambda out: (
                self._invoices.pay_slowly(invoice_id, out)
                if slowly
                else self._invoices.pay(invoice_id, {}, None, out)
            ),
            "async": lambda out: self._invoices.settle_slow_payment(invoice_id, result, out),
            "void": lambda out: self._invoices.void(invoice_id, None, out),
            "mark_uncollectible": lambda out: self._invoices.mark_uncollectible(
                invoice_id, None, out
            ),
        }
        step = steps.get(action)
        if step is None:
            raise StripeError(404, f"Unrecognized local Stripe route (POST: invoices/{action})")
        invoice, outgoing, statuses = self._acted(step)
        if wants_html:
            return _see_other(f"{self._store.base}/_local/stripe/invoices/{invoice_id}")
        sent = self._webhooks.sent(outgoing, statuses)
        # The event the contract names for each action is the one reported on top.
        main = {
            "pay": "payment_intent.processing" if slowly else "invoice.paid",
            "async": "invoice.paid" if result == "succeeded" else "invoice.payment_failed",
            "void": "invoice.voided",
        }.get(action, "invoice.marked_uncollectible")
        named = next(event for event in sent if event["type"] == main)
        return json_response(
            200,
            {
                "invoice": invoice,
                "event_id": named["id"],
                "webhook_status": named["webhook_status"],
                "events": sent,
            },
        )

    def _invoice_page(self, invoice_id: str, *, left_unpaid: bool) -> LocalResponse:
        outgoing: list[Outgoing] = []
        with self._store.lock:
            invoice = self._store.invoices.get(invoice_id)
            if invoice is None or invoice["status"] == "draft":
                missing = not_found_page(
                    "Invoice not found", "There is no sent invoice with this id.", kind="invoice"
                )
                return LocalResponse(404, dict(HTML_HEADERS), missing)
            self._invoices.overdue_if_due(invoice, outgoing)
            rendered = invoice_page(self._store, invoice, left_unpaid=left_unpaid)
        self._deliver(outgoing)
        return LocalResponse(200, dict(HTML_HEADERS), rendered)

    def _refused(self, where: str, object_id: str, refused: StripeError) -> LocalResponse:
        """A hosted page's button that no longer applies, answered as a page in words."""
        with self._store.lock:
            body = refused_page(self._store, where, object_id, refused.message)
        return LocalResponse(refused.status, dict(HTML_HEADERS), body)

    def _redirect_to_page(self, session_id: str) -> LocalResponse:
        return _see_other(f"{self._store.base}/_local/stripe/checkout/{session_id}")

    def _checkout_page(self, session_id: str) -> LocalResponse:
        outgoing: list[Outgoing] = []
        with self._store.lock:
            session = self._store.sessions.get(session_id)
            if session is None:
                missing = not_found_page(
                    "Checkout not found", "There is no checkout session with this id."
                )
                return LocalResponse(404, dict(HTML_HEADERS), missing)
            self._checkout.expire_if_due(session, outgoing)
            rendered = checkout_page(self._store, session)
        self._deliver(outgoing)
        return LocalResponse(200, dict(HTML_HEADERS), rendered)


def _see_other(location: str) -> LocalResponse:
    """A hosted page's button answered as a browser expects: on to ``location``."""
    return LocalResponse(303, {"Location": location, "Content-Length": "0"}, b"")
