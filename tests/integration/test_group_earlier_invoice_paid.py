"""A group's correction stopped after Stripe sent the corrected invoice (recorded ahead, never
saved as the group's invoice), which the employer then pays: the invoice is the group's, so its
payment pays the group's places, never refunded as nobody's, and no second invoice is sent.
Its event, the sweep or the organiser pressing again completes the correction with it
(pressing again answered 409 ``invoice_paid``). A place's give-up alike: the invoice for the
places kept that a stopped try sent, paid, completes the give-up as the group's invoice (its
event, the sweep, or the manager giving the place up again), and pays the places kept.
Through the real handlers, moto and the Stripe stand-in; the stop made exact by a hook at the
groups' save, the function dying there (nothing after it runs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.groups import GroupBooking
from tests.integration.test_group_invoice_correction import CORRECTED
from tests.support.groups import give_up, manager_view, places_left, three_on_an_invoice
from tests.support.held_events import paid_then_completed
from tests.support.system import Reply, System


def _correct(system: System, group: dict[str, Any]) -> Reply:
    """The organiser's press: the group's invoice corrected to :data:`CORRECTED`."""
    path = f"/groups/{group['group_id']}/invoice/correct"
    return system.admin("POST", path, json_body=dict(CORRECTED))


def _stopped_after_sending(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    group: dict[str, Any],
    act: Callable[[], Reply],
    no_clean_up: tuple[object, str, Any],
) -> str:
    """``act`` on ``group`` stopped at the save that records the new invoice it sent, after
    Stripe sent it: that invoice's id (recorded ahead). ``no_clean_up`` is the attribute set
    (owner, name, value) so that nothing after the save runs: the function dies there."""
    groups = system.ports.groups
    real_save = groups.save_group

    def stopped(new: Any, previous: Any, **options: Any) -> Any:
        old, now = previous.invoice, new.invoice
        if old is not None and now is not None and now.invoice_id != old.invoice_id:
            raise TimeoutError("the function ran out of time")
        return real_save(new, previous, **options)

    with monkeypatch.context() as patched:
        patched.setattr(groups, "save_group", stopped)
        patched.setattr(*no_clean_up)
        reply = act()
    assert reply.status == 500, reply.body
    [sent_first] = system.stored_group(group).replacing_with
    assert system.stripe_invoice(sent_first)["status"] == "open"
    return sent_first


def _paid_by(system: System, group: dict[str, Any], old: str, sent_first: str) -> GroupBooking:
    """``group`` paid by ``sent_first``, the invoice sent before the stop, as its own: nothing
    refunded, no second invoice sent, the ``old`` one void. The stored group."""
    stored = system.stored_group(group)
    assert stored.status.value == "paid", stored.status
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (sent_first, "paid")
    assert stored.payment_intent is not None
    assert not stored.given_back  # nothing refunded
    assert stored.replacing_invoice is None
    assert stored.invoices_issued == (old, sent_first)  # no second invoice sent
    assert system.stripe_invoice(old)["status"] == "void"
    return stored


def _correction_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str, str]:
    """A group of three on an invoice whose correction stopped at the save that records the
    corrected invoice, after Stripe sent it (no clean-up of the invoice after it): the group's
    answer, its old invoice's id and the corrected invoice's."""
    import booking.services.group_invoice_correction as correction

    group, old, _ = three_on_an_invoice(system)
    no_disowning = (correction, "disown_invoice", lambda ports, invoice_id: None)
    sent_first = _stopped_after_sending(
        system, monkeypatch, group, lambda: _correct(system, group), no_disowning
    )
    return group, old, sent_first


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
def test_a_group_invoice_paid_before_the_save_pays_the_group(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    group, old, sent_first = _correction_stopped_after_sending(system, monkeypatch)

    def press_again() -> None:
        error = _correct(system, group).refused(409, "invoice_paid")
        assert "employer has paid the corrected invoice sent when" in error["message"]

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), press_again)

    stored = _paid_by(system, group, old, sent_first)
    assert stored.billing is not None
    assert stored.billing.model_dump() == CORRECTED


def _give_up_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str, int, str]:
    """A group of three on an invoice whose give-up of place 2 stopped at the save that records
    the new invoice for the places kept, after Stripe sent it (no undoing of the invoice after
    it): the group's answer, its old invoice's id, the course's places left once it was booked
    and the new invoice's id."""
    import booking.services.group_unpaid_give_up as give_ups

    group, old, left = three_on_an_invoice(system)
    no_undo = (give_ups._ByInvoice, "undo", lambda self, new: None)
    sent_first = _stopped_after_sending(
        system, monkeypatch, group, lambda: give_up(system, group, 2), no_undo
    )
    return group, old, left, sent_first


@pytest.mark.parametrize("by", ["event", "sweep", "give_up_again"])
def test_a_give_ups_invoice_paid_before_the_save_pays_the_places_kept(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    group, old, left, sent_first = _give_up_stopped_after_sending(system, monkeypatch)
    assert system.stripe_invoice(sent_first)["amount_due"] == 40000  # the two places kept

    def give_up_again() -> None:
        again = give_up(system, group, 2)
        assert again.status == 200, again.body
        assert (again.json()["status"], again.json()["places_kept"]) == ("paid", 2)

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), give_up_again)

    stored = _paid_by(system, group, old, sent_first)
    assert stored.place(2).released
    assert manager_view(system, group)["places_kept"] == 2
    assert places_left(system) == left + 1  # place 2's seat back on the course


@pytest.mark.parametrize("act", ["correction", "give_up"])
def test_one_being_paid_by_bank_debit_is_the_groups_through_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str
) -> None:
    """The employer starts a bank debit of the invoice sent before the stop: the sweep passed
    it over (only a paid one was the group's), sent a third invoice and could not void the
    one being debited, so the debit paid for places the group lost at the third one's due
    day. It is the group's invoice, nothing more sent, and its payment pays the group."""
    if act == "correction":
        group, old, sent_first = _correction_stopped_after_sending(system, monkeypatch)
    else:
        group, old, _, sent_first = _give_up_stopped_after_sending(system, monkeypatch)
    debited = system.debit_invoice(sent_first)
    assert debited.status == 200, debited.body

    system.scheduled_run(system.now() + timedelta(minutes=6))

    stored = system.stored_group(group)
    assert stored.status.value == "awaiting_invoice_payment", stored.status
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == sent_first
    assert stored.invoices_issued == (old, sent_first)  # no third invoice sent
    assert system.stripe_invoice(sent_first)["status"] == "open"  # never voided under it

    settled = system.settle_invoice(sent_first)
    assert settled.status == 200, settled.body
    _paid_by(system, group, old, sent_first)
