"""Each email about a place booked by a manager describes the event it is about, rendered from
what its job recorded, not from the state when it is sent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    colleague_applies,
    give_up,
    invoiced_group,
    manager_view,
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
    assert "Status when this email was written: Confirmed" in copy.text
    assert "when submitted" not in copy.text
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
    facilitators' copy says they did, not the manager."""
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
    total with the new invoice."""
    group = invoiced_group(system)  # 3 places, £600.00
    assert give_up(system, group, 1).status == 200
    stored = system.stored_group(group)
    assert stored.invoice is not None
    assert stored.invoice.amount_due == 40000
    [booked] = [e for e in system.deliver_emails() if e.subject.startswith("Your booking of")]
    for said in (" ".join(booked.text.split()), " ".join(booked.html.split())):
        assert "£600.00" not in said
        # What was booked, what was given up since and what is kept.
        assert "Thank you for booking 3 places" in said
        assert "1 place of them was given up since, so 2 places are kept (£400.00 in all)" in said
        assert f"The invoice {stored.invoice.number} for £400.00" in said
        assert stored.invoice.url in said


def _reissued_emails(sent: list[Any]) -> list[str]:
    return [
        " ".join(e.text.split())
        for e in sent
        if e.subject.startswith("A new invoice for the places kept")
    ]


def test_a_new_invoice_paid_before_its_email_goes_is_not_asked_for_again(
    system: System,
) -> None:
    """The email about a new invoice after a give-up says it, but never asks for a payment
    already made when it goes."""
    group = invoiced_group(system)  # 3 places, £600.00
    assert give_up(system, group, 1).status == 200
    pay_invoice(system, manager_view(system, group))  # the new invoice, £400.00
    [said] = _reissued_emails(system.deliver_emails())
    assert "£400.00" in said
    assert "The new invoice has since been paid." in said
    assert "Please pay" not in said


def test_a_new_invoice_replaced_again_before_its_email_goes_is_not_asked_for(
    system: System,
) -> None:
    """Two give-ups in a row: the first email's invoice was replaced by the second's, so only
    the second asks for a payment."""
    group = invoiced_group(system)
    assert give_up(system, group, 1).status == 200
    assert give_up(system, group, 2).status == 200
    first, second = _reissued_emails(system.deliver_emails())
    assert "£400.00" in first
    assert "replaced or cancelled in its turn, so there is nothing to pay on it" in first
    assert "Please pay" not in first
    assert "£200.00" in second
    assert "Please pay the new invoice rather than the earlier one" in second


def test_a_group_that_changes_as_its_email_is_leased_is_read_again_at_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook saving the group between the mailer's read and the send's lease: the group is
    read again in the same delivery, not handed back to the queue for its visibility timeout,
    which let later events' emails go first. ``deliver_emails`` asserts no
    record went back to the queue."""
    group = invoiced_group(system)
    assert give_up(system, group, 1).status == 200
    groups = system.ports.groups
    lease = groups.hold_group_send
    changed: list[str] = []

    def saved_meanwhile(read: Any, job_id: str, until: Any) -> bool:
        if not changed:  # the first lease only: a save lands just before it
            changed.append(job_id)
            current = groups.get_group(read.group_id)
            assert current is not None, "the group being sent about"
            groups.save_group(current, current)
        return lease(read, job_id, until)

    monkeypatch.setattr(groups, "hold_group_send", saved_meanwhile)
    sent = system.deliver_emails()
    assert changed
    assert len(_reissued_emails(sent)) == 1
    assert len([e for e in sent if e.subject.startswith("Your booking of")]) == 1


def test_the_paid_email_after_give_ups_before_paying_says_how_many_were_booked(
    system: System,
) -> None:
    """Two of three places given up before the invoice was paid: the paid email says the place
    kept of the 3 booked is paid for, never "the 1 place you booked"."""
    group = invoiced_group(system)
    assert give_up(system, group, 1).status == 200
    assert give_up(system, group, 2).status == 200
    pay_invoice(system, manager_view(system, group))
    [paid] = [e for e in system.deliver_emails() if e.subject.startswith("Paid:")]
    for said in (" ".join(paid.text.split()), " ".join(paid.html.split())):
        assert "the 1 place kept of the 3 you booked" in said
        assert "(the others were given up before the payment)" in said
