"""Invoicing the employer instead of the card from the console, in a real
browser against `make run`, each page checked by axe-core (WCAG 2.2 A and AA) and kept as a
screenshot: on a booking waiting for its card payment, *Invoice the employer instead* opens a
page asking for the billing details and saying what sending does; a wrong email is said in
words, nothing sent (the checkout still open); sent, the checkout is expired at Stripe, an
invoice for the price is open, and the place is still held."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in
from tests.e2e.test_who_pays_over_http import BILLING, at_stripe, edith_on_a_small_course

pytestmark = pytest.mark.e2e


def refused_a_mail_domain(page: Page, button: str, screenshot: str) -> None:
    """The billing form on ``page`` sent by ``button`` with an email a browser's field takes
    and no mail domain does: said beside its box, the form kept."""
    page.get_by_label("Billing email: where the invoice is sent").fill("accounts@nhs")
    page.get_by_role("button", name=button).click()
    # Back on the form, the mistake beside its box, what was typed kept.
    expect(page.locator("#billing_email-error")).to_contain_text("Enter the email address")
    expect(page.get_by_label("Billing email: where the invoice is sent")).to_have_value(
        "accounts@nhs"
    )
    axe_clean(page, screenshot)


def sent_and_said(page: Page, button: str, said: str, po_number: str, screenshot: str) -> None:
    """The billing form on ``page`` sent by ``button``: the application's page says ``said``
    and shows the purchase order number it was sent with."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status").first).to_contain_text(said)
    expect(page.locator("main")).to_contain_text(po_number)
    axe_clean(page, screenshot)


def awaiting_its_invoice(stack: RunningStack, application: dict[str, Any]) -> str:
    """``application`` awaits payment of an invoice, as its own page reads it: the invoice's id."""
    seen = stack.get(
        f"/applications/{application['application_id']}?token={application['token']}"
    ).json()
    assert seen["status"] == "awaiting_invoice_payment"
    return str(seen["invoice_url"]).rsplit("/", 1)[-1]


def test_the_employer_is_invoiced_instead_of_the_card_from_the_console(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    applied = edith_on_a_small_course(stack, "instead")  # by card
    session = str(applied["checkout_url"]).rsplit("/", 1)[-1]
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("link", name="Invoice the employer instead").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice the employer instead")
    expect(page.locator("main")).to_contain_text("An invoice for £200.00")
    axe_clean(page, "org24c-01-invoice-instead")

    page.get_by_label("Organisation name, as the invoice is addressed").fill(
        BILLING["billing_name"]
    )
    page.get_by_label("Postal address").fill(BILLING["billing_address"])
    page.get_by_label("Purchase order number").fill("PO-2027-0101")  # the course requires one
    refused_a_mail_domain(page, "Yes, invoice the employer", "org24c-02-invoice-instead-refused")
    expect(page.get_by_label("Purchase order number")).to_have_value("PO-2027-0101")
    assert at_stripe(stack, f"checkout/sessions/{session}")["status"] == "open"

    page.get_by_label("Billing email: where the invoice is sent").fill(BILLING["billing_email"])
    # The purchase order number typed before the refusal is kept.
    sent_and_said(
        page,
        "Yes, invoice the employer",
        "Stripe is emailing the invoice",
        "PO-2027-0101",
        "org24c-03-invoiced-instead",
    )

    assert at_stripe(stack, f"checkout/sessions/{session}")["status"] == "expired"
    invoice = at_stripe(stack, f"invoices/{awaiting_its_invoice(stack, applied)}")
    assert (invoice["status"], invoice["amount_due"]) == ("open", 20000)
