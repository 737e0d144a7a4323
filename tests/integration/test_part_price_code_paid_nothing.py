"""A booking with a code that took off part of the price, cancelled before it was paid: it
paid nothing and the code did not cover the price, so no view says "paid by discount code",
and the console does not say "Left to pay: Nothing" as if it were settled.
A code that covers the whole price is still said to have paid. Through the real handlers, moto
and the Stripe stand-in."""

from __future__ import annotations

import csv
import io
from typing import Any

from booking.domain.covered import paid_for_them
from tests.support.console import signed_in
from tests.support.system import COURSE_ID, System


def _code(system: System, code: str, **off: int) -> None:
    made = system.admin(
        "POST", f"/courses/{COURSE_ID}/discount-codes", json_body={"code": code, **off}
    )
    assert made.status == 201, made.body


def _roster_row(system: System, application_id: str) -> dict[str, Any]:
    rows = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    return dict(next(r for r in rows if r["application_id"] == application_id))


def test_a_part_price_code_cancelled_unpaid_paid_nothing(system: System) -> None:
    _code(system, "QUARTER", amount_off=5000)
    applied = system.apply(discount_code="QUARTER").json()
    cancelled = system.cancel(applied["application_id"], refund=False)
    assert cancelled.status == 200, cancelled.body
    row = _roster_row(system, applied["application_id"])
    assert row["amount_paid"] == 0
    assert paid_for_them(row) == ""
    browser = signed_in(system)
    roster = browser.get(f"/console/courses/{COURSE_ID}/roster.csv").body.lstrip("\ufeff")
    [line] = list(csv.DictReader(io.StringIO(roster)))
    # Nothing paid, nothing owed: no way of paying is named, not "Card".
    assert line["Paid by"] == ""
    words = browser.words(f"/console/applications/{applied['application_id']}")
    assert "Paid by discount code" not in words
    assert "Left to pay Nothing: the booking ended (cancelled)" in words


def test_a_code_covering_the_price_is_said_to_have_paid(system: System) -> None:
    _code(system, "ALL", percent_off=100)
    applied = system.apply(discount_code="ALL").json()
    assert applied["status"] == "confirmed"
    assert paid_for_them(_roster_row(system, applied["application_id"])) == (
        "Paid by discount code"
    )
