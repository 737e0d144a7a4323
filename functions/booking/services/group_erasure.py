"""A person erased from the group bookings that name them, and what those hold about them
(an export)."""

from __future__ import annotations

import secrets
from typing import Any

from booking.domain.application import ERASED, ERASED_EMAIL
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import Colleague, GroupBooking, GroupStatus, lapsed
from booking.services.concurrency import retried
from booking.services.groups import group_reader, void_quietly
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places


def forget_in_groups(ports: Ports, email: str) -> list[str]:
    """A person erased: no group booking names them any more, as its manager or on a place
    (the places, their seats and the money stay the group's, as a booking stays a booking).
    The groups that named them."""
    address = email.lower()
    blank = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    forgotten: list[str] = []
    for found in ports.groups.groups_of_person(email):

        def forget(current: GroupBooking) -> GroupBooking:
            now = ports.clock()
            changed = current
            if current.manager.email.lower() == address:
                changed = changed.model_copy(update={"manager": blank, "updated_at": now})
            billing = current.billing
            if billing is not None and billing.billing_email.lower() == address:
                changed = changed.model_copy(
                    update={"billing": billing.erased(), "updated_at": now}
                )
            for place in current.places:
                if place.colleague.email.lower() == address:
                    # Their link dies with them (a new token nobody holds): nobody can apply
                    # as the erased person; the manager names someone else (a substitution).
                    forgotten_place = place.model_copy(
                        update={"colleague": blank, "token": secrets.token_urlsafe(24)}
                    )
                    changed = changed.with_place(forgotten_place, now)
            if changed is current:
                return current
            # What the booking's request asked is a digest of the people it named.
            changed = changed.model_copy(update={"request_fingerprint": None})
            if current.status is GroupStatus.AWAITING_INVOICE_PAYMENT and (
                current.manager.email.lower() == address or changed.billing != current.billing
            ):
                # As a single applicant's erasure: the open invoice, addressed to someone
                # erased, is voided (after the save) and the seats it held go back.
                changed = lapsed(changed, now, GroupEnding.PERSON_ERASED)
            return ports.groups.save_group(changed, current)

        before = found
        saved = retried(forget, group_reader(ports, found.group_id), first=found)
        ended_now = before.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        if ended_now and saved.status is GroupStatus.LAPSED and before.invoice is not None:
            void_quietly(ports, saved.model_copy(update={"invoice": before.invoice}))
            offer_free_places(ports, saved.course_id)
        ports.groups.forget_group_person(email, found.group_id)
        forgotten.append(found.group_id)
    return forgotten


def groups_named(ports: Ports, email: str) -> list[dict[str, Any]]:
    """What the group bookings hold about a person (an export): as manager, or on a place."""
    address = email.lower()
    held: list[dict[str, Any]] = []
    for group in ports.groups.groups_of_person(email):
        if group.manager.email.lower() == address:
            held.append(
                {
                    "group_id": group.group_id,
                    "course_id": group.course_id,
                    "as": "manager",
                    "name": group.manager.name,
                    "organisation": group.organisation,
                }
            )
        if group.billing is not None and group.billing.billing_email.lower() == address:
            held.append(
                {
                    "group_id": group.group_id,
                    "course_id": group.course_id,
                    "as": "billing contact",
                    "name": group.billing.billing_name,
                    "organisation": group.organisation,
                }
            )
        for place in group.places:
            if place.colleague.email.lower() == address:
                held.append(
                    {
                        "group_id": group.group_id,
                        "course_id": group.course_id,
                        "as": f"colleague (place {place.number})",
                        "name": place.colleague.name,
                        "organisation": group.organisation,
                    }
                )
    return held
