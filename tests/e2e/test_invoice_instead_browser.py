"""Invoicing the employer instead of the card from the console, in a real
browser against `make run`, each page checked by axe-core (WCAG 2.2 A and AA) and kept as a
screenshot: on a booking waiting for its card payment, *Invoice the employer instead* opens a
page asking for the billing details and saying what sending does; a wrong email is said in
words, nothing sent (the checkout still open); sent, the checkout is expired at Stripe, an
invoice for the price is open, and the place is still held."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in
from tests.e2e.test_who_pays_over_http import BILLING, applicant, small_course

pytestmark = pytest.mark.e2e


def _at_stripe(stack: RunningStack, path: str) -> dict[str, object]:
    reply = requests.get(
        f"{stack.url}/_local/stripe/v1/{path}",
        headers={"Authorization": "Bearer sk_test_local"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_the_employer_is_invoiced_instead_of_the_card_from_the_console(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = small_course(stack, capacity=2)
    email = f"instead-{uuid.uuid4().hex[:8]}@example.org"
    applied = stack.applied(course_id, **applicant(email))  # by card
    session = str(applied["checkout_url"]).rsplit("/", 1)[-1]
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("button", name="Invoice the employer instead").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice the employer instead")
    expect(page.locator("main")).to_contain_text("An invoice for £200.00")
    axe_clean(page, "org24c-01-invoice-instead")

    page.get_by_label("Organisation name, as the invoice is addressed").fill(
        BILLING["billing_name"]
    )
    page.get_by_label("Postal address").fill(BILLING["billing_address"])
    page.get_by_label("Purchase order number").fill("PO-2027-0101")  # the course requires one
    # A browser's email field takes it; no mail domain does.
    page.get_by_label("Billing email: where the invoice is sent").fill("accounts@nhs")
    page.get_by_role("button", name="Yes, invoice the employer").click()
    expect(page.locator("main")).to_contain_text("othing was sent")
    axe_clean(page, "org24c-02-invoice-instead-refused")
    assert _at_stripe(stack, f"checkout/sessions/{session}")["status"] == "open"

    page.get_by_role("button", name="Invoice the employer instead").click()
    page.get_by_label("Organisation name, as the invoice is addressed").fill(
        BILLING["billing_name"]
    )
    page.get_by_label("Postal address").fill(BILLING["billing_address"])
    page.get_by_label("Billing email: where the invoice is sent").fill(BILLING["billing_email"])
    page.get_by_label("Purchase order number").fill("PO-2027-0101")
    page.get_by_role("button", name="Yes, invoice the employer").click()

    expect(page.get_by_role("status").first).to_contain_text("Stripe is emailing the invoice")
    expect(page.locator("main")).to_contain_text("PO-2027-0101")
    axe_clean(page, "org24c-03-invoiced-instead")
    assert _at_stripe(stack, f"checkout/sessions/{session}")["status"] == "expired"
    seen = stack.get(f"/applications/{applied['application_id']}?token={applied['token']}").json()
    assert seen["status"] == "awaiting_invoice_payment"
    invoice = _at_stripe(stack, f"invoices/{seen['invoice_url'].rsplit('/', 1)[-1]}")
    assert (invoice["status"], invoice["amount_due"]) == ("open", 20000)
