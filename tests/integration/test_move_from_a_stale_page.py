"""Two organisers (or two tabs) moving one booking to two different cohorts at once:
each page showed it on the cohort it was booked on, so the second move, made
from a page that no longer holds, is refused in words and changes nothing (one move, one email,
one refund), as a bursary granted from a stale page is (``bursary_changed``). The console
always carries the cohort its page showed; the API may (``course_seen``, optional: without it
a move is judged as before)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.cohorts import ADA, BOB, Cohorts
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import Reply, System


def test_a_second_move_from_the_same_page_is_refused_and_changes_nothing(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]

    first = cohorts.move(app_id, "move-summer", course_seen="move-spring")
    second = cohorts.move(app_id, "move-autumn", course_seen="move-spring")

    assert first.status == 200, first.body
    error = second.refused(409, "booking_moved")
    assert "moved meanwhile to Moving Leadership" in error["message"]
    assert "nothing was changed" in error["message"]
    record = cohorts.record(app_id)
    assert record["course_id"] == "move-summer"
    assert len(record["transfers"]) == 1
    assert cohorts.refunded_at_stripe() == []  # summer costs the same: nothing given back
    assert (cohorts.places_left("move-summer"), cohorts.places_left("move-autumn")) == (4, 5)
    assert len(cohorts.emails_to(ADA)) == 1  # the one move's email
    # The same move asked again from the same page is the move done, not a refusal.
    again = cohorts.move(app_id, "move-summer", course_seen="move-spring")
    assert again.status == 200, again.body
    assert again.json()["moved_already"]
    # Without what the page showed, the API judges the move as it always did.
    assert cohorts.move(app_id, "move-autumn").status == 200


def test_a_course_seen_that_is_not_a_course_id_is_a_clear_error(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    error = cohorts.move(booked["application_id"], "move-summer", course_seen=7).refused(
        422, "validation_failed"
    )
    assert "course_seen" in error["fields"]
    assert cohorts.record(booked["application_id"])["course_id"] == "move-spring"


def test_two_console_tabs_move_the_booking_once(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    browser = signed_in(system)
    page = f"/console/applications/{booked['application_id']}/transfer"
    form = browser.get(page).body  # both tabs opened before either moves
    # The move form's one hidden field: what it showed of each cohort it offers.
    [seen] = re.findall(r'name="seen" value="([^"]*)"', form)[:1]
    offered = cohorts.system.admin(
        "GET", f"/applications/{booked['application_id']}/transfer-choices"
    )
    assert seen.split() == [c["seen"] for c in offered.json()["cohorts"] if c["can_move"]]
    token = browser.csrf(page)

    def move_to(cohort: str) -> Reply:
        return browser.post(page, csrf_token=token, to_course_id=cohort, seen=seen)

    first = move_to("move-summer")
    assert first.status == 303
    second = move_to("move-autumn")

    assert second.status == 409
    said = text_of(second.body)
    assert "The booking or the cohort changed since you last looked" in said
    assert "the booking is now on Moving Leadership" in said
    assert cohorts.record(booked["application_id"])["course_id"] == "move-summer"
    assert len(cohorts.emails_to(ADA)) == 1


def _choices(cohorts: Cohorts, app_id: str) -> dict[str, dict[str, Any]]:
    reply = cohorts.system.admin("GET", f"/applications/{app_id}/transfer-choices")
    assert reply.status == 200, reply.body
    return {c["course_id"]: c for c in reply.json()["cohorts"]}


def test_a_move_chosen_before_the_cohort_s_price_rose_is_refused(system: System) -> None:
    # The page said "Costs £50.00 more"; the price was raised meanwhile and the
    # move asked the person for £200.00.
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    shown = _choices(cohorts, app_id)["move-winter"]
    assert shown["difference"] == 5000
    system.put_course("move-winter", {**cohorts.files["move-winter"], "price": {"amount": 40000}})

    error = cohorts.move(app_id, "move-winter", seen=shown["seen"]).refused(
        409, "application_changed"
    )

    assert "£200.00 more to pay" in error["message"]
    assert "nothing was changed" in error["message"]
    record = cohorts.record(app_id)
    assert (record["course_id"], record["pending_move"]) == ("move-spring", None)
    assert cohorts.emails_to(ADA) == []
    # Looked at again, the move asks what it now says.
    again = cohorts.move(
        app_id, "move-winter", seen=_choices(cohorts, app_id)["move-winter"]["seen"]
    )
    assert again.status == 200, again.body
    assert cohorts.record(app_id)["pending_move"]["difference"] == 20000


def test_a_page_from_before_a_move_away_and_back_moves_nothing(system: System) -> None:
    # A to B to A, then a page shown before both (it showed the booking on A,
    # as it is again) moved it a third time.
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    first_page = _choices(cohorts, app_id)
    there = cohorts.move(app_id, "move-summer", seen=first_page["move-summer"]["seen"])
    assert there.status == 200, there.body
    back = cohorts.move(
        app_id, "move-spring", seen=_choices(cohorts, app_id)["move-spring"]["seen"]
    )
    assert back.status == 200, back.body
    cohorts.emails()

    error = cohorts.move(app_id, "move-autumn", seen=first_page["move-autumn"]["seen"]).refused(
        409, "application_changed"
    )

    assert "the booking is now on Moving Leadership" in error["message"]
    record = cohorts.record(app_id)
    assert (record["course_id"], len(record["transfers"])) == ("move-spring", 2)
    assert cohorts.emails_to(ADA) == []
    assert cohorts.refunded_at_stripe() == []  # autumn is cheaper: nothing was given back


@pytest.mark.parametrize("course_seen", ["no-such-course", "move-summer"])
def test_a_course_seen_the_booking_was_never_on_is_not_called_a_move(
    system: System, course_seen: str
) -> None:
    # A forged or unknown course_seen got "this booking moved meanwhile to ...".
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    error = cohorts.move(app_id, "move-autumn", course_seen=course_seen).refused(
        422, "validation_failed"
    )
    assert "never on that cohort" in error["fields"]["course_seen"]
    assert "moved meanwhile" not in str(error)
    assert cohorts.record(app_id)["course_id"] == "move-spring"


@pytest.mark.parametrize("seen", ["nonsense", 7, "0123456789abcdeg", ["0123456789abcdef"]])
def test_an_unclear_seen_is_refused_naming_it(system: System, seen: object) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    error = cohorts.move(app_id, "move-autumn", seen=seen).refused(422, "validation_failed")
    assert "seen" in error["fields"]
    assert cohorts.record(app_id)["course_id"] == "move-spring"


def test_a_withdrawal_from_a_page_showing_another_move_withdraws_nothing(system: System) -> None:
    # The page said "Asked to move to ..., which costs £50.00 more"; meanwhile that move was
    # withdrawn and asked again at a raised price: the old page's press is not the new move's.
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-winter").status == 200
    browser = signed_in(system)
    path = f"/console/applications/{app_id}"
    page = browser.get(path).body
    assert "which costs £50.00 more" in text_of(page)
    [seen] = set(re.findall(r'name="seen" value="([^"]*)"', page))
    withdraw = f"/applications/{app_id}/transfer/withdraw"
    assert system.admin("POST", withdraw).status == 200
    system.put_course("move-winter", {**cohorts.files["move-winter"], "price": {"amount": 40000}})
    assert cohorts.move(app_id, "move-winter").status == 200
    cohorts.emails()

    stale = browser.post(f"{path}/transfer/withdraw", csrf_token=browser.csrf(path), seen=seen)

    assert stale.status == 409, stale.body
    assert "changed since you last looked at it" in text_of(stale.body)
    assert cohorts.record(app_id)["pending_move"]["difference"] == 20000
    assert cohorts.emails_to(ADA) == []
    read = cohorts.record(app_id)["seen"]
    assert system.admin("POST", withdraw, json_body={"seen": seen}).status == 409
    assert system.admin("POST", withdraw, json_body={"seen": read}).status == 200
    assert cohorts.record(app_id)["pending_move"] is None


def test_a_wait_withdrawn_from_a_page_before_the_booking_moved_is_kept(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-full", wait=True).status == 200
    browser = signed_in(system)
    path = f"/console/applications/{app_id}"
    [seen] = set(re.findall(r'name="seen" value="([^"]*)"', browser.get(path).body))
    # Meanwhile: withdrawn, moved to summer, and waiting for the full cohort again from there.
    assert system.admin("POST", f"/applications/{app_id}/transfer/withdraw").status == 200
    assert cohorts.move(app_id, "move-summer").status == 200
    assert cohorts.move(app_id, "move-full", wait=True).status == 200
    cohorts.emails()

    stale = browser.post(f"{path}/transfer/withdraw", csrf_token=browser.csrf(path), seen=seen)

    assert stale.status == 409, stale.body
    assert "the application changed since you last looked at it" in text_of(stale.body).lower()
    record = cohorts.record(app_id)
    assert (record["course_id"], record["waiting_move"]["to_course_id"]) == (
        "move-summer",
        "move-full",
    )
    assert cohorts.emails_to(ADA) == []
