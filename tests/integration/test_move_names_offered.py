"""After a move, the application's page names whom the seat it left was offered to
(the notice said only "Moved to the other cohort", though the first on the old
cohort's waiting list was offered the place), in the words a course save uses for the same
(``domain.offered_words``)."""

from __future__ import annotations

from tests.support.cohorts import ADA, BOB, Cohorts
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System


def test_the_move_notice_names_who_was_offered_the_freed_seat(system: System) -> None:
    cohorts = Cohorts(system, spring_capacity=1)
    booked = cohorts.book("move-spring", ADA)
    waiting = system.apply("move-spring", email=BOB, name="Dan Evans").json()
    assert waiting["status"] == "waitlisted"
    reference = system.stored(waiting).reference
    browser = signed_in(system)
    app_page = f"/console/applications/{booked['application_id']}"

    moved = browser.press(
        f"{app_page}/transfer", f"{app_page}/transfer", to_course_id="move-summer"
    )
    assert moved.status == 303, moved.body
    said = text_of(browser.get(moved.headers["location"]).body)
    assert "Moved to the other cohort" in said
    assert f"Dan Evans ({reference}) was offered a place from the waiting list and emailed." in said
    # Said once: a reload shows the page as it stands.
    assert "was offered a place" not in text_of(browser.get(app_page).body)


def test_a_move_that_frees_a_seat_nobody_waits_for_names_nobody(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    browser = signed_in(system)
    app_page = f"/console/applications/{booked['application_id']}"
    moved = browser.press(
        f"{app_page}/transfer", f"{app_page}/transfer", to_course_id="move-summer"
    )
    said = text_of(browser.get(moved.headers["location"]).body)
    assert "Moved to the other cohort" in said
    assert "waiting list and emailed" not in said
