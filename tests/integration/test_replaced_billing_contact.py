"""A billing contact an invoice was corrected away from is still a person this system and
Stripe hold data about (the old invoice's customer keeps their name and email): the people
routes find them and erase it, as for a current billing contact, without touching the
booking's current invoice. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from booking.services import mailer
from tests.integration.test_erasure_at_stripe import PERSON, customer_of, deleted, erase
from tests.integration.test_manager_erased_while_a_copy_is_composed import (
    delivered_with_retries,
)
from tests.support.console import signed_in
from tests.support.groups import MANAGER, three_on_an_invoice
from tests.support.invoiced import (
    ACCOUNTS,
    BILLING,
    CORRECTED,
    INVOICED,
    debit_begun,
    group_invoice_corrected,
    invoiced_cohort,
    one_on_an_invoice,
)
from tests.support.races import at_the_first
from tests.support.system import System

ERASE_PAGE = f"/console/people/erase?email={quote(ACCOUNTS)}"


def _corrected_away_from_accounts(system: System) -> tuple[dict[str, Any], str, str]:
    """One booking whose invoice to :data:`ACCOUNTS` was corrected to another contact: the
    application's answer, the old invoice's id and the new one's."""
    application, old = one_on_an_invoice(system)
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=dict(CORRECTED)).status == 200
    new = system.stored(application).invoice.invoice_id  # type: ignore[union-attr]
    return application, old, new


def test_the_replaced_contact_is_found_by_the_people_routes(system: System) -> None:
    application, old, _new = _corrected_away_from_accounts(system)
    assert customer_of(system, old)["email"] == ACCOUNTS  # Stripe holds them still
    reference = system.stored(application).reference_or_id

    reply = system.admin("GET", f"/people/{ACCOUNTS}")

    assert reply.status == 200, reply.body
    [held] = reply.json()["billing_contact_for"]
    assert held["application_id"] == application["application_id"]
    assert held["as"] == "billing contact"
    assert held["billing"]["billing_name"] == BILLING["billing_name"]
    # The invoice that went to them is named, its customer holding them (as a group's is);
    # the current invoice is another's.
    assert (held["replaced_invoice"], held["invoice"]) == (old, None)
    # The console's erase page says what erasing them does: nothing voided, nothing given up.
    words = signed_in(system).words(ERASE_PAGE)
    assert f"kept from an invoice corrected away from them on 1 application ({reference})" in words
    assert "an open invoice is voided" not in words


def test_the_replaced_contacts_printable_record_shows_their_details_never_the_new_contacts(
    system: System,
) -> None:
    """The record printed for a subject access request of a contact an invoice was corrected
    away from says what is held about them (their details, an invoice sent to them and
    replaced), never the contact it was corrected to nor that contact's invoice."""
    application, _old, _new = _corrected_away_from_accounts(system)
    number = system.stored(application).invoice.number  # type: ignore[union-attr]
    assert number

    words = signed_in(system).words(f"/console/people/record?email={quote(ACCOUNTS)}")

    assert f"Billed to {BILLING['billing_name']} <{ACCOUNTS}>" in words
    assert CORRECTED["billing_email"] not in words
    assert number not in words
    assert "replaced by a corrected invoice to another billing contact" in words


def test_erasing_the_replaced_contact_deletes_their_customer_and_leaves_the_booking(
    system: System,
) -> None:
    application, old, new = _corrected_away_from_accounts(system)

    reply = erase(system, ACCOUNTS)

    assert reply.status == 200, reply.body
    [said] = reply.json()["applications"]
    assert said["as"] == "billing contact"
    assert (said["invoice_voided"], said["seat_released"]) == (False, False)
    assert deleted(system, old)
    # The current contact's invoice and customer, and the place it holds, are untouched.
    assert system.stripe_invoice(new)["status"] == "open"
    assert customer_of(system, new)["email"] == CORRECTED["billing_email"]
    stored = system.stored(application)
    assert stored.billing is not None
    assert stored.billing.billing_email == CORRECTED["billing_email"]
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert ACCOUNTS not in stored.model_dump_json()
    assert BILLING["billing_name"] not in stored.model_dump_json()
    assert system.ports.repository.owed_customer_deletions() == []
    # Asked again: nothing is held about them any more.
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    assert erase(system, ACCOUNTS).status == 404


def test_erasing_the_current_contact_after_a_correction_leaves_the_replaced_one(
    system: System,
) -> None:
    """The current contact's erasure voids their invoice and deletes its customer; the replaced
    contact, another person, is still found (erased on their own request)."""
    _application, _old, new = _corrected_away_from_accounts(system)

    assert erase(system, CORRECTED["billing_email"]).status == 200

    assert deleted(system, new)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 200


def test_a_groups_replaced_contact_is_found_and_erased_leaving_the_group(system: System) -> None:
    """The same for a group booking's invoice corrected to another contact."""
    group, old, _left = three_on_an_invoice(system)
    assert group_invoice_corrected(system, group).status == 200
    new = system.stored_group(group).invoice.invoice_id  # type: ignore[union-attr]

    found = system.admin("GET", f"/people/{ACCOUNTS}")
    assert found.status == 200, found.body
    [held] = found.json()["group_bookings"]
    assert (held["as"], held["name"]) == ("billing contact", BILLING["billing_name"])
    assert held["replaced_invoice"] == old
    # Their printable record (a subject access answer) says so; the manager's, with no money
    # given back by hand, is printed too.
    browser = signed_in(system)
    record = browser.words(f"/console/people/record?email={quote(ACCOUNTS)}")
    assert "then replaced by a corrected invoice to another billing contact" in record
    assert CORRECTED["billing_email"] not in record
    manager = browser.words(f"/console/people/record?email={quote(MANAGER)}")
    assert "named as manager" in manager
    words = signed_in(system).words(ERASE_PAGE)
    assert "only their details kept from an invoice corrected away from them" in words
    assert "its open invoice is voided" not in words

    reply = erase(system, ACCOUNTS)

    assert reply.status == 200, reply.body
    [said] = reply.json()["group_bookings"]
    assert (said["invoice_voided"], said["seats_released"]) == (False, 0)
    assert deleted(system, old)
    assert system.stripe_invoice(new)["status"] == "open"
    assert customer_of(system, new)["email"] == CORRECTED["billing_email"]
    stored = system.stored_group(group)
    assert stored.status.value == "awaiting_invoice_payment"
    assert ACCOUNTS not in stored.model_dump_json()
    assert system.ports.repository.owed_customer_deletions() == []
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404


def test_a_groups_replaced_contact_is_erased_while_the_new_invoice_is_being_debited(
    system: System,
) -> None:
    """Their erasure voids nothing, so the employer's bank debit of the corrected invoice
    going through does not hold it up (as for a person's booking): erased at once, the
    payment left to confirm the group."""
    group, old, _left = three_on_an_invoice(system)
    assert group_invoice_corrected(system, group).status == 200
    new = system.stored_group(group).invoice.invoice_id  # type: ignore[union-attr]
    debit_begun(system, new)

    reply = erase(system, ACCOUNTS)

    assert reply.status == 200, reply.body
    assert deleted(system, old)
    assert system.stripe_invoice(new)["status"] == "open"
    assert system.stored_group(group).status.value == "awaiting_invoice_payment"
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404


def test_an_applicant_who_was_their_own_billing_contact_is_erased_from_it_too(
    system: System,
) -> None:
    """Their own invoice corrected to their employer's accounts team: the applicant's
    erasure blanks the replaced contact that was them, the employer's stays theirs."""
    invoiced_cohort(system, capacity=2)
    own = {**BILLING, "billing_email": PERSON}
    application = system.apply(INVOICED, email=PERSON, **own).json()
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=dict(CORRECTED)).status == 200
    assert system.stored(application).former_billing  # them, kept

    assert erase(system, PERSON).status == 200

    assert PERSON not in system.stored(application).model_dump_json()


def test_a_replaced_contact_erased_before_they_are_told_is_sent_nothing(system: System) -> None:
    """The message telling them their invoice was replaced is queued by the correction; they
    are erased before the mailer sends it: once the erasure has answered, nothing about the
    booking goes to them (it once went all the same, their address on the queued job)."""
    _corrected_away_from_accounts(system)

    assert erase(system, ACCOUNTS).status == 200

    assert [e.subject for e in system.deliver_emails() if ACCOUNTS in e.to] == []


def test_a_groups_replaced_contact_erased_before_they_are_told_is_sent_nothing(
    system: System,
) -> None:
    group, _old, _left = three_on_an_invoice(system)
    system.deliver_emails()
    assert group_invoice_corrected(system, group).status == 200

    assert erase(system, ACCOUNTS).status == 200

    assert [e.subject for e in system.deliver_emails() if ACCOUNTS in e.to] == []


def test_a_replaced_contact_erased_while_their_message_is_composed_is_sent_nothing(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mailer composes the message telling them their invoice was replaced; they are erased
    before it is sent: once the send is leased the mailer reads the booking again, and a
    contact erased since is sent nothing (it read only the current contact again)."""
    _corrected_away_from_accounts(system)
    erasures = at_the_first(
        monkeypatch,
        mailer,
        "composed",
        lambda: erase(system, ACCOUNTS).status,
        lambda ports, job, *args, **kw: job.replaced_billing is not None,
        after=True,
    )

    sent = delivered_with_retries(system)

    assert erasures == [200]
    assert [e.subject for e in sent if ACCOUNTS in e.to] == []
