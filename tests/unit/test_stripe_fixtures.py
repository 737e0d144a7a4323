"""The stand-in's Stripe fixtures have exactly the fields of the API version the SDK pins.

Stripe's own SDK classes are generated from the same OpenAPI document as the API, so their
annotated fields are the object's fields. A fixture missing one (or keeping one the API dropped)
would let the stand-in send events of a shape Stripe no longer sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stripe

FIXTURES = Path(__file__).parents[2] / "infra" / "local" / "stripe_fixtures"

# Fields Stripe leaves out unless asked for (`expand`/`include`), and `deleted`, which only
# deleted objects carry.
NOT_SENT = {"deleted", "payments", "sources", "subscriptions", "tax", "tax_ids"}
NOT_SENT |= {"cash_balance", "invoice_credit_balance"}


def fields(cls: type) -> set[str]:
    annotated: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotated.update(getattr(klass, "__annotations__", {}))
    return {name for name in annotated if name[0].islower()} - NOT_SENT


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("invoice", stripe.Invoice),
        ("invoiceitem", stripe.InvoiceItem),
        ("customer", stripe.Customer),
        ("coupon", stripe.Coupon),
        ("promotion_code", stripe.PromotionCode),
        ("discount", stripe.Discount),
        ("invoice_payment", stripe.InvoicePayment),
        ("dispute", stripe.Dispute),
    ],
)
def test_a_fixture_has_the_fields_of_its_stripe_object(name: str, cls: type) -> None:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert set(fixture) == fields(cls)
    assert fixture["object"] == name


def test_an_invoice_line_has_the_fields_of_a_line_item() -> None:
    invoice = json.loads((FIXTURES / "invoice.json").read_text(encoding="utf-8"))
    (line,) = invoice["lines"]["data"]
    assert set(line) == fields(stripe.InvoiceLineItem)


def test_a_dispute_has_the_fields_of_its_evidence_and_their_details() -> None:
    dispute = json.loads((FIXTURES / "dispute.json").read_text(encoding="utf-8"))
    assert set(dispute["evidence"]) == fields(stripe.Dispute.Evidence)
    assert set(dispute["evidence_details"]) == fields(stripe.Dispute.EvidenceDetails)
