"""The console's timeline names whom each email went to, from the job's own recipient role
(``domain.recipients``), never the applicant for the billing contact's own message (an invoice
booking's cancellation read as two emails to the applicant)."""

from __future__ import annotations

from tests.integration.test_refund_paid_out_of_band import _booked_paid_off_stripe
from tests.support.console import signed_in
from tests.support.invoiced import invoiced_cohort
from tests.support.system import System

PERSON = "ada@example.org"


def test_the_billing_contacts_cancellation_is_said_as_sent_to_the_billing_contact(
    system: System,
) -> None:
    invoiced = invoiced_cohort(system)
    application = _booked_paid_off_stripe(invoiced)
    path = f"/applications/{application['application_id']}"
    cancelled = invoiced.admin("POST", f"{path}/cancel", json_body={"refund": False})
    assert cancelled.status == 200, cancelled.body
    sent = invoiced.deliver_emails()
    cancellations = [e for e in sent if "cancelled" in e.subject.lower()]
    assert len([e for e in cancellations if PERSON in e.to]) == 1
    assert len([e for e in cancellations if PERSON not in e.to]) >= 1  # the billing contact's

    words = signed_in(invoiced).words(f"/console{path}")

    assert words.count("Email sent to the applicant: Cancellation") == 1, words
    assert words.count("Email sent to the billing contact: Cancellation") == 1, words
