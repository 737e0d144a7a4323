"""A corrected invoice from the console, in a real browser against `make
run`, each page checked by axe-core (WCAG 2.2 A and AA) and kept as a screenshot: the
application's *Correct the invoice* opens a page with the billing details as the invoice has
them and what sending does; a wrong email is said in words, nothing sent; corrected, the old
invoice is void at Stripe, a new one for the same amount is open, and the place is still held."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in
from tests.e2e.test_who_pays_over_http import BILLING, applicant, small_course

pytestmark = pytest.mark.e2e


def _invoice_status(stack: RunningStack, invoice_id: str) -> str:
    reply = requests.get(
        f"{stack.url}/_local/stripe/v1/invoices/{invoice_id}",
        headers={"Authorization": "Bearer sk_test_local"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json()["status"])


def test_an_invoice_is_corrected_from_the_console_keeping_the_place(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = small_course(stack, capacity=2)
    email = f"correct-{uuid.uuid4().hex[:8]}@example.org"
    applied = stack.applied(course_id, **applicant(email, **BILLING))
    old = applied["invoice_url"].rsplit("/", 1)[-1]
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("button", name="Correct the invoice").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct the invoice for")
    expect(page.locator("main")).to_contain_text("A new invoice for the same amount, £200.00")
    expect(page.get_by_label("Organisation name, as the invoice is addressed")).to_have_value(
        BILLING["billing_name"]
    )
    axe_clean(page, "org24b-01-correct-invoice")

    # A browser's email field takes it; no mail domain does.
    page.get_by_label("Billing email: where the invoice is sent").fill("accounts@nhs")
    page.get_by_role("button", name="Yes, send the corrected invoice").click()
    expect(page.locator("main")).to_contain_text("othing was sent")
    axe_clean(page, "org24b-02-correct-invoice-refused")
    assert _invoice_status(stack, old) == "open"

    page.get_by_role("button", name="Correct the invoice").click()
    page.get_by_label("Billing email: where the invoice is sent").fill("invoices@example.nhs.uk")
    page.get_by_label("Purchase order number").fill("PO-2027-0099")
    page.get_by_role("button", name="Yes, send the corrected invoice").click()

    expect(page.get_by_role("status").first).to_contain_text("Corrected invoice sent")
    expect(page.locator("main")).to_contain_text("PO-2027-0099")
    axe_clean(page, "org24b-03-invoice-corrected")
    assert _invoice_status(stack, old) == "void"
    seen = stack.get(f"/applications/{applied['application_id']}?token={applied['token']}").json()
    assert seen["status"] == "awaiting_invoice_payment"
    new = seen["invoice_url"].rsplit("/", 1)[-1]
    assert new != old
    assert _invoice_status(stack, new) == "open"
