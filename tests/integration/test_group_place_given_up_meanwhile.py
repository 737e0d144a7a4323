"""A place given up before the group is paid, while another change to the group is saved first
(``services.group_unpaid_give_up.off_the_way_to_pay``). By card, the old checkout is
expired at Stripe first, the checkout asked of Stripe for the places kept is
undone, the manager is asked to try again, and the seats are as they were. By invoice, the
group first records that its invoice is being replaced, then Stripe voids it: a
change saved before that record is refused the same way with nothing asked of Stripe; one
saved after it, changing nothing the give-up decides (an event recorded), is saved over, the
place given up on the new invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking.domain.groups import GroupBooking
from tests.support import groups
from tests.support.groups import give_up, invoices_made, pay_link_id
from tests.support.invoiced import INVOICED
from tests.support.system import COURSE_ID, STRIPE_KEY, System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def race_next_save(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    *,
    when: Callable[[GroupBooking, GroupBooking], bool] = lambda new, previous: True,
    change: Callable[[GroupBooking], GroupBooking] = lambda group: group,
) -> list[GroupBooking]:
    """The group store, with another change (``change``) saved just before the next save of a
    group that ``when`` picks (of the new group and the one it is saved over): that save finds
    the group changed. Answers the groups whose save lost."""
    store = system.ports.groups
    real_save = store.save_group
    lost: list[GroupBooking] = []

    def save_after_another(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        if previous is not None and not lost and when(new, previous):
            lost.append(new)
            current = store.get_group(previous.group_id)  # as stored: an event recorded since
            assert current is not None
            real_save(change(current), current)  # another change, saved first
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
    "card": ({}, "/v1/checkout/sessions", _session_id, "expired"),
}


def _another_checkout(new: GroupBooking, previous: GroupBooking) -> bool:
    """``new`` asks its places be paid by a checkout other than ``previous``'s."""
    return _session_id(new) not in (None, _session_id(previous))


def _dearer(group: GroupBooking) -> GroupBooking:
    """``group`` changed in what a give-up decides (its places' price)."""
    price = group.price.model_copy(update={"amount": group.price.amount + 100})
    return group.model_copy(update={"price": price})


def _none_released(system: System, group: dict[str, Any], course: str, left: int) -> None:
    """Every place of ``group`` kept, and ``course`` has the ``left`` places it had."""
    view = groups.manager_view(system, group)
    assert all(place["state"] != "released" for place in view["places"])
    assert groups.places_left(system, course) == left


@pytest.mark.parametrize("way", sorted(WAYS))
def test_what_was_asked_for_the_places_kept_is_undone_when_the_group_changed_meanwhile(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    way: str,
) -> None:
    fields, path, asked_of, undone = WAYS[way]
    course = INVOICED if fields else COURSE_ID
    group = groups.book(system, course=course, colleagues=groups.COLLEAGUES[:2], **fields).json()
    first = pay_link_id(group)
    left = groups.places_left(system, course)
    # The save of the new checkout (after the old one's mark and expiry: ``checkout_expiry``)
    # finds the group changed.
    raced = race_next_save(system, monkeypatch, when=_another_checkout, change=_dearer)
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
    # The old one was expired first: nothing can pay it for places no longer asked.
    assert status == {new: undone, first: "expired"}
    _none_released(system, group, course, left)


def test_an_invoice_is_not_voided_when_the_group_changed_before_its_replacement_was_recorded(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = groups.invoiced_group(system, colleagues=groups.COLLEAGUES[:2])
    first = pay_link_id(group)
    left, made = groups.places_left(system, INVOICED), invoices_made(system)
    raced = race_next_save(system, monkeypatch)

    reply = give_up(system, group, 2)

    reply.refused(409, "group_changed")
    [lost] = raced
    assert lost.replacing_invoice == first  # the record lost: Stripe was asked nothing
    assert invoices_made(system) == made
    old = system.stripe_local("GET", f"/v1/invoices/{first}", headers=STRIPE_KEY).json()
    assert old["status"] == "open"
    _none_released(system, group, INVOICED, left)


def test_a_change_of_nothing_the_give_up_decides_saved_after_the_void_is_saved_over(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = groups.invoiced_group(system, colleagues=groups.COLLEAGUES[:2])
    first = pay_link_id(group)
    left = groups.places_left(system, INVOICED)
    store = system.ports.groups
    real_save = store.save_group
    bumped: list[int] = []

    def bumped_before_the_replacement(new: GroupBooking, previous: GroupBooking | None) -> Any:
        if previous is not None and new.replacing_invoice is None and not bumped:
            fresh = store.get_group(previous.group_id)
            assert fresh is not None
            bumped.append(real_save(fresh.with_event("evt_another"), fresh).version)
        return real_save(new, previous)

    monkeypatch.setattr(store, "save_group", bumped_before_the_replacement)
    reply = give_up(system, group, 2)
    monkeypatch.undo()

    assert reply.status == 200, reply.body
    assert bumped  # the replacement's first save lost to it
    view = groups.manager_view(system, group)
    assert view["places_kept"] == 1
    new = pay_link_id(view)
    assert new != first
    statuses = {
        i: system.stripe_local("GET", f"/v1/invoices/{i}", headers=STRIPE_KEY).json()["status"]
        for i in (first, new)
    }
    assert statuses == {first: "void", new: "open"}
    stored = store.get_group(group["group_id"])
    assert stored is not None
    assert "evt_another" in stored.recent_event_ids
    assert stored.replacing_invoice is None
    assert groups.places_left(system, INVOICED) == left + 1
