"""The organisers' view of a course's group bookings: the console's page (linked from the
course's page), ``GET /admin/courses/{id}/group-bookings`` and the CLI's ``group-bookings``,
through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    book,
    colleague_applies,
    give_up,
    paid_group,
    substitute,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import System

PAGE = f"/console/courses/{INVOICED}/group-bookings"


@pytest.fixture
def two_groups(invoiced: System) -> dict[str, Any]:
    """A paid group (one colleague confirmed, one substituted, one place given up) and an
    unpaid one, by invoice, on the same course."""
    system = invoiced
    group = paid_group(system)
    colleague_applies(system, group)
    swapped = substitute(system, group, 2, OTHERS[0])
    assert swapped.status == 200, swapped.body
    assert give_up(system, group, 3).status == 200
    billing = {**BILLING, "po_number": "PO-9"}
    unpaid = book(system, **billing, organisation="Acme Care Ltd", colleagues=[OTHERS[1]])
    assert unpaid.status == 201, unpaid.body
    return {"paid": group, "unpaid": unpaid.json()}


def test_the_organiser_api_lists_each_group_and_place_in_words(
    invoiced: System,
    two_groups: dict[str, Any],
) -> None:
    reply = invoiced.admin("GET", f"/courses/{INVOICED}/group-bookings")
    assert reply.status == 200, reply.body
    found = reply.json()
    first, second = found["groups"]
    assert first["group_id"] == two_groups["paid"]["group_id"]
    assert (first["organisation"], first["manager_name"], first["manager_email"]) == (
        "St Elsewhere NHS Trust",
        "Florence Nightingale",
        "florence@example.org",
    )
    assert first["pays_said"] == "Invoice, PO PO-4471"
    assert first["status_said"] == "Paid"
    assert (first["places_booked"], first["places_kept"], first["places_given_up"]) == (3, 2, 1)
    assert (first["price_said"], first["kept_said"]) == ("£200.00", "£400.00")
    assert (first["paid_said"], first["refunded_said"]) == ("£600.00", "£200.00")
    assert [(p["name"], p["state"]) for p in first["places"]] == [
        ("Mary Seacole", "confirmed"),
        ("Ada Lovelace", "substituted"),
        ("Grace Hopper", "given_up"),
    ]
    assert [p["substitutions_said"] for p in first["places"]] == ["", "1 substitution", ""]
    assert first["places"][0]["reference"]
    assert first["booked_said"].endswith(("GMT", "BST"))
    assert second["organisation"] == "Acme Care Ltd"
    assert second["pays_said"] == "Invoice, PO PO-9"
    assert second["status_said"].startswith("Invoice due by ")
    assert [p["state"] for p in second["places"]] == ["awaiting_payment"]
    assert "pence" not in reply.body
    assert "20000" not in reply.body


def test_the_console_page_says_them_linked_from_the_course(
    invoiced: System,
    two_groups: dict[str, Any],
) -> None:
    browser = ConsoleBrowser(invoiced)
    browser.sign_in()
    course_page = browser.get(f"/console/courses/{INVOICED}")
    assert f'href="{PAGE}"' in course_page.body
    page = browser.get(PAGE)
    assert page.status == 200, page.body
    text = text_of(page.body)
    for said in (
        "St Elsewhere NHS Trust: 3 places",
        "Florence Nightingale ( florence@example.org )",
        "Invoice, PO PO-4471",
        "2 kept, 1 given up, of 3 booked",
        "£200.00 a place; £400.00 for the places kept",
        "Confirmed",
        "Another colleague named: a new link sent, not applied yet (1 substitution)",
        "Given up",
        "Acme Care Ltd: 1 place",
        "Invoice due by",
        "Link sent once the booking is paid",
    ):
        assert said in text, said
    holder = invoiced.ports.groups.place_holder(two_groups["paid"]["group_id"], 1)
    assert f'href="/console/applications/{holder}"' in page.body


def test_an_erased_colleagues_place_in_an_ended_booking_is_said_released_with_it(
    invoiced: System,
) -> None:
    """The billing contact is also colleague 1: their erasure ends the unpaid booking, and
    its places went with it, the console's card saying the same."""
    system = invoiced
    colleague = COLLEAGUES[0]["email"]
    booked = book(system, **{**BILLING, "billing_email": colleague}, colleagues=COLLEAGUES[:2])
    assert booked.status == 201, booked.body
    assert system.admin("DELETE", f"/people/{colleague}").status == 200

    [group] = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]

    assert group["status"] == "lapsed"
    assert [p["state_said"] for p in group["places"]] == [
        "Erased: the person was erased; the place was released with the booking when it ended",
        "Released: the booking ended before it was paid",
    ]
    browser = signed_in(system)
    page = text_of(browser.get(PAGE).body)
    assert "the place was released with the booking when it ended" in page
    assert "until the manager names someone else" not in page


def test_a_course_without_groups_says_so(invoiced: System) -> None:
    browser = ConsoleBrowser(invoiced)
    browser.sign_in()
    page = browser.get(PAGE)
    assert page.status == 200, page.body
    assert "Nobody has booked places on this course for a group yet." in text_of(page.body)
    assert browser.get("/console/courses/no-such-course/group-bookings").status == 404
    assert invoiced.admin("GET", "/courses/no-such-course/group-bookings").status == 404


def test_the_cli_says_the_same(
    run: Any,
    two_groups: dict[str, Any],
) -> None:
    code, out = run("group-bookings", INVOICED)
    assert code == 0, out
    for said in (
        "St Elsewhere NHS Trust: 3 places (Paid)",
        "Manager: Florence Nightingale <florence@example.org>",
        "Pays by: Invoice, PO PO-4471",
        "Places: 2 kept, 1 given up",
        "Paid: £600.00; refunded: £200.00",
        "1. Mary Seacole <mary@example.org>: Confirmed [",
        # The substitutions, as the console says them.
        "2. Ada Lovelace <ada@example.org>: Another colleague named: a new link sent, not "
        "applied yet (1 substitution)",
        "3. Grace Hopper <grace@example.org>: Given up",
        "Acme Care Ltd: 1 place (Invoice due by",
        "In the console: http",
    ):
        assert said in out, said


def test_an_ended_booking_says_its_places_went_with_it(invoiced: System, run: Any) -> None:
    """A booking that ended unpaid (its invoice voided) kept no place: the console and the CLI
    say its places were released with it, as each place's own line does, never "2 kept"."""
    group = book(invoiced, **BILLING, colleagues=COLLEAGUES[:2]).json()
    voided = invoiced.admin("POST", f"/groups/{group['group_id']}/invoice/void")
    assert voided.status == 200, voided.body
    places = "2 released when the booking ended, of 2 booked"
    cost = "£200.00 a place; the booking ended, so nothing is owed for its places"
    code, out = run("group-bookings", INVOICED)
    assert code == 0, out
    assert f"Places: {places}" in out
    assert f"Price: {cost}" in out
    assert "kept" not in out
    browser = signed_in(invoiced)
    said = text_of(browser.get(PAGE).body)
    assert places in said
    assert cost in said
    assert "kept" not in said[said.index("Skip to main content") :]
