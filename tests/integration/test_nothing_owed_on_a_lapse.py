"""Nothing is left to pay on a payment that lapsed and cannot be started again, in every view
(the person's page once said nothing was owed, while ``/admin``, its roster and the
CLI said "left to pay £200.00" of a lapsed offer): one rule, ``domain.covered.left_to_pay_now``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from tests.support.applications import session_id_of
from tests.support.cli import at_the_terminal
from tests.support.console import signed_in
from tests.support.offers import first_offered, seat_offered
from tests.support.page_text import text_of
from tests.support.system import System

NOT_KEPT = "Nothing: the place was not kept"


def _owed(system: System, application: dict[str, Any]) -> dict[str, int | str]:
    """What each JSON view says is left to pay on ``application``, and the roster's CSV in
    words."""
    app_id = application["application_id"]
    reference = system.stored(app_id).reference_or_id
    browser = signed_in(system)
    csv_body = browser.get("/console/courses/small/roster.csv").body.lstrip("\ufeff")
    [csv_row] = [r for r in csv.DictReader(io.StringIO(csv_body)) if r["Reference"] == reference]
    [row] = [
        r
        for r in system.admin("GET", "/courses/small/applications").json()
        if r["application_id"] == app_id
    ]
    return {
        "json": system.status_of(application)["left_to_pay"],
        "roster": row["left_to_pay"],
        "record": system.admin("GET", f"/applications/{app_id}").json()["left_to_pay"],
        "csv": csv_row["Left to pay"],
    }


def test_a_lapsed_offer_owes_nothing_in_every_view(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    first = seat_offered(system)
    assert system.status_of(first)["status"] == "offered"
    everywhere = {"json": 20000, "roster": 20000, "record": 20000, "csv": "£200.00"}
    assert _owed(system, first) == everywhere  # offered: the price is to pay
    system.clock_offset += timedelta(hours=49)  # past its deadline; no sweep yet
    assert system.stored(first).status.value == "offered"
    assert _owed(system, first) == {"json": 0, "roster": 0, "record": 0, "csv": NOT_KEPT}
    code, out = run("application", first["reference"])
    assert code == 0, out
    assert "Status: Offer not taken up (it lapsed unpaid)" in out
    assert "left to pay nothing (the offer lapsed)" in out
    assert "£200.00, paid" not in out
    assert "Left to pay" not in system.status_page(first)


def test_a_checkout_lapsed_while_applications_are_open_still_owes_the_price(
    system: System,
) -> None:
    """A checkout that expired while the course takes applications may be started again, so
    its price is what the views give (the rule takes nothing off a payment that can still be
    made); the roster's CSV says in words that nothing is owed, the place not kept, and what
    starting again would take, as the person's page does."""
    system.small_course()
    holder = system.apply(course_id="small").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(holder)["status"] == "expired"
    again = f"{NOT_KEPT} (£200.00 if they start payment again)"
    assert _owed(system, holder) == {"json": 20000, "roster": 20000, "record": 20000, "csv": again}


def test_the_console_page_of_a_lapsed_offer_with_a_bursary_says_nothing_is_left(
    system: System,
) -> None:
    """The console's *Left to pay* (shown beside a bursary) by the same rule: it said £150.00
    of an offer read as lapsed."""
    first = seat_offered(system)
    assert system.grant_bursary(first, 5000).status == 200
    page = f"/console/applications/{first['application_id']}"
    assert "Left to pay £150.00" in text_of(signed_in(system).get(page).body)
    system.clock_offset += timedelta(hours=49)  # past its deadline; no sweep yet
    said = text_of(signed_in(system).get(page).body)
    assert "Left to pay Nothing: the booking ended (payment not completed)" in said
    assert "Left to pay £150.00" not in said


def test_a_lapsed_offer_whose_seat_went_on_owes_nothing_after_the_sweep_too(
    system: System,
) -> None:
    """The sweep ends the lapsed offer and offers its seat to the next person
    waiting. What is owed does not flip to the price then, and the person's page offers no
    payment the checkout would refuse: one rule (``domain.covered.payment_refusal``) for the
    views, the page and the checkout."""
    first, second = first_offered(system)
    system.clock_offset += timedelta(hours=49)  # past its deadline
    nothing = {"json": 0, "roster": 0, "record": 0, "csv": NOT_KEPT}
    assert _owed(system, first) == nothing  # before the sweep

    system.scheduled_run(system.now())

    assert system.stored(first).status.value == "expired"
    assert system.status_of(second)["status"] == "offered"  # the seat went on
    assert _owed(system, first) == nothing  # and after it
    assert "Start payment again" not in system.status_page(first)
    path = f"/applications/{first['application_id']}/checkout?token={first['token']}"
    system.api("POST", path).refused(409, "offer_lapsed")
