"""The billing contact's email of a refund made at Stripe of an erased person's booking: its
sentences start with a capital and are paragraphs apart.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.integration.test_money_an_employer_paid import PERSON, _paid_by_invoice
from tests.support.invoiced import ACCOUNTS
from tests.support.system import System


@pytest.mark.usefixtures("invoiced")
@pytest.mark.parametrize(("amount", "said"), [(None, "(£200.00)."), (7000, "7 June 2027.")])
def test_the_billing_contact_reads_paragraphs_that_start_with_a_capital(
    invoiced: System, amount: int | None, said: str
) -> None:
    application = _paid_by_invoice(invoiced)
    assert invoiced.admin("DELETE", f"/people/{PERSON}").status == 200
    invoiced.deliver_emails()
    stored = invoiced.stored(application)
    invoiced.refund_at_stripe(stored.payment_intent, amount)
    [told] = [m for m in invoiced.deliver_emails() if m.to == [ACCOUNTS]]
    text = told.text
    assert said + "\n\n" in text, text
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    assert all(p[0].isupper() or not p[0].isalpha() for p in paragraphs), paragraphs
