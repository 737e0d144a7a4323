"""A place given up before the group is paid, while another change to the group is saved first:
the new way to pay asked of Stripe for the places kept (an invoice, a checkout) is undone, the
manager is asked to try again, and the group, its old way to pay and the seats are as they were
(``services.group_changes.off_the_way_to_pay``, one path for both ways to pay)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.domain.groups import GroupBooking
from tests.integration import test_group_bookings as groups
from tests.support.groups import give_up
from tests.support.system import COURSE_ID, STRIPE_KEY, System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def race_next_save(system: System, monkeypatch: pytest.MonkeyPatch) -> list[GroupBooking]:
    """The group store, with another change saved just before the next save of a group: that
    save finds the group changed. Answers the groups whose save lost."""
    store = system.ports.groups
    real_save = store.save_group
    lost: list[GroupBooking] = []

    def save_after_another(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        if previous is not None and not lost:
            lost.append(new)
            real_save(previous, previous)  # another change, saved first
        return real_save(new, previous)

    monkeypatch.setattr(store, "save_group", save_after_another)
    return lost


def _invoice_id(group: GroupBooking) -> str | None:
    return group.invoice.invoice_id if group.invoice else None


def _session_id(group: GroupBooking) -> str | None:
    return group.checkout.session_id if group.checkout else None


# How the group pays: the booking's fields, the Stripe object asked for the places kept (its
# path at the stand-in, its id on the group) and the status it is left in once undone.
Way = tuple[dict[str, Any], str, Callable[[GroupBooking], str | None], str]
WAYS: dict[str, Way] = {
    "invoice": (groups.BILLING, "/v1/invoices", _invoice_id, "void"),
    "card": ({}, "/v1/checkout/sessions", _session_id, "expired"),
}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_what_was_asked_for_the_places_kept_is_undone_when_the_group_changed_meanwhile(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    way: str,
) -> None:
    fields, path, asked_of, undone = WAYS[way]
    course = groups.INVOICED if fields else COURSE_ID
    group = groups.book(system, course=course, colleagues=groups.COLLEAGUES[:2], **fields).json()
    first = urlsplit(group["pay_url"]).path.rsplit("/", 1)[-1]
    left = groups.places_left(system, course)
    raced = race_next_save(system, monkeypatch)
    reply = give_up(system, group, 2)

    reply.refused(409, "group_changed")
    [lost] = raced
    new = asked_of(lost)
    assert new is not None
    assert new != first
    status = {
        asked: system.stripe_local("GET", f"{path}/{asked}", headers=STRIPE_KEY).json()["status"]
        for asked in (first, new)
    }
    assert status == {new: undone, first: "open"}  # the old one still asks
    view = groups.manager_view(system, group)
    assert all(place["state"] != "released" for place in view["places"])
    assert groups.places_left(system, course) == left
