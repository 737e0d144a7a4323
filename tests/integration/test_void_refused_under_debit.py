"""A void Stripe refuses is never taken as done. Stripe refuses to
void an invoice while a bank debit of it is processing (its answer is the invoice's status,
``open``), or once it is paid (``paid``): only ``void`` is voided
(``domain.invoices.InvoicePaying.after_void``, one rule with the give-up's replacement). Each
path reads the invoice at Stripe first; a debit begun after that read, just before
the void, is the window tested here:

- the organisers' void of one person's invoice, and of a group's: 409 ``payment_settling``,
  nothing applied, nobody told; the debit then confirms the booking, nothing given back;
- the sweep at the due date, for one person and for a group: the void is asked first, and the
  hold ends only once Stripe holds the invoice void; refused, the places are kept for the
  next run, nobody told;
- an organisers' group void that Stripe refuses or does not answer withdraws its ask
  (``void_asked_for``), so the manager's give-ups are not refused for ever "as the booking
  ends with the invoice".

Through the real handlers, moto and the Stripe stand-in; the debit begun by a hook at the
in-process Stripe client just as the system's void reaches the stand-in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from tests.support.groups import (
    MANAGER,
    at_the_void,
    give_up,
    kept_on_its_invoice,
    manager_view,
    paid_for_three,
    places_left,
    three_on_an_invoice,
)
from tests.support.invoiced import (
    INVOICED,
    bank_says,
    kept_then_confirmed_whole,
    one_on_an_invoice,
)
from tests.support.stripe_client import posts_fail
from tests.support.system import System


def _debit_begins_as_stripe_voids(
    system: System, monkeypatch: pytest.MonkeyPatch, invoice_id: str
) -> list[int]:
    """The employer's bank debit of ``invoice_id`` begun (processing at the bank) just before
    the system's void of it reaches the stand-in: what the stand-in answered."""
    return at_the_void(
        system, monkeypatch, invoice_id, lambda: system.debit_invoice(invoice_id).status
    )


def _void_refused_under_a_debit(
    system: System, monkeypatch: pytest.MonkeyPatch, invoice_id: str, void: str
) -> dict[str, Any]:
    """The organiser's void of ``invoice_id`` (POST ``void``), its debit begun as Stripe is
    asked to void it: refused, 409 ``payment_settling``; the error."""
    begun = _debit_begins_as_stripe_voids(system, monkeypatch, invoice_id)
    voided = system.admin("POST", void)
    monkeypatch.undo()
    assert begun == [200]
    return voided.refused(409, "payment_settling")


def test_one_persons_void_refused_by_stripe_under_a_debit_begun_after_the_read_is_a_409(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    void = f"/applications/{application['application_id']}/invoice/void"

    error = _void_refused_under_a_debit(system, monkeypatch, invoice_id, void)

    assert "bank is confirming a payment of £200.00 of this invoice" in error["message"]
    kept_then_confirmed_whole(system, application, invoice_id)


def test_a_groups_void_refused_by_stripe_under_a_debit_begun_after_the_read_is_a_409(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, invoice_id, left = three_on_an_invoice(system)

    error = _void_refused_under_a_debit(
        system, monkeypatch, invoice_id, f"/groups/{group['group_id']}/invoice/void"
    )

    assert "nothing was changed" in error["message"]
    kept_on_its_invoice(system, group, invoice_id, left)
    assert system.stored_group(group).void_asked_for is None
    bank_says(system, invoice_id)
    paid_for_three(system, group)


def test_the_sweep_keeps_one_persons_place_when_stripe_refuses_its_void_under_a_debit(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    due = datetime.fromisoformat(application["invoice_due_at"].replace("Z", "+00:00"))
    system.clock_offset += due - system.now() + timedelta(minutes=1)
    begun = _debit_begins_as_stripe_voids(system, monkeypatch, invoice_id)

    assert sweep(system.ports, system.now()).holds_released == 0
    monkeypatch.undo()
    system.relay()

    assert begun == [200]
    kept_then_confirmed_whole(system, application, invoice_id)


def test_the_sweep_keeps_a_groups_places_when_stripe_refuses_its_void_under_a_debit(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, invoice_id, left = three_on_an_invoice(system)
    due = datetime.fromisoformat(str(group["hold_expires_at"]))
    begun = _debit_begins_as_stripe_voids(system, monkeypatch, invoice_id)

    system.scheduled_run(due + timedelta(hours=2))
    monkeypatch.undo()

    assert begun == [200]
    kept_on_its_invoice(system, group, invoice_id, left)
    bank_says(system, invoice_id)
    paid_for_three(system, group)


def test_a_groups_void_stripe_does_not_answer_lets_the_manager_give_a_place_up(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, invoice_id, _ = three_on_an_invoice(system)
    posts_fail(system.stripe_http, monkeypatch, f"/v1/invoices/{invoice_id}/void")
    voided = system.admin("POST", f"/groups/{group['group_id']}/invoice/void")
    monkeypatch.undo()

    assert voided.status == 503, voided.body
    assert system.stored_group(group).void_asked_for is None
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    given_up = give_up(system, group, 2)
    assert given_up.status == 200, given_up.body
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 2)


def test_stripes_event_of_the_sweeps_void_arriving_first_ends_the_group_as_not_paid_in_time(
    system: System,
) -> None:
    """The sweep voids before it ends the hold; in-process, Stripe's ``invoice.voided`` for
    that void is handled inside the void's call, before the sweep's save: it ends the group
    just as the sweep would, not as an invoice voided at Stripe by someone else."""
    group, invoice_id, left = three_on_an_invoice(system)
    due = datetime.fromisoformat(str(group["hold_expires_at"]))
    system.clock_offset += due - system.now() + timedelta(hours=2)

    sweep(system.ports, system.now())

    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "not_paid_by_deadline")
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert places_left(system, INVOICED) == left + 3
    told = [email.subject for email in system.deliver_emails() if email.to == [MANAGER]]
    assert len([subject for subject in told if subject.startswith("Not paid in time")]) == 1
