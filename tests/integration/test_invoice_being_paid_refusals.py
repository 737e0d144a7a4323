"""An organiser's cancel of one person's invoice booking, and a bursary that would replace its
invoice, are refused while a payment of the invoice is on its way, as the void is and as a
group's void and give-up are (one rule and one read:
``services.invoice_requests.refuse_while_being_paid``). A bank debit of it processing: 409
``payment_settling``; paid at Stripe, its event not yet here: 409 ``payment_being_recorded``.
Nothing is written, the invoice is neither voided nor replaced, and nobody is told that no
money was taken; the payment, when it arrives, confirms the booking and nothing goes back.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import signed_in
from tests.support.groups import invoices_made
from tests.support.held_events import paid_while
from tests.support.invoiced import (
    INVOICED,
    bank_says,
    confirmed_paid_whole,
    debit_begun,
    one_on_an_invoice,
)
from tests.support.page_text import text_of
from tests.support.stripe_client import requests_to
from tests.support.system import Reply, System


@pytest.fixture
def invoiced(system: System) -> dict[str, Any]:
    """An application by invoice (£200), its invoice open, the emails about it sent."""
    application, _ = one_on_an_invoice(system)
    return application


@pytest.fixture
def debited(system: System, invoiced: dict[str, Any]) -> dict[str, Any]:
    """The employer's bank debit of the invoice begun, its bank yet to confirm it."""
    debit_begun(system, invoice_id_of(invoiced))
    assert system.deliver_emails() == []
    return invoiced


def _voids_asked(system: System, application: dict[str, Any]) -> int:
    voids = f"/v1/invoices/{invoice_id_of(application)}/void"
    return len(requests_to(system.stripe_http, voids))


def _unchanged(system: System, application: dict[str, Any], made: int) -> None:
    """Nothing written or asked of Stripe: the place held on the open invoice, nobody told."""
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.stored(application).bursary == 0
    assert system.stripe_invoice(invoice_id_of(application))["status"] == "open"
    assert invoices_made(system) == made
    assert _voids_asked(system, application) == 0
    assert system.course(INVOICED)["places_left"] == 1
    assert system.deliver_emails() == []


def _confirmed_nothing_given_back(system: System, application: dict[str, Any]) -> None:
    confirmed_paid_whole(system, application)
    said = " ".join(" ".join(email.text.split()) for email in system.deliver_emails())
    assert "no money was taken" not in said
    assert "refunded" not in said


def _unchanged_until_the_bank_confirms(
    system: System, application: dict[str, Any], made: int
) -> None:
    """Nothing changed by the refusal; the bank then confirms the debit: the booking paid,
    nothing given back."""
    _unchanged(system, application, made)
    bank_says(system, invoice_id_of(application))
    _confirmed_nothing_given_back(system, application)


def _grant(system: System, application: dict[str, Any]) -> Reply:
    return system.grant_bursary(application, 5000)


def _cancel(system: System, application: dict[str, Any], refund: bool) -> Reply:
    return system.cancel(application["application_id"], refund=refund)


@pytest.mark.parametrize("refund", [False, True])
def test_the_organiser_may_not_cancel_while_the_bank_debit_processes(
    system: System, debited: dict[str, Any], refund: bool
) -> None:
    """Cancelled under the debit, the billing contact was told no money was
    taken, and the money went back whole when the bank confirmed it."""
    made = invoices_made(system)

    error = _cancel(system, debited, refund).refused(409, "payment_settling")

    assert error["message"] == (
        "the employer's bank is confirming a payment of £200.00 of this invoice: nothing was "
        "changed. Once the bank confirms it, cancel the booking as a paid one (with or without "
        "its refund); if the bank says the debit failed, cancel it then"
    )
    _unchanged_until_the_bank_confirms(system, debited, made)


def test_the_organiser_may_cancel_once_the_debit_failed(
    system: System, debited: dict[str, Any]
) -> None:
    bank_says(system, invoice_id_of(debited), succeeded=False)

    assert _cancel(system, debited, False).status == 200
    assert system.status_of(debited)["status"] == "cancelled"
    assert system.stripe_invoice(invoice_id_of(debited))["status"] == "void"


@pytest.mark.parametrize("refund", [False, True])
def test_the_organiser_may_not_cancel_an_invoice_paid_whose_event_is_on_its_way(
    system: System, invoiced: dict[str, Any], refund: bool
) -> None:
    """The cancel went on, the billing contact was told no money was taken, then
    the payment was given back whole."""
    made = invoices_made(system)
    pay = f"/invoices/{invoice_id_of(invoiced)}/pay"

    refused, _ = paid_while(
        system, lambda: system.stripe_local("POST", pay), lambda: _cancel(system, invoiced, refund)
    )

    error = refused.refused(409, "payment_being_recorded")
    assert "has arrived and is being recorded: nothing was changed" in error["message"]
    assert invoices_made(system) == made
    assert _voids_asked(system, invoiced) == 0
    _confirmed_nothing_given_back(system, invoiced)


def test_a_bursary_is_not_granted_while_the_bank_debit_of_the_invoice_processes(
    system: System, debited: dict[str, Any]
) -> None:
    """The invoice replaced under the debit, whose money then went back whole,
    and the employer asked to pay again."""
    made = invoices_made(system)

    error = _grant(system, debited).refused(409, "payment_settling")

    assert "bank is confirming a payment of £200.00 of this invoice" in error["message"]
    assert "Grant a bursary only if the bank says the debit failed" in error["message"]
    _unchanged_until_the_bank_confirms(system, debited, made)


def test_a_bursary_is_not_granted_while_the_paid_invoice_is_being_recorded(
    system: System, invoiced: dict[str, Any]
) -> None:
    made = invoices_made(system)
    pay = f"/invoices/{invoice_id_of(invoiced)}/pay"

    refused, _ = paid_while(
        system, lambda: system.stripe_local("POST", pay), lambda: _grant(system, invoiced)
    )

    refused.refused(409, "payment_being_recorded")
    assert invoices_made(system) == made
    assert _voids_asked(system, invoiced) == 0
    assert system.stored(invoiced).bursary == 0
    _confirmed_nothing_given_back(system, invoiced)


def test_a_bursary_on_an_invoice_nobody_is_paying_replaces_it(
    system: System, invoiced: dict[str, Any]
) -> None:
    made = invoices_made(system)

    assert _grant(system, invoiced).status == 200

    assert invoices_made(system) == made + 1
    assert system.stripe_invoice(invoice_id_of(invoiced))["status"] == "void"
    assert system.stored(invoiced).bursary == 5000


def test_the_consoles_cancel_while_the_bank_debit_processes_says_why_on_the_page(
    system: System, debited: dict[str, Any]
) -> None:
    made = invoices_made(system)
    browser = signed_in(system)
    path = f"/console/applications/{debited['application_id']}"

    refused = browser.press(f"{path}/cancel?refund=on", f"{path}/cancel")

    assert refused.status == 409, refused.body
    said = text_of(refused.body)
    assert "bank is confirming a payment of £200.00 of this invoice" in said
    assert "cancel the booking as a paid one" in said
    _unchanged(system, debited, made)
