"""A payer's bank disputing a charge (a chargeback), as Stripe tells it: the Dispute object and
its events (``charge.dispute.created`` and ``.funds_withdrawn`` at once, as a card's dispute
opens, ``.funds_withdrawn`` as a bank's inquiry becomes one; ``.funds_reinstated`` and
``.closed`` when it is won, ``.closed`` alone when lost), each with the balance transactions it
made so far. Only the local routes open, escalate or close one: on
Stripe it is the bank that does, and the dashboard where the organiser answers."""

from __future__ import annotations

import copy
from typing import Any

from infra.local.stripe_standin import wire
from infra.local.stripe_standin.store import OnStore, Outgoing

# How long Stripe gives to answer with evidence (it varies by network; three weeks is usual).
EVIDENCE_DAYS = 21
DISPUTE_FEE = 2000  # what Stripe charges for a dispute in the UK (minor units)
CLOSED_AS = {"won", "lost"}
# An inquiry (a bank's question before any chargeback: Stripe's ``warning_*`` statuses) takes
# no money and no fee, and closes as ``warning_closed`` when the bank lets it go.
INQUIRY_CLOSED = "warning_closed"
OPEN_INQUIRY = {"warning_needs_response", "warning_under_review"}


class Disputes(OnStore):
    def open(
        self, charge_id: str, reason: str, outgoing: list[Outgoing], *, inquiry: bool = False
    ) -> dict[str, Any]:
        """A dispute of the whole of ``charge_id``, its funds withdrawn at once (``inquiry``:
        the bank's inquiry, nothing withdrawn)."""
        store = self._store
        charge = wire.find(store.charges, charge_id, "charge")
        if any(d["charge"] == charge_id for d in store.disputes.values()):
            raise wire.StripeError(
                400, f"Charge {charge_id} has already been disputed.", code="charge_disputed"
            )
        now = store.now()
        dispute = store.fixture(
            "dispute",
            {
                "id": wire.random_id("du_"),
                "amount": charge["amount"],
                "charge": charge_id,
                "payment_intent": charge["payment_intent"],
                "created": now,
                "currency": charge["currency"],
                "reason": reason,
                "status": "warning_needs_response" if inquiry else "needs_response",
            },
        )
        dispute["evidence_details"]["due_by"] = now + EVIDENCE_DAYS * 86400
        store.disputes[dispute["id"]] = dispute
        charge["disputed"] = True
        outgoing.append(store.record_event("charge.dispute.created", dispute, None))
        if inquiry:
            return copy.deepcopy(dispute)
        self._move(dispute, -charge["amount"], DISPUTE_FEE, "dispute")
        return store.answered("charge.dispute.funds_withdrawn", dispute, None, outgoing)

    def escalate(self, dispute_id: str, outgoing: list[Outgoing]) -> dict[str, Any]:
        """The bank turns its open inquiry into a chargeback: the same Dispute moves on to
        ``needs_response``, its funds and Stripe's fee withdrawn, as a chargeback's are."""
        store = self._store
        dispute = wire.find(store.disputes, dispute_id, "dispute")
        if dispute["status"] not in OPEN_INQUIRY:
            raise wire.StripeError(
                400, f"Dispute {dispute_id} is not an open inquiry.", code="dispute_not_inquiry"
            )
        dispute["status"] = "needs_response"
        self._move(dispute, -dispute["amount"], DISPUTE_FEE, "dispute")
        return store.answered("charge.dispute.funds_withdrawn", dispute, None, outgoing)

    def close(self, dispute_id: str, outcome: str, outgoing: list[Outgoing]) -> dict[str, Any]:
        """The bank's decision: ``won`` gives the money back, ``lost`` keeps it."""
        store = self._store
        dispute = wire.find(store.disputes, dispute_id, "dispute")
        wanted = {INQUIRY_CLOSED} if dispute["status"].startswith("warning_") else CLOSED_AS
        if outcome not in wanted:
            said = " or ".join(sorted(wanted))
            raise wire.StripeError(400, f"outcome must be {said}", param="outcome")
        if dispute["status"] in CLOSED_AS | {INQUIRY_CLOSED}:
            raise wire.StripeError(400, f"Dispute {dispute_id} is closed.", code="dispute_closed")
        dispute["status"] = outcome
        if outcome == "won":
            self._move(dispute, dispute["amount"], 0, "dispute_reversal")
            outgoing.append(store.record_event("charge.dispute.funds_reinstated", dispute, None))
        return store.answered("charge.dispute.closed", dispute, None, outgoing)

    def _move(self, dispute: dict[str, Any], amount: int, fee: int, category: str) -> None:
        """A balance transaction of the dispute, as the Dispute object lists it."""
        now = self._store.now()
        dispute["balance_transactions"].append(
            {
                "id": wire.random_id("txn_"),
                "object": "balance_transaction",
                "amount": amount,
                "available_on": now,
                "balance_type": "payments",
                "created": now,
                "currency": dispute["currency"],
                "description": f"Chargeback {'withdrawal' if amount < 0 else 'reversal'} for "
                f"{dispute['charge']}",
                "exchange_rate": None,
                "fee": fee,
                "fee_details": [
                    {
                        "amount": fee,
                        "application": None,
                        "currency": dispute["currency"],
                        "description": "Dispute fee",
                        "type": "stripe_fee",
                    }
                ]
                if fee
                else [],
                "net": amount - fee,
                "reporting_category": category,
                "source": dispute["id"],
                "status": "available",
                "type": "adjustment",
            }
        )
