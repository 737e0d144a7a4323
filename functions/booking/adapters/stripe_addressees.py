"""Who an invoice's customer at Stripe names: the billing contact it was addressed to, read
back (``PaymentGateway.invoice_addressee``) for a booking that kept no record of a contact its
invoice was corrected away from (``services.former_contacts_backfill``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import stripe
from pydantic import ValidationError

from booking.adapters.stripe_calls import call_stripe
from booking.adapters.stripe_invoicing import PO_FIELD
from booking.domain.addresses import STORED
from booking.domain.billing import BillingDetails
from booking.domain.errors import UnknownToProvider

# What a customer made for an invoice always had (``stripe_invoicing._customer``), said in
# words when someone removed it at Stripe since: the contact is still held by their email.
NOT_HELD_AT_STRIPE = "not held at Stripe"


def invoice_addressee(client: stripe.StripeClient, invoice_id: str) -> BillingDetails | None:
    """The billing details the customer of ``invoice_id`` holds at Stripe (None: nobody)."""
    try:
        invoice = call_stripe(lambda: client.v1.invoices.retrieve(invoice_id))
        customer = invoice.customer
        customer_id = customer if isinstance(customer, str) or customer is None else customer.id
        if not customer_id:
            return None
        held = call_stripe(lambda: client.v1.customers.retrieve(customer_id)).to_dict()
    except UnknownToProvider:
        return None
    return addressee_from(held, invoice.to_dict())


# Invoices in these states can no longer be paid: their customers may be deleted.
NO_LONGER_PAYABLE = frozenset({"paid", "void", "uncollectible"})


def invoices_no_longer_payable_to(
    client: stripe.StripeClient,
    email: str,
    spellings: Sequence[str] = (),
    made_by: datetime | None = None,
) -> tuple[str, ...]:
    """The void or paid invoices of every customer Stripe finds by ``email`` (its filter
    matches case and all: the address as given, in lower case and as each of ``spellings``
    are asked), of those made by ``made_by`` when given (to the second, as Stripe keeps
    ``created``). Not the Customer Search API (``email:"..."``): Stripe's documentation does
    not say it matches regardless of case, and says its index lags writes (under a minute, up
    to an hour in an outage) and is not offered to accounts in India, so a customer made just
    before an erasure could be missed; a customer stored in other mixed case than asked stays
    unfound."""

    by = None if made_by is None else int(made_by.timestamp())

    def found() -> list[str]:
        invoices: list[str] = []
        for address in dict.fromkeys((email, email.lower(), *spellings)):
            customers = (
                client.v1.customers.list({"email": address, "limit": 100})
                if by is None
                else client.v1.customers.list(
                    {"email": address, "limit": 100, "created": {"lte": by}}
                )
            )
            for customer in customers.auto_paging_iter():
                listed = client.v1.invoices.list({"customer": customer.id, "limit": 100})
                invoices += [
                    i.id
                    for i in listed.auto_paging_iter()
                    if i.status in NO_LONGER_PAYABLE and i.id
                ]
        return list(dict.fromkeys(invoices))

    return tuple(call_stripe(found))


def addressee_from(
    customer: Mapping[str, Any], invoice: Mapping[str, Any]
) -> BillingDetails | None:
    """The billing details of a customer as Stripe answers it (None: deleted, or no email),
    with the PO number its invoice printed."""
    email = customer.get("email")
    if customer.get("deleted") or not isinstance(email, str) or not email.strip():
        return None
    fields = {
        "billing_name": customer.get("name") or NOT_HELD_AT_STRIPE,
        "billing_email": email,
        "billing_address": _address_printed(customer.get("address")) or NOT_HELD_AT_STRIPE,
        "po_number": _po_printed(invoice),
    }
    try:
        # Made by this system from details it checked: read back as they were stored.
        return BillingDetails.model_validate(fields, context=STORED)
    except ValidationError:
        # Changed at Stripe past what an invoice holds: the email alone still finds them.
        unheld = {"billing_name": NOT_HELD_AT_STRIPE, "billing_address": NOT_HELD_AT_STRIPE}
        return BillingDetails.model_validate({**fields, **unheld, "po_number": ""}, context=STORED)


def _address_printed(address: object) -> str:
    """The customer's address as the invoice printed it: its first line, then the rest."""
    if not isinstance(address, Mapping):
        return ""
    return "\n".join(str(address[part]) for part in ("line1", "line2") if address.get(part))


def _po_printed(invoice: Mapping[str, Any]) -> str:
    """The PO number the invoice printed ("": none)."""
    printed = [f for f in invoice.get("custom_fields") or () if f.get("name") == PO_FIELD]
    return str(printed[0].get("value") or "") if printed else ""
