"""The sweep's part in a group's invoice replacement left half done
(``services.group_replacement_sweep``): it acts only on the group as it is, read again
consistently, never on the index's possibly stale copy; and a completion
refused for good ends the group at once by the void, as ``replacement_not_made``, never asked
of Stripe again (and not left holding its places until its hold ends); one
refused for a race (the group written under its save) leaves the mark for the next run, which
completes it.

Through the real handlers, moto and the Stripe stand-in; Stripe's failure made at the
in-process Stripe client (the port's HTTP seam)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking
from tests.support.groups import (
    give_up,
    group_page,
    invoice_reads,
    invoices_made,
    manager_view,
    pay_link_id,
    replaced_for_two,
    three_on_an_invoice_stopped_after_the_void,
    when_stripe_is_asked,
)
from tests.support.invoiced import INVOICED
from tests.support.system import System


def _half_done(system: System) -> tuple[dict[str, Any], str]:
    """A group of three whose give-up of place 2 Stripe left half done (the old invoice void,
    the new one never made): the group and its old invoice."""
    group, old, _, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: give_up(system, group, 2)
    )
    assert failed.status == 503
    assert system.stored_group(group).replacing_invoice == old
    return group, old


def test_the_sweep_does_not_replace_again_what_a_retry_has_just_replaced(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager's retry completes the replacement while the sweep's index still holds the
    marked copy: the sweep reads the group again, finds no mark, and neither makes nor sends
    another invoice."""
    group, _old = _half_done(system)
    stale = system.stored_group(group)
    assert give_up(system, group, 2).status == 200
    system.deliver_emails()
    made = invoices_made(system)
    store = system.ports.groups
    monkeypatch.setattr(store, "groups_due", lambda now, **_: [stale])

    system.scheduled_run(system.now() + timedelta(minutes=6))

    assert invoices_made(system) == made
    assert system.deliver_emails() == []
    stored = system.stored_group(group)
    assert stored.replacing_invoice is None
    assert stored.place(2).released


def test_a_refused_completion_ends_the_group_at_once_by_its_void(system: System) -> None:
    """The invoice's due time passed while the replacement is half done (no invoice can be
    due in the past): the sweep's completion is refused for good, and the group ends then by
    the void, as its replacement never made (nothing can pay the void invoice): its seats go
    back at once, not when its due day ends, the manager is not told the employer failed to
    pay, and the next run reads nothing of it at Stripe."""
    group, old = _half_done(system)
    invoice = system.stored_group(group).invoice
    assert invoice is not None
    left = system.course(INVOICED)["places_left"]
    system.deliver_emails()
    system.clock_offset += invoice.due_at - system.now() + timedelta(minutes=1)

    system.scheduled_run(system.now())

    ended: GroupBooking = system.stored_group(group)
    assert (ended.status.value, ended.ended_because) == ("lapsed", GroupEnding.REPLACEMENT_NOT_MADE)
    assert system.course(INVOICED)["places_left"] == left + 3
    told = " ".join(" ".join(e.text.split()) for e in system.deliver_emails())
    assert "cancelled to be replaced by one for the places kept" in told
    assert "not paid by its due date" not in told
    reads = invoice_reads(system, old)
    system.scheduled_run(system.now() + timedelta(minutes=12))
    assert invoice_reads(system, old) == reads


def test_a_completion_after_applications_closed_is_made(system: System) -> None:
    """The course's applications closed (the organisers' close) while the replacement is half
    done: the give-up was decided while they were open, so the sweep completes it as the
    manager asked, the new invoice for the two places kept made and sent, never the booking
    ended for the close (its old invoice void, nothing left to pay)."""
    group, old = _half_done(system)
    left = system.course(INVOICED)["places_left"]
    system.put_course(INVOICED, {**system.course_file(INVOICED), "closed": True})
    # The manager's page offers giving place 2 up again (what the API takes), no other place.
    page = group_page(system, group)
    assert "Give up place 2: pay only for the places kept" in page
    assert "Give up place 1" not in page
    assert "Give up place 3" not in page

    system.scheduled_run(system.now() + timedelta(minutes=6))

    replaced_for_two(system, group, old, left)


def test_a_completion_that_loses_a_race_is_completed_by_the_next_run(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group written while the sweep asks Stripe for the new invoice (its billing contact's
    address put right): the completion's save is refused (``group_changed``), a race the next
    run does not meet. The group is not ended for it: every kept place is held, and the next
    run makes the new invoice for the two places kept."""
    group, old = _half_done(system)
    left = system.course(INVOICED)["places_left"]
    store = system.ports.groups

    def billing_put_right() -> None:
        current = system.stored_group(group)
        assert current.billing is not None
        billing = current.billing.model_copy(update={"billing_email": "accounts@example.org"})
        store.save_group(current.model_copy(update={"billing": billing}), current)

    when_stripe_is_asked(system, monkeypatch, "/v1/invoices", billing_put_right)
    system.scheduled_run(system.now() + timedelta(minutes=6))
    monkeypatch.undo()

    raced = system.stored_group(group)
    assert (raced.status.value, raced.ended_because) == ("awaiting_invoice_payment", None)
    assert (raced.replacing_invoice, raced.replacing_place) == (old, 2)
    assert system.course(INVOICED)["places_left"] == left

    system.scheduled_run(system.now() + timedelta(minutes=12))
    replaced_for_two(system, group, old, left)


def test_another_give_up_while_one_is_half_done_is_refused_naming_it(system: System) -> None:
    """Place 2's give-up left half done: the manager's page and the organisers' line name
    place 2 as being given up; giving place 3 up is refused in words naming place 2, nothing
    changed (place 2's give-up is not dropped); giving place 2 up again, then place 3, leaves
    one place kept on one open invoice of £200."""
    group, old = _half_done(system)
    view = manager_view(system, group)
    assert "without place 2, which is being given up" in view["status_said"]
    lines = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    [line] = [line for line in lines if line["group_id"] == group["group_id"]]
    assert "(place 2 given up)" in line["status_said"]

    refused = give_up(system, group, 3).refused(409, "place_being_given_up")
    assert "place 2 is still being given up" in refused["message"]
    stored = system.stored_group(group)
    assert (stored.replacing_invoice, stored.replacing_place) == (old, 2)
    assert not stored.place(3).released

    assert give_up(system, group, 2).status == 200
    assert give_up(system, group, 3).status == 200
    done = manager_view(system, group)
    assert done["places_kept"] == 1
    assert system.stripe_invoice(pay_link_id(done))["amount_due"] == 20000
