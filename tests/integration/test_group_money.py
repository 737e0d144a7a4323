"""A course's money counts its managers' group bookings, in every view an organiser reads (the
``/admin`` totals, the console's money page, the roster and an application's page), and what
they say is what the Stripe stand-in captured and refunded: through the real handlers, moto and
the stand-in."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.support.console import ConsoleBrowser
from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    apply_through,
    book,
    give_up,
    given_up_over_a_payment,
    manager_view,
    pay_invoice,
)
from tests.support.held_events import events_held
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.stripe_events import refunds_told_again_hours_later, stripe_moved
from tests.support.system import COURSE_ID, System

ORGANISATION = "St Elsewhere NHS Trust"  # what book() says the manager booked for
PAID_BY_GROUP = f"Paid by the group booking ({ORGANISATION})"


def test_a_card_group_with_a_place_given_up_is_in_the_course_money_as_stripe_moved_it(
    system: System, browser: ConsoleBrowser
) -> None:
    single = system.apply(email="single@example.org")
    assert system.pay(single.json()["checkout_url"]).status == 200
    booked = book(system, course=COURSE_ID)
    assert booked.status == 201, booked.body
    group = booked.json()
    assert system.pay(group["pay_url"]).status == 200
    places = manager_view(system, group)["places"]
    colleague = apply_through(system, places[0]["apply_url"], **COLLEAGUES[0])
    assert colleague.status == 201, colleague.body
    given_up = give_up(system, group, 3)
    assert given_up.status == 200, given_up.body
    assert all(reply.status == 200 for reply in system.webhook_replies)

    taken, back = stripe_moved(
        system,
        single.json()["application_id"],
        colleague.json()["application_id"],
        group["group_id"],
    )
    assert (taken, back) == (80000, 20000)  # the single place and the group's three; one back
    money = system.totals(COURSE_ID)
    assert (money["paid"], money["refunded"], money["net"]) == (taken, back, taken - back)
    assert money["group_places"] == 2  # the place given up is no longer booked
    assert money["confirmed"] == 2  # the single booking and the colleague who applied
    assert (money["price"], money["due"], money["invoiced_unpaid"]) == (60000, 60000, 0)
    assert money["discounts"] == 0  # a colleague's place is paid by the group, not discounted

    said = browser.words(f"/console/courses/{COURSE_ID}/money")
    for figure in (
        "Paid in £800.00",
        "Refunded £200.00",
        "Net (paid in less refunded) £600.00",
        "Places booked, at their price £600.00",
        "2 places booked by managers for their colleagues",
        f"Group booking: 2 of 3 places kept ({ORGANISATION}) Paid £400.00 £600.00 £200.00 -",
        PAID_BY_GROUP,
        # The colleague's own row: its money is the group's line, so only that is said.
        f"- - - - {PAID_BY_GROUP} - -",
    ):
        assert figure in said, figure

    application_page = browser.get(f"/console/applications/{colleague.json()['application_id']}")
    assert f"Paid {PAID_BY_GROUP}" in text_of(application_page.body)
    course_page = browser.words(f"/console/courses/{COURSE_ID}")
    assert PAID_BY_GROUP in course_page

    rows = {
        row["application_id"]: row
        for row in system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    }
    row = rows[colleague.json()["application_id"]]
    assert (row["group_id"], row["paid_by_group"]) == (group["group_id"], PAID_BY_GROUP)
    assert rows[single.json()["application_id"]]["paid_by_group"] == ""
    exported = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=csv").body
    table = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    by_reference = {r["Reference"]: r for r in table}
    assert by_reference[colleague.json()["reference"]]["Paid by"] == PAID_BY_GROUP
    assert by_reference[single.json()["reference"]]["Paid by"] == "Card"


def test_an_unpaid_group_invoice_is_invoiced_and_unpaid_until_it_is_paid(
    system: System, browser: ConsoleBrowser
) -> None:
    invoiced_cohort(system, po_required=True, capacity=5)
    booked = book(system, **BILLING)
    assert booked.status == 201, booked.body
    group = booked.json()

    money = system.totals(INVOICED)
    assert (money["invoiced_unpaid"], money["paid"], money["refunded"]) == (60000, 0, 0)
    assert (money["group_places"], money["price"], money["due"]) == (3, 60000, 60000)
    said = browser.words(f"/console/courses/{INVOICED}/money")
    assert "Invoiced, not yet paid £600.00" in said
    assert re.search(
        rf"Group booking: 3 places \({ORGANISATION}\) Invoice open £600.00 - - £600.00", said
    )

    pay_invoice(system, group)
    money = system.totals(INVOICED)
    assert (money["invoiced_unpaid"], money["paid"]) == (0, 60000)
    assert (money["paid"], money["refunded"]) == stripe_moved(system, group["group_id"])


@pytest.mark.parametrize("amount", ["its_own_total", "a_wrong_amount"])
def test_a_signed_event_with_another_groups_payment_neither_pays_nor_refunds(
    system: System, amount: str
) -> None:
    """Group X paid; a signed checkout.session.completed for group Y's real session carrying
    X's payment: Y is not paid with X's money, and X's payment is not refunded."""
    x = book(system, course=COURSE_ID).json()
    caused = events_held(system, lambda: system.pay(x["pay_url"]))
    [body] = [b for b, _ in caused if b"checkout.session.completed" in b]
    delivered = system.signed_webhook(body)
    assert delivered.status == 200, delivered.body
    assert manager_view(system, x)["status"] == "paid"
    y = book(system, course=COURSE_ID, colleagues=OTHERS).json()
    y_session = str(y["pay_url"]).rsplit("/", 1)[-1]
    event = json.loads(body)
    event["id"] = "evt_forged_crossed_payment"
    event["data"]["object"]["id"] = y_session
    event["data"]["object"]["client_reference_id"] = y["group_id"]
    event["data"]["object"]["metadata"]["application_id"] = y["group_id"]
    if amount == "its_own_total":
        event["data"]["object"]["amount_total"] = y["total"]["amount"]
    forged = json.dumps(event).encode()
    reply = system.signed_webhook(forged)
    assert reply.status == 200, reply.body  # acknowledged, and believed for nobody
    assert manager_view(system, y)["status"] == "awaiting_payment"
    assert manager_view(system, x)["status"] == "paid"
    assert stripe_moved(system, x["group_id"]) == (60000, 0)
    assert not [e for e in system.standin.events() if e["type"] == "charge.refunded"]


def test_the_refund_of_a_payment_on_a_replaced_checkout_is_acknowledged_as_the_groups(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old checkout is paid while a place is given up: the group gives that payment back
    whole, and Stripe's events about the refund it made are the group's (200, no anomaly),
    also when they come again hours later."""
    group = book(system, course=COURSE_ID).json()
    # The old session, paid in the race.
    late_payment = events_held(system, lambda: system.pay(str(group["pay_url"])))
    given_up = given_up_over_a_payment(system, group, 3, monkeypatch)
    assert given_up.status == 200, given_up.body
    for body, headers in late_payment:
        assert system.webhook(body, headers).status == 200
    assert stripe_moved(system, group["group_id"]) == (60000, 60000)  # given back whole
    refunds_told_again_hours_later(system)
    assert [a.kind for a in system.ports.repository.anomalies()] == []
    assert manager_view(system, group)["status"] == "awaiting_payment"
