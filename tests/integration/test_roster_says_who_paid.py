"""Who paid for a place, said one way on every roster (``domain.covered.paid_by_said``): the
CSV's "Paid by" and the CLI's one-line roster name the group booking for a colleague's place
and the bursary or code that covered a place whole, never "paid £0.00" as if it were unpaid."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from booking.domain.covered import funded_by, paid_by_said, paid_for_them
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.groups import colleague_applies, paid_group
from tests.support.invoiced import INVOICED
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

ROW = {"amount_paid": 0, "left_to_pay": 0, "bursary": 0, "discount": 0, "discount_code": ""}


def test_who_paid_is_one_rule() -> None:
    card = {**ROW, "payment_method": "card", "amount_paid": 20000}
    assert paid_by_said(card) == "Card"
    assert paid_by_said({**card, "payment_method": "invoice"}) == "Invoice to the employer"
    both = {**ROW, "payment_method": "card", "bursary": 15000, "discount": 5000}
    assert paid_by_said(both | {"discount_code": "NHS50"}) == "Bursary and discount code"
    assert paid_by_said({**ROW, "payment_method": "card", "bursary": 20000}) == "Bursary"
    code = {**ROW, "payment_method": "card", "discount": 20000, "discount_code": "FREE"}
    assert paid_by_said(code) == "Discount code"
    assert funded_by({**code, "left_to_pay": 100}) == ""  # something is still to pay
    group = {**ROW, "payment_method": "card", "paid_by_group": "Paid by the group booking (X)"}
    assert paid_by_said(group) == "Paid by the group booking (X)"
    assert paid_for_them(group) == "Paid by the group booking (X)"
    assert paid_for_them(both | {"discount_code": "NHS50"}) == "Paid by bursary and discount code"
    assert paid_for_them(card) == ""  # they paid: the amount is said instead


@pytest.mark.usefixtures("invoiced")
def test_the_cli_roster_names_the_group_that_paid(
    system: System, run: Callable[..., tuple[int, str]]
) -> None:
    group = paid_group(system)
    colleague_applies(system, group, 1)
    status, out = run("roster", INVOICED)
    assert status == 0, out
    [line] = [line for line in out.splitlines() if "mary@example.org" in line]
    assert line.endswith("paid by the group booking (St Elsewhere NHS Trust)"), line
    assert "paid £0.00" not in line


def test_a_place_a_bursary_and_a_code_covered_says_so_on_both_rosters(
    system: System, run: Callable[..., tuple[int, str]]
) -> None:
    system.made_code(code="NHS50", amount_off=5000, max_uses=2)
    application = system.apply(discount_code="NHS50").json()
    assert system.grant_bursary(application, 15000).status == 200
    assert system.status_of(application)["status"] == "confirmed"
    status, out = run("roster", COURSE_ID)
    assert status == 0, out
    assert out.strip().endswith("Confirmed  paid by bursary and discount code"), out
    browser: ConsoleBrowser = signed_in(system)
    reply = browser.get(f"/console/courses/{COURSE_ID}/roster.csv")
    [row] = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert row["Paid by"] == "Bursary and discount code"
    # The console's course page and the application's page say it the same way.
    said = "Paid by bursary and discount code"
    assert said in text_of(browser.get(f"/console/courses/{COURSE_ID}").body)
    page = browser.get(f"/console/applications/{application['application_id']}").body
    assert said in text_of(page)
