"""People on the waiting list owe nothing until a place is offered: the roster
CSV said "Paid by Card" and "Left to pay £200.00" of them, so a treasurer adding up the column
counted money nobody owes. Their rows show nothing paid by anyone and nothing owed (one rule,
``domain.covered.owed_now``, for the CSV, the JSON roster and the record), and say their place
in the line, as the console's list and the application's page do."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.support.applications import session_id_of
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.page_text import text_of
from tests.support.system import System


def _full_with_two_waiting(system: System) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one-place "small" course booked and paid by its holder, two people waiting."""
    system.small_course()
    holder: dict[str, Any] = system.booked(course_id="small")
    waiting = [
        system.apply(course_id="small", email=f"wait{n}@example.org", name=f"Wendy Wait {n}").json()
        for n in (1, 2)
    ]
    assert [system.status_of(w)["status"] for w in waiting] == ["waitlisted", "waitlisted"]
    return holder, waiting


def _csv_rows(browser: ConsoleBrowser) -> dict[str, dict[str, str]]:
    body = browser.get("/console/courses/small/roster.csv").body.lstrip("\ufeff")
    return {row["Reference"]: row for row in csv.DictReader(io.StringIO(body))}


def test_the_waiting_list_owes_nothing_on_the_roster_and_says_its_place(system: System) -> None:
    holder, waiting = _full_with_two_waiting(system)
    rows = _csv_rows(signed_in(system))

    paid = rows[holder["reference"]]
    assert (paid["Paid by"], paid["Left to pay"], paid["Paid"]) == ("Card", "£0.00", "£200.00")
    assert paid["Place on the waiting list"] == ""
    for place, application in enumerate(waiting, 1):
        row = rows[application["reference"]]
        assert row["Status"] == "On the waiting list"
        assert (row["Paid by"], row["Left to pay"], row["Paid"]) == (
            "",
            "Nothing yet (until a place is offered)",
            "£0.00",
        )
        assert row["Place on the waiting list"] == str(place)
    listed = system.admin("GET", "/courses/small/applications").json()
    owed = {row["reference"]: row["left_to_pay"] for row in listed}
    assert owed == {holder["reference"]: 0, **{w["reference"]: 0 for w in waiting}}
    # The person's own answer still says what a place would cost them.
    assert system.status_of(waiting[0])["left_to_pay"] == 20000


def test_an_offer_owes_the_price_again(system: System) -> None:
    """Offered a place, the first waiting owes its price and pays by card; the second is
    now first in line."""
    system.small_course()
    holder: dict[str, Any] = system.apply(course_id="small").json()
    first = system.apply(course_id="small", email="first@example.org").json()
    second = system.apply(course_id="small", email="second@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(first)["status"] == "offered"
    rows = _csv_rows(signed_in(system))
    offered = rows[first["reference"]]
    assert (offered["Paid by"], offered["Left to pay"]) == ("Card", "£200.00")
    assert offered["Place on the waiting list"] == ""
    assert rows[second["reference"]]["Place on the waiting list"] == "1"


def test_the_console_says_each_place_in_the_line(system: System) -> None:
    _, waiting = _full_with_two_waiting(system)
    browser = signed_in(system)
    listed = text_of(browser.get("/console/courses/small").body)
    assert "On the waiting list (number 1)" in listed
    assert "On the waiting list (number 2)" in listed
    page = text_of(browser.get(f"/console/applications/{waiting[1]['application_id']}").body)
    assert "Number 2 on the waiting list" in page


def test_nothing_asked_yet_reads_so_on_the_roster_and_the_console_page_alike(
    system: System,
) -> None:
    """An application awaiting review, given part of its price as a bursary, owes nothing
    until it is approved: the CSV said "Left to pay £0.00" (as if it were settled) and its
    console page "£150.00" (as if it were asked); both now say what the command line says."""
    course = system.approval_course()
    application = system.apply(course_id=course, email="ida@example.org").json()
    assert system.grant_bursary(application, 5000).status == 200
    browser = signed_in(system)
    body = browser.get(f"/console/courses/{course}/roster.csv").body.lstrip("\ufeff")
    [row] = [r for r in csv.DictReader(io.StringIO(body))]
    said = "Nothing yet (until the application is approved)"
    assert (row["Status"], row["Left to pay"]) == ("Awaiting review", said)
    page = browser.words(f"/console/applications/{application['application_id']}")
    assert f"Price to pay £150.00 Left to pay {said}" in page
    record = browser.words("/console/people/record?email=ida%40example.org")
    assert f"Price to pay £150.00 Left to pay {said}" in record
