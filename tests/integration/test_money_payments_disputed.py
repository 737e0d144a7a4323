"""The *Money* page's *Payments received* says a payment the payer's bank has taken back in a
dispute as such, beside the payment, as it says one given back: an organiser checking the list
against the bank finds why the money is not there (it listed the payment as received, the
withdrawal only in the totals above). A dispute won says nothing more: the money came back.
A person's card payment and a group's. Through the real handlers, moto and the Stripe
stand-in."""

from __future__ import annotations

from typing import Any

from tests.integration.test_disputed_refunds import _disputed
from tests.integration.test_disputes_groups_invoices import _card_group, _checkout_of, _opened
from tests.integration.test_money_payments_listed import _rows
from tests.support.console import ConsoleBrowser
from tests.support.stripe_events import dispute_closed
from tests.support.system import COURSE_ID, System

TAKEN_BACK = "taken back by the payer's bank in a dispute"


def _paid(system: System, name: str, email: str) -> dict[str, Any]:
    reply = system.apply(COURSE_ID, email=email, name=name)
    assert reply.status == 201, reply.body
    application = dict(reply.json())
    assert system.pay(application["checkout_url"]).status == 200
    return application


def test_payments_taken_back_in_a_dispute_are_said_so_beside_the_payment(
    system: System, browser: ConsoleBrowser
) -> None:
    ada = _paid(system, "Ada Byron", "disputed-ada@example.org")
    _paid(system, "Ben Okri", "kept-ben@example.org")
    dispute = _disputed(system, ada)
    group = _card_group(system)
    _opened(system, _checkout_of(group))

    rows = _rows(browser.get(f"/console/courses/{COURSE_ID}/money").body)

    [adas] = [row for row in rows if "Ada Byron" in row]
    assert TAKEN_BACK in adas
    [bens] = [row for row in rows if "Ben Okri" in row]
    assert TAKEN_BACK not in bens
    [groups] = [row for row in rows if "Group booking" in row]
    assert TAKEN_BACK in groups

    dispute_closed(system, dispute["id"], "won")
    rows = _rows(browser.get(f"/console/courses/{COURSE_ID}/money").body)
    [adas] = [row for row in rows if "Ada Byron" in row]
    assert TAKEN_BACK not in adas  # the money came back from the bank
