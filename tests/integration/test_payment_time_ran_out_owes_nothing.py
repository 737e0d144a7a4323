"""An application whose payment time ran out (its checkout expired, the place it held given
back) owes nothing: the console's roster said "Left to pay £200.00" of it, as if that were
owed. It says, as the person's status page does, that the place was not kept and what starting
payment again would take. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import csv
import io

from tests.support.applications import session_id_of
from tests.support.console import ConsoleBrowser
from tests.support.system import COURSE_ID, System


def test_the_roster_says_nothing_is_owed_and_the_place_was_not_kept(
    system: System, browser: ConsoleBrowser
) -> None:
    applied = system.apply().json()
    system.stripe_local("POST", f"/checkout/{session_id_of(applied)}/expire")
    assert system.status_of(applied)["status"] == "expired"

    body = browser.get(f"/console/courses/{COURSE_ID}/roster.csv").body
    [row] = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))

    assert row["Left to pay"] == (
        "Nothing: the place was not kept (£200.00 if they start payment again)"
    )
    assert row["Paid"] == "£0.00"
