"""Invoice drafts: the invoice, its items (each one line) and discounts, and the totals they
make. What happens once a draft is finalized is in ``invoice_life.py``."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.customers import live_customer
from infra.local.stripe_standin.discounts import Discounts
from infra.local.stripe_standin.store import Outgoing, Request, Store

INVOICE_CREATE_PARAMS = frozenset(
    {
        "account_tax_ids",
        "application_fee_amount",
        "auto_advance",
        "automatic_tax",
        "automatically_finalizes_at",
        "collection_method",
        "currency",
        "custom_fields",
        "customer",
        "customer_account",
        "days_until_due",
        "default_payment_method",
        "default_source",
        "default_tax_rates",
        "description",
        "discounts",
        "due_date",
        "effective_at",
        "expand",
        "footer",
        "from_invoice",
        "issuer",
        "metadata",
        "number",
        "on_behalf_of",
        "payment_settings",
        "pending_invoice_items_behavior",
        "rendering",
        "shipping_cost",
        "shipping_details",
        "statement_descriptor",
        "subscription",
        "transfer_data",
    }
)
INVOICE_ITEM_CREATE_PARAMS = frozenset(
    {
        "amount",
        "currency",
        "customer",
        "customer_account",
        "description",
        "discountable",
        "discounts",
        "expand",
        "invoice",
        "metadata",
        "period",
        "price_data",
        "pricing",
        "quantity",
        "quantity_decimal",
        "subscription",
        "tax_behavior",
        "tax_code",
        "tax_rates",
        "unit_amount_decimal",
    }
)
_DAY = 24 * 60 * 60


# A new draft's figures: no lines yet, so nothing due, paid or owed.
_NOTHING_YET: dict[str, int] = dict.fromkeys(
    (
        "amount_due",
        "amount_overpaid",
        "amount_paid",
        "amount_paid_off_stripe",
        "amount_remaining",
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
    ),
    0,
)
ONLY_DRAFTS = "You can only add invoice items to draft invoices; {id} is {status}."


class InvoiceDrafts:
    def __init__(self, store: Store, discounts: Discounts) -> None:
        self._store = store
        self._discounts = discounts

    # -- drafts ----------------------------------------------------------------------------

    def create(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        customer = self._customer_of(params, INVOICE_CREATE_PARAMS)
        store = self._store
        now = store.now()
        method = _collection_method(params)
        due_date = self._due_date(params, method, now)
        invoice_id = wire.random_id("in_")
        invoice = store.fixture(
            "invoice",
            {
                "id": invoice_id,
                "account_country": "GB",
                "account_name": None,
                **_NOTHING_YET,
                "auto_advance": wire.truthy(params.get("auto_advance", False)),
                "collection_method": method,
                "created": now,
                "currency": (wire.optional_str(params, "currency") or "gbp").lower(),
                "custom_fields": _custom_fields(params.get("custom_fields")),
                "customer": customer["id"],
                "customer_address": copy.deepcopy(customer["address"]),
                "customer_email": customer["email"],
                "customer_name": customer["name"],
                "customer_phone": customer["phone"],
                "description": wire.optional_str(params, "description", 1500),
                "discounts": [],
                "due_date": due_date,
                "footer": wire.optional_str(params, "footer", 5000),
                "lines": {
                    "data": [],
                    "has_more": False,
                    "object": "list",
                    "url": f"/v1/invoices/{invoice_id}/lines",
                },
                "livemode": False,
                "metadata": wire.check_metadata(params.get("metadata")),
                "next_payment_attempt": None,
                "number": None,
                "period_end": now,
                "period_start": now,
                "statement_descriptor": wire.optional_str(params, "statement_descriptor", 22),
                "status": "draft",
                "webhooks_delivered_at": now,
            },
        )
        applied = self._applied_discounts(params.get("discounts"), invoice_id, customer["id"])
        invoice["discounts"] = [discount_id for _, _, discount_id in applied]
        store.invoice_discounts[invoice_id] = applied
        store.invoices[invoice_id] = invoice
        if params.get("pending_invoice_items_behavior") == "include":
            self._attach_pending(invoice, customer["id"])
        self._total(invoice)
        return store.answered("invoice.created", invoice, request, outgoing)

    def _customer_of(self, params: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
        """The live customer ``params`` name, once they hold only what ``allowed`` names."""
        wire.reject_unknown(params, allowed)
        return live_customer(self._store, wire.require_str(params, "customer"))

    def _applied_discounts(
        self, specs: Any, invoice_id: str, customer_id: str
    ) -> list[tuple[str, str | None, str]]:
        """The coupons or promotion codes a new invoice is given: (coupon, promotion code,
        discount) ids, each discount made for this invoice and customer."""
        applied: list[tuple[str, str | None, str]] = []
        if specs in (None, ""):
            return applied
        if not isinstance(specs, list):
            raise wire.StripeError(400, "Invalid array", param="discounts")
        for index, spec in enumerate(specs):
            coupon, promo = self._discounts.resolve(spec, f"discounts[{index}]")
            discount = self._discounts.make_discount(
                coupon, promo, invoice=invoice_id, customer=customer_id
            )
            applied.append((coupon["id"], promo["id"] if promo else None, discount["id"]))
        return applied

    def _attach_pending(self, invoice: dict[str, Any], customer_id: str) -> None:
        """The customer's invoice items on no invoice yet go on this one."""
        for item in self._store.invoice_items.values():
            if item["customer"] == customer_id and item["invoice"] is None:
                self._attach(invoice, item)

    @staticmethod
    def _due_date(params: Mapping[str, Any], method: str, now: int) -> int | None:
        days = params.get("days_until_due")
        due = params.get("due_date")
        if method != "send_invoice":
            if days not in (None, "") or due not in (None, ""):
                raise wire.StripeError(
                    400,
                    "Invoices with collection_method=charge_automatically have no due date.",
                    param="due_date",
                )
            return None
        if days not in (None, "") and due not in (None, ""):
            raise wire.StripeError(
                400, "You may only specify one of due_date and days_until_due.", param="due_date"
            )
        if days not in (None, ""):
            return now + wire.parse_int(days, "days_until_due", minimum=0) * _DAY
        if due in (None, ""):
            raise wire.StripeError(
                400,
                "Invoices with collection_method=send_invoice need a due_date or days_until_due.",
                param="days_until_due",
            )
        due_date = wire.parse_int(due, "due_date")
        if due_date <= now:
            raise wire.StripeError(400, "due_date must be in the future.", param="due_date")
        return due_date

    def create_item(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        customer = self._customer_of(params, INVOICE_ITEM_CREATE_PARAMS)
        store = self._store
        if params.get("amount") in (None, ""):
            raise wire.StripeError(
                400, "The local Stripe stand-in prices invoice items by amount.", param="amount"
            )
        amount = wire.parse_int(params["amount"], "amount", minimum=0)
        currency = wire.require_str(params, "currency").lower()
        invoice_id = wire.optional_str(params, "invoice")
        invoice = None if invoice_id is None else self._draft_for(invoice_id, customer, currency)
        now = store.now()
        item = store.fixture(
            "invoiceitem",
            {
                "id": wire.random_id("ii_"),
                "amount": amount,
                "currency": currency,
                "customer": customer["id"],
                "date": now,
                "description": wire.optional_str(params, "description", 5000),
                "discountable": wire.truthy(params.get("discountable", True)),
                "discounts": [],
                "invoice": None,
                "livemode": False,
                "metadata": wire.check_metadata(params.get("metadata")),
                "net_amount": amount,
                "period": {"end": now, "start": now},
                "pricing": _pricing(amount),
                "quantity": 1,
                "quantity_decimal": "1",
            },
        )
        store.invoice_items[item["id"]] = item
        if invoice is not None:
            self._attach(invoice, item)
            self._total(invoice)
        return store.answered("invoiceitem.created", item, request, outgoing)

    def _draft_for(
        self, invoice_id: str, customer: Mapping[str, Any], currency: str
    ) -> dict[str, Any]:
        """The invoice an item is added to: a draft, the customer's, in the item's currency."""
        invoice = wire.find_in(
            self._store.invoices, invoice_id, "invoice", ("draft",), ONLY_DRAFTS, param="invoice"
        )
        if invoice["customer"] != customer["id"]:
            raise wire.StripeError(400, "The invoice belongs to another customer.", param="invoice")
        if invoice["currency"] != currency:
            raise wire.StripeError(
                400,
                f"The invoice's currency is {invoice['currency']}, not {currency}.",
                param="currency",
            )
        return invoice

    def _attach(self, invoice: dict[str, Any], item: dict[str, Any]) -> None:
        item["invoice"] = invoice["id"]
        line = copy.deepcopy(self._store.fixtures["invoice"]["lines"]["data"][0])
        line.update(
            {
                "id": wire.random_id("il_"),
                "amount": item["amount"],
                "currency": item["currency"],
                "description": item["description"],
                "discountable": item["discountable"],
                "invoice": invoice["id"],
                "livemode": False,
                "metadata": dict(item["metadata"]),
                "parent": {
                    "invoice_item_details": {
                        "invoice_item": item["id"],
                        "proration": False,
                        "proration_details": {"credited_items": None},
                        "subscription": None,
                    },
                    "subscription_item_details": None,
                    "type": "invoice_item_details",
                },
                "period": dict(item["period"]),
                "pricing": copy.deepcopy(item["pricing"]),
                "subtotal": item["amount"],
            }
        )
        invoice["lines"]["data"].append(line)

    def _total(self, invoice: dict[str, Any]) -> None:
        """Subtotal, each discount in turn on what is left, total and what remains due."""
        lines = invoice["lines"]["data"]
        subtotal = sum(line["amount"] for line in lines)
        discountable = sum(line["amount"] for line in lines if line["discountable"])
        remaining = discountable
        totals: list[dict[str, Any]] = []
        for line in lines:
            line["discount_amounts"], line["pretax_credit_amounts"] = [], []
        for coupon_id, _, discount_id in self._store.invoice_discounts.get(invoice["id"], []):
            off = self._discounts.amount_off(
                self._store.coupons[coupon_id], remaining, invoice["currency"]
            )
            remaining -= off
            totals.append({"amount": off, "discount": discount_id})
            self._spread(lines, off, discount_id, discountable)
        discount_total = sum(entry["amount"] for entry in totals)
        total = subtotal - discount_total
        invoice.update(
            {
                "subtotal": subtotal,
                "subtotal_excluding_tax": subtotal,
                "total": total,
                "total_excluding_tax": total,
                "total_discount_amounts": totals,
                "total_pretax_credit_amounts": [
                    {
                        "amount": entry["amount"],
                        "credit_balance_transaction": None,
                        "discount": entry["discount"],
                        "type": "discount",
                    }
                    for entry in totals
                ],
                "amount_due": total,
                "amount_remaining": max(total - invoice["amount_paid"], 0),
            }
        )

    @staticmethod
    def _spread(lines: list[dict[str, Any]], off: int, discount_id: str, base: int) -> None:
        """Share a discount among the discountable lines by amount (the last takes the rest)."""
        eligible = [line for line in lines if line["discountable"]]
        given = 0
        for index, line in enumerate(eligible):
            share = off - given if index == len(eligible) - 1 else off * line["amount"] // base
            given += share
            line["discount_amounts"].append({"amount": share, "discount": discount_id})
            line["pretax_credit_amounts"].append(
                {
                    "amount": share,
                    "credit_balance_transaction": None,
                    "discount": discount_id,
                    "type": "discount",
                }
            )


def _custom_fields(value: Any) -> list[dict[str, str]] | None:
    if value in (None, ""):
        return None
    if not isinstance(value, list):
        raise wire.StripeError(400, "Invalid array", param="custom_fields")
    if len(value) > 4:
        raise wire.StripeError(
            400, "An invoice can have at most 4 custom fields.", param="custom_fields"
        )
    fields = []
    for index, field in enumerate(value):
        param = f"custom_fields[{index}]"
        if not isinstance(field, dict):
            raise wire.StripeError(400, "Invalid object", param=param)
        name = wire.require_str(field, "name")
        text = wire.require_str(field, "value")
        if len(name) > 40:
            raise wire.StripeError(
                400, "Custom field names are at most 40 characters.", param=param
            )
        if len(text) > 140:
            raise wire.StripeError(
                400, "Custom field values are at most 140 characters.", param=param
            )
        fields.append({"name": name, "value": text})
    return fields


def _pricing(amount: int) -> dict[str, Any]:
    """An item priced by amount gets a one-off price of its own, as Stripe makes one."""
    return {
        "price_details": {
            "price": wire.random_id("price_"),
            "product": wire.random_id("prod_", 14),
        },
        "type": "price_details",
        "unit_amount_decimal": str(amount),
    }


def _collection_method(params: Mapping[str, Any]) -> str:
    method = wire.optional_str(params, "collection_method") or "charge_automatically"
    if method not in ("charge_automatically", "send_invoice"):
        raise wire.StripeError(
            400, f"Invalid collection_method: {method}", param="collection_method"
        )
    return method
