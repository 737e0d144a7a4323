"""A course save that moves a group booking's apply-by date earlier than the day its open
invoice falls due (its due day was capped before the apply-by date when it was sent, and stays
as Stripe holds it): the save says so, by organisation and day, in the /admin API's warnings
and the console's notice, as it does of a person's invoice falling due after the course now
starts; paid on that day, no colleague could use their link. Through the real handlers, moto
and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.time_words import day_when
from tests.support.console import ConsoleBrowser, course_saved_said, stored_course_fields
from tests.support.groups import invoiced_group
from tests.support.invoiced import INVOICED, invoiced_cohort, late_invoice_warned
from tests.support.system import System

LATE = (
    "1 group booking holds its places on an invoice that falls due after their colleagues "
    "must now apply: St Elsewhere NHS Trust's group booking (due "
)


def _grouped_on_an_invoice(system: System) -> str:
    """The invoiced cohort, its one session 35 days from now, colleagues applying 21 days
    before it, and a group booked on it to pay by invoice: the invoice's due day, in words."""
    first = (system.now() + timedelta(days=35)).date().isoformat()
    session = {"date": first, "start_time": "15:00", "end_time": "17:00", "title": "Session 1"}
    invoiced_cohort(system, sessions=[session], group_apply_by_days=21)
    stored = system.stored_group(invoiced_group(system))
    assert stored.invoice is not None
    return day_when(stored.invoice.due_at, "Europe/London")


def _apply_by_days(system: System, days: int) -> dict[str, object]:
    return {**system.course_file(INVOICED), "group_apply_by_days": days}


def test_an_apply_by_moved_before_an_open_invoices_due_day_is_warned_of(system: System) -> None:
    due = _grouped_on_an_invoice(system)

    warned = late_invoice_warned(system, _apply_by_days(system, 14), _apply_by_days(system, 30))

    assert warned.startswith(f"{LATE}{due})"), warned


def test_the_consoles_save_says_it(system: System, browser: ConsoleBrowser) -> None:
    due = _grouped_on_an_invoice(system)
    fields = {**stored_course_fields(system, INVOICED), "group_apply_by_days": "30"}

    said = course_saved_said(browser, fields)

    assert "Course saved." in said
    assert f"{LATE}{due})" in said


def test_two_groups_of_one_organisation_are_told_apart_by_their_managers(
    system: System,
) -> None:
    """Two managers of one organisation each booked a group on an invoice: the warning names
    each by its manager, where it said "St Elsewhere NHS Trust's group booking" twice and
    left the organiser to guess which was which."""
    due = _grouped_on_an_invoice(system)
    other = invoiced_group(system, manager_name="Clara Barton", **_other_colleague())

    warned = late_invoice_warned(system, _apply_by_days(system, 14), _apply_by_days(system, 30))

    assert other["status"] == "awaiting_invoice_payment"
    for manager in ("Florence Nightingale", "Clara Barton"):
        assert f"St Elsewhere NHS Trust's group booking by {manager} (due {due})" in warned


def _other_colleague() -> dict[str, object]:
    """A second group's manager and colleague, other people than the first's."""
    return {
        "manager_email": "clara@example.org",
        "colleagues": [{"name": "Mary Seacole", "email": "seacole@example.org"}],
    }


def test_a_groups_invoice_being_paid_by_debit_is_not_said_to_be_unpaid(system: System) -> None:
    _grouped_on_an_invoice(system)
    [group] = system.ports.groups.groups_of_course(INVOICED)
    assert group.invoice is not None
    assert system.debit_invoice(group.invoice.invoice_id).status == 200

    warned = late_invoice_warned(system, _apply_by_days(system, 14), _apply_by_days(system, 30))

    assert "being paid by a bank debit the bank is still confirming" in warned, warned
    assert "ask the employer to pay" not in warned
    assert "void the invoice" not in warned
