"""The *Money* page lists each payment received, to reconcile against the bank (it
listed totals only). A payment received outside Stripe says the day, the way
and the bank's reference recorded when it was marked paid, its amount in pounds and whose it
is (the person's name, linked to their application); a card's says the day Stripe took it and
its amount; newest first, those whose day was not recorded last. Nothing of it is logged.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import ConsoleBrowser
from tests.support.groups import invoiced_group
from tests.support.invoiced import INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System


def _day(system: System) -> date:
    return system.now().astimezone(ZoneInfo("Europe/London")).date()


def _said(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _received(system: System, application: dict[str, Any], **given: str) -> None:
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    done = system.admin("POST", path, json_body=given)
    assert done.status == 200, done.body


def _rows(page: str) -> list[str]:
    """The *Payments received* table's rows, each as its words."""
    table = page.split("Each payment received, newest first", 1)[1].split("</table>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def test_each_payment_is_listed_newest_first_with_its_day_way_reference_and_whose(
    system: System, browser: ConsoleBrowser, caplog: pytest.LogCaptureFixture
) -> None:
    invoiced_cohort(system, capacity=5)
    ada = applied_by_invoice(system, name="Ada Byron", email="ada@example.org")
    first_day = _day(system)
    _received(
        system,
        ada,
        received_on=first_day.isoformat(),
        method="bank_transfer",
        reference="ACME 0042",
    )
    system.clock_offset += timedelta(days=2)
    ben = applied_by_invoice(system, name="Ben Okri", email="ben@example.org")
    _received(system, ben)  # nothing said of it
    cat = system.booked(INVOICED, name="Cat Stevens", email="cat@example.org")
    dan = applied_by_invoice(system, name="Dan Brown", email="dan@example.org")
    assert system.stripe_local("POST", f"/invoices/{invoice_id_of(dan)}/pay").status == 200
    caplog.set_level(logging.INFO)
    browser.sign_in()  # two days on: a new session

    page = browser.get(f"/console/courses/{INVOICED}/money")

    assert page.status == 200
    rows = _rows(page.body)
    card_day = _said(_day(system))
    assert rows[0] in (
        f"{card_day} Card, through Stripe - £200.00 Cat Stevens",
        f"{card_day} Invoice, paid through Stripe - £200.00 Dan Brown",
    ), rows
    assert f"{card_day} Card, through Stripe - £200.00 Cat Stevens" in rows[:2]
    assert f"{_said(first_day)} Outside Stripe: Bank transfer ACME 0042 £200.00 Ada Byron" in rows
    assert "Not recorded Outside Stripe - £200.00 Ben Okri" in rows
    assert rows.index(
        f"{_said(first_day)} Outside Stripe: Bank transfer ACME 0042 £200.00 Ada Byron"
    ) < rows.index("Not recorded Outside Stripe - £200.00 Ben Okri")
    assert len(rows) == 4  # every payment the page's Paid in counts, once
    assert "Paid in £800.00" in text_of(page.body)
    for person in (ada, ben, cat, dan):
        assert f'href="/console/applications/{person["application_id"]}"' in page.body
    assert not [r for r in caplog.records if "ACME" in r.getMessage() or "Ada" in r.getMessage()]


def test_a_course_with_no_payment_says_so(system: System, browser: ConsoleBrowser) -> None:
    invoiced_cohort(system, capacity=2)
    applied_by_invoice(system)  # invoiced, not paid
    said = text_of(browser.get(f"/console/courses/{INVOICED}/money").body)
    assert "Payments received No payment has been received yet." in said


def test_a_groups_payment_received_outside_stripe_is_listed_as_the_groups(
    system: System, browser: ConsoleBrowser
) -> None:
    group = invoiced_group(invoiced_cohort(system), organisation="Riverside Health")
    path = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    given = {"method": "bank_transfer", "reference": "RIVERSIDE RH-210"}
    assert system.admin("POST", path, json_body=given).status == 200

    page = browser.get(f"/console/courses/{INVOICED}/money").body

    [row] = _rows(page)
    assert row.startswith("Not recorded Outside Stripe: Bank transfer RIVERSIDE RH-210 £")
    assert row.endswith("Group booking: Riverside Health")
    link = f'href="/console/courses/{INVOICED}/group-bookings#group-{group["group_id"]}"'
    assert link in page
