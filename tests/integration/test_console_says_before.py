"""What a console form will do is said beside it before it is pressed:
*Grant a bursary* says the applicant is emailed the bursary and what is left to pay (and, on an
invoice, that the invoice is replaced); *Places* on the course form says raising it offers the
new places to the waiting list at once."""

from __future__ import annotations

from tests.support.console import ConsoleBrowser
from tests.support.invoiced import applied_by_invoice, invoiced_cohort
from tests.support.system import COURSE_ID, System

BURSARY_SAID = (
    "The applicant is emailed the bursary and what is left to pay; a bursary of the whole price "
    "confirms the place, and they are emailed their booking confirmation instead."
)


def test_the_bursary_form_says_the_applicant_is_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    application = system.apply(COURSE_ID, email="bursary@example.org").json()
    words = browser.words(f"/console/applications/{application['application_id']}")
    assert BURSARY_SAID in words
    assert "The open invoice is cancelled" not in words


def test_on_an_invoice_the_bursary_form_says_the_invoice_is_replaced(
    system: System, browser: ConsoleBrowser
) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system, email="invoiced@example.org")
    words = browser.words(f"/console/applications/{application['application_id']}")
    assert BURSARY_SAID in words
    assert (
        "The open invoice is cancelled, and a new one for what is left is sent to the billing "
        "contact (nothing left: they are emailed that the invoice is cancelled)." in words
    )


def test_places_says_raising_it_offers_places_to_the_waiting_list(
    browser: ConsoleBrowser,
) -> None:
    words = browser.words(f"/console/courses/{COURSE_ID}/edit")
    assert "Raising it offers the new places at once to the people on the waiting list" in words
    assert "Raising it offers" in browser.words("/console/courses/new")
