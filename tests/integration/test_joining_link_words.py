"""A cohort's "joining link" message says what is true of every session it lists:
a new link of the cohort's is not the link of the follow-ups another
cohort hosts (their calendar entries keep the host's link, so the words name it), and a link
taken away is said as taken away, never as a new one, with where to ask."""

from __future__ import annotations

from typing import Any

from booking.domain.emails import OutgoingEmail
from tests.integration.test_joining_link_changed import (
    NEW_LINK,
    SPRING,
    SUMMER,
    _follow_up_entry,
    _saved,
    _summer_confirmation,
    _with_follow_up,
)
from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System

SPRING_LINK = "https://example.org/join/spring"


def _told(cohorts: Cohorts) -> OutgoingEmail:
    [told] = cohorts.emails_to(ADA)
    return told


def _summer_saved(cohorts: Cohorts, files: dict[str, dict[str, Any]], **change: Any) -> None:
    summer = {key: value for key, value in files[SUMMER].items() if key != "joining_url"}
    _saved_as(cohorts, SUMMER, {**summer, **change})


def _saved_as(cohorts: Cohorts, course_id: str, file: dict[str, Any]) -> None:
    saved = cohorts.system.admin("PUT", f"/courses/{course_id}", json_body=file)
    assert saved.status == 200, saved.body


def test_a_new_link_names_the_follow_ups_another_cohort_hosts_with_their_own_link(
    system: System,
) -> None:
    """Ada (summer) holds spring's follow-up; summer's new link is for summer's own sessions:
    the message says so and gives the follow-up's link, as its calendar entry keeps it."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    _summer_confirmation(system, cohorts)
    cohorts.emails()

    _summer_saved(cohorts, files, joining_url=NEW_LINK)

    told = _told(cohorts)
    assert told.subject.startswith("New joining link: Moving Leadership ("), told.subject
    assert f"From now on, join the sessions this cohort runs at:\n{NEW_LINK}\n" in told.text
    assert "keep their own link:" in told.text
    assert f"Reviewing our practice: join at {SPRING_LINK}" in told.text
    assert SPRING_LINK in (told.html or "")
    assert str(_follow_up_entry(told)["LOCATION"]) == SPRING_LINK


def test_a_link_that_only_this_cohort_uses_is_said_as_before(system: System) -> None:
    """The host's own people: every session is the cohort's, so no list of other links."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    system.booked(SPRING, email=ADA)
    cohorts.emails()

    _saved(cohorts, {**files[SPRING], "joining_url": NEW_LINK})

    told = _told(cohorts)
    assert f"From now on, join at:\n{NEW_LINK}\n\nHere are all your sessions" in told.text
    assert "keep their own link" not in told.text


def test_a_link_taken_away_is_said_as_taken_away_with_where_to_ask(system: System) -> None:
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    _summer_confirmation(system, cohorts)
    cohorts.emails()

    _summer_saved(cohorts, files)

    told = _told(cohorts)
    assert told.subject.startswith("No joining link for now: Moving Leadership ("), told.subject
    assert "New joining link" not in told.subject
    assert "that this cohort runs no longer have a joining link" in told.text
    assert "If you have questions, write to summer@example.org." in told.text
    assert "takes the old link out of your calendar entries" in told.text
    assert "puts the new link" not in told.text
    assert "puts the new link" not in (told.html or "")
    assert f"Reviewing our practice: join at {SPRING_LINK}" in told.text


def test_a_follow_up_renamed_with_a_new_link_says_the_link_changed_too(system: System) -> None:
    """One save retitles the follow-up and moves it to another link (here its
    host's new link; there an earlier cohort's retitle): "a new name" alone left the reader
    in the old meeting while the calendar moved to the new one."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    _summer_confirmation(system, cohorts)
    cohorts.emails()
    spring = files[SPRING]
    retitled = {**spring["sessions"][-1], "title": "Reviewing our practice."}

    _saved(
        cohorts,
        {**spring, "joining_url": NEW_LINK, "sessions": [*spring["sessions"][:-1], retitled]},
    )

    told = _told(cohorts)
    assert told.subject.startswith("Renamed: follow-up session "), told.subject
    assert '"Reviewing our practice.", with a new joining link (' in told.subject, told.subject
    assert "has a new name" in told.text
    assert (
        f"Its joining link has changed too. From now on, join online with this link:\n{NEW_LINK}\n"
        in told.text
    )
    assert "Its joining link has changed too" in (told.html or "")
    assert "gives it its new name in your calendar, with the new link." in told.text
    assert str(_follow_up_entry(told)["LOCATION"]) == NEW_LINK
