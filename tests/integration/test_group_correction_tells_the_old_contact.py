"""A group's invoice corrected to another billing email tells the contact the old invoice went
to that it was replaced and need not be paid, as one person's correction does (it told them
nothing: Stripe sends no email when it voids an invoice, so an accounts team holding a £600
invoice never heard it was cancelled). Their own message, once, with no link to the manager's
page and no colleague named; nothing when the email stays the same or the same details are
sent again. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, three_on_an_invoice
from tests.support.invoiced import ACCOUNTS, group_invoice_corrected
from tests.support.system import System


def test_the_contact_the_old_invoice_went_to_is_told_it_was_replaced(system: System) -> None:
    group, old, _left = three_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]
    page = signed_in(system).words(f"/console/groups/{group['group_id']}/invoice/correct")
    assert (
        f"If you change the billing email, {ACCOUNTS}, to whom invoice {number} was sent, is "
        "emailed that it was replaced and need not be paid."
    ) in page  # said before the press

    assert group_invoice_corrected(system, group).status == 200
    assert group_invoice_corrected(system, group).status == 200  # a second press: nothing more sent

    sent = system.deliver_emails()
    [told] = [e for e in sent if list(e.to) == [ACCOUNTS]]
    assert told.subject.startswith(f"Invoice {number} was replaced, so you need not pay it: ")
    words = " ".join(told.text.split())
    assert "Dear St Elsewhere NHS Foundation Trust," in words
    assert f"We sent you invoice {number} for £600.00" in words
    assert "group booking" in words
    assert "has been sent to the billing contact now named on the booking" in words
    assert f"You need not pay invoice {number}" in words
    assert "refund" not in words  # nothing was taken
    for secret in (group["token"], *(c["name"] for c in COLLEAGUES)):
        assert secret not in told.text
        assert secret not in told.html
    assert f"You need not pay invoice {number}" in told.html
    assert [e for e in sent if "invoices@example.nhs.uk" in e.to] == []  # Stripe's to send


def test_a_correction_keeping_the_billing_email_tells_nobody(system: System) -> None:
    group, _old, _left = three_on_an_invoice(system)

    assert group_invoice_corrected(system, group, billing_email=ACCOUNTS).status == 200

    assert [e for e in system.deliver_emails() if ACCOUNTS in e.to] == []
