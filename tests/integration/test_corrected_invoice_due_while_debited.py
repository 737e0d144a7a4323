"""A corrected invoice (same amount, same due day as the one it replaced) whose due day passes
while the employer's bank debit of it, begun in time, is still processing keeps the place, as
a first invoice paid by debit does: money on its way holds it, for one person and for a group,
through every path that ends a booking on its due day (the sweep's run and Stripe's
``invoice.overdue``). The bank confirms: the booking is paid, nothing given back. Through the
real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support.applications import invoice_id_of
from tests.support.groups import (
    group_of_three,
    kept_on_its_invoice,
    manager_view,
    paid_for_three,
    pay_link_id,
    places_left,
)
from tests.support.invoiced import (
    CORRECTED,
    INVOICED,
    bank_says,
    debit_begun,
    group_invoice_corrected,
    kept_then_confirmed_whole,
    one_on_an_invoice,
)
from tests.support.system import System


def _due_day_passes(system: System, due: str, after: timedelta = timedelta(minutes=1)) -> None:
    """The clock moved to ``after`` past ``due`` (the hold's end, as the API writes it), the
    sweep run then, and Stripe's ``invoice.overdue`` of every invoice past due answered."""
    moment = datetime.fromisoformat(due.replace("Z", "+00:00")) + after
    system.clock_offset += moment - system.now()
    system.scheduled_run(system.now())
    assert system.standin.expire_due()  # Stripe tells of the invoice past its due date
    system.relay()


def test_a_corrected_invoice_being_debited_past_its_due_day_keeps_the_persons_place(
    system: System,
) -> None:
    application, old = one_on_an_invoice(system)
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=dict(CORRECTED)).status == 200
    new = invoice_id_of(system.status_of(application))
    assert new != old
    debit_begun(system, new)
    system.deliver_emails()

    _due_day_passes(system, application["invoice_due_at"])

    kept_then_confirmed_whole(system, application, new)
    said = " ".join(" ".join(email.text.split()) for email in system.deliver_emails())
    assert "no longer held" not in said


def test_a_corrected_invoice_being_debited_past_its_due_day_keeps_the_groups_places(
    system: System,
) -> None:
    group = group_of_three(system)
    left = places_left(system, INVOICED)
    assert group_invoice_corrected(system, group).status == 200
    new = pay_link_id(manager_view(system, group))
    assert new != pay_link_id(group)
    debit_begun(system, new)
    system.deliver_emails()

    _due_day_passes(system, str(group["hold_expires_at"]), timedelta(hours=2))

    kept_on_its_invoice(system, group, new, left)
    bank_says(system, new)
    paid_for_three(system, group)
