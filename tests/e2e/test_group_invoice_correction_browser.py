"""A group's invoice corrected from the console, in a real browser against ``make run``, each
page clean to axe-core (WCAG 2.2 AA): the group card's *Correct the invoice* opens a page with
the billing details as the invoice has them and what sending does; a wrong email is said beside
its field, as typed, nothing sent; corrected, the old invoice is void at the Stripe stand-in, a
new one for the same amount and due day is open to the corrected email, and every place is
still held."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, no_violations
from tests.e2e.test_group_bookings_over_http import book, colleagues
from tests.e2e.test_group_overview_browser import signed_in_at
from tests.e2e.test_who_pays_over_http import BILLING, at_stripe, small_course

pytestmark = pytest.mark.e2e

CORRECTED_EMAIL = "invoices@example.nhs.uk"


def test_an_organiser_corrects_a_groups_invoice_keeping_every_place(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = small_course(stack, capacity=4)
    group = book(stack, course_id, colleagues(uuid.uuid4().hex[:8], 2))
    old = str(group["pay_url"]).rsplit("/", 1)[-1]
    page = signed_in_at(stack, organiser, f"/console/courses/{course_id}/group-bookings")
    page.get_by_role(
        "link", name="Correct the invoice of St Elsewhere NHS Foundation Trust"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct the invoice for")
    expect(page.locator("main")).to_contain_text("A new invoice for the same 2 places")
    email = page.get_by_label("Billing email: where the invoice is sent")
    expect(email).to_have_value(BILLING["billing_email"])
    no_violations(page, "group25-01-correct-group-invoice")

    email.fill("accounts@nhs")  # a browser's field takes it; no mail domain does
    page.get_by_role("button", name="Yes, send the corrected invoice").click()
    expect(page.locator("#billing_email-error")).to_contain_text("like accounts@example.org")
    expect(email).to_have_value("accounts@nhs")  # as typed
    no_violations(page, "group25-02-correct-group-invoice-refused")
    assert at_stripe(stack, f"invoices/{old}")["status"] == "open"

    page.get_by_label("Billing email: where the invoice is sent").fill(CORRECTED_EMAIL)
    page.get_by_label("Purchase order number").fill("PO-2027-0123")
    page.get_by_role("button", name="Yes, send the corrected invoice").click()

    expect(page.get_by_role("status")).to_contain_text("Invoice corrected.")
    expect(page.locator("main")).to_contain_text(CORRECTED_EMAIL)
    no_violations(page, "group25-03-group-invoice-corrected")
    assert at_stripe(stack, f"invoices/{old}")["status"] == "void"
    view = stack.get(f"/groups/{group['group_id']}?token={group['token']}").json()
    new = str(view["pay_url"]).rsplit("/", 1)[-1]
    assert new != old
    corrected = at_stripe(stack, f"invoices/{new}")
    assert (corrected["status"], corrected["amount_due"]) == ("open", 40000)
    assert corrected["customer_email"] == CORRECTED_EMAIL
    assert corrected["due_date"] == at_stripe(stack, f"invoices/{old}")["due_date"]
    assert view["places_kept"] == 2
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 2
