"""Who an invoice's customer at Stripe names (``adapters.stripe_addressees.addressee_from``),
read back for the replaced contacts' backfill: nobody for a deleted customer or one with no
email; the address as the invoice printed it, the PO from the invoice; details changed at
Stripe past what an invoice holds keep the email, which finds the person."""

from __future__ import annotations

from typing import Any

from booking.adapters.stripe_addressees import NOT_HELD_AT_STRIPE, addressee_from

CUSTOMER: dict[str, Any] = {
    "id": "cus_1",
    "object": "customer",
    "name": "St Elsewhere NHS Trust",
    "email": "accounts@example.nhs.uk",
    "address": {"line1": "1 Hospital Road", "line2": "Leeds, LS1 1AA", "city": None},
}
INVOICE: dict[str, Any] = {"custom_fields": [{"name": "PO number", "value": "PO-1234"}]}


def test_the_customer_is_read_as_the_invoice_was_addressed() -> None:
    held = addressee_from(CUSTOMER, INVOICE)
    assert held is not None
    assert (held.billing_name, held.billing_email, held.po_number) == (
        "St Elsewhere NHS Trust",
        "accounts@example.nhs.uk",
        "PO-1234",
    )
    assert held.address_lines() == ["1 Hospital Road", "Leeds, LS1 1AA"]
    assert addressee_from(CUSTOMER, {"custom_fields": None}).po_number == ""  # type: ignore[union-attr]


def test_a_deleted_customer_or_one_without_an_email_names_nobody() -> None:
    assert addressee_from({"id": "cus_1", "deleted": True}, INVOICE) is None
    assert addressee_from({**CUSTOMER, "email": None}, INVOICE) is None
    assert addressee_from({**CUSTOMER, "email": "  "}, INVOICE) is None


def test_details_changed_at_stripe_past_an_invoice_keep_the_email() -> None:
    changed = {**CUSTOMER, "name": "x" * 300, "address": None}
    held = addressee_from(changed, INVOICE)
    assert held is not None
    assert held.billing_email == "accounts@example.nhs.uk"
    assert (held.billing_name, held.billing_address) == (NOT_HELD_AT_STRIPE, NOT_HELD_AT_STRIPE)
