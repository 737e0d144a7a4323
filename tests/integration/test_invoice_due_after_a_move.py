"""A course moved earlier than the day an open invoice falls due (its due day was capped
before the course when it was sent, and stays as Stripe holds it): the save says so, by
reference and day, in the /admin API's warnings and the console's notice, so the organiser
can ask the employer to pay in time or void it; the place is otherwise held past the start
without a word. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.time_words import day_when
from tests.support.console import ConsoleBrowser, course_saved_said, stored_course_fields
from tests.support.invoiced import INVOICED, late_invoice_warned, one_on_an_invoice
from tests.support.system import System

LATE = "1 booking holds its place on an invoice that falls due after the course now starts"


def _moved_to(system: System, days: int) -> dict[str, object]:
    """The invoiced cohort's definition with its one session ``days`` from now."""
    first = (system.now() + timedelta(days=days)).date().isoformat()
    session = {"date": first, "start_time": "15:00", "end_time": "17:00", "title": "Session 1"}
    return {**system.course_file(INVOICED), "sessions": [session]}


def test_a_move_before_an_open_invoices_due_day_is_warned_of_by_reference_and_day(
    system: System,
) -> None:
    application, _invoice = one_on_an_invoice(system)
    stored = system.stored(application)
    assert stored.invoice is not None
    due = day_when(stored.invoice.due_at, "Europe/London")

    warned = late_invoice_warned(system, _moved_to(system, 60), _moved_to(system, 10))

    assert warned.startswith(LATE)
    assert f"{stored.reference_or_id} (due {due})" in warned


def test_the_consoles_save_says_it(system: System, browser: ConsoleBrowser) -> None:
    application, _invoice = one_on_an_invoice(system)
    reference = system.stored(application).reference_or_id
    first = (system.now() + timedelta(days=10)).date().isoformat()
    fields = {**stored_course_fields(system, INVOICED), "session-0-date": first}

    said = course_saved_said(browser, fields)

    assert "Course saved." in said
    assert LATE in said
    assert reference in said


def test_an_invoice_the_employer_is_paying_by_debit_is_not_said_to_be_unpaid(
    system: System,
) -> None:
    """The employer paid by a bank debit the bank is still confirming: the warning says so,
    and never asks the organiser to chase the employer for the money or void the invoice
    (its void is refused while the debit is confirmed)."""
    application, invoice = one_on_an_invoice(system)
    assert system.debit_invoice(invoice).status == 200
    reference = system.stored(application).reference_or_id

    warned = late_invoice_warned(system, _moved_to(system, 60), _moved_to(system, 10))

    assert reference in warned
    assert "being paid by a bank debit the bank is still confirming" in warned, warned
    assert "ask the employer to pay" not in warned
    assert "void the invoice" not in warned
