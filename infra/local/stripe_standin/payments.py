"""Money moving: payment intents, their charges, and refunds of them."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.store import OnStore, Outgoing, Request

REFUND_CREATE_PARAMS = frozenset(
    {
        "amount",
        "charge",
        "currency",
        "customer",
        "expand",
        "instructions_email",
        "metadata",
        "origin",
        "payment_intent",
        "reason",
        "refund_application_fee",
        "reverse_transfer",
    }
)
_REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})


# A charge's outcome as the card network approved it.
_APPROVED: dict[str, Any] = {
    "advice_code": None,
    "network_advice_code": None,
    "network_decline_code": None,
    "network_status": "approved_by_network",
    "reason": None,
    "risk_level": "normal",
    "seller_message": "Payment complete.",
    "type": "authorized",
}


class Payments(OnStore):
    def take_payment(
        self,
        amount: int,
        currency: str,
        *,
        metadata: Mapping[str, str],
        receipt_email: str | None,
        methods: list[str],
        settled: bool,
    ) -> dict[str, Any]:
        """A payment by a new payment method: its intent and its charge, succeeded when
        ``settled``, else processing with a pending charge (a bank debit, until the bank
        says). The intent."""
        status = "succeeded" if settled else "processing"
        payment_method = wire.random_id("pm_")
        intent_id = wire.random_id("pi_")
        intent = self._store.fixture(
            "payment_intent",
            {
                "id": intent_id,
                "object": "payment_intent",
                "livemode": False,
                "amount": amount,
                "amount_capturable": 0,
                "amount_received": amount if status == "succeeded" else 0,
                "canceled_at": None,
                "client_secret": f"{intent_id}_secret_{wire.random_id('', 25)}",
                "created": self._store.now(),
                "currency": currency,
                "last_payment_error": None,
                "latest_charge": None,
                "metadata": dict(metadata),
                "next_action": None,
                "payment_method": payment_method,
                "payment_method_configuration_details": None,
                "payment_method_types": list(methods),
                "processing": {"type": "card"} if status == "processing" else None,
                "receipt_email": receipt_email,
                "status": status,
                "transfer_data": None,
            },
        )
        self._store.payment_intents[intent_id] = intent
        self.make_charge(
            intent,
            receipt_email=receipt_email,
            status="succeeded" if settled else "pending",
            payment_method=payment_method,
        )
        return intent

    def make_charge(
        self,
        intent: dict[str, Any],
        *,
        receipt_email: str | None,
        status: str,
        payment_method: str,
    ) -> dict[str, Any]:
        charge_id = wire.random_id("ch_")
        charge = self._store.fixture("charge")
        amount = intent["amount"]
        succeeded = status == "succeeded"
        charge.update(
            {
                "id": charge_id,
                "object": "charge",
                "livemode": False,
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": 0,
                "balance_transaction": wire.random_id("txn_") if succeeded else None,
                "captured": True,
                "created": self._store.now(),
                "currency": intent["currency"],
                "description": None,
                "metadata": dict(intent["metadata"]),
                "paid": succeeded,
                "payment_intent": intent["id"],
                "payment_method": payment_method,
                "receipt_email": receipt_email,
                "receipt_url": None,
                "refunded": False,
                "refunds": {
                    "object": "list",
                    "data": [],
                    "has_more": False,
                    "url": f"/v1/charges/{charge_id}/refunds",
                },
                "shipping": None,
                "source": None,
                "status": status,
                "transfer_data": None,
                "outcome": dict(_APPROVED),
            }
        )
        billing = charge.get("billing_details")
        if isinstance(billing, dict):
            billing["email"] = receipt_email
            billing["name"] = None
        intent["latest_charge"] = charge_id
        self._store.charges[charge_id] = charge
        return charge

    def settle(self, intent: dict[str, Any], result: str) -> None:
        """A processing payment succeeds or fails, with its charge (call locked)."""
        charge = self._store.charges[intent["latest_charge"]]
        if result == "succeeded":
            intent.update(
                {"status": "succeeded", "amount_received": intent["amount"], "processing": None}
            )
            charge.update(
                {"status": "succeeded", "paid": True, "balance_transaction": wire.random_id("txn_")}
            )
            return
        failure = "The customer's account has insufficient funds to cover this payment."
        intent.update(
            {
                "status": "requires_payment_method",
                "processing": None,
                "last_payment_error": {
                    "type": "card_error",
                    "code": "insufficient_funds",
                    "message": failure,
                },
            }
        )
        charge.update(
            {
                "status": "failed",
                "paid": False,
                "captured": False,
                "amount_captured": 0,
                "failure_code": "insufficient_funds",
                "failure_message": failure,
            }
        )
        outcome = charge.get("outcome")
        if isinstance(outcome, dict):
            outcome.update(
                {
                    "network_status": "declined_by_network",
                    "reason": "insufficient_funds",
                    "type": "issuer_declined",
                    "seller_message": "The bank returned the decline code `insufficient_funds`.",
                }
            )

    def create_refund(
        self, params: Mapping[str, Any], request: Request | None, outgoing: list[Outgoing]
    ) -> dict[str, Any]:
        wire.reject_unknown(params, REFUND_CREATE_PARAMS)
        store = self._store
        charge = self._charge_to_refund(params)
        charge_id = charge["id"]
        self._refuse_while_charged_back(charge)
        amount = _refund_amount(params, charge)
        reason = wire.optional_str(params, "reason")
        if reason is not None and reason not in _REFUND_REASONS:
            raise wire.StripeError(400, f"Invalid reason: {reason}", param="reason")

        refund_id = wire.random_id("re_")
        refund = store.fixture(
            "refund",
            {
                "id": refund_id,
                "object": "refund",
                "amount": amount,
                "balance_transaction": wire.random_id("txn_"),
                "charge": charge_id,
                "created": store.now(),
                "currency": charge["currency"],
                "metadata": wire.check_metadata(params.get("metadata")),
                "payment_intent": charge["payment_intent"],
                "payment_method": charge["payment_method"],
                "reason": reason,
                "status": store.refund_status,
            },
        )
        store.refunds[refund_id] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        refunds = charge["refunds"]
        refunds["data"].insert(0, copy.deepcopy(refund))
        refunds["total_count"] = len(refunds["data"])
        outgoing.append(store.record_event("refund.created", refund, request))
        outgoing.append(store.record_event("charge.refunded", charge, request))
        return copy.deepcopy(refund)

    def _refuse_while_charged_back(self, charge: Mapping[str, Any]) -> None:
        """Stripe's refusal of a refund of a charge the payer's bank has taken back (a
        dispute whose funds were withdrawn and not reinstated: open, or lost): refunding it
        would pay the payer twice (``is_charge_refundable`` false on the dispute)."""
        for dispute in self._store.disputes.values():
            taken = sum(t["amount"] for t in dispute["balance_transactions"])
            if dispute["charge"] == charge["id"] and taken < 0:
                raise wire.StripeError(
                    400,
                    f"Charge {charge['id']} has been charged back; cannot issue a refund.",
                    code="charge_disputed",
                    charge=charge["id"],
                    ran=True,
                )

    def list_refunds(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /v1/refunds``: newest first, of one ``payment_intent`` or ``charge`` when
        named (an unknown one is Stripe's 400 for it), at most ``limit``; call locked."""
        store = self._store
        limit = wire.list_limit(params)
        refunds = sorted(store.refunds.values(), key=lambda r: r["created"], reverse=True)
        for param, kind in (("payment_intent", "payment_intent"), ("charge", "charge")):
            wanted = wire.optional_str(params, param)
            if wanted is None:
                continue
            known = store.payment_intents if kind == "payment_intent" else store.charges
            if wanted not in known:
                raise wire.StripeError(
                    400, f"No such {kind}: '{wanted}'", code="resource_missing", param=param
                )
            refunds = [r for r in refunds if r[param] == wanted]
        return wire.listed(refunds, limit, "/v1/refunds")

    def _charge_to_refund(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The succeeded charge a refund names, by its payment intent or itself."""
        store = self._store
        intent_id = wire.optional_str(params, "payment_intent")
        charge_id = wire.optional_str(params, "charge")
        if intent_id is None and charge_id is None:
            raise wire.StripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                param="payment_intent",
            )
        if intent_id is not None:
            intent = store.payment_intents.get(intent_id)
            if intent is None:
                # A missing object named in a create is Stripe's 400 on that parameter.
                raise wire.StripeError(
                    400,
                    f"No such payment_intent: '{intent_id}'",
                    code="resource_missing",
                    param="payment_intent",
                )
            if charge_id is not None and charge_id != intent.get("latest_charge"):
                raise wire.StripeError(
                    400, "The charge does not belong to this PaymentIntent.", param="charge"
                )
            charge_id = intent.get("latest_charge")
            if charge_id is None:
                raise wire.StripeError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
        assert charge_id is not None
        charge = wire.find(store.charges, charge_id, "charge")
        if charge["status"] != "succeeded":
            raise wire.StripeError(
                400,
                f"This PaymentIntent ({charge['payment_intent']}) does not have a successful "
                "charge to refund.",
                param="payment_intent" if intent_id else "charge",
            )
        return charge


def _refund_amount(params: Mapping[str, Any], charge: Mapping[str, Any]) -> int:
    """What a refund gives back: as asked, or all that is left of the charge; never more."""
    remaining: int = charge["amount"] - charge["amount_refunded"]
    if remaining <= 0:
        raise wire.StripeError(
            400,
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
            charge=charge["id"],  # Stripe names the charge on this refusal
            ran=True,
        )
    amount = remaining
    if params.get("amount") not in (None, ""):
        amount = wire.parse_int(params["amount"], "amount", minimum=1)
        if amount > remaining:
            raise wire.StripeError(
                400,
                f"Refund amount ({wire.format_amount(amount, charge['currency'])}) is greater "
                f"than unrefunded amount on charge "
                f"({wire.format_amount(remaining, charge['currency'])})",
                param="amount",
                ran=True,
            )
    return amount
