"""Each email about a place booked by a manager describes the event it is about, rendered from
what its job recorded, not from the state when it is sent."""

from __future__ import annotations

import pytest

from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    colleague_applies,
    give_up,
    invoiced_group,
    paid_group,
    pay_invoice,
    substitute,
    two_applied_then_withdrawn,
)
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def test_the_facilitators_copy_says_the_status_the_application_had_when_it_was_made(
    system: System,
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    colleague_applies(system, group)
    # The colleague is substituted before the facilitators' copy of their application goes.
    swapped = substitute(system, group, 1, OTHERS[0])
    assert swapped.status == 200, swapped.body
    sent = system.deliver_emails()
    [copy] = [e for e in sent if e.subject.startswith("New booking")]
    assert "Status when submitted: Confirmed" in copy.text
    assert "Cancelled" not in copy.text


def test_the_facilitators_are_told_when_a_colleague_is_withdrawn_from_a_place(
    system: System,
) -> None:
    two_applied_then_withdrawn(system)
    withdrawn = [
        e for e in system.deliver_emails() if e.subject.startswith("Participant withdrawn")
    ]
    assert len(withdrawn) == 2
    said = sorted(" ".join(e.text.split()) for e in withdrawn)
    assert "has given the place up" in said[0] + said[1]
    assert "has named another colleague instead" in said[0] + said[1]
    assert all("Status when withdrawn: Cancelled" in text for text in said)


def test_the_paid_email_says_the_places_paid_for_though_one_is_given_up_before_it_goes(
    system: System,
) -> None:
    group = invoiced_group(system)
    system.deliver_emails()
    pay_invoice(system, group)
    assert give_up(system, group, 2).status == 200  # before the paid email is sent
    [paid] = [e for e in system.deliver_emails() if e.subject.startswith("Paid:")]
    assert "the 3 places you booked" in " ".join(paid.text.split())


def test_the_facilitators_are_told_the_organisers_cancelled_a_place_after_the_managers_erasure(
    system: System,
) -> None:
    """Once the manager is erased, only the organisers can cancel a colleague's place: the
    facilitators' copy says they did, not the manager (hostile11 F11)."""
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    colleague_applies(system, group)
    assert system.admin("DELETE", "/people/florence@example.org").status == 200
    system.deliver_emails()
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])
    path = f"/applications/{colleague.application_id}/cancel"
    assert system.admin("POST", path, json_body={"refund": True}).status == 200
    [copy] = [e for e in system.deliver_emails() if e.subject.startswith("Participant withdrawn")]
    for said in (" ".join(copy.text.split()), " ".join(copy.html.split())):
        assert "the organisers cancelled the place the group booking held for them" in said
        assert "manager" not in said


def test_the_booked_email_sent_after_a_quick_give_up_says_the_new_invoices_total(
    system: System,
) -> None:
    """A place given up before the booked email goes replaces the invoice: the email's total,
    invoice number and link are the new invoice's, with the places it is for, never the old
    total with the new invoice (hostile11 F4)."""
    group = invoiced_group(system)  # 3 places, £600.00
    assert give_up(system, group, 1).status == 200
    stored = system.ports.groups.get_group(group["group_id"])
    assert stored is not None
    assert stored.invoice is not None
    assert stored.invoice.amount_due == 40000
    [booked] = [e for e in system.deliver_emails() if e.subject.startswith("Your booking of")]
    for said in (" ".join(booked.text.split()), " ".join(booked.html.split())):
        assert "£600.00" not in said
        assert "2 places" in said
        assert f"The invoice {stored.invoice.number} for £400.00" in said
        assert stored.invoice.url in said
