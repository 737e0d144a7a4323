"""Erasure reaches the payment provider: the customers created there for a person's invoices
(one per invoice, holding the billing contact's name, email and address) are deleted.

Which customers: those of every invoice sent for the person's applications (the current one
and the ones replaced before it, ``Application.invoices_issued``), and of the current invoice
of each group booking whose manager or billing contact is the person. Each is first recorded
as owed (its invoice id, no personal data), then asked of the provider; what the provider
could not do now (down, slow, or the invoice not yet void) stays owed and the sweep asks
again, so an erasure completes in our table whatever the provider answers.

A customer is deleted only once its invoice can no longer be paid (erasure voids the open
ones first); a paid or void invoice keeps its own copy of the contact, as the accounts must.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef
from booking.domain.errors import BookingError, Conflict, DependencyUnavailable, NotFound
from booking.domain.former_contacts import group_invoices_naming, invoices_naming
from booking.services.invoice_requests import void_quietly
from booking.services.ports import InvoiceRequest, Ports
from booking.services.provider_searches import search_later, search_owed_now

if TYPE_CHECKING:
    from booking.domain.groups import GroupBooking

logger = Logger(child=True)
OWED_PER_RUN = 100  # a sweep's share: the rest waits for the next run
NOTHING_HELD = "no data is held about this email address"


def invoices_of_person(
    applications: Iterable[Application], groups: Iterable[GroupBooking], email: str
) -> list[str]:
    """The invoices whose customers erasure deletes: of the applications and of each group
    the person manages or is the billing contact of, every one whose customer holds them (the
    replaced ones too: ``former_contacts.invoices_naming``; a colleague on a place is not on the
    group's invoice)."""
    address = email.lower()
    found: list[str] = []
    for application in applications:
        found.extend(invoices_naming(application, address))
    for group in groups:
        found.extend(group_invoices_naming(group, address))
    return list(dict.fromkeys(found))


def with_those_only_provider_finds(
    ports: Ports, email: str, recorded: list[str], spellings: Sequence[str] = ()
) -> tuple[list[str], bool]:
    """``recorded`` (the invoices our bookings say hold ``email``) and the void or paid ones
    whose customers the provider finds holding it though no booking records it (an invoice
    corrected away from them before replaced contacts were kept): erased with the rest, so the
    replaced contacts' backfill never reads them back from the provider afterwards. Its lookup
    matches case and all, so it is asked by each of ``spellings`` too (how our records spell
    the address: ``former_contacts.spellings_held``), whatever case the erasure was typed in.
    An open invoice found so is left alone: a booking's invoice still payable is voided only
    through the booking that holds it. The provider unreachable, the erasure of what we hold
    goes on (as its deletions do) and the search is owed, made by the sweep once the provider
    answers (``services.provider_searches``: by the address as typed, in lower case and by
    ``spellings``, kept with it as our records holding them are erased). An earlier erasure's
    search of the address still owed is made now too. With whether a search of it is still
    owed afterwards: this one, or the earlier one (a run making it this moment, or the
    provider failing or refusing it again)."""
    try:
        unrecorded = ports.payments.invoices_no_longer_payable_to(email, spellings)
    except DependencyUnavailable:
        search_later(ports, email, spellings)
        return recorded, True
    # An earlier erasure's search of the address still owed, made now too (by its own
    # spellings): still owed afterwards, this erasure says it pending.
    owed = search_owed_now(ports, email)
    found = dict.fromkeys([*unrecorded, *(owed or ())])
    return [*recorded, *(i for i in found if i not in recorded)], owed is None


def nothing_held(ports: Ports, email: str) -> NotFound:
    """The refusal of an address nothing here is held about, to find or export: a read, so
    nothing is asked of the provider (a look, a prefetch or a reload never deletes anything
    there). An earlier erasure's search of it at the provider still owed, the refusal says so,
    since the provider may still hold customers under it meanwhile."""
    if ports.repository.provider_search_owed_for(email):
        return NotFound(_STILL_WAITS)
    return NotFound(NOTHING_HELD)


def nothing_held_to_erase(ports: Ports, email: str) -> NotFound:
    """The refusal of an erasure of an address nothing here is held about. An earlier
    erasure's search of it at the provider still owed is made first, Stripe back meanwhile
    (``provider_searches.search_owed_now``: the claim the runs take, so never twice at once),
    and the customers it finds deleted (any the provider does not delete now stay owed, for
    the sweep); still owed, the refusal says so, as :func:`nothing_held` does."""
    found = search_owed_now(ports, email)
    if found is None:
        return NotFound(_STILL_WAITS)
    forget_customers(ports, found)
    return NotFound(NOTHING_HELD)


_STILL_WAITS = (
    f"{NOTHING_HELD}: its erasure still waits for Stripe to answer, to find and delete "
    "the customers Stripe alone holds under it (tried again every 15 minutes)"
)


def owe_customer_deletions(ports: Ports, invoice_ids: Sequence[str]) -> None:
    """Recorded before anything is asked of the provider: a crash or an outage after this
    leaves the deletions to the sweep."""
    if invoice_ids:
        ports.repository.owe_customer_deletions(invoice_ids, ports.clock())


def sent_invoice(
    ports: Ports, request: InvoiceRequest, drafted: Callable[[str], None] | None = None
) -> InvoiceRef:
    """The invoice ``request`` asks for, made and sent by the provider. If a step after its
    customer was made failed and the provider could not delete that customer then, its
    deletion is owed before the failure goes on (the sweep makes it)."""
    try:
        return ports.payments.create_invoice(request, drafted)
    except BookingError as failed:
        if failed.customer_left:
            owe_customer_deletions(ports, [failed.customer_left])
        raise


def disown_invoice(ports: Ports, invoice_id: str) -> str | None:
    """An invoice sent for a change whose save failed belongs to nothing, and nothing else
    records it: its customer's deletion owed first, then the invoice voided and the customer
    deleted (what Stripe cannot do now, the sweep does: it voids before it deletes). Stripe's
    answer to the void (``void``, ``paid`` if paid first, None: not reached)."""
    owe_customer_deletions(ports, [invoice_id])
    answer = void_quietly(ports, invoice_id)
    forget_customers(ports, [invoice_id])
    return answer


def forget_customers(ports: Ports, invoice_ids: Sequence[str]) -> list[str]:
    """Ask the provider to delete each invoice's customer; the ones still owed afterwards.
    The provider not answering, the rest are not asked of it (they stay owed for the sweep)."""
    done = _forgotten_until_unanswered(ports, invoice_ids, void=False)
    return [invoice_id for invoice_id in invoice_ids if invoice_id not in done]


def forget_owed_customers(ports: Ports) -> int:
    """The sweep's part: each deletion still owed is asked again (an invoice still payable
    is voided first, as the erasure meant it to be). How many were done. The first the
    provider does not answer (down, or silent: the schedule asks it briefly) ends the run's
    asking, so a provider that hangs costs the run one short timeout: that one goes behind
    the others, the rest stay owed as they are. A refusal does not end it."""
    owed = ports.repository.owed_customer_deletions(OWED_PER_RUN)
    return len(_forgotten_until_unanswered(ports, owed, void=True))


def _forgotten_until_unanswered(
    ports: Ports, invoice_ids: Sequence[str], *, void: bool
) -> list[str]:
    """The invoices whose customers the provider deleted, asked in turn (``_forgotten``)
    until the first it does not answer: the rest are not asked of one down or hanging, and
    stay owed as they are. A refusal is an answer: the next is asked."""
    done: list[str] = []
    for invoice_id in invoice_ids:
        try:
            if _forgotten(ports, invoice_id, void=void):
                done.append(invoice_id)
        except DependencyUnavailable:
            break
    return done


def _forgotten(ports: Ports, invoice_id: str, *, void: bool) -> bool:
    """Whether ``invoice_id``'s customer was deleted; refused, it is left owed (with ``void``,
    the sweep's: owed again from now). Not answered, it is left owed so and the provider's
    DependencyUnavailable raised, for the caller to ask it nothing more."""
    try:
        try:
            ports.payments.forget_invoice_customer(invoice_id)
        except Conflict as refused:
            if not void or refused.code != "invoice_open":
                raise
            ports.payments.void_invoice(invoice_id)
            ports.payments.forget_invoice_customer(invoice_id)
    except (Conflict, DependencyUnavailable) as exc:
        logger.warning(
            "customer deletion left owed", extra={"invoice_id": invoice_id, "reason": exc.code}
        )
        if void:
            # Owed again from now: one the provider keeps refusing goes behind the others,
            # so a run's share is never taken up by the same failures every time.
            ports.repository.owe_customer_deletions([invoice_id], ports.clock())
        if isinstance(exc, DependencyUnavailable):
            raise
        return False
    ports.repository.customer_deletion_done(invoice_id)
    return True
