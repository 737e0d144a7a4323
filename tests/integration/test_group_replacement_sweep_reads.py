"""The sweep's part in a group's invoice replacement left half done
(``services.group_replacement_sweep``): it acts only on the group as it is, read again
consistently, never on the index's possibly stale copy (review22 F7); and a completion
refused for good is not asked of Stripe again each run, the group ending as
``replacement_not_made`` when its hold does (review22 F2).

Through the real handlers, moto and the Stripe stand-in; Stripe's failure made at the
in-process Stripe client (the port's HTTP seam)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking
from tests.support.groups import (
    give_up,
    group_of_three,
    invoice_reads,
    invoices_made,
    manager_view,
    pay_link_id,
)
from tests.support.invoiced import INVOICED
from tests.support.stripe_client import posts_fail
from tests.support.system import System


def _half_done(system: System, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], str]:
    """A group of three whose give-up of place 2 Stripe left half done (the old invoice void,
    the new one never made): the group and its old invoice."""
    group = group_of_three(system)
    old = pay_link_id(group)
    posts_fail(system.stripe_http, monkeypatch, "/v1/invoices")
    assert give_up(system, group, 2).status == 503
    monkeypatch.undo()
    assert system.stored_group(group).replacing_invoice == old
    return group, old


def test_the_sweep_does_not_replace_again_what_a_retry_has_just_replaced(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager's retry completes the replacement while the sweep's index still holds the
    marked copy: the sweep reads the group again, finds no mark, and neither makes nor sends
    another invoice."""
    group, _old = _half_done(system, monkeypatch)
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


def test_a_refused_completion_is_not_asked_again_each_run(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The course's applications closed while the replacement is half done: the sweep's
    completion is refused, the mark's moment cleared (its invoice kept), the next run reads
    nothing of it at Stripe, and at the due date it ends as its replacement never made."""
    group, old = _half_done(system, monkeypatch)
    system.put_course(INVOICED, {**system.course_file(INVOICED), "closed": True})

    system.scheduled_run(system.now() + timedelta(minutes=6))

    refused: GroupBooking = system.stored_group(group)
    assert (refused.replacing_invoice, refused.replacing_since) == (old, None)
    assert not refused.place(2).released
    reads = invoice_reads(system, old)
    system.scheduled_run(system.now() + timedelta(minutes=12))
    assert invoice_reads(system, old) == reads

    due = datetime.fromtimestamp(system.stripe_invoice(old)["due_date"], tz=UTC)
    system.scheduled_run(due + timedelta(days=1))
    ended = system.stored_group(group)
    assert (ended.status.value, ended.ended_because) == ("lapsed", GroupEnding.REPLACEMENT_NOT_MADE)


def test_another_give_up_while_one_is_half_done_is_refused_naming_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Place 2's give-up left half done: the manager's page and the organisers' line name
    place 2 as being given up; giving place 3 up is refused in words naming place 2, nothing
    changed (place 2's give-up is not dropped); giving place 2 up again, then place 3, leaves
    one place kept on one open invoice of £200 (hostile29 N6)."""
    group, old = _half_done(system, monkeypatch)
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
