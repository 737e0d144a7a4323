"""A move to a cohort where a manager's group booking holds the person's one place: the choices, the
console and the refusal say what holds it (the group booking of its
organisation, the manager's to give up or give to someone else), for a plain move, a dearer
one and a wait on a full cohort's list; nothing changes. Through the handlers on moto and the
Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from booking.services import one_place_each, transfers
from tests.support.cohorts import ADA, Cohorts
from tests.support.console import signed_in
from tests.support.groups import book, pay_invoice
from tests.support.invoiced import BILLING
from tests.support.page_text import text_of
from tests.support.system import System

ORGANISATION = "St Elsewhere NHS Trust"


def _group_names_ada(cohorts: Cohorts, course_id: str, *, paid: bool) -> None:
    """A manager books a place on ``course_id`` for Ada (by invoice; ``paid``: it is paid)."""
    system = cohorts.system
    system.put_course(course_id, {**cohorts.files[course_id], "invoice_allowed": True})
    booked = book(
        system, course=course_id, colleagues=[{"name": "Ada Lovelace", "email": ADA}], **BILLING
    )
    assert booked.status == 201, booked.body
    if paid:
        pay_invoice(system, booked.json())
    cohorts.emails()


def _choice(system: System, application_id: str, course_id: str) -> dict[str, Any]:
    reply = system.admin("GET", f"/applications/{application_id}/transfer-choices")
    assert reply.status == 200, reply.body
    [choice] = [c for c in reply.json()["cohorts"] if c["course_id"] == course_id]
    return dict(choice)


def _ada_and_a_group_on(
    system: System, course_id: str, *, paid: bool
) -> tuple[Cohorts, str, dict[str, Any]]:
    """Ada booked on move-spring, then named by a manager's group on ``course_id``
    (:func:`_group_names_ada`): the cohorts, her application's id, and the choice her transfer
    page offers for ``course_id``."""
    cohorts = Cohorts(system)
    ada = cohorts.book("move-spring", ADA)["application_id"]
    _group_names_ada(cohorts, course_id, paid=paid)
    return cohorts, ada, _choice(system, ada, course_id)


def _said(cohort: str) -> str:
    return (
        f"{ORGANISATION}'s group booking holds this person's place on {cohort}; its manager "
        "can give that place up or name someone else on it, and then the booking can move there"
    )


def _refused_and_nothing_changed(
    cohorts: Cohorts, application_id: str, to: str, **extra: Any
) -> str:
    before = cohorts.record(application_id)
    places = cohorts.places_left(to)
    refused = cohorts.system.admin(
        "POST",
        f"/applications/{application_id}/transfer",
        json_body={"to_course_id": to, **extra},
    )
    error = refused.refused(409, "place_booked_for_you")
    assert cohorts.record(application_id) == before
    assert cohorts.places_left(to) == places
    assert not cohorts.emails_to(ADA)
    return str(error["message"])


@pytest.mark.parametrize("paid", [True, False])
def test_a_move_where_a_group_holds_the_persons_place_is_said_as_the_groups(
    system: System, paid: bool
) -> None:
    cohorts, ada, choice = _ada_and_a_group_on(system, "move-summer", paid=paid)
    cohort = choice["name"]

    assert (choice["can_move"], choice["can_wait"]) == (False, False)
    assert choice["refusal"] == {"code": "place_booked_for_you", "message": _said(cohort)}
    assert _refused_and_nothing_changed(cohorts, ada, "move-summer") == _said(cohort)
    # The console does not offer it, and says why.
    browser = signed_in(system)
    page = browser.get(f"/console/applications/{ada}/transfer")
    assert 'value="move-summer" disabled' in page.body
    assert f"Not possible: {_said(cohort)}" in text_of(page.body)


def test_a_dearer_move_where_a_group_holds_the_persons_place_is_refused_in_its_words(
    system: System,
) -> None:
    cohorts, ada, choice = _ada_and_a_group_on(system, "move-winter", paid=True)
    cohort = choice["name"]

    assert choice["can_move"] is False
    assert choice["refusal"]["code"] == "place_booked_for_you"
    assert _refused_and_nothing_changed(cohorts, ada, "move-winter") == _said(cohort)
    assert cohorts.record(ada)["pending_move"] is None  # no seat held there, no link sent


def test_a_wait_on_a_cohort_the_group_filled_is_refused_in_its_words(system: System) -> None:
    cohorts, ada, choice = _ada_and_a_group_on(system, "move-full", paid=True)
    assert cohorts.places_left("move-full") == 0
    # The choice's count is the places no seat holds, under the name that says so.
    assert (choice["places_not_taken"], choice["places_left"]) == (0, 0)
    cohort = choice["name"]

    assert (choice["can_move"], choice["can_wait"]) == (False, False)
    assert choice["refusal"] == {"code": "place_booked_for_you", "message": _said(cohort)}
    said = _refused_and_nothing_changed(cohorts, ada, "move-full", wait=True)
    assert said == _said(cohort)
    assert cohorts.record(ada)["waiting_move"] is None


def test_a_group_that_took_the_place_since_the_read_is_named_by_the_saves_refusal(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read before the save found nothing (a manager's booking got in between): the
    transaction refuses, and its refusal names what holds the place now."""
    cohorts = Cohorts(system)
    ada = cohorts.book("move-spring", ADA)["application_id"]
    _group_names_ada(cohorts, "move-summer", paid=True)
    cohort = _choice(system, ada, "move-summer")["name"]
    looked: list[str] = []

    def not_yet(*args: Any, **kwargs: Any) -> one_place_each.PlaceHeld | None:
        looked.append(args[1])
        if len(looked) == 1:
            return None  # the read before the save: the group's save had not happened yet
        return one_place_each.what_holds_the_place(*args, **kwargs)

    monkeypatch.setattr(transfers, "what_holds_the_place", not_yet)

    said = _refused_and_nothing_changed(cohorts, ada, "move-summer")

    assert said == _said(cohort)
    assert looked == ["move-summer", "move-summer"]
