"""A waiting move whose end has passed (a cohort began) is over as read, before the sweep ends
it: the console says in words that the wait ended and offers no withdrawal, and a withdrawal
asked for it (console or organiser API) is refused in the same words (409 ``wait_ended``),
changing nothing; the sweep then ends it and tells the person why, once. Through the handlers
on moto and the Stripe stand-in, the clock moved past the end (``domain.wait_ended``)."""

from __future__ import annotations

from datetime import timedelta

from booking.services.lifecycle import sweep
from tests.support.cohorts import ADA, Cohorts, ada_booked_beside_a_full_cohort
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

ENDED = "Move waiting for a place: ended"
WITHDRAW = "Withdraw the move"


def _past_the_wait(system: System, cohorts: Cohorts) -> None:
    """The clock moves to the day after spring (the cohort the booking would leave) began;
    the sweep has not run."""
    system.clock_offset = cohorts.spring_start - system.now().date() + timedelta(days=1)


def _stored_wait(system: System, application_id: str) -> bool:
    """Whether the table still holds the booking's waiting move (every view hides it once its
    end has passed: only the sweep takes it off)."""
    stored = system.ports.repository.get_application(application_id)
    return stored is not None and stored.waiting_move is not None


def test_the_console_says_the_wait_ended_and_offers_no_withdrawal(system: System) -> None:
    cohorts, booked = ada_booked_beside_a_full_cohort(system)
    ada = booked["application_id"]
    cohorts.waits(ada)
    browser = signed_in(system)
    page = f"/console/applications/{ada}"
    before = browser.words(page)
    assert WITHDRAW in before
    assert ENDED not in before

    _past_the_wait(system, cohorts)
    browser = signed_in(system)  # a day later: the first session has run out

    after = browser.words(page)
    assert ENDED in after
    assert WITHDRAW not in after
    assert "The wait for a place on Moving Leadership, from " in after
    assert "when a cohort began, with no place come free: the booking stays where it is" in after

    # Pressed on a page shown before the wait ended (what the application is now, as the API
    # reads it): nothing left to withdraw.
    seen = system.admin("GET", f"/applications/{ada}").json()["seen"]
    refused = browser.post(f"{page}/transfer/withdraw", csrf_token=browser.csrf(page), seen=seen)
    assert refused.status == 409, refused.body
    said = text_of(refused.body)
    assert "The wait for a place on Moving Leadership, from " in said
    assert "so there is nothing left to withdraw." in said
    assert _stored_wait(system, ada)  # the sweep ends it, not this


def test_a_withdrawal_of_an_ended_wait_is_refused_and_the_sweep_tells_the_person_once(
    system: System,
) -> None:
    cohorts, booked = ada_booked_beside_a_full_cohort(system)
    ada = booked["application_id"]
    cohorts.waits(ada)
    cohorts.emails()
    _past_the_wait(system, cohorts)

    refused = system.admin("POST", f"/applications/{ada}/transfer/withdraw")

    error = refused.refused(409, "wait_ended")
    assert error["message"].startswith("the wait for a place on Moving Leadership, from ")
    assert cohorts.emails() == []  # nobody told it was withdrawn: it was not
    assert _stored_wait(system, ada)

    sweep(system.ports, system.now())

    assert cohorts.record(ada)["waiting_move"] is None
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "not moved" in told.subject
    assert "taken your booking off the waiting list" not in told.text  # not a withdrawal
    again = system.admin("POST", f"/applications/{ada}/transfer/withdraw")
    assert again.json()["error"]["code"] == "no_move_pending"
