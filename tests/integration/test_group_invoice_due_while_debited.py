"""A group's invoice whose due date passes while the employer's bank debit of it, begun in time,
is still processing (Bacs: 3-4 working days) keeps the places: the sweep reads
the invoice at Stripe once as its hold ends and, while a payment of it is on its way
(``domain.invoices.InvoicePaying.on_its_way``, the rule the give-up and the organiser's void
use), neither voids it nor lets the places go, and tells nobody anything ended. The next run
looks again: once the bank confirms, the booking is paid, nothing given back; once it says the
debit failed, the hold ends as it would have at its due date. An invoice Stripe holds paid,
its event not yet here, is kept alike (the event books it). Stripe unreachable: kept, never
guessed unpaid. Through the real handlers, moto and the Stripe stand-in, each run at a frozen
moment past the due date (``System.scheduled_run``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.support.groups import (
    group_of_three,
    invoice_reads,
    kept_on_its_invoice,
    manager_view,
    pay_link_id,
    places_left,
)
from tests.support.held_events import deliver, events_held
from tests.support.invoiced import INVOICED, bank_says, debit_begun
from tests.support.system import System


def _debit_begun(system: System, group: dict[str, Any]) -> None:
    """The employer pays the invoice by bank debit, days before its due date: processing."""
    debit_begun(system, pay_link_id(group))
    system.deliver_emails()


def _past_due(group: dict[str, Any], after: timedelta = timedelta(hours=2)) -> datetime:
    return datetime.fromisoformat(str(group["hold_expires_at"])) + after


def test_the_due_date_passing_while_the_bank_debit_processes_keeps_the_places(
    system: System,
) -> None:
    group = group_of_three(system)
    _debit_begun(system, group)
    left, reads = places_left(system, INVOICED), invoice_reads(system, pay_link_id(group))

    system.scheduled_run(_past_due(group))

    kept_on_its_invoice(system, group, pay_link_id(group), left)
    assert invoice_reads(system, pay_link_id(group)) == reads + 1  # one read as the hold ended

    # The bank confirms: paid for every place, nothing given back, no "payment given back".
    bank_says(system, pay_link_id(group))
    paid = manager_view(system, group)
    assert (paid["status"], paid["places_kept"]) == ("paid", 3)
    assert (paid["amount_paid"], paid["amount_refunded"]) == (60000, 0)
    assert system.stripe_invoice(pay_link_id(group))["status"] == "paid"
    assert system.standin.money_moved()[group["group_id"]] == (60000, 0)
    said = " ".join(" ".join(email.text.split()) for email in system.deliver_emails())
    assert "given back" not in said
    assert "Nothing has been taken" not in said


def test_a_debit_that_fails_after_the_due_date_ends_the_hold_at_the_next_run(
    system: System,
) -> None:
    group = group_of_three(system)
    _debit_begun(system, group)
    left = places_left(system, INVOICED)
    system.scheduled_run(_past_due(group))
    kept_on_its_invoice(system, group, pay_link_id(group), left)

    bank_says(system, pay_link_id(group), succeeded=False)
    system.scheduled_run(_past_due(group, timedelta(hours=2, minutes=15)))

    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "not_paid_by_deadline")
    assert system.stripe_invoice(pay_link_id(group))["status"] == "void"
    assert places_left(system, INVOICED) == left + 3
    told = {email.subject: " ".join(email.text.split()) for email in system.deliver_emails()}
    [lapse] = [text for subject, text in told.items() if "Not paid in time" in subject]
    assert "Nothing has been taken" in lapse  # true now: the debit failed
    assert system.standin.money_moved().get(group["group_id"], (0, 0)) == (0, 0)


def test_an_invoice_paid_at_stripe_its_event_not_yet_here_is_not_voided_at_its_due_date(
    system: System,
) -> None:
    group = group_of_three(system)
    left = places_left(system, INVOICED)
    payment = events_held(
        system, lambda: system.stripe_local("POST", f"/invoices/{pay_link_id(group)}/pay")
    )

    system.scheduled_run(_past_due(group))

    view = manager_view(system, group)
    assert (view["status"], view["places_kept"]) == ("awaiting_invoice_payment", 3)
    assert places_left(system, INVOICED) == left
    assert system.deliver_emails() == []
    deliver(system, payment)  # the event books it
    paid = manager_view(system, group)
    assert (paid["status"], paid["amount_paid"], paid["amount_refunded"]) == ("paid", 60000, 0)


def test_stripe_unreachable_as_the_hold_ends_keeps_the_places_until_a_run_can_read(
    system: System,
) -> None:
    group = group_of_three(system)
    left = places_left(system, INVOICED)
    system.stripe_http.fail_next = [503]

    system.scheduled_run(_past_due(group))

    kept_on_its_invoice(system, group, pay_link_id(group), left)
    system.scheduled_run(_past_due(group, timedelta(hours=2, minutes=15)))
    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "not_paid_by_deadline")
    assert system.stripe_invoice(pay_link_id(group))["status"] == "void"
