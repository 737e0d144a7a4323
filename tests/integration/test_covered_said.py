"""A place a discount code and a bursary bring to nothing, said as it was
through the handlers, moto and the Stripe stand-in: the confirmation names both with their
amounts, the console and the CSV say what covered the price, and the timeline says the bursary
before the confirmation it caused."""

from __future__ import annotations

import csv
import io

from tests.support.console import signed_in
from tests.support.system import COURSE_ID, System

CODES = f"/console/courses/{COURSE_ID}/discount-codes"
SAID = "the discount code NHS50 (£50.00 off) and a bursary of £150.00"


def test_a_code_and_a_bursary_that_leave_nothing_are_both_said_with_their_amounts(
    system: System,
) -> None:
    browser = signed_in(system)
    made = browser.post(CODES, csrf_token=browser.csrf(CODES), code="NHS50", amount_off="£50")
    assert made.status == 303, made.body
    applied = system.apply(discount_code="nhs50")
    assert applied.status == 201, applied.body
    path = f"/console/applications/{applied.json()['application_id']}"
    system.deliver_emails()

    assert browser.press(path, f"{path}/bursary", amount="150.00").status == 303

    [confirmed] = [m for m in system.deliver_emails() if "confirmed" in m.subject]
    text = " ".join(confirmed.text.split())
    assert f"With {SAID}, there is nothing for you to pay." in text
    assert "With your discount code" not in text
    words = browser.words(path)
    assert f"Confirmed (nothing left to pay: {SAID})" in words
    assert "a discount code, or a code and a bursary" not in words
    # Cause before effect: the bursary, then the confirmation it brought.
    granted = words.index("Bursary granted: £150.00 of the price")
    assert granted < words.index("Awaiting payment → Confirmed")
    reply = browser.get(f"/console/courses/{COURSE_ID}/roster.csv")
    [row] = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert row["Status"] == f"Confirmed (nothing left to pay: {SAID})"
