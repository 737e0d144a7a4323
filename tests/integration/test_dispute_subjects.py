"""The organisers' message about a payer's bank's dispute is headed with what the bank did:
an inquiry (it asks about the payment and takes nothing) or a chargeback (it takes the payment
back), and the one more sent when the bank's inquiry became a chargeback says it is now one,
for a person's booking, a group's and an erased person's alike, as its body says it.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from urllib.parse import urlencode

from booking.domain.emails import OutgoingEmail
from tests.integration.test_disputes_groups_invoices import FORM, _card_group, _checkout_of
from tests.support.stripe_events import card_disputed, card_inquired, paid
from tests.support.system import System

INQUIRY = "Payment queried by the payer's bank (an inquiry, nothing taken)"
CHARGEBACK = "Payment disputed by the payer's bank (a chargeback)"
BECAME_CHARGEBACK = "Payment disputed by the payer's bank (its inquiry is now a chargeback)"


def _told(system: System) -> list[OutgoingEmail]:
    """The organisers' messages about a dispute sent now."""
    return [e for e in system.deliver_emails() if "payer's bank" in e.subject]


def test_a_persons_inquiry_is_headed_as_an_inquiry_and_a_chargeback_as_one(
    system: System,
) -> None:
    inquired = paid(system, "subject-inquiry@example.org")
    disputed = paid(system, "subject-chargeback@example.org")
    system.deliver_emails()

    card_inquired(system, inquired)
    [inquiry] = _told(system)
    card_disputed(system, disputed)
    [chargeback] = _told(system)

    assert inquiry.subject.startswith(f"{INQUIRY}: "), inquiry.subject
    assert "chargeback" not in inquiry.subject.replace("not yet a chargeback", "")
    assert chargeback.subject.startswith(f"{CHARGEBACK}: "), chargeback.subject


def test_a_groups_inquiry_is_headed_as_an_inquiry(system: System) -> None:
    group = _card_group(system)
    path = f"{_checkout_of(group)}/dispute"
    body = urlencode({"reason": "fraudulent", "inquiry": "true"}).encode()

    assert system.stripe_local("POST", path, body, FORM).status == 200

    [told] = _told(system)
    assert told.subject.startswith(f"{INQUIRY}: a group booking on "), told.subject


def test_an_erased_persons_inquiry_is_headed_as_an_inquiry(system: System) -> None:
    email = "subject-erased@example.org"
    application = paid(system, email)
    system.deliver_emails()
    assert system.admin("DELETE", f"/people/{email}").status in (200, 204)
    system.deliver_emails()

    card_inquired(system, application)

    [told] = _told(system)
    assert told.subject.startswith(f"{INQUIRY}: "), told.subject
    assert application["reference"] in told.text


def test_a_groups_inquiry_become_a_chargeback_is_headed_as_now_one(system: System) -> None:
    group = _card_group(system)
    path = f"{_checkout_of(group)}/dispute"
    body = urlencode({"reason": "fraudulent", "inquiry": "true"}).encode()
    opened = system.stripe_local("POST", path, body, FORM)
    assert opened.status == 200, opened.body
    [inquiry] = _told(system)

    escalated = system.stripe_local(
        "POST", f"/disputes/{opened.json()['dispute']['id']}/escalate", b"", FORM
    )

    assert escalated.status == 200, escalated.body
    [told] = _told(system)
    assert inquiry.subject.startswith(f"{INQUIRY}: a group booking on "), inquiry.subject
    assert told.subject.startswith(f"{BECAME_CHARGEBACK}: a group booking on "), told.subject
    assert "nothing has been taken yet" not in " ".join(told.text.split())
