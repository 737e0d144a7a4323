"""The *Money* page's *Payments received* says the day of each payment taken at Stripe: an
invoice paid at Stripe (its ``status_transitions.paid_at``) and a group's payment, by invoice
or at its Checkout (its completed event's moment), recorded once when Stripe's event is
applied; the page read days later still says the day it was paid, never "Not recorded" (which
only a record made before the day was kept still says). Through the real handlers, moto and
the Stripe stand-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import ConsoleBrowser
from tests.support.groups import paid_by_card, paid_group
from tests.support.invoiced import INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def _today(system: System) -> date:
    return system.now().astimezone(ZoneInfo("Europe/London")).date()


def _said(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _rows(page: str) -> list[str]:
    """The *Payments received* table's rows, each as its words."""
    table = page.split("Each payment received, newest first", 1)[1].split("</table>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def _dan_paid_by_invoice(system: System, capacity: int) -> dict[str, Any]:
    """Dan Brown booked by invoice on :data:`INVOICED` (of ``capacity`` places), his invoice
    paid at Stripe: his application's answer."""
    invoiced_cohort(system, capacity=capacity)
    dan = applied_by_invoice(system, name="Dan Brown", email="dan@example.org")
    assert system.stripe_local("POST", f"/invoices/{invoice_id_of(dan)}/pay").status == 200
    return dan


def test_an_invoice_paid_at_stripe_is_listed_on_the_day_it_was_paid(
    system: System, browser: ConsoleBrowser
) -> None:
    _dan_paid_by_invoice(system, capacity=3)
    paid_on = _today(system)
    system.clock_offset += timedelta(days=3)
    browser.sign_in()

    rows = _rows(browser.get(f"/console/courses/{INVOICED}/money").body)

    assert rows == [f"{_said(paid_on)} Invoice, paid through Stripe - £200.00 Dan Brown"]


def _group_paid_by_invoice(system: System) -> str:
    """Riverside Health's group, paid by invoice at Stripe: its course's id."""
    paid_group(invoiced_cohort(system), organisation="Riverside Health")
    return INVOICED


def _group_paid_by_card(system: System) -> str:
    """Hilltop Care's group, paid by card at its Checkout: its course's id."""
    paid_by_card(system, organisation="Hilltop Care")
    return COURSE_ID


@pytest.mark.parametrize(
    ("pay", "how", "organisation"),
    [
        (_group_paid_by_invoice, "Invoice, paid through Stripe", "Riverside Health"),
        (_group_paid_by_card, "Card, through Stripe", "Hilltop Care"),
    ],
    ids=["invoice", "card"],
)
def test_a_groups_payment_at_stripe_is_listed_on_the_day_it_was_paid(
    system: System,
    browser: ConsoleBrowser,
    pay: Callable[[System], str],
    how: str,
    organisation: str,
) -> None:
    course_id = pay(system)
    paid_on = _today(system)
    system.clock_offset += timedelta(days=2)
    browser.sign_in()

    [row] = _rows(browser.get(f"/console/courses/{course_id}/money").body)

    assert row.startswith(f"{_said(paid_on)} {how} - £"), row
    assert row.endswith(f"Group booking: {organisation}")


def test_payments_recorded_before_their_day_was_kept_still_say_not_recorded(
    system: System, browser: ConsoleBrowser
) -> None:
    dan = _dan_paid_by_invoice(system, capacity=4)
    group = paid_group(system, organisation="Riverside Health")
    stored, kept = system.stored(dan), system.stored_group(group)
    assert stored.invoice is not None
    assert stored.invoice.paid_at is not None
    assert kept.paid_at is not None
    # As records stored before the day was kept hold them: no day.
    old_invoice = stored.invoice.model_copy(update={"paid_at": None})
    system.ports.repository.save(stored.model_copy(update={"invoice": old_invoice}), stored)
    system.ports.groups.save_group(kept.model_copy(update={"paid_at": None}), kept)

    rows = _rows(browser.get(f"/console/courses/{INVOICED}/money").body)

    assert "Not recorded Invoice, paid through Stripe - £200.00 Dan Brown" in rows
    [of_group] = [row for row in rows if row.endswith("Group booking: Riverside Health")]
    assert of_group.startswith("Not recorded Invoice, paid through Stripe - £")
