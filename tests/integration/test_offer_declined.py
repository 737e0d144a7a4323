"""A person offered a place can turn it down: the place goes back by the path a
lapsed offer's takes and on at once to the next in line, said in words; a second press says it
was turned down already; a lapsed or taken-up offer is refused in words."""

from __future__ import annotations

import threading
from datetime import timedelta
from html import unescape
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from tests.support.applications import session_id_of
from tests.support.offers import first_offered, offer_taken_up
from tests.support.system import System


def _decline(system: System, application: Any, *, browser: bool = False) -> Any:
    path = f"/applications/{application['application_id']}/decline-offer"
    headers = {"accept": "text/html"} if browser else None
    return system.api("POST", f"{path}?token={application['token']}", headers=headers)


def test_turning_down_an_offer_passes_the_place_on_at_once(system: System) -> None:
    first, second = first_offered(system)
    system.deliver_emails()
    offer_email = next(
        e for e in system.sent if "first@example.org" in e.to and "available" in e.subject
    )
    assert "Turn down this place" in offer_email.text
    page = unescape(system.status_page(first))
    assert "Turn down this place" in page
    assert f"/applications/{first['application_id']}/decline-offer?token=" in page

    reply = _decline(system, first)
    assert reply.status == 200, reply.body
    answer = reply.json()
    assert answer["already_declined"] is False
    assert answer["status"] == "expired"
    assert "turned down the place" in answer["message"]
    # At once, with no sweep run: the next in line has the place.
    assert system.status_of(second)["status"] == "offered"
    stored = system.stored(first)
    assert stored.status_reason == "offer_declined"
    assert not stored.seat_held
    told = [e for e in system.deliver_emails() if "first@example.org" in e.to]
    assert [e.subject.split(":")[0] for e in told] == ["You have turned down your place"]
    assert "gone back to the course for the next person" in told[0].text
    page = unescape(system.status_page(first))
    assert "You turned down the place we offered you" in page
    assert "Turn down this place" not in page
    assert "Start payment again" not in page
    # Taken back by paying is refused in words.
    again = system.restart_checkout(first)
    assert "you turned down the place" in again.refused(409, "offer_declined")["message"]


def test_a_second_press_says_it_was_turned_down_already(system: System) -> None:
    first, second = first_offered(system)
    assert _decline(system, first, browser=True).status == 303
    system.deliver_emails()
    sent_before = len(system.sent)
    version = system.stored(first).version
    reply = _decline(system, first, browser=True)
    assert reply.status == 303
    assert reply.headers["location"].endswith("&offer=already_declined")
    path = reply.headers["location"].split("://", 1)[1].split("/", 1)[1]
    page = unescape(system.api("GET", f"/{path}", headers={"accept": "text/html"}).body)
    assert "You had already turned down this place" in page
    assert _decline(system, first).json()["already_declined"] is True
    assert system.stored(first).version == version  # nothing written
    assert system.deliver_emails() == []
    assert len(system.sent) == sent_before
    assert system.status_of(second)["status"] == "offered"


def test_an_offer_with_a_checkout_open_is_turned_down_and_the_checkout_expired(
    system: System,
) -> None:
    first, second = first_offered(system)
    opened = system.restart_checkout(first)
    assert opened.status == 201
    session = opened.json()["checkout_url"].rsplit("/", 1)[-1]
    assert _decline(system, first).status == 200
    assert system.checkout_session(session)["status"] == "expired"
    assert system.status_of(second)["status"] == "offered"


def test_a_lapsed_offer_cannot_be_turned_down(system: System) -> None:
    first, _ = first_offered(system)
    system.clock_offset += timedelta(hours=49)
    reply = _decline(system, first)
    assert "this offer has lapsed" in reply.refused(409, "offer_lapsed")["message"]
    sweep(system.ports, system.now())
    _decline(system, first).refused(409, "offer_lapsed")
    assert system.stored(first).status_reason == "offer_lapsed"


def test_an_offer_taken_up_cannot_be_turned_down(system: System) -> None:
    first, second = offer_taken_up(system)
    error = _decline(system, first).refused(409, "not_offered")
    assert "booked already" in error["message"]
    assert system.status_of(first)["status"] == "confirmed"
    # On the waiting list: nothing to turn down either.
    _decline(system, second).refused(409, "not_offered")
    assert system.status_of(second)["status"] == "waitlisted"
    # A wrong token is no link to anything.
    wrong = {**first, "token": "x" * 20}
    assert _decline(system, wrong).status == 404


def test_a_turned_down_offer_gives_its_discount_code_use_back(system: System) -> None:
    """A turned-down offer can never be paid (409 ``offer_declined``), so the use of the code it
    gave goes back at once, not after the 90 days' retention: the next person
    can give a one-use code."""
    definition = system.one_session_file(offer_valid_hours=48)
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    system.made_code("small", code="ONCE", percent_off=50, max_uses=1)
    holder = system.apply(course_id="small").json()
    first = system.apply(course_id="small", email="first@example.org", discount_code="once")
    assert first.status == 201, first.body
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    offered = first.json()
    assert system.status_of(offered)["status"] == "offered"
    refused = system.apply(course_id="small", email="third@example.org", discount_code="once")
    assert "used up" in refused.refused(422, "validation_failed")["fields"]["discount_code"]

    assert _decline(system, offered).status == 200

    again = system.apply(course_id="small", email="third@example.org", discount_code="once")
    assert again.status == 201, again.body
    assert again.json()["amount_due"] == 10000


def test_a_decline_racing_the_sweeps_lapse_says_what_was_written(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sweep lapsed the offer while the decline expired its checkout; the
    # decline answered "You have turned down the place" over the lapse and its email.
    first, second = first_offered(system)
    opened = system.restart_checkout(first)
    assert opened.status == 201
    expire = system.ports.payments.expire_checkout

    def sweep_meanwhile(session_id: str) -> str:
        answer = expire(session_id)
        # On a thread of its own, as the scheduled sweep runs in a function of its own: never
        # recorded as the api's calls, whose handler is on this thread's stack (the IAM
        # recorded-calls check).
        elsewhere = threading.Thread(
            target=sweep, args=(system.ports, system.now() + timedelta(hours=48, minutes=2))
        )
        elsewhere.start()
        elsewhere.join()
        return answer

    monkeypatch.setattr(system.ports.payments, "expire_checkout", sweep_meanwhile)
    reply = _decline(system, first)
    assert system.stored(first).status_reason == "offer_lapsed"
    assert "this offer has lapsed" in reply.refused(409, "offer_lapsed")["message"]
    assert system.status_of(second)["status"] == "offered"
