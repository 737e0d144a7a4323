"""A confirmation's ``seen`` names its application: two applications with the same
facts (one cohort, both holding a place unpaid) are two pages, so what was read of one never
confirms an act on the other. A ``seen`` digested as pages digested it before they named the
application (a page open across that deploy) is refused in words saying so, with the code
every changed page has (look again, press again), nothing changed."""

from __future__ import annotations

from typing import Any

from booking.domain.page_seen import APPLICATION, application_facts, digest, move_facts
from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def _seen_of(system: System, application: dict[str, Any]) -> str:
    read = system.admin("GET", f"/applications/{application['application_id']}")
    assert read.status == 200, read.body
    seen: str = read.json()["seen"]
    return seen


def _unnamed(facts: dict[str, str]) -> str:
    """The digest a page made of ``facts`` before pages named the application."""
    return digest({name: value for name, value in facts.items() if name != APPLICATION})


def test_what_was_read_of_one_application_cancels_no_other_with_the_same_facts(
    system: System,
) -> None:
    first = system.apply(email="first@example.org").json()
    second = system.apply(email="second@example.org").json()

    refused = system.admin(
        "POST",
        f"/applications/{second['application_id']}/cancel",
        json_body={"refund": False, "seen": _seen_of(system, first)},
    )

    refused.refused(409, "application_changed")
    assert system.status_of(second)["status"] == "awaiting_payment"
    done = system.admin(
        "POST",
        f"/applications/{second['application_id']}/cancel",
        json_body={"refund": False, "seen": _seen_of(system, second)},
    )
    assert done.status == 200, done.body
    assert system.status_of(second)["status"] == "cancelled"
    assert system.status_of(first)["status"] == "awaiting_payment"


def test_a_page_shown_before_the_application_was_named_is_refused_in_words(
    system: System,
) -> None:
    application = system.apply(email="first@example.org").json()
    app_id = application["application_id"]
    before = _unnamed(application_facts(system.stored(application), system.now()))

    refused = system.admin(
        "POST", f"/applications/{app_id}/cancel", json_body={"refund": False, "seen": before}
    )

    error = refused.refused(409, "application_changed")
    assert "shown before an update of the booking system" in error["message"]
    assert "nothing was changed" in error["message"]
    assert system.status_of(application)["status"] == "awaiting_payment"


def test_a_move_chosen_on_a_page_shown_before_the_update_is_refused_in_words(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    target = system.ports.repository.get_course("move-summer")
    assert target is not None
    before = _unnamed(move_facts(system.stored(app_id), target, system.now()))

    refused = cohorts.move(app_id, "move-summer", seen=before)

    error = refused.refused(409, "application_changed")
    assert "shown before an update of the booking system" in error["message"]
    assert cohorts.record(app_id)["course_id"] == "move-spring"
