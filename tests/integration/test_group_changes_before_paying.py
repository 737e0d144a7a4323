"""A group's places changed before it is paid: a colleague's misspelt address is put right (a
substitution) while the employer's invoice is unpaid, and the link goes to the right address
once it is paid; a booking that lapsed unpaid changes no more."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.test_group_bookings import (
    BILLING,
    COLLEAGUES,
    book,
    invoiced,  # noqa: F401 (the fixture)
    manager_view,
    pay_invoice,
)
from tests.support.system import System

CORRECTED = {"name": "Mary Seacole", "email": "mary.seacole@example.org"}


def test_a_misspelt_address_is_put_right_before_the_invoice_is_paid(
    invoiced: System,  # noqa: F811
) -> None:
    system = invoiced
    reply = book(system, **BILLING)
    assert reply.status == 201, reply.body
    group = reply.json()
    system.deliver_emails()
    swapped = system.api(
        "POST",
        f"/groups/{group['group_id']}/places/1/substitute?token={group['token']}",
        json_body=CORRECTED,
    )
    assert swapped.status == 200, swapped.body
    after = swapped.json()
    assert after["status"] == "awaiting_invoice_payment"
    assert after["places"][0]["email"] == CORRECTED["email"]
    assert all(place["apply_url"] is None for place in after["places"])
    assert system.deliver_emails() == []  # no link before it is paid
    pay_invoice(system, group)
    sent = system.deliver_emails()
    told = [e.to[0] for e in sent if e.subject.startswith("Your place on")]
    assert sorted(told) == sorted(
        [CORRECTED["email"], COLLEAGUES[1]["email"], COLLEAGUES[2]["email"]]
    )
    [link_email] = [e for e in sent if e.to == [CORRECTED["email"]]]
    assert manager_view(system, group)["places"][0]["apply_url"] in link_email.text


def test_a_booking_that_lapsed_unpaid_changes_no_more(invoiced: System) -> None:  # noqa: F811
    system = invoiced
    reply = book(system, **BILLING)
    assert reply.status == 201, reply.body
    group = reply.json()
    due = system.ports.groups.get_group(group["group_id"])
    assert due is not None
    assert due.hold_expires_at is not None
    system.scheduled_run(due.hold_expires_at + timedelta(minutes=1))
    swapped = system.api(
        "POST",
        f"/groups/{group['group_id']}/places/1/substitute?token={group['token']}",
        json_body=CORRECTED,
    )
    assert swapped.status == 409, swapped.body
    assert swapped.json()["error"]["code"] == "lapsed"
