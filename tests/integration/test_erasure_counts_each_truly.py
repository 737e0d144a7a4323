"""The erasure's first line counts what it did as it is true of each booking: a person who
applied once and is the billing contact of two colleagues' invoice bookings read "Erased 3
applications", though the two were other people's bookings, only their billing details
blanked. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from urllib.parse import quote

from tests.support.console import signed_in
from tests.support.invoiced import ACCOUNTS, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System

SAID = "1 application erased; billing details blanked on 2 other bookings."


def _own_and_billed_for_two(system: System) -> None:
    """The employer's accounts contact booked on the sample cohort themselves, and billed for
    two colleagues' places on the invoiced cohort."""
    system.booked(email=ACCOUNTS)
    invoiced_cohort(system, capacity=3)
    applied_by_invoice(system, email="mary@example.org")
    applied_by_invoice(system, email="edith@example.org")
    system.deliver_emails()


def test_the_answer_counts_the_application_and_the_billing_details_apart(
    system: System,
) -> None:
    _own_and_billed_for_two(system)

    erased = system.admin("DELETE", f"/people/{quote(ACCOUNTS)}")

    assert erased.status == 200, erased.body
    assert erased.json()["said"][0] == SAID
    assert len(erased.json()["erased_applications"]) == 1


def test_the_consoles_result_page_says_it(system: System) -> None:
    _own_and_billed_for_two(system)
    browser = signed_in(system)
    page = f"/console/people/erase?email={quote(ACCOUNTS)}"

    erased = browser.press(page, "/console/people/erase", confirm="on")

    assert erased.status == 200, text_of(erased.body)[:500]
    assert SAID in text_of(erased.body)
    assert "Erased 3 applications" not in text_of(erased.body)
