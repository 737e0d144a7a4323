"""An invoiced booking's console page says its place is held to the end of the invoice's due
day, the day the invoice line gives: "until Thursday 7 January 2027 at 00:00 GMT" beside "falls
due on Wednesday 6 January 2027" read as a day longer than the invoice allows."""

from __future__ import annotations

import re

from tests.support.console import signed_in
from tests.support.invoiced import applied_by_invoice, invoiced_cohort
from tests.support.system import System


def test_the_place_held_is_said_to_the_end_of_the_invoices_due_day(system: System) -> None:
    invoiced = invoiced_cohort(system)
    application = applied_by_invoice(invoiced)

    words = signed_in(invoiced).words(f"/console/applications/{application['application_id']}")

    due = re.search(r"falls due on (\w+ \d+ \w+ \d{4})", words)
    assert due is not None, words
    assert f"Place held until the end of {due.group(1)} (midnight " in words, words
    assert "at 00:00" not in words
