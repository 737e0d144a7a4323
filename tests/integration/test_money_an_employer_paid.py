"""A booking the employer paid by invoice, cancelled or refunded through the organisers' API,
over moto and the Stripe stand-in: the emails say the organisation paid (by its billing name)
and that the money goes back to it, not to the person, and its billing contact is told too
(``domain.payer``: one rule for who paid and who is told)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from booking.domain.emails import OutgoingEmail
from tests.integration.test_transfers import Cohorts
from tests.support.applications import invoice_id_of
from tests.support.groups import give_up, paid_group, substitute
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import System, application_body

PERSON = "ada@example.org"
ORGANISATION = BILLING["billing_name"]
ACCOUNTS = BILLING["billing_email"]


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system)


def _paid_by_invoice(system: System, email: str = PERSON) -> dict[str, Any]:
    application = system.api(
        "POST",
        f"/courses/{INVOICED}/applications",
        json_body=application_body(email=email, **BILLING),
    ).json()
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(application)}/pay")
    assert paid.status == 200, paid.body
    system.deliver_emails()
    return dict(application)


def _cancelled(system: System, application: dict[str, Any], *, refund: bool) -> OutgoingEmail:
    path = f"/applications/{application['application_id']}/cancel"
    assert system.admin("POST", path, json_body={"refund": refund}).status == 200
    sent = system.deliver_emails()
    # A refund's own email tells of the cancellation it came with.
    told = [m for m in sent if ("refunded" if refund else "cancelled") in m.subject]
    assert len(told) == 1, [m.subject for m in sent]
    return told[0]


def _not_the_persons_money(email: OutgoingEmail) -> None:
    assert email.to == [PERSON, ACCOUNTS]
    for said in (email.text, email.html):
        assert "you paid" not in said
        assert "your account" not in said
        assert ORGANISATION in said


def test_a_refunded_cancellation_says_the_money_goes_back_to_the_organisation(
    invoiced: System,
) -> None:
    email = _cancelled(invoiced, _paid_by_invoice(invoiced), refund=True)
    _not_the_persons_money(email)
    assert f"We have refunded the payment {ORGANISATION} made by invoice" in email.text
    assert f"the payment {ORGANISATION} made by invoice refunded in full" in email.text
    assert "goes back to the account the invoice was paid from, not to Ada Lovelace" in email.text
    assert email.text.startswith(f"Dear Ada Lovelace and {ORGANISATION},")


def test_a_cancellation_keeping_the_money_says_whose_it_is(invoiced: System) -> None:
    email = _cancelled(invoiced, _paid_by_invoice(invoiced), refund=False)
    _not_the_persons_money(email)
    assert f"does not refund the £200.00 {ORGANISATION} paid by invoice" in email.text


def test_a_refund_from_the_dashboard_tells_the_billing_contact_whose_money_it_was(
    invoiced: System,
) -> None:
    application = _paid_by_invoice(invoiced)
    stored = invoiced.ports.repository.get_application(application["application_id"])
    assert stored is not None
    assert stored.payment_intent is not None
    body = urlencode({"payment_intent": stored.payment_intent}).encode()
    headers = {
        "authorization": "Bearer sk_test_local",
        "content-type": "application/x-www-form-urlencoded",
    }
    refunded = invoiced.stripe_local("POST", "/v1/refunds", body, headers)
    assert refunded.status == 200, refunded.body
    [email] = [m for m in invoiced.deliver_emails() if "refunded" in m.subject]
    _not_the_persons_money(email)
    assert f"We have refunded the payment {ORGANISATION} made by invoice" in email.text


def test_a_group_place_given_up_tells_the_groups_billing_contact_of_the_refund(
    invoiced: System,
) -> None:
    group = paid_group(invoiced)
    invoiced.deliver_emails()
    assert give_up(invoiced, group, 2).status == 200
    [told] = [m for m in invoiced.deliver_emails() if m.subject.startswith("A place given up")]
    assert told.to == ["florence@example.org", ACCOUNTS]
    assert told.text.startswith(f"Dear Florence Nightingale and {ORGANISATION},")
    assert "£200.00, is being refunded to the account it was paid from" in told.text
    # A change with no money in it is the manager's alone.
    substituted = substitute(
        invoiced, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"}
    )
    assert substituted.status == 200, substituted.body
    assert all(ACCOUNTS not in m.to for m in invoiced.deliver_emails())


def test_a_move_to_a_cheaper_cohort_tells_the_billing_contact_of_the_refund_alone(
    system: System,
) -> None:
    """The employer's money back on a move (retest10 R10-9): the person has the move's email
    (joining link, calendar); the billing contact gets its own refund message, without them
    and without the person's status link."""
    cohorts = Cohorts(system)
    for course_id in ("move-spring", "move-autumn"):
        system.put_course(course_id, {**cohorts.files[course_id], "invoice_allowed": True})
    application = system.api(
        "POST",
        "/courses/move-spring/applications",
        json_body=application_body(email=PERSON, **BILLING),
    ).json()
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(application)}/pay")
    assert paid.status == 200, paid.body
    cohorts.emails()

    assert cohorts.move(application["application_id"], "move-autumn").status == 200
    sent = cohorts.emails()

    [moved] = [m for m in sent if m.to == [PERSON]]
    assert "£50.00" in moved.text
    [to_accounts] = [m for m in sent if ACCOUNTS in m.to]
    assert to_accounts.to == [ACCOUNTS]
    assert not to_accounts.attachments  # no calendar file: the place is the person's
    for said in (to_accounts.text, to_accounts.html):
        assert f"Dear {ORGANISATION}," in said
        assert f"We have refunded £50.00 of what {ORGANISATION} paid by invoice" in said
        assert "moved to another cohort of the course that costs less" in said
        assert application["token"] not in said
        assert "join" not in said.lower()
    # Asked again, the move is done: nobody is told twice.
    assert cohorts.move(application["application_id"], "move-autumn").status == 200
    assert not [m for m in cohorts.emails() if ACCOUNTS in m.to]
