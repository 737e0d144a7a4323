"""An application that ended is not live for money: a bursary, full or part,
on an offer its person turned down is refused in words naming the ending (409 ``not_fundable``),
nothing written and nobody emailed, through the API, the console (which offers no form for it)
and a grant whose read came before the turning-down; an offer that lapsed with its seat gone on
is refused alike. An application still live (a checkout left unpaid) is funded as before. The
approval's refusal names it as the console does. Through the real handlers and moto."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.errors import Conflict
from booking.domain.organiser_money_acts import BursaryGranted
from booking.domain.page_seen import Seen
from booking.services.lifecycle import sweep
from booking.services.settle import settle_money
from tests.support.applications import session_id_of
from tests.support.console import signed_in
from tests.support.offers import first_offered
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

TURNED_DOWN = "a bursary cannot be given to an application that is “Offer turned down”"


def _turned_down(system: System) -> tuple[Any, Any]:
    first, second = first_offered(system)
    path = f"/applications/{first['application_id']}/decline-offer?token={first['token']}"
    assert system.api("POST", path).status == 200
    system.deliver_emails()
    return first, second


def test_a_full_bursary_on_a_turned_down_offer_books_nobody(system: System) -> None:
    first, second = _turned_down(system)
    version = system.stored(first).version

    said = system.bursary_refused(first, 20000, "not_fundable")

    assert TURNED_DOWN in said
    assert "nothing was changed and nobody was emailed" in said
    stored = system.stored(first)
    assert (stored.status.value, stored.status_reason) == ("expired", "offer_declined")
    assert stored.version == version
    assert system.status_of(second)["status"] == "offered"  # the place went on, and stays


def test_a_part_bursary_on_a_turned_down_offer_tells_nobody_to_pay(system: System) -> None:
    first, _ = _turned_down(system)

    said = system.bursary_refused(first, 5000, "not_fundable")

    assert TURNED_DOWN in said


def test_a_grant_read_before_the_turning_down_is_refused_by_its_decision(system: System) -> None:
    first, second = first_offered(system)
    read_before = system.stored(first)  # the bursary's read, then the person turns it down
    path = f"/applications/{first['application_id']}/decline-offer?token={first['token']}"
    assert system.api("POST", path).status == 200
    system.deliver_emails()

    with pytest.raises(Conflict) as refused:
        settle_money(
            system.ports,
            first["application_id"],
            BursaryGranted(20000, seen=Seen().or_fact("bursary", "0")),
            first=read_before,
        )

    assert refused.value.code == "not_fundable"
    assert TURNED_DOWN in str(refused.value)
    assert system.stored(first).status.value == "expired"
    assert system.deliver_emails() == []
    assert system.status_of(second)["status"] == "offered"


def test_the_console_offers_no_bursary_on_a_turned_down_offer(system: System) -> None:
    first, _ = _turned_down(system)
    browser = signed_in(system)
    path = f"/console/applications/{first['application_id']}"

    page = browser.get(path).body
    assert f'action="{path}/bursary"' not in page
    assert "Grant a bursary" not in text_of(page)
    # Its timeline names the turning-down's email as what it said (not "Payment not completed").
    assert "Email sent to the applicant: Offer turned down" in text_of(page)
    # Pressed anyway (a crafted post, with the application's seen as it stands, as /admin
    # gives it): refused for what the offer is, not granted.
    seen = system.admin("GET", f"/applications/{first['application_id']}").json()["seen"]
    refused = browser.act(f"{path}/bursary", seen=seen, amount="200.00")

    assert refused.status == 409, refused.body
    assert TURNED_DOWN[2:] in text_of(refused.body)  # its first letter capitalised
    assert system.stored(first).status.value == "expired"
    assert system.deliver_emails() == []


def test_an_approval_names_a_turned_down_offer_as_the_console_does(system: System) -> None:
    first, _ = _turned_down(system)

    error = system.admin("POST", f"/applications/{first['application_id']}/approve")

    message = error.refused(409, "not_pending_review")["message"]
    assert "this one is “Offer turned down”" in message


def test_a_lapsed_offer_whose_seat_went_on_is_not_funded(system: System) -> None:
    first, second = first_offered(system)
    system.clock_offset += timedelta(hours=49)
    sweep(system.ports, system.now())
    assert system.status_of(second)["status"] == "offered"  # the seat went on
    system.deliver_emails()

    said = system.bursary_refused(first, 5000, "not_fundable")

    assert "“Offer not taken up (it lapsed unpaid)”" in said


def test_a_checkout_left_unpaid_is_still_funded(system: System) -> None:
    definition = system.one_session_file(programme="compassionate-leadership")
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    applied = system.apply(course_id="small").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(applied)}/expire")
    assert system.stored(applied).status.value == "expired"

    granted = system.grant_bursary(applied, 5000)

    assert granted.status == 200, granted.body
    assert system.stored(applied).bursary == 5000


def test_an_erased_persons_lapsed_payment_is_not_funded(system: System) -> None:
    definition = system.one_session_file(programme="compassionate-leadership")
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    applied = system.apply(course_id="small", email="gone@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(applied)}/expire")
    assert system.admin("DELETE", "/people/gone@example.org").status == 200
    system.deliver_emails()

    said = system.bursary_refused(applied, 20000, "not_fundable")

    assert "“Cancelled (personal data erased)”" in said  # erasure withdrew it


def test_a_move_of_a_turned_down_offer_names_it_ended(system: System) -> None:
    first, _ = _turned_down(system)
    path = f"/applications/{first['application_id']}/transfer"

    reply = system.admin(
        "POST", path, json_body={"to_course_id": COURSE_ID, "course_seen": "small"}
    )

    message = reply.refused(409, "not_transferable")["message"]
    assert "this one is “Offer turned down” (it has ended" in message
    assert system.stored(first).course_id == "small"
