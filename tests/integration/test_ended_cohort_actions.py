"""A booking's page offers only what can be done to it now: once its cohort has begun it is
not offered a move (the move refuses it), and once the cohort has ended a confirmed booking is
offered neither a move nor a cancellation, the page saying why in the words the refusals use;
a cancel asked anyway (an older page, the API) is refused the same way, nothing changed.
Through the real handlers and moto."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support.cohorts import ADA, LONDON, Cohorts
from tests.support.console import signed_in
from tests.support.system import System


def _the_cohort_at(system: System, cohorts: Cohorts, *, after_its_end: bool) -> None:
    """The clock moved into the spring cohort (three hours after its first session began),
    or past its last session (its two sessions a week apart)."""
    first = datetime.combine(cohorts.spring_start, datetime.min.time(), LONDON).replace(hour=15)
    later = timedelta(days=30) if after_its_end else timedelta(hours=3)
    system.clock_offset += first - system.now() + later


def test_a_booking_on_a_cohort_that_has_begun_is_not_offered_a_move(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    page = f"/console/applications/{booked['application_id']}"
    browser = signed_in(system)
    assert f"{page}/transfer" in browser.get(page).body

    _the_cohort_at(system, cohorts, after_its_end=False)
    browser = signed_in(system)  # a session lasts hours

    shown = browser.shown(page)
    assert f"{page}/transfer" not in shown.body
    assert f"{page}/cancel" in shown.body  # it can still be cancelled
    assert "Transfer is not offered:" in shown.words
    assert "has begun: the booking stays there, with its attendance." in shown.words


def test_a_confirmed_booking_of_an_ended_cohort_is_offered_no_move_and_no_cancel(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    page = f"/console/applications/{app_id}"

    _the_cohort_at(system, cohorts, after_its_end=True)
    browser = signed_in(system)

    shown = browser.shown(page)
    assert f"{page}/transfer" not in shown.body
    assert f"{page}/cancel" not in shown.body
    assert "Transfer is not offered:" in shown.words
    assert "has ended: the booking stays there, with its attendance." in shown.words
    assert "Cancel is not offered:" in shown.words
    assert "can no longer be cancelled" in shown.words
    # Asked anyway, by the API or from the older page: refused in the same words.
    refused = system.admin("POST", f"/applications/{app_id}/cancel", json_body={})
    refused.refused(409, "course_ended")
    assert "can no longer be cancelled" in refused.json()["error"]["message"]
    assert browser.get(f"{page}/cancel?refund=").status == 409
    assert system.stored(app_id).status.value == "confirmed"
