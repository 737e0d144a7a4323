"""Checkout Sessions: opened by the API, paid, expired or settled on the hosted page."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.discounts import Discounts
from infra.local.stripe_standin.payments import Payments
from infra.local.stripe_standin.store import Outgoing, Request, Store

# Stripe checks expires_at against its own clock at creation; callers compute "now + 30 min"
# on theirs a moment earlier and truncate to whole seconds, so a few seconds' grace keeps the
# exact minimum usable without accepting anything meaningfully shorter.
_EXPIRES_AT_GRACE_SECONDS = 5
_MIN_EXPIRY_SECONDS = 30 * 60
_MAX_EXPIRY_SECONDS = 24 * 60 * 60

# Stripe rejects parameters it does not know, which catches typos in our calls; these are the
# parameters Stripe accepts on each endpoint (most are accepted and ignored here).
SESSION_CREATE_PARAMS = frozenset(
    {
        "adaptive_pricing",
        "after_expiration",
        "allow_promotion_codes",
        "automatic_tax",
        "billing_address_collection",
        "branding_settings",
        "cancel_url",
        "client_reference_id",
        "consent_collection",
        "currency",
        "custom_fields",
        "custom_text",
        "customer",
        "customer_account",
        "customer_creation",
        "customer_email",
        "customer_update",
        "discounts",
        "excluded_payment_method_types",
        "expand",
        "expires_at",
        "invoice_creation",
        "line_items",
        "locale",
        "metadata",
        "mode",
        "name_collection",
        "optional_items",
        "origin_context",
        "payment_intent_data",
        "payment_method_collection",
        "payment_method_configuration",
        "payment_method_data",
        "payment_method_options",
        "payment_method_types",
        "permissions",
        "phone_number_collection",
        "redirect_on_completion",
        "return_url",
        "saved_payment_method_options",
        "setup_intent_data",
        "shipping_address_collection",
        "shipping_options",
        "submit_type",
        "subscription_data",
        "success_url",
        "tax_id_collection",
        "ui_mode",
        "wallet_options",
    }
)


# A new session: a test-mode payment, open, nothing paid yet.
_OPEN_AND_UNPAID: dict[str, Any] = {
    "object": "checkout.session",
    "livemode": False,
    "mode": "payment",
    "status": "open",
    "payment_status": "unpaid",
    "payment_intent": None,
}
# The fixture's values for features this system never enables are random filler; a session
# gets the values Stripe returns when those features are off.
_FEATURES_OFF: dict[str, Any] = {
    "adaptive_pricing": {"enabled": False},
    "after_expiration": None,
    "collected_information": None,
    "consent": None,
    "consent_collection": None,
    "currency_conversion": None,
    "custom_text": {
        "after_submit": None,
        "shipping_address": None,
        "submit": None,
        "terms_of_service_acceptance": None,
    },
    "customer_creation": "if_required",
    "invoice_creation": {
        "enabled": False,
        "invoice_data": {
            "account_tax_ids": None,
            "custom_fields": None,
            "description": None,
            "footer": None,
            "issuer": None,
            "metadata": {},
            "rendering_options": None,
        },
    },
    "payment_method_configuration_details": None,
    "shipping_address_collection": None,
    "shipping_cost": None,
}
_PAYMENT_MODE_ONLY = "The local Stripe stand-in only supports mode=payment."


class CheckoutSessions:
    def __init__(self, store: Store, payments: Payments, discounts: Discounts) -> None:
        self._store = store
        self._payments = payments
        self._discounts = discounts

    def create(self, params: Mapping[str, Any]) -> dict[str, Any]:
        wire.reject_unknown(params, SESSION_CREATE_PARAMS)
        store = self._store
        if wire.require_str(params, "mode") != "payment":
            raise wire.StripeError(400, _PAYMENT_MODE_ONLY, param="mode")
        success_url = wire.check_url(params, "success_url", required=True)
        cancel_url = wire.check_url(params, "cancel_url", required=False)
        amount, currency, names = price_line_items(params.get("line_items"))
        now = store.now()
        expires_at = _expires_at(params, now)
        customer_email = wire.optional_str(params, "customer_email", 800)
        client_reference_id = wire.optional_str(params, "client_reference_id", 200)
        metadata = wire.check_metadata(params.get("metadata"))
        intent_metadata = _intent_metadata(params)
        methods = params.get("payment_method_types")
        locale = wire.optional_str(params, "locale")
        applied, amount_discount = self._discount(params, amount, currency)
        _at_least_the_minimum(amount - amount_discount, currency)

        session_id = wire.random_id("cs_test_", 58)
        session = store.fixture(
            "checkout_session",
            {
                "id": session_id,
                **_OPEN_AND_UNPAID,
                "created": now,
                "expires_at": expires_at,
                "amount_subtotal": amount,
                "amount_total": amount - amount_discount,
                "currency": currency,
                "client_reference_id": client_reference_id,
                "customer_email": customer_email,
                "metadata": metadata,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "url": f"{store.base}/_local/stripe/checkout/{session_id}",
                "locale": locale,
                "submit_type": wire.optional_str(params, "submit_type"),
                "payment_method_types": (
                    methods if isinstance(methods, list) and methods else ["card"]
                ),
                **copy.deepcopy(_FEATURES_OFF),
                "allow_promotion_codes": True
                if wire.truthy(params.get("allow_promotion_codes", False))
                else None,
                "discounts": applied,
                "total_details": {
                    "amount_discount": amount_discount,
                    "amount_shipping": 0,
                    "amount_tax": 0,
                },
            },
        )
        details = session.get("customer_details")
        if isinstance(details, dict):
            details.update({"email": customer_email, "name": None})
        self._keep(session, names, intent_metadata)
        return copy.deepcopy(session)

    def _keep(
        self, session: dict[str, Any], names: list[str], intent_metadata: dict[str, str]
    ) -> None:
        """The session, its line items' names and its payment's metadata, by the session's id."""
        session_id = session["id"]
        self._store.sessions[session_id] = session
        self._store.line_items[session_id] = names
        self._store.intent_metadata[session_id] = intent_metadata

    def _discount(
        self, params: Mapping[str, Any], amount: int, currency: str
    ) -> tuple[list[dict[str, str | None]], int]:
        """The session's ``discounts`` and what they take off: one coupon or promotion code."""
        specs = params.get("discounts")
        if specs in (None, ""):
            return [], 0
        if wire.truthy(params.get("allow_promotion_codes", False)):
            raise wire.StripeError(
                400,
                "You may only specify one of these parameters: allow_promotion_codes, discounts.",
                param="discounts",
            )
        if not isinstance(specs, list):
            raise wire.StripeError(400, "Invalid array", param="discounts")
        if len(specs) > 1:
            raise wire.StripeError(
                400, "You may only apply one discount to a Checkout Session.", param="discounts"
            )
        coupon, promo = self._discounts.resolve(specs[0], "discounts[0]")
        off = self._discounts.amount_off(coupon, amount, currency)
        return [{"coupon": coupon["id"], "promotion_code": promo["id"] if promo else None}], off

    def open_session(self, session_id: str) -> dict[str, Any]:
        session = wire.find(self._store.sessions, session_id, "checkout.session")
        if session["status"] != "open":
            raise wire.StripeError(
                409,
                f"Checkout session {session_id} is {session['status']}, not open.",
                code="checkout_session_not_open",
            )
        return session

    def expire(
        self,
        session_id: str,
        request: Request | None,
        outgoing: list[Outgoing],
        *,
        api_call: bool,
    ) -> dict[str, Any]:
        session = wire.find(self._store.sessions, session_id, "checkout.session")
        if session["status"] != "open":
            # Stripe's API answers 400 here; the local action uses 409 like paying twice.
            raise wire.StripeError(
                400 if api_call else 409,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
                code="checkout_session_not_open" if not api_call else None,
            )
        session["status"] = "expired"
        session["url"] = None
        outgoing.append(self._store.record_event("checkout.session.expired", session, request))
        return copy.deepcopy(session)

    def expire_if_due(self, session: dict[str, Any], outgoing: list[Outgoing]) -> bool:
        if session["status"] != "open" or self._store.now() < session["expires_at"]:
            return False
        session["status"] = "expired"
        session["url"] = None
        outgoing.append(self._store.record_event("checkout.session.expired", session, None))
        return True

    def pay(self, session_id: str, *, delayed: bool, outgoing: list[Outgoing]) -> dict[str, Any]:
        session = self.open_session(session_id)
        # The discount is used once the session completes (Stripe counts it then).
        for applied in session["discounts"] or []:
            self._discounts.redeem(applied["coupon"], applied["promotion_code"])
        if session["amount_total"] == 0:
            # A fully discounted session completes without taking any payment.
            session.update(
                {"status": "complete", "payment_status": "no_payment_required", "url": None}
            )
            outgoing.append(self._store.record_event("checkout.session.completed", session, None))
            return copy.deepcopy(session)
        intent = self._payments.take_payment(
            session["amount_total"],
            session["currency"],
            metadata=self._store.intent_metadata.get(session["id"], {}),
            receipt_email=session.get("customer_email"),
            methods=session["payment_method_types"],
            settled=not delayed,
        )
        session.update(
            {
                "status": "complete",
                "payment_status": "unpaid" if delayed else "paid",
                "payment_intent": intent["id"],
                "url": None,
            }
        )
        outgoing.append(self._store.record_event("checkout.session.completed", session, None))
        return copy.deepcopy(session)

    def settle_async(
        self, session_id: str, result: str, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        if result not in ("succeeded", "failed"):
            raise wire.StripeError(400, "result must be 'succeeded' or 'failed'", param="result")
        session = wire.find(self._store.sessions, session_id, "checkout.session")
        intent = self._store.payment_intents.get(session.get("payment_intent") or "")
        if (
            session["status"] != "complete"
            or session["payment_status"] != "unpaid"
            or intent is None
            or intent["status"] != "processing"
        ):
            raise wire.StripeError(
                409,
                f"Checkout session {session_id} has no delayed payment awaiting a result.",
                code="no_pending_payment",
            )
        self._payments.settle(intent, result)
        if result == "succeeded":
            session["payment_status"] = "paid"
        outgoing.append(
            self._store.record_event(f"checkout.session.async_payment_{result}", session, None)
        )
        return copy.deepcopy(session)


def price_line_items(line_items: Any) -> tuple[int, str, list[str]]:
    if line_items is None or line_items == "":
        raise wire.StripeError(
            400,
            "You must provide at least one recurring price in `subscription` mode or at "
            "least one price in `payment` mode.",
            param="line_items",
        )
    if not isinstance(line_items, list) or not line_items:
        raise wire.StripeError(400, "Invalid array", param="line_items")
    total = 0
    currency: str | None = None
    names: list[str] = []
    for index, item in enumerate(line_items):
        param = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise wire.StripeError(400, "Invalid object", param=param)
        if "price" in item:
            raise wire.StripeError(
                400,
                "The local Stripe stand-in only supports price_data, not Price ids.",
                param=f"{param}[price]",
            )
        price_data = item.get("price_data")
        if not isinstance(price_data, dict):
            raise wire.StripeError(
                400, "You must specify either `price` or `price_data`.", param=param
            )
        item_currency = wire.require_str(price_data, "currency").lower()
        if currency is not None and item_currency != currency:
            raise wire.StripeError(
                400,
                "All line items must have the same currency.",
                param=f"{param}[price_data][currency]",
            )
        currency = item_currency
        if price_data.get("unit_amount") in (None, ""):
            raise wire.StripeError(
                400,
                "Missing required param: unit_amount.",
                param=f"{param}[price_data][unit_amount]",
            )
        unit_amount = wire.parse_int(
            price_data["unit_amount"], f"{param}[price_data][unit_amount]", minimum=0
        )
        names.append(_product_name(price_data, param))
        if item.get("quantity") in (None, ""):
            raise wire.StripeError(
                400, "Missing required param: quantity.", param=f"{param}[quantity]"
            )
        quantity = wire.parse_int(item["quantity"], f"{param}[quantity]", minimum=1)
        total += unit_amount * quantity
    assert currency is not None
    return total, currency, names


def _product_name(price_data: dict[str, Any], param: str) -> str:
    """What a line item is called: its ``product_data[name]``, or the product it names."""
    product_data = price_data.get("product_data")
    if isinstance(product_data, dict) and isinstance(product_data.get("name"), str):
        return str(product_data["name"])
    if "product" in price_data:
        return str(price_data["product"])
    raise wire.StripeError(
        400,
        "Missing required param: product_data[name].",
        param=f"{param}[price_data][product_data][name]",
    )


def _at_least_the_minimum(total: int, currency: str) -> None:
    if wire.below_minimum(total, currency):
        least = wire.MINIMUM_CHARGE.get(currency.lower(), 50)
        raise wire.StripeError(
            400,
            "The Checkout Session's total amount due must add up to at least "
            f"{least / 100:.2f} {currency}",
            code="amount_too_small",
        )


def _expires_at(params: Mapping[str, Any], now: int) -> int:
    """When the session expires: as asked, within Stripe's 30 minutes to 24 hours (with the
    grace for clock skew); 24 hours when not asked."""
    if params.get("expires_at") in (None, ""):
        return now + _MAX_EXPIRY_SECONDS
    expires_at = wire.parse_int(params["expires_at"], "expires_at")
    if expires_at < now + _MIN_EXPIRY_SECONDS - _EXPIRES_AT_GRACE_SECONDS:
        raise wire.StripeError(
            400,
            "The `expires_at` timestamp must be at least 30 minutes from Checkout "
            "Session creation.",
            param="expires_at",
        )
    if expires_at > now + _MAX_EXPIRY_SECONDS:
        raise wire.StripeError(
            400,
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return expires_at


def _intent_metadata(params: Mapping[str, Any]) -> dict[str, str]:
    """The metadata the session's payment will carry (``payment_intent_data[metadata]``)."""
    intent_data = params.get("payment_intent_data")
    return wire.check_metadata(
        intent_data.get("metadata") if isinstance(intent_data, dict) else None,
        "payment_intent_data[metadata]",
    )
