"""In a real browser against `make run`: an invoice the employer paid by bank
transfer is recorded from the application's page, through a page that says what recording does
(the booking confirmed, who is emailed, that Stripe can then refund nothing of it) before *Yes,
record the payment*; axe-core finds nothing on either page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    RunningStack,
    axe_clean,
    confirmation_asked,
    sign_in,
)


def test_recording_a_bank_transfer_asks_first_and_confirms_the_booking(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    sign_in(page, stack)
    sample = stack.course_of_its_own("bank-transfer")  # the shared sample's places left
    applied = stack.applied_by_invoice(
        sample,
        name="Cara Dale",
        email="cara.transfer@example.org",
        billing_email="accounts.transfer@example.nhs.uk",
        po_number="PO-5120",
    )
    main = confirmation_asked(
        page,
        stack,
        applied["application_id"],
        "Record a payment received",
        "Record a payment received for",
    )
    expect(main).to_contain_text("is marked as paid at Stripe, paid outside Stripe")
    expect(main).to_contain_text("The booking is confirmed, and keeps the place it holds.")
    expect(main).to_contain_text("Cara Dale (cara.transfer@example.org) is emailed their booking")
    expect(main).to_contain_text("cannot be refunded through Stripe or from here")
    axe_clean(page, "console-31-record-payment-confirmation")
    page.get_by_role("link", name="No, go back").click()
    expect(page.locator(".tag")).to_have_text("Awaiting invoice payment")
    page.get_by_role("link", name="Record a payment received").click()
    expect(main).to_contain_text("The amount recorded is the invoice's whole amount, £200.00")
    expect(main).to_contain_text(
        "The billing contact (accounts.transfer@example.nhs.uk) is emailed that the payment"
    )
    # When and how it came: a day in the future is refused in words, nothing done; the
    # confirmation stays, the mistake beside its field and what was typed kept.
    today = datetime.now(ZoneInfo("Europe/London")).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    page.get_by_label("Day it arrived").fill(tomorrow)
    page.get_by_label("How it was paid").select_option(label="Cheque")
    page.get_by_label("The bank's reference").fill("ST ELSEWHERE 5120")
    page.get_by_role("button", name="Yes, record the payment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a payment received for")
    day_field = page.get_by_label("Day it arrived")
    expect(day_field).to_have_value(tomorrow)
    expect(day_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#received_on-error")).to_contain_text("cannot be in the future")
    expect(page.get_by_label("How it was paid")).to_have_value("cheque")
    expect(page.get_by_label("The bank's reference")).to_have_value("ST ELSEWHERE 5120")
    axe_clean(page, "console-31b-record-payment-mistake")
    day_field.fill(today.isoformat())
    page.get_by_role("button", name="Yes, record the payment").click()
    expect(page.get_by_role("status").first).to_contain_text("Payment recorded")
    expect(page.locator(".tag")).to_have_text("Confirmed")
    day = f"{today:%A} {today.day} {today:%B %Y}"
    expect(main).to_contain_text(f"received by cheque on {day}, bank's reference ST ELSEWHERE 5120")
    axe_clean(page, "console-32-payment-recorded")
    # The course's money lists it, to reconcile against the bank, its person linked.
    page.goto(f"{stack.url}/console/courses/{sample}/money")
    row = page.get_by_role("row").filter(has_text="ST ELSEWHERE 5120")
    expect(row).to_contain_text(f"{day} Outside Stripe: Cheque ST ELSEWHERE 5120 £200.00 Cara Dale")
    axe_clean(page, "console-32b-money-payments-received")
    row.get_by_role("link", name="Cara Dale").click()
    expect(page.locator(".tag")).to_have_text("Confirmed")


def test_recording_a_groups_bank_transfer_asks_first_from_its_card(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    sample = stack.course_of_its_own("group-transfer")
    booked = stack.post(
        f"/courses/{sample}/group-bookings",
        json={
            "manager_name": "Gita Rao",
            "manager_email": "gita.transfer@example.org",
            "organisation": "Riverside Hospice",
            "colleagues": [
                {"name": "Hal Moss", "email": "hal.transfer@example.org"},
                {"name": "Ivy Lund", "email": "ivy.transfer@example.org"},
            ],
            "consent": True,
            "payment_method": "invoice",
            "billing_name": "Riverside Hospice",
            "billing_email": "accounts.hospice@example.org",
            "billing_address": "2 River Lane\nYork YO1 1AA",
            "po_number": "RH-210",
        },
    )
    assert booked.status_code == 201, booked.text
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/courses/{sample}/group-bookings")
    page.get_by_role("link", name="Record a payment received from Riverside Hospice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Hospice")
    main = page.locator("main")
    expect(main).to_contain_text("is marked as paid at Stripe, paid outside Stripe")
    expect(main).to_contain_text("Gita Rao (gita.transfer@example.org), the manager, is emailed")
    axe_clean(page, "console-33-group-payment-confirmation")
    page.get_by_label("How it was paid").select_option(label="Bank transfer")
    page.get_by_label("The bank's reference").fill("RIVERSIDE RH-210")
    # A day in the future: the confirmation again, beside its field, the rest kept.
    today = datetime.now(ZoneInfo("Europe/London")).date()
    page.get_by_label("Day it arrived").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Yes, record the payment").click()
    expect(page.locator("#received_on-error")).to_contain_text("cannot be in the future")
    expect(page.get_by_label("The bank's reference")).to_have_value("RIVERSIDE RH-210")
    axe_clean(page, "console-33b-group-payment-mistake")
    page.get_by_label("Day it arrived").fill("")
    page.get_by_role("button", name="Yes, record the payment").click()
    expect(page.get_by_role("status").first).to_contain_text("Payment recorded")
    expect(main).to_contain_text("received by bank transfer, bank's reference RIVERSIDE RH-210")
    axe_clean(page, "console-34-group-payment-recorded")
