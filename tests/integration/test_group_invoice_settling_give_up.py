"""A group's invoice being paid by a bank debit (Bacs, SEPA: processing for days) keeps that
payment while the bank confirms it, as a card checkout completed by a delayed
method does: a place given up then would void the invoice and send one for the
places kept, so the payment would be given back whole when it arrived and the employer asked
to pay again. The invoice is read once at Stripe as the place is given up; while its payment
is processing the give-up is refused in the same words (409 ``payment_settling``), nothing
changed. Once the bank confirms, a place goes as any paid place does. An invoice the read
finds paid already, its event still on its way, is refused alike (409
``payment_being_recorded``). The read is a person's: through the main client
with its retries. One rule, ``domain.group_give_ups``. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import dataclasses
from typing import Any

from booking import bootstrap
from booking.adapters.stripe_gateway import StripeGateway
from tests.support.groups import (
    give_up,
    group_of_three,
    group_page,
    invoices_made,
    kept_on_its_invoice,
    manager_view,
    paid_for_three,
    pay_link_id,
    place_path,
    places_left,
    three_on_an_invoice,
)
from tests.support.held_events import paid_while
from tests.support.invoiced import INVOICED, bank_says, debit_begun
from tests.support.stripe_client import InProcessHTTPClient, never_asked, stripe_client
from tests.support.system import System

HTML = {"accept": "text/html"}


def _paying_by_debit(system: System) -> dict[str, Any]:
    """A group of three by invoice, its employer paying by bank debit: the bank yet to say."""
    group = group_of_three(system)
    debit_begun(system, pay_link_id(group))
    system.deliver_emails()
    return group


def _paid_whole_then_a_place_goes(system: System, group: dict[str, Any]) -> None:
    """Paid for every place, nothing given back; a place then goes as any paid place does, its
    share refunded."""
    paid_for_three(system, group)
    assert give_up(system, group, 2).status == 200
    after = manager_view(system, group)
    assert (after["places_kept"], after["amount_refunded"]) == (2, 20000)


def test_a_place_is_not_given_up_while_the_groups_invoice_is_being_paid(system: System) -> None:
    group = _paying_by_debit(system)
    invoice_id, left, made = (
        pay_link_id(group),
        places_left(system, INVOICED),
        invoices_made(system),
    )

    error = give_up(system, group, 2).refused(409, "payment_settling")

    assert (
        "your payment of £600.00 for 3 places is being confirmed by your bank" in error["message"]
    )
    assert "nothing was changed" in error["message"]
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 3)
    assert pay_link_id(view) == invoice_id
    assert system.stripe_invoice(invoice_id)["status"] == "open"  # not voided under it
    assert invoices_made(system) == made  # no invoice for fewer places
    assert places_left(system, INVOICED) == left
    assert system.deliver_emails() == []
    # The page cannot know of the debit without that read: it offers the give-up, and its
    # form's answer gives the refusal's words.
    assert "Give up place 2" in group_page(system, group)
    browser = system.api("POST", place_path(group, 2, "cancel"), form={}, headers=HTML)
    assert browser.status == 409
    assert "being confirmed by your bank: nothing was changed" in browser.body

    # The bank confirms: paid for every place, nothing given back; a place then goes as any
    # paid place does, its share refunded.
    bank_says(system, invoice_id)
    _paid_whole_then_a_place_goes(system, group)


def test_a_place_is_not_given_up_while_the_groups_paid_invoice_is_being_recorded(
    system: System,
) -> None:
    """The employer paid the invoice at Stripe, and its event is still on its way (delayed, or
    retried through a 503) as the manager gives a place up: the read says paid,
    so the give-up is refused (409 ``payment_being_recorded``) and nothing is written, no
    invoice made or voided. The event then records the whole payment, nothing given back, and
    a place goes as any paid place does."""
    group, invoice_id, left = three_on_an_invoice(system)
    made = invoices_made(system)

    refused, _ = paid_while(
        system,
        lambda: system.stripe_local("POST", f"/invoices/{invoice_id}/pay"),
        lambda: give_up(system, group, 2),
    )

    error = refused.refused(409, "payment_being_recorded")
    assert "has arrived and is being recorded: nothing was changed" in error["message"]
    assert "try again in a minute" in error["message"]
    assert invoices_made(system) == made  # no invoice for fewer places
    assert places_left(system, INVOICED) == left
    assert system.stripe_invoice(invoice_id)["status"] == "paid"
    _paid_whole_then_a_place_goes(system, group)


def test_a_place_of_an_invoice_not_being_paid_is_given_up_on_a_new_invoice(
    system: System,
) -> None:
    """The read finds nothing processing (the debit failed): the invoice for the places kept
    replaces it, as before."""
    group = _paying_by_debit(system)
    old = pay_link_id(group)
    bank_says(system, old, succeeded=False)

    assert give_up(system, group, 2).status == 200

    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 2)
    assert pay_link_id(view) != old
    assert system.stripe_invoice(old)["status"] == "void"


def test_stripe_unreachable_as_a_place_is_given_up_changes_nothing(system: System) -> None:
    """Whether the invoice is being paid cannot be read: a 503, never a guess that voids it."""
    group = _paying_by_debit(system)
    system.stripe_http.fail_next = [503]

    assert give_up(system, group, 2).status == 503

    view = manager_view(system, group)
    assert (view["places_kept"], pay_link_id(view)) == (3, pay_link_id(group))
    assert system.stripe_invoice(pay_link_id(group))["status"] == "open"


def test_the_managers_read_of_the_invoice_is_not_the_webhooks(system: System) -> None:
    """The give-up's read is a person's request: made through the main client,
    whose retries spare the manager a 503 for one throttled or failed read, never through the
    webhook's reader (a short timeout, no retries, for events Stripe redelivers). Here the
    reader cannot reach Stripe at all, and the give-up still reads the debit processing."""
    group = _paying_by_debit(system)
    reader = InProcessHTTPClient(system.standin)
    gateway = StripeGateway(stripe_client(system.stripe_http), stripe_client(reader))
    system.ports = dataclasses.replace(system.ports, payment_gateway_factory=lambda: gateway)
    bootstrap.use(system.ports)

    with never_asked(reader):
        give_up(system, group, 2).refused(409, "payment_settling")

    assert system.stripe_invoice(pay_link_id(group))["status"] == "open"


def test_the_organiser_may_not_void_the_groups_invoice_while_it_is_being_paid(
    system: System,
) -> None:
    """The organiser's void is refused as the give-up is, by the same read (409
    ``payment_settling``, nothing changed) while the employer's bank debit of the invoice is
    processing: voided under it, the places would go, the manager be told nothing was taken,
    and the payment be given back whole when the bank confirms it."""
    group = _paying_by_debit(system)
    invoice_id, left = pay_link_id(group), places_left(system, INVOICED)

    refused = system.admin("POST", f"/groups/{group['group_id']}/invoice/void")

    error = refused.refused(409, "payment_settling")
    assert "bank is confirming a payment of £600.00" in error["message"]
    assert "nothing was changed" in error["message"]
    kept_on_its_invoice(system, group, invoice_id, left)
    bank_says(system, invoice_id)
    paid_for_three(system, group)
