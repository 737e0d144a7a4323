"""A booking the employer paid by invoice, cancelled or refunded through the organisers' API,
over moto and the Stripe stand-in: the emails say the organisation paid (by its billing name)
and that the money goes back to it, not to the person, and its billing contact is told too
(``domain.payer``: one rule for who paid and who is told)."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.emails import OutgoingEmail
from tests.support.applications import invoice_id_of
from tests.support.cohorts import Cohorts
from tests.support.console import signed_in
from tests.support.groups import MANAGER, a_place_given_up, substitute
from tests.support.invoiced import ACCOUNTS, BILLING, applied_by_invoice, invoiced_cohort
from tests.support.system import System, application_body

PERSON = "ada@example.org"
ORGANISATION = BILLING["billing_name"]


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system)


def _paid_by_invoice(system: System, email: str = PERSON) -> dict[str, Any]:
    application = applied_by_invoice(system, email=email)
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(application)}/pay")
    assert paid.status == 200, paid.body
    system.deliver_emails()
    return dict(application)


def _cancelled(
    system: System, application: dict[str, Any], *, refund: bool
) -> tuple[OutgoingEmail, OutgoingEmail]:
    path = f"/applications/{application['application_id']}/cancel"
    assert system.admin("POST", path, json_body={"refund": refund}).status == 200
    return _each_told(system.deliver_emails(), "refunded" if refund else "cancelled")


def _each_told(sent: list[OutgoingEmail], word: str) -> tuple[OutgoingEmail, OutgoingEmail]:
    """The person's message and the billing contact's own, each to them alone (a refund's
    own email tells of the cancellation it came with)."""
    told = [m for m in sent if word in m.subject]
    addressed = sorted(m.to[0] for m in told)
    assert addressed == sorted([PERSON, ACCOUNTS]), [(m.to, m.subject) for m in told]
    [person] = [m for m in told if m.to == [PERSON]]
    [accounts] = [m for m in told if m.to == [ACCOUNTS]]
    return person, accounts


def _not_the_persons_money(email: OutgoingEmail) -> None:
    for said in (email.text, email.html):
        assert "you paid" not in said
        assert "your account" not in said
        assert ORGANISATION in said


def _to_the_organisation(
    email: OutgoingEmail,
    application: dict[str, Any],
    says: tuple[str, ...],
    never: tuple[str, ...],
) -> None:
    """A message to the organisation about the booking: the reference in its subject, no
    calendar file, the organisation addressed by its billing name; in its text and HTML each
    of ``says`` and none of ``never``."""
    assert email.subject.endswith(f"({application['reference']})")
    assert not email.attachments
    for said in (email.text, email.html):
        assert f"Dear {ORGANISATION}," in said
        for words in says:
            assert words in said
        for theirs in never:
            assert theirs not in said


def _the_accounts_own(email: OutgoingEmail, application: dict[str, Any]) -> None:
    """The billing contact's message: the person by name and nothing else of theirs, the
    cohort named, the reference in the subject, no link and no calendar file."""
    _not_the_persons_money(email)
    person = (PERSON, application["token"], application["application_id"])
    _to_the_organisation(email, application, ("Ada Lovelace", "Compassionate Leadership"), person)
    for said in (email.text, email.html):
        assert "join" not in said.lower()


def test_a_refunded_cancellation_says_the_money_goes_back_to_the_organisation(
    invoiced: System,
) -> None:
    application = _paid_by_invoice(invoiced)
    person, accounts = _cancelled(invoiced, application, refund=True)
    _not_the_persons_money(person)
    refunded = f"We have refunded the payment {ORGANISATION} made by invoice for your place"
    assert refunded in person.text
    assert f"the payment {ORGANISATION} made by invoice refunded in full" in person.text
    for said in (person.text, person.html):
        # The person is "you" in their own message, their name only in the
        # billing contact's.
        assert "goes back to the account the invoice was paid from, not to you," in said
        assert "Ada Lovelace's place" not in said
        assert "not to Ada Lovelace" not in said
    assert person.text.startswith("Dear Ada Lovelace,")
    assert application["token"] in person.text
    _the_accounts_own(accounts, application)
    assert f"We have refunded the payment {ORGANISATION} made by invoice" in accounts.text
    assert "Ada Lovelace's booking" in accounts.text
    assert "not to Ada Lovelace" in accounts.text


def test_the_persons_own_cancellation_says_you_and_keeps_its_paragraphs(
    invoiced: System,
) -> None:
    """The cancellation told before Stripe's refund events come (as at Stripe): the person is
    "you" in it, and the reply line is a paragraph of its own."""
    application = _paid_by_invoice(invoiced)
    path = f"/applications/{application['application_id']}/cancel"
    with invoiced.standin.webhooks_held():
        assert invoiced.admin("POST", path, json_body={"refund": True}).status == 200
    person, accounts = _each_told(invoiced.deliver_emails(), "cancelled")
    assert person.subject.startswith("Your booking has been cancelled")
    for said in (person.text, person.html):
        assert "to the account the invoice was paid from, not to you." in said
        assert "not to Ada Lovelace" not in said
    assert "working days.\n\nIf you think this is a mistake" in person.text
    assert "not to Ada Lovelace." in accounts.text


def test_a_cancellation_keeping_the_money_says_whose_it_is(invoiced: System) -> None:
    application = _paid_by_invoice(invoiced)
    person, accounts = _cancelled(invoiced, application, refund=False)
    _not_the_persons_money(person)
    assert f"does not refund the £200.00 {ORGANISATION} paid by invoice" in person.text
    assert [a.filename for a in person.attachments] == ["cancel.ics"]
    _the_accounts_own(accounts, application)
    assert f"does not refund the £200.00 {ORGANISATION} paid by invoice" in accounts.text
    assert "Ada Lovelace's booking on" in accounts.text


def test_a_refund_from_the_dashboard_tells_the_billing_contact_whose_money_it_was(
    invoiced: System,
) -> None:
    application = _paid_by_invoice(invoiced)
    stored = invoiced.stored(application)
    invoiced.refund_at_stripe(stored.payment_intent)
    person, accounts = _each_told(invoiced.deliver_emails(), "refunded")
    _not_the_persons_money(person)
    assert f"We have refunded the payment {ORGANISATION} made by invoice" in person.text
    _the_accounts_own(accounts, application)
    assert f"We have refunded the payment {ORGANISATION} made by invoice" in accounts.text
    # Delivered again (the queue's at-least-once), neither is sent twice.
    assert not invoiced.deliver_emails()


def test_an_invoice_voided_at_stripe_tells_the_billing_contact_in_its_own_message(
    invoiced: System,
) -> None:
    """The place an open invoice held goes back: the person's message has their link to ask
    again; the billing contact's says which invoice no longer holds whose place."""
    application = applied_by_invoice(invoiced, email=PERSON)
    invoiced.deliver_emails()
    voided = invoiced.stripe_local("POST", f"/invoices/{invoice_id_of(application)}/void")
    assert voided.status == 200, voided.body
    person, accounts = _each_told(invoiced.deliver_emails(), "place")
    assert application["token"] in person.text
    _the_accounts_own(accounts, application)
    assert "held for Ada Lovelace has gone back to the pool" in accounts.text


def test_a_group_place_given_up_tells_the_groups_billing_contact_of_the_refund(
    invoiced: System,
) -> None:
    group, sent = a_place_given_up(invoiced)
    told = [m for m in sent if m.subject.startswith("A place given up")]
    # Each their own message: the manager's page is the manager's alone.
    [managers] = [m for m in told if m.to == [MANAGER]]
    [accounts] = [m for m in told if m.to == [ACCOUNTS]]
    assert len(told) == 2
    assert managers.text.startswith("Dear Florence Nightingale,")
    assert "£200.00, is being refunded to the account it was paid from" in managers.text
    assert accounts.text.startswith(f"Dear {ORGANISATION},")
    assert "£200.00, is being refunded to the account the invoice was paid from" in accounts.text
    assert group["token"] not in accounts.text + accounts.html
    # A change with no money in it is the manager's alone.
    substituted = substitute(
        invoiced, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"}
    )
    assert substituted.status == 200, substituted.body
    assert all(ACCOUNTS not in m.to for m in invoiced.deliver_emails())


def test_a_move_to_a_cheaper_cohort_tells_the_billing_contact_of_the_refund_alone(
    system: System,
) -> None:
    """The employer's money back on a move: the person has the move's email
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


def _erased(system: System) -> None:
    """PERSON erased, and the erasure's own message delivered: the facilitators sent the
    booking are asked to delete it (by its reference alone)."""
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    [asked] = system.deliver_emails()
    assert asked.subject.startswith("Please delete an application you were sent"), asked.subject
    assert ACCOUNTS not in asked.to


@pytest.mark.parametrize("events_held", [False, True])
def test_an_erased_persons_refund_still_tells_the_billing_contact_of_its_money(
    invoiced: System, events_held: bool
) -> None:
    """The person erased, then their employer-paid booking cancelled with a refund: the billing
    contact (not erased) is told of the money going back to its account, in its own message,
    as a group's is once its manager is erased; nothing of the person but the
    booking's reference, and nothing to the person."""
    application = _paid_by_invoice(invoiced)
    _erased(invoiced)
    path = f"/applications/{application['application_id']}/cancel"
    if events_held:
        with invoiced.standin.webhooks_held():
            assert invoiced.admin("POST", path, json_body={"refund": True}).status == 200
    else:
        assert invoiced.admin("POST", path, json_body={"refund": True}).status == 200
    sent = invoiced.deliver_emails()
    assert [m.to for m in sent] == [[ACCOUNTS]], [(m.to, m.subject) for m in sent]
    [told] = sent
    _to_the_organisation(
        told,
        application,
        ("£200.00", "to the account the invoice was paid from, not to the participant"),
        ("Ada", "Lovelace", PERSON, application["token"], "[erased]"),
    )
    assert not invoiced.deliver_emails()


def test_the_billing_contact_kept_on_an_erased_persons_booking_is_found_and_erased_in_turn(
    invoiced: System,
) -> None:
    """The billing contact kept on the erased person's booking is still theirs to export and
    erase: found by their own address, then blanked."""
    application = _paid_by_invoice(invoiced)
    assert invoiced.admin("DELETE", f"/people/{PERSON}").status == 200
    exported = invoiced.admin("GET", f"/people/{ACCOUNTS}")
    assert exported.status == 200, exported.body
    assert application["application_id"] in exported.body
    assert invoiced.admin("DELETE", f"/people/{ACCOUNTS}").status == 200
    stored = invoiced.stored(application)
    assert stored.billing is not None
    assert ACCOUNTS not in stored.billing.model_dump_json()
    assert invoiced.admin("GET", f"/people/{ACCOUNTS}").status == 404


def test_the_console_says_the_billing_contact_was_told_of_an_erased_persons_refund(
    invoiced: System,
) -> None:
    application = _paid_by_invoice(invoiced)
    _erased(invoiced)
    browser = signed_in(invoiced)
    page = f"/console/applications/{application['application_id']}"
    reply = browser.press(f"{page}/cancel?refund=on", f"{page}/cancel")
    assert reply.status == 303, reply.body
    said = browser.words(reply.headers["location"])
    assert "Nobody was emailed" not in said
    assert "The applicant was not emailed" in said
    assert "billing contact of the invoice that paid for it has been emailed" in said
    assert [m.to for m in invoiced.deliver_emails()] == [[ACCOUNTS]]
