"""A person erased from the group bookings that name them, and what those hold about them
(an export)."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import partial
from typing import Any

from booking.domain.application import ERASED, ERASED_EMAIL
from booking.domain.erasure import BILLING_CONTACT, MANAGER, GroupErased, roles_in
from booking.domain.errors import Conflict
from booking.domain.group_endings import GroupEnding
from booking.domain.group_notices import lapse_told
from booking.domain.groups import Colleague, GroupBooking, GroupStatus, lapsed
from booking.services.concurrency import retried
from booking.services.groups import group_reader, void_quietly
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places


def forget_in_groups(ports: Ports, email: str) -> list[GroupErased]:
    """A person erased: no group booking names them any more, as its manager or on a place
    (the places, their seats and the money stay the group's, as a booking stays a booking).
    What each group that named them was to them, and what the erasure did to it."""
    address = email.lower()
    forgotten: list[GroupErased] = []
    for found in ports.groups.groups_of_person(email):
        before = found
        checkout = _expire_erased_managers_checkout(ports, found, address)
        saved = retried(
            partial(_forget, ports, address=address, checkout_expired=checkout is True),
            group_reader(ports, found.group_id),
            first=found,
        )
        ended_now = before.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        voided = ended_now and saved.status is GroupStatus.LAPSED and before.invoice is not None
        if voided:
            void_quietly(ports, saved.model_copy(update={"invoice": before.invoice}))
            offer_free_places(ports, saved.course_id)
        ports.groups.forget_group_person(email, found.group_id)
        roles = roles_in(before, address)
        # The card checkout expired at Stripe ended the booking (here, or by its event first).
        expired = checkout is True and saved.status is GroupStatus.LAPSED
        if expired and not voided:
            offer_free_places(ports, saved.course_id)
        forgotten.append(
            GroupErased(
                found.group_id,
                found.course_id,
                roles,
                invoice_voided=voided,
                checkout_expired=expired,
                paid_meanwhile=checkout is False,
                seats_released=before.seats_held if voided or expired else 0,
                manager_told=voided and MANAGER not in roles,
            )
        )
    return forgotten


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
    for place in current.places:
        if place.colleague.email.lower() == address:
            # Their link dies with them (a new token nobody holds): nobody can apply as the
            # erased person; the manager names someone else (a substitution).
            forgotten_place = place.model_copy(
                update={"colleague": blank, "token": secrets.token_urlsafe(24)}
            )
            changed = changed.with_place(forgotten_place, now)
    if changed is current:
        return current
    # What the booking's request asked is a digest of the people it named.
    changed = changed.model_copy(update={"request_fingerprint": None})
    if current.status is GroupStatus.AWAITING_INVOICE_PAYMENT and (
        manager_erased or changed.billing != current.billing
    ):
        # As a single applicant's erasure: the open invoice, addressed to someone erased, is
        # voided (after the save) and the seats it held go back; a manager still named is
        # told as of any other end of the hold.
        changed = lapsed(changed, now, GroupEnding.PERSON_ERASED)
        if not manager_erased:
            changed = lapse_told(changed)
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
                else group.billing.billing_name
                if role == BILLING_CONTACT and group.billing is not None
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
                }
            )
    return held
