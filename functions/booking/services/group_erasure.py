"""A person erased from the group bookings that name them, and what those hold about them
(an export)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import ERASED, ERASED_EMAIL
from booking.domain.billing import billing_contact_of
from booking.domain.erasure import (
    BILLING_CONTACT,
    MANAGER,
    GroupErased,
    marked_contact_of,
    roles_in,
)
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.former_contacts import (
    former_details,
    former_erased,
    group_invoices_naming,
    replaced_invoice,
)
from booking.domain.group_endings import GroupEnding
from booking.domain.group_figures import not_replacing, payment_settling
from booking.domain.group_given_back import group_given_back_said
from booking.domain.groups import (
    REPLACEMENT_LEFT_AFTER,
    Colleague,
    GroupBooking,
    GroupStatus,
    lapsed,
    void_asked,
)
from booking.domain.invoice_voiding import ERASE_ONCE_SETTLED
from booking.domain.payment_received import without_bank_reference
from booking.domain.provider_objects import group_invoices
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import unmarked, unrecorded_voided
from booking.services.group_invoice_void import voided_at_our_ask
from booking.services.groups import find_group, group_reader, invoice_paying
from booking.services.invoice_requests import being_paid_refused, invoice_held
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
ACT_ON_ITS_WAY = "act_on_its_way"


def forget_in_groups(ports: Ports, email: str) -> list[GroupErased]:
    """A person erased: no group booking names them any more, as its manager or on a place
    (the places, their seats and the money stay the group's, as a booking stays a booking).
    What each group that named them was to them, and what the erasure did to it (a group
    found by an index item that names nothing of them, left by a save before substitutions
    forgot the person, is not one: only the item goes)."""
    address = email.lower()
    forgotten: list[GroupErased] = []
    for found in ports.groups.groups_of_person(email):
        roles = roles_in(found, address)
        if roles:
            forgotten.append(_forgotten_in_after_correction(ports, found, address, roles))
        ports.groups.forget_group_person(email, found.group_id)
    return forgotten


def _forgotten_in_after_correction(
    ports: Ports, found: GroupBooking, address: str, roles: tuple[str, ...]
) -> GroupErased:
    """``address`` erased from ``found``, a correction of its invoice marked to them ended
    first (``_correction_ended``): what it did, said with what the erasure did."""
    if not _correction_ended(ports, found, address):
        return _forgotten_in(ports, found, address, roles)
    said = _forgotten_in(ports, find_group(ports, found.group_id), address, roles)
    return replace(
        said,
        invoice_voided=True,
        seats_released=found.seats_held,
        manager_told=found.manager.email != ERASED_EMAIL,
        ended=True,
        invoices=tuple(dict.fromkeys((*group_invoices(found), *said.invoices))),
    )


def refuse_while_groups_paid_for(ports: Ports, email: str) -> None:
    """The erasure refused, nothing written, while a payment of the open invoice of a group
    booking it would void (its manager's or billing contact's) is on its way: the same rule,
    and 409, as a person's own invoice (``people._refuse_while_paid_for``).
    Voided under a bank debit, Stripe refuses and it stays open, the organiser told nothing;
    Stripe unanswered, the void after decides, as for a person's invoice."""
    address = email.lower()
    for found in ports.groups.groups_of_person(email):
        if found.invoice is None or not _voids_the_invoice(found, address):
            continue
        try:
            paying = invoice_paying(ports, found)
        except DependencyUnavailable:
            continue
        if paying.on_its_way:
            whose = f"the group booking's invoice of {found.organisation}"
            raise being_paid_refused(found.invoice, paying, ERASE_ONCE_SETTLED, whose=whose)


def _voids_the_invoice(group: GroupBooking, address: str) -> bool:
    """Whether erasing ``address`` voids ``group``'s open invoice: its manager's, or its
    billing contact's now (or the one a correction left half done is marked to); never a
    contact the invoice was corrected away from, whose erasure leaves it and its payment."""
    payers = (billing_contact_of(group.billing), marked_contact_of(group))
    return group.manager.email.lower() == address or address in payers


def refuse_while_corrections_young(ports: Ports, email: str) -> None:
    """The erasure of ``email`` refused in words (409, before anything is done) while an
    organiser's correction of a group's invoice to them (its mark, ``replacing_billing``) may
    still be running: its own save settles it, and then they are the group's billing contact,
    erased as any is. Older, the erasure ends it (``_correction_ended``)."""
    address, now = email.strip().lower(), ports.clock()
    for found in ports.groups.groups_of_person(email):
        since = found.replacing_since
        if marked_contact_of(found) == address and since and since + REPLACEMENT_LEFT_AFTER > now:
            raise Conflict(
                f"an organiser's correction of the invoice of {found.organisation}'s group "
                "booking, which names this billing contact, is still being finished: nothing "
                "was erased. Please try again in a few minutes",
                code=ACT_ON_ITS_WAY,
            )


def _correction_ended(ports: Ports, found: GroupBooking, address: str) -> bool:
    """A correction of ``found``'s invoice left half done, marked to ``address``, ended for
    their erasure, so the sweep never completes it and sends them an invoice; Stripe read once
    (unreachable: 503, pressed again). The old invoice void there: the group ends by that void
    as an organiser's *Void the invoice* ends it (its places back to the course, the manager
    told); still open (the void never reached Stripe): the mark is taken back and the group
    goes on with its invoice. Any invoice a try made for them is voided and its customer let
    go. Whether the group ended by the void."""
    group = find_group(ports, found.group_id)  # read again: completed or ended since?
    invoice_id = group.replacing_invoice
    if invoice_id is None or marked_contact_of(group) != address:
        return False
    held = invoice_held(ports, invoice_id)
    if held is not None and held.status != "void":
        unmarked(ports, group.group_id, invoice_id)
        unrecorded_voided(ports, find_group(ports, group.group_id), group.replacing_with)
        logger.info("a group's correction taken back for its contact's erasure")
        return False

    def ask(current: GroupBooking) -> GroupBooking:
        now = ports.clock()
        asked = void_asked(not_replacing(current), invoice_id, now, GroupEnding.PERSON_ERASED)
        return ports.groups.save_group(asked, current)

    saved = retried(ask, group_reader(ports, group.group_id), first=group)
    after = voided_at_our_ask(ports, saved, invoice_id, "on-erasure")
    unrecorded_voided(ports, after, group.replacing_with)
    offer_free_places(ports, after.course_id)
    logger.info("a group's correction ended by its void for its contact's erasure")
    return True


def _forgotten_in(
    ports: Ports, found: GroupBooking, address: str, roles: tuple[str, ...]
) -> GroupErased:
    """``address`` erased from ``found``. What Stripe holds for them is ended there first,
    and Stripe's answer decides: an unpaid card checkout of an erased manager is expired
    (``_expire_erased_managers_checkout``) and the open invoice addressed to them voided
    (``_void_asked``); the booking ends only if Stripe ended what could pay it (paid first:
    the payment's event confirms the places, and nothing is said ended)."""
    checkout = _expire_erased_managers_checkout(ports, found, address)
    saved = retried(
        partial(_forget, ports, address=address, checkout_expired=checkout is True),
        group_reader(ports, found.group_id),
        first=found,
    )
    held = saved.seats_held
    answer = _void_asked(ports, saved) if MANAGER in roles or BILLING_CONTACT in roles else None
    voided = answer == "void"
    # The card checkout expired at Stripe ended the booking (here, or by its event first).
    expired = checkout is True and saved.status is GroupStatus.LAPSED
    if expired:
        offer_free_places(ports, saved.course_id)
    return GroupErased(
        found.group_id,
        found.course_id,
        roles,
        invoice_voided=voided,
        checkout_expired=expired,
        paid_meanwhile=checkout is False,
        debit_settling=_paid_by_debit_settling(checkout, saved),
        seats_released=held if voided else found.seats_held if expired else 0,
        manager_told=voided and saved.manager.email != ERASED_EMAIL,
        invoice_paid=answer == "paid",
        organisation=found.organisation,
        ended=voided or expired or saved.status is GroupStatus.LAPSED,
        invoices=_invoices_held_for(found, saved, address),
    )


def _invoices_held_for(found: GroupBooking, saved: GroupBooking, address: str) -> tuple[str, ...]:
    """The invoices of the group (``found`` before the erasure's save, ``saved`` after it)
    whose customers hold ``address`` (``former_contacts.group_invoices_naming``): a manager's or
    current billing contact's with any one a place given up meanwhile replaced it by."""
    held = group_invoices_naming(found, address)
    if address != found.manager.email.lower() and address != billing_contact_of(found.billing):
        return held
    return tuple(dict.fromkeys((*held, *group_invoices(saved))))


def _void_asked(ports: Ports, saved: GroupBooking) -> str | None:
    """Stripe's answer to the void of ``saved``'s open invoice its save asked for (``void``,
    or ``paid`` if the employer paid first); None: none asked, or Stripe not reached (the
    ask stays recorded; the provider-erasure sweep voids it before deleting its customer, and
    Stripe's event then ends the booking as the erasure's)."""
    invoice = saved.invoice
    if (
        invoice is None
        or saved.status is not GroupStatus.AWAITING_INVOICE_PAYMENT
        or saved.void_asked_for != invoice.invoice_id
    ):
        return None
    try:
        answer = ports.payments.void_invoice(invoice.invoice_id)
    except (Conflict, DependencyUnavailable) as refused:
        logger.warning(
            "an erased person's group invoice left open",
            extra={"group_id": saved.group_id, "reason": refused.code},
        )
        return None
    if answer == "void":
        # Ended as Stripe's own invoice.voided ends it: its seats back and offered on, the
        # manager (not erased) told, each once, whichever of the two comes first.
        voided_at_our_ask(ports, saved, invoice.invoice_id, "on-erasure")
    return answer


def _expire_erased_managers_checkout(
    ports: Ports, group: GroupBooking, address: str
) -> bool | None:
    """A card booking whose manager is erased before it is paid: its open checkout, which
    carries their address, is expired at Stripe first, so nobody can pay it afterwards (as
    for one person erased while paying). True: expired (or unknown to Stripe: nothing can
    pay it), so the booking ends; False: Stripe says it was paid meanwhile, so the booking
    stands (its payment's event confirms it) and only the person's data goes; None: no
    checkout of theirs was open."""
    if (
        group.status is not GroupStatus.AWAITING_PAYMENT
        or group.checkout is None
        or group.manager.email.lower() != address
    ):
        return None
    try:
        return ports.payments.expire_checkout(group.checkout.session_id) != "complete"
    except Conflict:
        return True  # Stripe cannot find or expire it: it cannot be paid either


def _forget(
    ports: Ports, current: GroupBooking, address: str, *, checkout_expired: bool = False
) -> GroupBooking:
    """``current`` saved without ``address`` in it (as it was, when it no longer names them);
    ``checkout_expired``: its checkout was expired at Stripe for this erasure, so a booking
    still awaiting its card payment ends."""
    now = ports.clock()
    blank = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    changed = current
    manager_erased = current.manager.email.lower() == address
    if manager_erased:
        # Their link dies with them (a new token nobody holds), as an erased colleague's
        # does: it neither shows the colleagues nor changes the places any more.
        changed = changed.model_copy(
            update={"manager": blank, "token": secrets.token_urlsafe(24), "updated_at": now}
        )
    billing = current.billing
    if billing is not None and billing.billing_email.lower() == address:
        changed = changed.model_copy(update={"billing": billing.erased(), "updated_at": now})
    former = former_erased(current.former_billing, address)  # an invoice corrected away
    if former != current.former_billing:
        changed = changed.model_copy(update={"former_billing": former, "updated_at": now})
    for place in current.places:
        if place.colleague.email.lower() == address:
            # Their link dies with them (a new token nobody holds): nobody can apply as the
            # erased person; the manager names someone else (a substitution).
            forgotten_place = place.model_copy(
                update={"colleague": blank, "token": secrets.token_urlsafe(24)}
            )
            changed = changed.with_place(forgotten_place, now)
    # The bank's reference of a payment received outside Stripe may name the manager or the
    # billing contact (a colleague erased alone leaves it: it pays for the places).
    payer_erased = manager_erased or changed.billing != current.billing
    if changed is not current and changed.invoice is not None and payer_erased:
        forgotten = without_bank_reference(changed.invoice)
        changed = changed.model_copy(update={"invoice": forgotten})
    if changed is current:
        return current
    # What the booking's request asked is a digest of the people it named.
    changed = changed.model_copy(update={"request_fingerprint": None})
    invoice = current.invoice
    if (
        current.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and invoice is not None
        and current.void_asked_for != invoice.invoice_id
        and (manager_erased or changed.billing != current.billing)
    ):
        # The open invoice, addressed to someone erased, is to be voided: the ask recorded
        # with the erasure, then made of Stripe (``_void_asked``), whose answer decides.
        changed = void_asked(changed, invoice.invoice_id, now, GroupEnding.PERSON_ERASED)
    elif checkout_expired:
        changed = _ended_by_erasure(changed, current, now)
    return ports.groups.save_group(changed, current)


def _ended_by_erasure(changed: GroupBooking, current: GroupBooking, now: datetime) -> GroupBooking:
    """``changed`` (its manager erased) ended because this erasure expired its checkout:
    lapsed now, or, when the expiry's event came first, its ending said as the erasure's (the
    expiry was the erasure's step). Nobody is left to pay or to be told."""
    if current.status is GroupStatus.AWAITING_PAYMENT:
        return lapsed(changed, now, GroupEnding.PERSON_ERASED)
    if current.status is GroupStatus.LAPSED and (
        current.ended_because is GroupEnding.CHECKOUT_EXPIRED
    ):
        return changed.model_copy(update={"ended_because": GroupEnding.PERSON_ERASED})
    return changed


def groups_named(ports: Ports, email: str) -> list[dict[str, Any]]:
    """What the group bookings hold about a person (an export): as manager, as the billing
    contact, or on a place."""
    held: list[dict[str, Any]] = []
    for group in ports.groups.groups_of_person(email):
        for role in roles_in(group, email):
            named = (
                group.manager.name
                if role == MANAGER
                else _billed_name(group, email)
                if role == BILLING_CONTACT
                else next(
                    p.colleague.name
                    for p in group.places
                    if p.colleague.email.lower() == email.lower()
                )
            )
            held.append(
                {
                    "group_id": group.group_id,
                    "course_id": group.course_id,
                    "as": role,
                    "name": named,
                    "organisation": group.organisation,
                    # What erasing them does depends on it (the erase page), and on
                    # whether its card checkout is paid by a debit still being confirmed.
                    "status": group.status.value,
                    **({"payment": DEBIT_BEING_CONFIRMED} if payment_settling(group) else {}),
                    **_payers_part(group, role, email),
                }
            )
    return held


def _paid_by_debit_settling(checkout_expired: bool | None, group: GroupBooking) -> bool:
    """Whether Stripe answered the erasure's expiry that ``group``'s card checkout is complete
    (``checkout_expired`` False) by a bank debit its bank has yet to confirm."""
    return checkout_expired is False and payment_settling(group)


# A group's card checkout completed by a bank debit its bank has yet to confirm: the erasure
# ends nothing of it (Stripe holds the checkout complete), the booking stands.
DEBIT_BEING_CONFIRMED = "bank_debit_being_confirmed"


def _payers_part(group: GroupBooking, role: str, email: str) -> dict[str, str]:
    """What the group holds of its payer's side for ``email`` as ``role``: for a billing
    contact an invoice was corrected away from (no longer its contact), the id of the invoice
    that went to them (``replaced_invoice``: only that, and their details, are theirs); else
    the money given back by hand (``_money_given_back``)."""
    address = email.strip().lower()
    current = (billing_contact_of(group.billing), marked_contact_of(group))
    replaced = replaced_invoice(group.former_billing, address, billed_now=address in current)
    if role == BILLING_CONTACT and replaced is not None:
        return {"replaced_invoice": replaced}
    return _money_given_back(group, role)


def _money_given_back(group: GroupBooking, role: str) -> dict[str, str]:
    """The group's money owed back by hand and given back, in words, as its payer's side (the
    manager, the billing contact) holds it; nothing for a colleague, or when none was."""
    said = group_given_back_said(group)
    return {"given_back_by_hand": said} if said and role in (MANAGER, BILLING_CONTACT) else {}


def _billed_name(group: GroupBooking, email: str) -> str:
    """The organisation's name on the billing details of ``group`` that name ``email``: its
    invoice's, those a correction left half done is marked to, or a replaced invoice's."""
    if marked_contact_of(group) == email.strip().lower() and group.replacing_billing:
        return group.replacing_billing.billing_name
    if billing_contact_of(group.billing) != email.strip().lower():  # an invoice corrected away
        former = former_details(group.former_billing, email)
        return former.billing_name if former is not None else ""
    return group.billing.billing_name if group.billing is not None else ""
