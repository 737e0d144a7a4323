"""Customers: who an invoice is addressed to (name, billing email, address)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.store import OnStore, Outgoing, Request, Store

CUSTOMER_CREATE_PARAMS = frozenset(
    {
        "address",
        "balance",
        "business_name",
        "cash_balance",
        "description",
        "email",
        "expand",
        "individual_name",
        "invoice_prefix",
        "invoice_settings",
        "metadata",
        "name",
        "next_invoice_sequence",
        "payment_method",
        "phone",
        "preferred_locales",
        "shipping",
        "source",
        "tax",
        "tax_exempt",
        "tax_id_data",
        "test_clock",
        "validate",
    }
)
_ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def check_address(value: Any, param: str = "address") -> dict[str, str | None] | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise wire.StripeError(400, "Invalid object", param=param)
    for name in value:
        if name not in _ADDRESS_FIELDS:
            raise wire.StripeError(400, f"Received unknown parameter: {param}[{name}]", param=param)
    return {name: wire.optional_str(value, name, 200) for name in _ADDRESS_FIELDS}


class Customers(OnStore):
    def create(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        wire.reject_unknown(params, CUSTOMER_CREATE_PARAMS)
        store = self._store
        customer_id = wire.random_id("cus_", 14)
        customer = store.fixture(
            "customer",
            {
                "id": customer_id,
                "address": check_address(params.get("address")),
                "created": store.now(),
                "currency": None,
                "description": wire.optional_str(params, "description", 350),
                "email": wire.optional_str(params, "email", 512),
                "invoice_prefix": customer_id[4:12].upper(),
                "livemode": False,
                "metadata": wire.check_metadata(params.get("metadata")),
                "name": wire.optional_str(params, "name", 256),
                "next_invoice_sequence": 1,
                "phone": wire.optional_str(params, "phone", 20),
            },
        )
        store.customers[customer_id] = customer
        return store.answered("customer.created", customer, request, outgoing)

    def list_customers(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /v1/customers``: newest first, of one ``email`` when named (matched as given,
        case and all, as Stripe's filter is) and made within ``created`` when bounded, at most
        ``limit`` after ``starting_after``. A deleted customer holds no email, so no filter by
        one finds it."""
        allowed = frozenset({"created", "expand", "email", "limit", "starting_after"})
        wire.reject_unknown(params, allowed)
        newest_first = sorted(
            (c for c in self._store.customers.values() if not c.get("deleted")),
            key=lambda c: -c["created"],
        )
        customers = wire.created_within(wire.matching(newest_first, params, "email"), params)
        after = wire.optional_str(params, "starting_after")
        if after is not None:
            ids = [c["id"] for c in customers]
            customers = customers[ids.index(after) + 1 :] if after in ids else []
        return wire.listed(customers, wire.list_limit(params), "/v1/customers")

    def delete(
        self, customer_id: str, request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        """Delete a customer as Stripe does: what is left is the deleted shape (a later
        retrieve answers it, as Stripe's does), a second delete is Stripe's 404. Its invoices
        keep their own copy of the contact (``customer_name``, ``customer_email``, ...), as a
        finalized invoice at Stripe keeps it."""
        store = self._store
        customer = live_customer(store, customer_id)
        store.customers[customer_id] = deleted_shape(customer_id)
        outgoing.append(store.record_event("customer.deleted", customer, request))
        return deleted_shape(customer_id)


def deleted_shape(customer_id: str) -> dict[str, Any]:
    """What Stripe answers for a deleted customer: its id, and that it was deleted."""
    return {"id": customer_id, "object": "customer", "deleted": True}


def live_customer(store: Store, customer_id: str) -> dict[str, Any]:
    """The stored customer, or Stripe's 404 for it: a deleted customer is kept only to be
    retrieved, and nothing can be done with it any more (an invoice, an item, a finalize)."""
    customer = wire.find(store.customers, customer_id, "customer")
    if customer.get("deleted"):
        raise wire.StripeError(
            404, f"No such customer: '{customer_id}'", code="resource_missing", param="id"
        )
    return customer
