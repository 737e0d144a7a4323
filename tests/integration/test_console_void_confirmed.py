"""Voiding an invoice from the console asks first (*Void invoice* acted at
once, the place lost to the waiting list): the application page's *Void invoice* leads to a
page that says the invoice is cancelled, where the place goes, who is emailed and that it
cannot be undone, and changes nothing; its form then posts the void itself."""

from __future__ import annotations

import re

from tests.support.console import ConsoleBrowser, asked_first
from tests.support.invoiced import ACCOUNTS, INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System


def test_the_application_page_asks_before_voiding_the_invoice(
    system: System, browser: ConsoleBrowser
) -> None:
    invoiced_cohort(system, capacity=1)
    application = applied_by_invoice(system, email="ben@example.org")
    assert system.apply(INVOICED, email="waiting@example.org").status == 201
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"
    # The page's Void links to the confirmation (a GET that changes nothing).
    asked, words = asked_first(system, browser, application, "invoice/void")
    number = system.stored_document(application["application_id"])["invoice"]["number"]
    assert f"Invoice {number} for £200.00 is cancelled at Stripe (voided)" in words
    assert "it can no longer be paid." in words
    assert "1 person is on the waiting list, and the first is offered it" in words
    assert "Ada Lovelace (ben@example.org) is emailed that the invoice was cancelled" in words
    assert f"Their billing contact ({ACCOUNTS}) is emailed the same." in words
    assert "Yes, void the invoice" in words
    assert re.search(r'name="csrf_token" value="[^"]+"', asked)

    # Confirmed: the void itself, as before (CSRF kept: without it, 403 and nothing done).
    assert browser.post(f"{path}/invoice/void").status == 403
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert browser.press(f"{path}/invoice/void", f"{path}/invoice/void").status == 303
    assert system.stored(application).status.value == "expired"
    sent_to = {address for email in system.deliver_emails() for address in email.to}
    assert {"ben@example.org", ACCOUNTS} <= sent_to, sent_to

    # Voided already: the page is not offered again, and says why.
    again = browser.get(f"{path}/invoice/void")
    assert again.status == 409
    assert "no open invoice to void" in text_of(again.body)


def test_a_card_application_has_no_invoice_to_void(system: System, browser: ConsoleBrowser) -> None:
    application = system.apply(email="card@example.org").json()
    refused = browser.get(f"/console/applications/{application['application_id']}/invoice/void")
    assert refused.status == 409
    assert "no open invoice to void" in text_of(refused.body)
    assert browser.get("/console/applications/nope/invoice/void").status == 404


def test_a_page_shown_before_a_bursary_replaced_the_invoice_voids_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    """The void is asked of Stripe before its decision, so the page's ``seen`` is compared on
    a fresh read before Stripe is asked: a bursary granted since replaced the invoice, whose
    new one must never be voided by a page that showed the old one."""
    invoiced_cohort(system)
    application = applied_by_invoice(system, email="ben@example.org")
    path = f"/console/applications/{application['application_id']}"
    shown = browser.form(f"{path}/invoice/void", f"{path}/invoice/void")
    old = system.stored(application).invoice
    granted = system.admin(
        "POST", f"/applications/{application['application_id']}/bursary", json_body={"amount": 5000}
    )
    assert granted.status == 200, granted.body
    new = system.stored(application).invoice
    assert old is not None
    assert new is not None
    assert new.invoice_id != old.invoice_id
    system.deliver_emails()

    refused = browser.post(f"{path}/invoice/void", **shown)

    assert refused.status == 409, text_of(refused.body)[:500]
    words = text_of(refused.body)
    assert "changed since you last looked at it" in words
    assert "£50.00 funded by a bursary" in words
    assert "look at it again before voiding its invoice" in words
    assert system.stripe_invoice(new.invoice_id)["status"] == "open"
    assert system.stored(application).status.value == "awaiting_invoice_payment"
    assert system.deliver_emails() == []
    # Shown again, its press voids the invoice it shows.
    assert browser.press(f"{path}/invoice/void", f"{path}/invoice/void").status == 303
    assert system.stripe_invoice(new.invoice_id)["status"] == "void"
