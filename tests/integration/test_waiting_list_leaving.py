"""A person waiting for a place, or offered one, leaves the waiting list from their own page
(they could only write to the organisers): a question first, then the
application ends withdrawn by them, a place their offer held goes on at once to the next in
line, an email confirms it (none to the facilitators: nobody in line held a booking); a second
press says it was done already; a booked place is refused in words."""

from __future__ import annotations

from html import unescape
from typing import Any

from tests.support.offers import first_offered, offer_taken_up
from tests.support.system import System

HTML = {"accept": "text/html"}


def _path(application: Any) -> str:
    return f"/applications/{application['application_id']}/leave-waiting-list"


def _leave(system: System, application: Any, *, browser: bool = False) -> Any:
    headers = HTML if browser else None
    return system.api("POST", f"{_path(application)}?token={application['token']}", headers=headers)


def _question(system: System, application: Any) -> Any:
    return system.api("GET", f"{_path(application)}?token={application['token']}", headers=HTML)


def _page_at(system: System, location: str) -> str:
    path = location.split("://", 1)[1].split("/", 1)[1]
    return unescape(system.api("GET", f"/{path}", headers=HTML).body)


def test_a_waiting_person_leaves_after_a_question_and_is_told_by_email(system: System) -> None:
    first, second = first_offered(system)
    [waiting] = [e for e in system.deliver_emails() if "second@example.org" in e.to]
    assert "or leave the waiting list if you no longer want a place" in waiting.text
    page = unescape(system.status_page(second))
    assert "Leave the waiting list" in page
    assert f"{_path(second)}?token=" in page
    # The link asks first: nothing changes on a GET.
    version = system.stored(second).version
    question = _question(system, second)
    assert question.status == 200, question.body
    asked = unescape(question.body)
    assert "<h1>Leave the waiting list?</h1>" in asked
    assert "Yes, leave the waiting list</button>" in asked
    assert "No, stay on the waiting list" in asked
    assert system.stored(second).version == version
    assert system.status_of(second)["status"] == "waitlisted"

    reply = _leave(system, second, browser=True)
    assert reply.status == 303, reply.body
    assert reply.headers["location"].endswith("&left=done")
    stored = system.stored(second)
    assert stored.status.value == "cancelled"
    assert stored.status_reason == "withdrawn_by_applicant"
    page = _page_at(system, reply.headers["location"])
    assert "You have left the waiting list" in page
    assert "Leave the waiting list</a>" not in page
    told = system.deliver_emails()
    assert [e.subject.split(":")[0] for e in told if "second@example.org" in e.to] == [
        "You have left the waiting list"
    ]
    assert not [e for e in told if "facilitator@example.org" in e.to]
    email = next(e for e in told if "second@example.org" in e.to)
    assert "You asked to leave the waiting list" in email.text
    assert "None" not in email.text
    # The place offered to the first is theirs still.
    assert system.status_of(first)["status"] == "offered"


def test_a_second_press_or_a_replay_says_it_was_done_already(system: System) -> None:
    _, second = first_offered(system)
    first_press = _leave(system, second)
    assert first_press.status == 200, first_press.body
    assert first_press.json()["already_left"] is False
    assert first_press.json()["status"] == "cancelled"
    system.deliver_emails()
    version = system.stored(second).version
    again = _leave(system, second)
    assert again.status == 200
    assert again.json()["already_left"] is True
    assert "already left the waiting list" in again.json()["message"]
    browser = _leave(system, second, browser=True)
    assert browser.headers["location"].endswith("&left=already")
    assert "You had already left the waiting list" in _page_at(system, browser.headers["location"])
    assert "You have left the waiting list" in unescape(_question(system, second).body)
    assert system.stored(second).version == version  # nothing written
    assert system.deliver_emails() == []


def test_an_offered_person_leaving_passes_the_place_on_at_once(system: System) -> None:
    first, second = first_offered(system)
    opened = system.restart_checkout(first)
    assert opened.status == 201
    session = opened.json()["checkout_url"].rsplit("/", 1)[-1]
    # Their page offers *Turn down this place* (below); leaving stays theirs by the API.
    assert "No, keep the place offered to me" in unescape(_question(system, first).body)
    assert _leave(system, first).status == 200
    stored = system.stored(first)
    assert (stored.status.value, stored.status_reason) == ("cancelled", "withdrawn_by_applicant")
    assert not stored.seat_held
    # By the rule every freed seat follows: the next in line is offered it, with no sweep.
    assert system.status_of(second)["status"] == "offered"
    assert system.checkout_session(session)["status"] == "expired"


def test_a_booked_place_is_refused_in_words_and_left_as_it_was(system: System) -> None:
    first, second = offer_taken_up(system)
    assert "Leave the waiting list" not in unescape(system.status_page(first))
    error = _leave(system, first).refused(409, "booked")
    assert "write to the organisers" in error["message"]
    assert _question(system, first).status == 409
    assert system.status_of(first)["status"] == "confirmed"
    # A wrong token is no link to anything.
    wrong = {**second, "token": "x" * 20}
    assert _leave(system, wrong).status == 404
    assert _question(system, wrong).status == 404
    assert system.status_of(second)["status"] == "waitlisted"


def test_an_application_not_on_the_list_is_refused(system: System) -> None:
    applied = system.apply().json()  # paying now: holds a place, not waiting
    _leave(system, applied).refused(409, "booked")
    system.stripe_local("POST", f"/checkout/{_session(applied)}/expire")
    error = _leave(system, applied).refused(409, "not_waiting")
    assert "not on the waiting list" in error["message"]


def _session(application: Any) -> str:
    from tests.support.applications import session_id_of

    return str(session_id_of(application))


def test_an_offered_person_is_offered_the_one_act_that_is_true_for_them(system: System) -> None:
    """An offered person once saw both *Turn down this place* and *Leave the waiting
    list*. Theirs is turning the place down, which ends their wait too, and the page says
    so; the one still waiting is offered leaving, and no place to turn down."""
    first, second = first_offered(system)
    offered = unescape(system.status_page(first))
    assert "Turn down this place" in offered
    assert "Leave the waiting list" not in offered
    assert (
        "Turn it down and we release the place at once, for the next person. This also takes "
        "you off the waiting list: you will not be offered a place on this course again. "
        "Nothing is paid." in " ".join(offered.split())
    )
    waiting = unescape(system.status_page(second))
    assert "Leave the waiting list" in waiting
    assert "Turn down this place" not in waiting
