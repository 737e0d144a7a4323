"""Two organisers (or two tabs) moving one booking to two different cohorts at once
(hostile30 T1): each page showed it on the cohort it was booked on, so the second move, made
from a page that no longer holds, is refused in words and changes nothing (one move, one email,
one refund), as a bursary granted from a stale page is (``bursary_changed``). The console
always carries the cohort its page showed; the API may (``course_seen``, optional: without it
a move is judged as before)."""

from __future__ import annotations

import re

from tests.integration.test_transfers import ADA, Cohorts
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
    [seen] = re.findall(r'name="course_seen" value="([^"]*)"', form)[:1]
    assert seen == "move-spring"
    token = browser.csrf(page)

    def move_to(cohort: str) -> Reply:
        return browser.post(page, csrf_token=token, to_course_id=cohort, course_seen=seen)

    first = move_to("move-summer")
    assert first.status == 303
    second = move_to("move-autumn")

    assert second.status == 409
    said = text_of(second.body)
    assert "This booking moved meanwhile to Moving Leadership" in said
    assert cohorts.record(booked["application_id"])["course_id"] == "move-summer"
    assert len(cohorts.emails_to(ADA)) == 1
