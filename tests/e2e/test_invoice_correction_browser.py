"""A corrected invoice from the console, in a real browser against `make
run`, each page checked by axe-core (WCAG 2.2 A and AA) and kept as a screenshot: the
application's *Correct the invoice* opens a page with the billing details as the invoice has
them and what sending does; a wrong email is said beside its box on
the form again, what was typed kept, nothing sent; corrected, the old
invoice is void at Stripe, a new one for the same amount is open, and the place is still held."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in
from tests.e2e.test_invoice_instead_browser import (
    awaiting_its_invoice,
    refused_a_mail_domain,
    sent_and_said,
)
from tests.e2e.test_who_pays_over_http import BILLING, at_stripe, edith_on_a_small_course

pytestmark = pytest.mark.e2e


def test_an_invoice_is_corrected_from_the_console_keeping_the_place(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    applied = edith_on_a_small_course(stack, "correct", **BILLING)
    old = applied["invoice_url"].rsplit("/", 1)[-1]
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("link", name="Correct the invoice").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct the invoice for")
    expect(page.locator("main")).to_contain_text("A new invoice for the same amount, £200.00")
    expect(page.get_by_label("Organisation name, as the invoice is addressed")).to_have_value(
        BILLING["billing_name"]
    )
    axe_clean(page, "org24b-01-correct-invoice")

    refused_a_mail_domain(
        page, "Yes, send the corrected invoice", "org24b-02-correct-invoice-refused"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct the invoice for")
    expect(page.locator("#error-summary")).to_contain_text("Billing email")
    assert at_stripe(stack, f"invoices/{old}")["status"] == "open"

    page.get_by_label("Billing email: where the invoice is sent").fill("invoices@example.nhs.uk")
    page.get_by_label("Purchase order number").fill("PO-2027-0099")
    # Meanwhile a bursary replaces the invoice: the press is refused, what was typed kept.
    funded = stack.post(
        f"/admin/applications/{applied['application_id']}/bursary",
        json={"amount": 5000},
        headers=stack.admin_headers,
    )
    assert funded.status_code == 200, funded.text
    page.get_by_role("button", name="Yes, send the corrected invoice").click()
    expect(page.locator("main")).to_contain_text("look at it again before correcting")
    expect(page.get_by_label("Purchase order number")).to_have_value("PO-2027-0099")
    axe_clean(page, "organiser32-correct-invoice-changed-since")
    old = awaiting_its_invoice(stack, applied)  # the bursary's invoice, for what is left
    sent_and_said(
        page,
        "Yes, send the corrected invoice",
        "Corrected invoice sent",
        "PO-2027-0099",
        "org24b-03-invoice-corrected",
    )

    assert at_stripe(stack, f"invoices/{old}")["status"] == "void"
    new = awaiting_its_invoice(stack, applied)
    assert new != old
    assert at_stripe(stack, f"invoices/{new}")["status"] == "open"
