"""An invoice's life once finalized, as Stripe lives it: sent, paid (by the customer on the
hosted page, or out of band), voided, marked uncollectible, overdue. Each step records the event
Stripe sends for it."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.customers import live_customer
from infra.local.stripe_standin.discounts import Discounts
from infra.local.stripe_standin.payments import Payments
from infra.local.stripe_standin.store import Outgoing, Request, Store

INVOICE_PAY_PARAMS = frozenset(
    {
        "expand",
        "forgive",
        "mandate",
        "off_session",
        "paid_out_of_band",
        "payment_method",
        "source",
    }
)
ONLY_OPEN = "You can only mark open invoices as uncollectible; {id} is {status}."
# How an invoice's payments are read with their intents expanded (``retrieve``).
PAYMENTS_INTENTS = "payments.data.payment.payment_intent"
# Statuses from which an invoice can still be paid, voided or found overdue.
COLLECTABLE = ("open", "uncollectible")


class InvoiceLife:
    def __init__(self, store: Store, payments: Payments, discounts: Discounts) -> None:
        self._store = store
        self._payments = payments
        self._discounts = discounts

    def finalize(
        self, invoice_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        store = self._store
        invoice = wire.find_in(
            store.invoices,
            invoice_id,
            "invoice",
            ("draft",),
            "This invoice is already finalized, you can't re-finalize a non-draft invoice. "
            "({id} is {status})",
            code="invoice_not_editable",
        )
        customer = live_customer(store, invoice["customer"])
        now = store.now()
        number = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
        customer["next_invoice_sequence"] += 1
        invoice.update(
            {
                "status": "open",
                "number": number,
                "effective_at": now,
                "hosted_invoice_url": f"{store.base}/_local/stripe/invoices/{invoice_id}",
            }
        )
        invoice["status_transitions"]["finalized_at"] = now
        for coupon_id, promo_id, _ in store.invoice_discounts.get(invoice_id, []):
            self._discounts.redeem(coupon_id, promo_id)
        outgoing.append(store.record_event("invoice.finalized", invoice, request))
        if invoice["amount_due"] == 0:
            # Nothing to collect: Stripe marks a zero invoice paid as it finalizes it.
            self._mark_paid(invoice, request, outgoing)
        elif wire.below_minimum(invoice["amount_due"], invoice["currency"]):
            # Less than Stripe charges: marked paid, nothing collected, the amount owed moved
            # to the customer's balance as a debit for a later invoice.
            customer["balance"] = customer.get("balance", 0) + invoice["amount_due"]
            self._mark_paid(invoice, request, outgoing)
        return copy.deepcopy(invoice)

    def send(
        self, invoice_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        store = self._store
        invoice = wire.find(store.invoices, invoice_id, "invoice")
        if invoice["collection_method"] != "send_invoice" or invoice["status"] not in (
            "open",
            "paid",
        ):
            raise wire.StripeError(
                400,
                f"You can only send open or paid invoices with collection_method=send_invoice; "
                f"{invoice_id} is {invoice['status']}.",
                param="invoice",
            )
        store.invoice_sends.setdefault(invoice_id, []).append(store.now())
        return store.answered("invoice.sent", invoice, request, outgoing)

    def pay(
        self,
        invoice_id: str,
        params: Mapping[str, Any],
        request: Request | None,
        outgoing: list[Outgoing],
    ) -> dict[str, Any]:
        """Pay in full: by the customer's card or bank transfer, or ``paid_out_of_band``."""
        wire.reject_unknown(params, INVOICE_PAY_PARAMS)
        invoice = self.collectable(invoice_id, "paid")
        if wire.truthy(params.get("paid_out_of_band", False)):
            # Counted in ``amount_paid`` as any payment is (Stripe's changelog of 2025-03-31:
            # "amount_paid ... now reflects out of band payments"), and said apart in
            # ``amount_paid_off_stripe`` (given only when expanded: ``wire.as_answered``).
            invoice["amount_paid_off_stripe"] = invoice["amount_remaining"]
            invoice["amount_paid"] += invoice["amount_remaining"]
        elif invoice["amount_remaining"] > 0:
            self._collect(invoice, outgoing)
        self._mark_paid(invoice, request, outgoing)
        return copy.deepcopy(invoice)

    def pay_slowly(self, invoice_id: str, outgoing: list[Outgoing]) -> dict[str, Any]:
        """The customer starts paying on the hosted page by a bank debit (Bacs, SEPA): its
        payment intent is ``processing`` for days, the invoice stays open, and its invoice
        payment ``open`` until the bank says (``settle_slow_payment``). Stripe tells of it
        with ``payment_intent.processing`` (the intent names no invoice)."""
        invoice = self.collectable(invoice_id, "paid")
        if self._processing(invoice_id) is not None:
            raise wire.StripeError(
                400, f"Invoice {invoice_id} already has a payment processing.", param="invoice"
            )
        intent, _ = self._attempt(invoice, "bacs_debit", paid=False)
        intent["processing"] = None  # Stripe's ``processing`` hash describes cards only
        outgoing.append(self._store.record_event("payment_intent.processing", intent, None))
        return copy.deepcopy(invoice)

    def settle_slow_payment(
        self, invoice_id: str, result: str, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        """The bank's word on an invoice's processing payment: ``succeeded`` pays the invoice
        (``invoice_payment.paid``, ``invoice.paid``), ``failed`` leaves it open
        (``invoice.payment_failed``)."""
        if result not in ("succeeded", "failed"):
            raise wire.StripeError(400, "result must be 'succeeded' or 'failed'", param="result")
        invoice = wire.find(self._store.invoices, invoice_id, "invoice")
        payment = self._processing(invoice_id)
        if payment is None:
            raise wire.StripeError(
                409,
                f"Invoice {invoice_id} has no payment awaiting its bank.",
                code="no_pending_payment",
            )
        intent = self._store.payment_intents[payment["payment"]["payment_intent"]]
        self._payments.settle(intent, result)
        now = self._store.now()
        if result == "failed":
            payment["status"] = "canceled"
            payment["status_transitions"]["canceled_at"] = now
            outgoing.append(self._store.record_event("invoice.payment_failed", invoice, None))
            return copy.deepcopy(invoice)
        payment.update({"status": "paid", "amount_paid": intent["amount"]})
        payment["status_transitions"]["paid_at"] = now
        invoice["amount_paid"] += intent["amount"]
        outgoing.append(self._store.record_event("invoice_payment.paid", payment, None))
        self._mark_paid(invoice, None, outgoing)
        return copy.deepcopy(invoice)

    def _processing(self, invoice_id: str) -> dict[str, Any] | None:
        """The invoice's payment whose intent is processing at the bank, if any."""
        for payment in self._store.invoice_payments.values():
            intent = self._store.payment_intents.get(payment["payment"]["payment_intent"])
            if payment["invoice"] == invoice_id and intent and intent["status"] == "processing":
                return payment
        return None

    def void(
        self, invoice_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        invoice = self.collectable(invoice_id, "voided")
        if self._processing(invoice_id) is not None:
            # Refused while a bank debit of it is processing, as integrators report Stripe
            # refusing it (Stripe's reference does not say; its words here are ours).
            raise wire.StripeError(
                400,
                f"Invoice {invoice_id} has a payment processing and cannot be voided.",
                param="invoice",
            )
        invoice["status"] = "void"
        invoice["status_transitions"]["voided_at"] = self._store.now()
        outgoing.append(self._store.record_event("invoice.voided", invoice, request))
        return copy.deepcopy(invoice)

    def mark_uncollectible(
        self, invoice_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        invoice = wire.find_in(
            self._store.invoices, invoice_id, "invoice", ("open",), ONLY_OPEN, param="invoice"
        )
        invoice["status"] = "uncollectible"
        invoice["status_transitions"]["marked_uncollectible_at"] = self._store.now()
        outgoing.append(self._store.record_event("invoice.marked_uncollectible", invoice, request))
        return copy.deepcopy(invoice)

    def overdue_if_due(self, invoice: dict[str, Any], outgoing: list[Outgoing]) -> bool:
        """Send ``invoice.overdue`` once an unpaid invoice passes its due date."""
        store = self._store
        due = invoice["due_date"]
        if (
            invoice["status"] not in COLLECTABLE
            or due is None
            or store.now() < due
            or invoice["id"] in store.overdue_sent
        ):
            return False
        store.overdue_sent.add(invoice["id"])
        outgoing.append(store.record_event("invoice.overdue", invoice, None))
        return True

    def collectable(self, invoice_id: str, verb: str) -> dict[str, Any]:
        invoice = wire.find(self._store.invoices, invoice_id, "invoice")
        if invoice["status"] not in COLLECTABLE:
            raise wire.StripeError(
                400,
                f"This invoice is {invoice['status']} and cannot be {verb}. Only open or "
                "uncollectible invoices can be.",
                code="invoice_not_editable" if invoice["status"] == "draft" else None,
                param="invoice",
            )
        return invoice

    def _collect(self, invoice: dict[str, Any], outgoing: list[Outgoing]) -> None:
        """The customer pays what remains: a payment intent, its charge, an invoice payment."""
        intent, payment = self._attempt(invoice, "card", paid=True)
        invoice["amount_paid"] += intent["amount"]
        outgoing.append(self._store.record_event("invoice_payment.paid", payment, None))

    def _attempt(
        self, invoice: dict[str, Any], method_type: str, *, paid: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """One attempt at paying what remains of ``invoice`` by ``method_type``: its payment
        intent and charge (succeeded, or processing with a pending charge: a bank debit), and
        the invoice's payment by it (``paid``, or ``open`` until the bank says); the intent
        and the invoice payment."""
        intent = self._payments.take_payment(
            invoice["amount_remaining"],
            invoice["currency"],
            # Stripe copies nothing onto an invoice's payment intent: ids live on the invoice.
            metadata={},
            receipt_email=invoice["customer_email"],
            methods=[method_type],
            settled=paid,
        )
        payment = self._invoice_payment(invoice, intent, status="paid" if paid else "open")
        self._store.invoice_payments[payment["id"]] = payment
        invoice["attempt_count"] += 1
        invoice["attempted"] = True
        return intent, payment

    def _invoice_payment(
        self, invoice: dict[str, Any], intent: dict[str, Any], *, status: str
    ) -> dict[str, Any]:
        """The invoice's payment by ``intent``: ``paid`` at once, or ``open`` while it is
        processing (nothing paid yet, as Stripe says it)."""
        now, paid = self._store.now(), status == "paid"
        return self._store.fixture(
            "invoice_payment",
            {
                "id": wire.random_id("inpay_"),
                "amount_paid": intent["amount"] if paid else None,
                "amount_requested": intent["amount"],
                "created": now,
                "currency": invoice["currency"],
                "invoice": invoice["id"],
                "is_default": True,
                "livemode": False,
                "payment": {"payment_intent": intent["id"], "type": "payment_intent"},
                "status": status,
                "status_transitions": {"canceled_at": None, "paid_at": now if paid else None},
            },
        )

    def _mark_paid(
        self, invoice: dict[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> None:
        store = self._store
        invoice.update({"status": "paid", "amount_remaining": 0, "next_payment_attempt": None})
        invoice["status_transitions"]["paid_at"] = store.now()
        outgoing.append(store.record_event("invoice.paid", invoice, request))
        outgoing.append(store.record_event("invoice.payment_succeeded", invoice, request))

    def retrieve(self, invoice_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /v1/invoices/{id}``: the invoice, with its ``payments`` (newest first, the
        first ten, as a list object) only when asked for with ``expand``, as Stripe includes
        them."""
        invoice = copy.deepcopy(wire.find(self._store.invoices, invoice_id, "invoice"))
        expand = params.get("expand")
        if isinstance(expand, list) and "payments" in expand:
            listed = self.list_payments({"invoice": invoice_id})
            invoice["payments"] = listed | {"url": f"/v1/invoice_payments?invoice={invoice_id}"}
            if PAYMENTS_INTENTS in expand:  # each payment's intent, whole
                for payment in listed["data"]:
                    paying = payment["payment"]
                    paying["payment_intent"] = copy.deepcopy(
                        self._store.payment_intents[paying["payment_intent"]]
                    )
        return invoice

    def list_invoices(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /v1/invoices``: newest first, of one ``status`` and one ``customer`` when
        named, at most ``limit`` after ``starting_after`` (Stripe's paging)."""
        allowed = frozenset({"expand", "status", "customer", "limit", "starting_after"})
        wire.reject_unknown(params, allowed)
        newest_first = sorted(self._store.invoices.values(), key=lambda i: -i["created"])
        invoices = wire.matching(newest_first, params, "status", "customer")
        after = wire.optional_str(params, "starting_after")
        if after is not None:
            ids = [i["id"] for i in invoices]
            invoices = invoices[ids.index(after) + 1 :] if after in ids else []
        return wire.listed(invoices, wire.list_limit(params), "/v1/invoices")

    def list_payments(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /v1/invoice_payments``: an invoice's payments, newest first."""
        newest_first = sorted(self._store.invoice_payments.values(), key=lambda p: -p["created"])
        payments = wire.matching(newest_first, params, "invoice", "status")
        return wire.listed(payments, wire.list_limit(params), "/v1/invoice_payments")
