"""The billing contacts an invoice was corrected away from (``FormerContact``): kept on the
booking with the invoice that went to them, so that the people routes find what is held about
them (here, and the customer at Stripe that invoice was addressed to) and erase it, as they do
for the current billing contact. One set of rules for a person's booking and a group's."""

from __future__ import annotations

from booking.domain.billing import BillingDetails, FormerContact, billing_contact_of


def kept_when_corrected(
    former: tuple[FormerContact, ...],
    billing: BillingDetails | None,
    invoice_id: str,
    corrected: BillingDetails,
) -> tuple[FormerContact, ...]:
    """``former`` with the contact the invoice ``invoice_id`` went to (``billing``) added when
    a correction sends the new one to another address (the same address stays the billing
    contact, and an erased one is no one)."""
    contact = billing_contact_of(billing)
    if billing is None or contact is None or contact == billing_contact_of(corrected):
        return former
    return (*former, FormerContact(billing=billing, invoice_id=invoice_id))


def former_contacts_named(former: tuple[FormerContact, ...]) -> frozenset[str]:
    """The replaced contacts' addresses as lookups key them (the erased are no one's)."""
    named = (billing_contact_of(f.billing) for f in former)
    return frozenset(contact for contact in named if contact is not None)


def former_details(former: tuple[FormerContact, ...], contact: str) -> BillingDetails | None:
    """The details a replaced invoice was addressed to under ``contact`` (the latest)."""
    address = contact.strip().lower()
    found = [f.billing for f in former if billing_contact_of(f.billing) == address]
    return found[-1] if found else None


def invoices_sent_to(former: tuple[FormerContact, ...], contact: str) -> tuple[str, ...]:
    """The replaced invoices that went to ``contact``: their customers hold them."""
    address = contact.strip().lower()
    return tuple(f.invoice_id for f in former if billing_contact_of(f.billing) == address)


def invoices_of_others(former: tuple[FormerContact, ...], contact: str) -> frozenset[str]:
    """The replaced invoices that went to another contact than ``contact``: not theirs."""
    return frozenset(f.invoice_id for f in former) - set(invoices_sent_to(former, contact))


def former_erased(former: tuple[FormerContact, ...], contact: str) -> tuple[FormerContact, ...]:
    """``former`` with every entry naming ``contact`` blanked (erasure)."""
    address = contact.strip().lower()
    return tuple(
        f.model_copy(update={"billing": f.billing.erased()})
        if billing_contact_of(f.billing) == address
        else f
        for f in former
    )
