"""The billing contacts an invoice was corrected away from (``FormerContact``): kept on the
booking with the invoice that went to them, so that the people routes find what is held about
them (here, and the customer at Stripe that invoice was addressed to) and erase it, as they do
for the current billing contact. One set of rules for a person's booking and a group's."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from booking.domain.billing import BillingDetails, FormerContact, InvoiceRef, billing_contact_of
from booking.domain.email_records import ReplacedBilling
from booking.domain.invoice_voiding import contacts_named, details_naming
from booking.domain.provider_objects import (
    group_invoices,
    invoices_ever_issued,
    sent_and_never_saved,
)

if TYPE_CHECKING:  # read, never built here: no import cycle with the models
    from booking.domain.application import Application
    from booking.domain.emails import EmailJob
    from booking.domain.groups import GroupBooking


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


def replaced_contact_named(
    replaced: ReplacedBilling, former: tuple[FormerContact, ...]
) -> str | None:
    """The address the message telling a contact their invoice was replaced goes to, while the
    booking still names them as a contact it was corrected away from; None once they are
    erased (it was queued before: once their erasure has answered, nothing goes to them)."""
    address = replaced.billing_email
    return address if address.strip().lower() in former_contacts_named(former) else None


def billing_contact_named(job: EmailJob, application: Application) -> str | None:
    """The billing contact ``job``'s message may go to as ``application`` names them (the
    address as lookups key it): the one a replaced invoice went to, for the message telling
    them so, while the booking still names them; else its billing contact now."""
    if job.replaced_billing is None:
        return billing_contact_of(application.billing)
    named = replaced_contact_named(job.replaced_billing, application.former_billing)
    return named.strip().lower() if named else None


def former_details(former: tuple[FormerContact, ...], contact: str) -> BillingDetails | None:
    """The details a replaced invoice was addressed to under ``contact`` (the latest)."""
    address = contact.strip().lower()
    found = [f.billing for f in former if billing_contact_of(f.billing) == address]
    return found[-1] if found else None


def invoices_sent_to(former: tuple[FormerContact, ...], contact: str) -> tuple[str, ...]:
    """The replaced invoices that went to ``contact``: their customers hold them."""
    address = contact.strip().lower()
    return tuple(f.invoice_id for f in former if billing_contact_of(f.billing) == address)


def replaced_invoice(
    former: tuple[FormerContact, ...], contact: str, *, billed_now: bool
) -> str | None:
    """The invoice that went to ``contact`` before a correction moved it away from them (the
    latest), while they are not the billing contact now (``billed_now``): with their details,
    all that is theirs, and what their export names as held at Stripe. None otherwise. One
    rule for a person's booking and a group's."""
    sent = invoices_sent_to(former, contact)
    return sent[-1] if sent and not billed_now else None


@dataclass(frozen=True)
class BilledPart:
    """What another's application holds about ``contact`` as a billing contact: the details
    that name them (their own now, an act's mark's still on its way, or a replaced invoice's),
    the current invoice only when it is addressed to them, and the invoice that went to them
    before a correction moved it away (``replaced_invoice``). Never another contact's."""

    billing: BillingDetails | None
    invoice: InvoiceRef | None
    replaced_invoice: str | None


def billed_part(application: Application, contact: str) -> BilledPart:
    """:class:`BilledPart` of ``application`` for ``contact``: the one reading of it for the
    people routes' JSON export and the console's printable record."""
    details = details_naming(application, contact)
    theirs = details is not None and details is application.billing
    billed_now = not not_billed_now(application, contact)
    return BilledPart(
        billing=details,
        invoice=application.invoice if theirs else None,
        replaced_invoice=replaced_invoice(
            application.former_billing, contact, billed_now=billed_now
        ),
    )


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


def not_billed_now(application: Application, contact: str) -> bool:
    """``contact`` is not the billing contact of ``application`` now, nor named in an act's
    mark: only, if at all, as a contact an invoice was corrected away from."""
    return details_naming(application.model_copy(update={"former_billing": ()}), contact) is None


def invoices_naming(application: Application, contact: str) -> tuple[str, ...]:
    """The invoices sent for ``application`` whose customers at Stripe hold ``contact``: every
    one for its applicant (each names them on its line), the ones addressed to them for a
    billing contact (the current contact's, and a replaced contact's own, never another's)."""
    return _invoices_holding(
        invoices_ever_issued(application),
        application.former_billing,
        contact,
        owner=application.answers.email.lower() == contact.strip().lower(),
        billed_now=not not_billed_now(application, contact),
    )


def group_invoices_naming(group: GroupBooking, contact: str) -> tuple[str, ...]:
    """The invoices sent for ``group`` whose customers at Stripe hold ``contact``: every one
    for its manager (each made for their booking), the ones addressed to them for a billing
    contact (the current contact's, and a replaced contact's own, never another's)."""
    address = contact.strip().lower()
    return _invoices_holding(
        group_invoices(group),
        group.former_billing,
        address,
        owner=group.manager.email.lower() == address,
        billed_now=address == billing_contact_of(group.billing),
    )


def _invoices_holding(
    every: tuple[str, ...],
    former: tuple[FormerContact, ...],
    contact: str,
    *,
    owner: bool,
    billed_now: bool,
) -> tuple[str, ...]:
    """Of a booking's invoices (``every``, the replaced ones too), those whose customers hold
    ``contact``: all of them for the booking's own person (``owner``), the current contact's
    and their own replaced ones for the billing contact now (``billed_now``), else only the
    replaced ones that went to them. One rule for a person's booking and a group's."""
    sent = invoices_sent_to(former, contact)
    if owner:
        return every
    if not billed_now:
        return sent
    others = invoices_of_others(former, contact)
    return tuple(dict.fromkeys((*(i for i in every if i not in others), *sent)))


# -- bookings corrected before the replaced contact was kept -----------------------------------


def replaced_unrecorded(application: Application) -> tuple[str, ...]:
    """The replaced invoices of ``application`` that no :class:`FormerContact` records: every
    invoice sent for it but its current one (and one an act sent and never saved, which goes
    to the contact that act names). A correction made before replaced contacts were kept
    left its old invoice among them, its customer at Stripe holding the old contact."""
    current = application.invoice.invoice_id if application.invoice is not None else None
    not_replaced = {current, sent_and_never_saved(application)}
    return _unrecorded(invoices_ever_issued(application), not_replaced, application.former_billing)


def group_replaced_unrecorded(group: GroupBooking) -> tuple[str, ...]:
    """The same for a group booking (a replacement's invoice recorded ahead is not replaced)."""
    current = group.invoice.invoice_id if group.invoice is not None else None
    not_replaced = {current, *group.replacing_with}
    return _unrecorded(group_invoices(group), not_replaced, group.former_billing)


def _unrecorded(
    every: tuple[str, ...], not_replaced: Collection[str | None], former: tuple[FormerContact, ...]
) -> tuple[str, ...]:
    recorded = {f.invoice_id for f in former}
    return tuple(i for i in every if i not in not_replaced and i not in recorded)


def named_without_record(application: Application) -> frozenset[str]:
    """Who ``application`` names without a :class:`FormerContact` (as lookups key them): its
    applicant, its billing contact now and any contact an act's mark names. An invoice that
    went to one of them is found and erased through them already."""
    named = contacts_named(application.model_copy(update={"former_billing": ()}))
    return named | {application.answers.email.lower()}


def group_named_without_record(group: GroupBooking) -> frozenset[str]:
    """The same for a group booking: its manager, its billing contact now and the one a
    correction left half done is marked to."""
    billed = (billing_contact_of(b) for b in (group.billing, group.replacing_billing))
    return frozenset({group.manager.email.lower(), *(b for b in billed if b is not None)})


def recorded_from_provider(
    former: tuple[FormerContact, ...],
    addressees: Iterable[tuple[str, BillingDetails | None]],
    named: frozenset[str],
) -> tuple[FormerContact, ...]:
    """``former`` with each replaced invoice's addressee, as the provider holds them (None:
    nobody held), recorded as a contact the invoice was corrected away from when the booking
    does not name them otherwise (``named``) and the invoice is not recorded already: the
    people routes then find and erase them as they do a contact replaced since."""
    recorded = {f.invoice_id for f in former}
    found = tuple(
        FormerContact(billing=billing, invoice_id=invoice_id)
        for invoice_id, billing in addressees
        if billing is not None
        and invoice_id not in recorded
        and billing_contact_of(billing) not in {None, *named}
    )
    return (*former, *found)


def spellings_held(
    contact: str, applications: Iterable[Application], groups: Iterable[GroupBooking]
) -> tuple[str, ...]:
    """How ``applications`` and ``groups`` spell ``contact`` (matched whatever its case): as
    an applicant, a manager, a billing contact now or one an invoice was corrected away from.
    A provider's lookup by address matches case and all, so an erasure asks it by each."""
    held: list[str] = []
    for application in applications:
        former = (f.billing for f in application.former_billing)
        held += [application.answers.email, *_addresses(application.billing, *former)]
    for group in groups:
        former = (f.billing for f in group.former_billing)
        billed = _addresses(group.billing, group.replacing_billing, *former)
        held += [group.manager.email, *billed]
    address = contact.strip().lower()
    return tuple(dict.fromkeys(spelt for spelt in held if spelt.lower() == address))


def _addresses(*details: BillingDetails | None) -> list[str]:
    return [d.billing_email for d in details if d is not None]
