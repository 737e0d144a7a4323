"""A place given up before the employer paid the group's invoice: the old invoice is voided at
Stripe before the invoice for the places kept is made, so an invoice paid while
the place is given up is never replaced and its payment never given back whole. Stripe's
refusal to void decides: paid meanwhile, the give-up is refused (409
``payment_being_recorded``); a bank debit of it started meanwhile, refused too (409
``payment_settling``); nothing changed either way. Stripe's ``invoice.voided`` for the invoice
replaced ends nothing; and if Stripe fails to make the new invoice after the void, the group
keeps its places, and the manager's second try completes the change.

Through the real handlers, moto and the Stripe stand-in; the races made deterministic by a
hook at the in-process Stripe client (the port's HTTP seam), acting at the stand-in just as
the give-up's own request reaches it."""

from __future__ import annotations

import pytest

from tests.support.groups import (
    at_the_void,
    give_up,
    group_of_three,
    invoices_made,
    manager_view,
    paid_at_the_void,
    pay_link_id,
    places_left,
    replaced_for_two,
    three_on_an_invoice,
    three_on_an_invoice_stopped_after_the_void,
    when_stripe_is_asked,
)
from tests.support.held_events import deliver
from tests.support.invoiced import INVOICED, bank_says
from tests.support.stripe_client import posts_fail
from tests.support.system import STRIPE_KEY, Reply, System


def _voided_event_answered(system: System, invoice_id: str) -> int | None:
    """How the webhook answered Stripe's ``invoice.voided`` for ``invoice_id`` (None: not
    delivered)."""
    listed = system.stripe_local("GET", "/v1/events", headers=STRIPE_KEY).json()["data"]
    [voided] = [
        e["id"]
        for e in listed
        if e["type"] == "invoice.voided" and e["data"]["object"]["id"] == invoice_id
    ]
    return dict(system.answered).get(voided)


def test_an_invoice_paid_as_the_give_up_voids_it_refuses_the_give_up(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, old, left = three_on_an_invoice(system)
    made = invoices_made(system)
    refused, events = paid_at_the_void(system, monkeypatch, old, lambda: give_up(system, group, 2))

    error = refused.refused(409, "payment_being_recorded")
    assert "being recorded: nothing was changed" in error["message"]
    assert invoices_made(system) == made  # no invoice for fewer places
    assert system.stored_group(group).replacing_invoice is None
    assert places_left(system, INVOICED) == left
    deliver(system, events)
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("paid", 3)
    assert (view["amount_paid"], view["amount_refunded"]) == (60000, 0)
    assert system.stripe_invoice(old)["status"] == "paid"
    emails = system.deliver_emails()
    assert not [e for e in emails if "could not be kept" in e.text]
    # Paid, a place goes as any paid place does: its share refunded.
    assert give_up(system, group, 2).status == 200
    after = manager_view(system, group)
    assert (after["places_kept"], after["amount_refunded"]) == (2, 20000)


def test_a_bank_debit_started_as_the_give_up_voids_the_invoice_refuses_the_give_up(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = group_of_three(system)
    old, made = pay_link_id(group), invoices_made(system)
    started = at_the_void(
        system,
        monkeypatch,
        old,
        lambda: system.debit_invoice(old).status,
    )

    refused = give_up(system, group, 2)
    monkeypatch.undo()

    assert started == [200]
    error = refused.refused(409, "payment_settling")
    assert "being confirmed by your bank: nothing was changed" in error["message"]
    assert system.stripe_invoice(old)["status"] == "open"  # not voided under the debit
    assert invoices_made(system) == made
    assert system.stored_group(group).replacing_invoice is None
    bank_says(system, old)
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("paid", 3)
    assert (view["amount_paid"], view["amount_refunded"]) == (60000, 0)


def test_the_old_invoice_is_void_before_the_new_one_is_made_and_its_void_ends_nothing(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe's ``invoice.voided`` for the invoice replaced reaches the webhook before the
    replacement's save (the stand-in delivers it as it voids): the group goes on."""
    group, old, left = three_on_an_invoice(system)
    seen = when_stripe_is_asked(
        system,
        monkeypatch,
        "/v1/invoices",
        lambda: (
            system.stripe_invoice(old)["status"],
            _voided_event_answered(system, old),
            manager_view(system, group)["status"],
        ),
    )

    done = give_up(system, group, 2)
    monkeypatch.undo()

    assert done.status == 200, done.body
    assert seen == [("void", 200, "awaiting_invoice_payment")]
    replaced_for_two(system, group, old, left)


def test_a_new_invoice_stripe_fails_to_make_after_the_void_is_made_by_a_second_try(
    system: System,
) -> None:
    group, old, left, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: give_up(system, group, 2)
    )

    assert failed.status == 503, failed.body
    assert system.stripe_invoice(old)["status"] == "void"
    # Its places kept, marked as being replaced: Stripe's void of the old invoice (delivered)
    # ended nothing.
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 3)
    assert system.stored_group(group).replacing_invoice == old
    assert places_left(system, INVOICED) == left

    again: Reply = give_up(system, group, 2)

    assert again.status == 200, again.body
    replaced_for_two(system, group, old, left)


def test_a_void_stripe_does_not_answer_keeps_every_place_and_a_second_try_completes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe unreachable for the void itself (whether it voided is unknown): 503, no new
    invoice made, the group marked as being replaced (a late ``invoice.voided`` ends
    nothing); the manager's second try voids it (or finds it void) and completes the change."""
    group, old, left = three_on_an_invoice(system)
    made = invoices_made(system)
    posts_fail(system.stripe_http, monkeypatch, f"/v1/invoices/{old}/void")
    failed = give_up(system, group, 2)
    monkeypatch.undo()

    assert failed.status == 503, failed.body
    assert invoices_made(system) == made
    assert system.stripe_invoice(old)["status"] == "open"
    assert system.stored_group(group).replacing_invoice == old
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 3)
    assert places_left(system, INVOICED) == left

    again = give_up(system, group, 2)

    assert again.status == 200, again.body
    replaced_for_two(system, group, old, left)
