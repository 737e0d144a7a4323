"""Erasing the billing contact of someone else's invoice booking while the employer's bank
debit of that invoice is being confirmed: the erasure blanks their details but cannot void the
invoice (the payment on its way would be given back whole). It answered 200 without a word of
that; now the answer and the console's result page say the invoice stays open and the payment
may still confirm the booking, which it then does. Through the real handlers, moto and the
Stripe stand-in."""

from __future__ import annotations

from urllib.parse import quote

from tests.support.console import signed_in
from tests.support.invoiced import (
    ACCOUNTS,
    bank_says,
    confirmed_paid_whole,
    debit_begun,
    one_on_an_invoice,
)
from tests.support.page_text import text_of
from tests.support.system import System

STAYS_OPEN = (
    "its invoice stays open, as the employer's payment of it is on its way (a bank debit being "
    "confirmed): that payment may still confirm the booking"
)


def test_the_answer_says_the_invoice_stays_open_and_may_still_confirm_the_booking(
    system: System,
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    debit_begun(system, invoice_id)

    erased = system.admin("DELETE", f"/people/{quote(ACCOUNTS)}")

    assert erased.status == 200, erased.body
    [contact] = erased.json()["applications"]
    assert (contact["as"], contact["invoice_voided"], contact["invoice_being_paid"]) == (
        "billing contact",
        False,
        True,
    )
    assert any(STAYS_OPEN in line for line in erased.json()["said"]), erased.json()["said"]
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    bank_says(system, invoice_id)
    confirmed_paid_whole(system, application)


def test_the_consoles_result_page_says_it(system: System) -> None:
    _application, invoice_id = one_on_an_invoice(system)
    debit_begun(system, invoice_id)
    browser = signed_in(system)
    page = f"/console/people/erase?email={quote(ACCOUNTS)}"

    erased = browser.press(page, "/console/people/erase", confirm="on")

    assert erased.status == 200, text_of(erased.body)[:500]
    assert STAYS_OPEN in text_of(erased.body)
