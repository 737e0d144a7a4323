"""On the console: *Change this course* of a cohort already saved, a session row given the
id of a follow-up the programme shares (one another cohort hosts) and left without a title,
saved: the row took the default "Follow-up session", renamed the shared follow-up for every
cohort and made this cohort its host, so its invitations went without its joining link. A
stored cohort's row joining an event joins it as it is, as a new cohort's does: its title
left empty takes the event's, another date, time or title is refused beside the row, nothing
saved; the same for ``PUT /admin/courses/{id}``. Through the real handlers and moto."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from booking.domain.course import CourseDefinition, SessionKind
from booking.domain.programme import follow_up_events
from booking.handlers.course_form import form_of
from tests.support.console import ConsoleBrowser, posted_fields, refused_beside
from tests.support.courses import SIBLING as EARLIER
from tests.support.courses import first_day, sibling_cohort
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

HELD = "Reviewing our learning and practice"


def _earlier_cohort(system: System, joining_url: str | None = None) -> dict[str, Any]:
    """A cohort of the sample's programme whose two sessions end before the sample's first,
    listing no follow-up, saved; its joining link ``joining_url`` (None: none)."""
    sample = system.course_file()
    earlier = sibling_cohort(sample, first_day(sample) - timedelta(weeks=3), 2, joining_url)
    assert system.admin("PUT", f"/courses/{EARLIER}", json_body=earlier).status == 201
    return earlier


def _shared_row(system: System, **changes: str) -> dict[str, Any]:
    """The sample's first follow-up as a row of a file, given its id, with ``changes``."""
    sample = system.stored_course(COURSE_ID)
    held = next(s for s in sample.schedule if s.kind is SessionKind.FOLLOW_UP)
    assert held.title == HELD
    row = next(s for s in system.course_file()["sessions"] if s.get("id") == held.key)
    return {**copy.deepcopy(row), "title": None, **changes}


def _host_and_title(system: System) -> list[tuple[str, str]]:
    courses = [system.stored_course(c) for c in (COURSE_ID, EARLIER)]
    return [(e.host.course_id, e.session.title) for e in follow_up_events(courses)]


def _change_form(earlier: dict[str, Any], row: dict[str, Any]) -> dict[str, str]:
    changed = {**earlier, "sessions": [*earlier["sessions"], row]}
    return posted_fields(form_of(EARLIER, CourseDefinition.model_validate(changed)))


def test_a_row_given_the_shared_follow_ups_id_without_a_title_joins_it_as_it_is(
    system: System, browser: ConsoleBrowser
) -> None:
    """Given the link its people hold, the earlier cohort hosts it (it started first), the
    event as it was: nobody is told of a change."""
    earlier = _earlier_cohort(system, str(system.course_file()["joining_url"]))
    system.booked(email="graduate@example.org")
    system.deliver_emails()

    saved = browser.act("/console/courses", **_change_form(earlier, _shared_row(system)))

    assert saved.status == 303, text_of(saved.body)[:600]
    listed = [
        s.title for s in system.stored_course(EARLIER).schedule if s.kind.value == "follow_up"
    ]
    assert listed == [HELD]
    assert _host_and_title(system)[0] == (EARLIER, HELD)  # not renamed "Follow-up session"
    assert [s.title for s in system.stored_course(COURSE_ID).schedule][6] == HELD
    assert system.deliver_emails() == []


def test_taking_the_shared_follow_up_over_without_its_link_is_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    """Without a link, hosting it would send its invitations with none: refused beside the
    joining link (it renamed the event and took it over, the notice silent)."""
    earlier = _earlier_cohort(system)
    before = system.items()

    page = browser.act("/console/courses", **_change_form(earlier, _shared_row(system)))

    words = refused_beside(page, "joining_url")
    assert f"The follow-up {HELD}, " in words
    assert system.items() == before


def test_a_row_given_the_shared_follow_ups_id_at_another_time_is_refused_beside_it(
    system: System, browser: ConsoleBrowser
) -> None:
    earlier = _earlier_cohort(system, str(system.course_file()["joining_url"]))
    before = system.items()
    moved = _shared_row(system, start_time="17:00:00", end_time="18:00:00")

    page = browser.act("/console/courses", **_change_form(earlier, moved))

    words = refused_beside(page, "session-2-start_time")
    assert f'is the follow-up "{HELD}" of Compassionate Leadership Training' in words
    assert "A cohort joins it as it is" in words
    assert system.items() == before


def test_the_api_holds_a_stored_cohorts_row_to_the_same_rule(system: System) -> None:
    earlier = _earlier_cohort(system, str(system.course_file()["joining_url"]))
    before = system.items()
    renamed = {**earlier, "sessions": [*earlier["sessions"], _shared_row(system, title="Reunion")]}

    refused = system.admin("PUT", f"/courses/{EARLIER}", json_body=renamed)

    assert refused.status == 422, refused.body
    assert "sessions.2.title" in refused.json()["error"]["fields"], refused.body
    assert system.items() == before
    untitled = {**earlier, "sessions": [*earlier["sessions"], _shared_row(system)]}
    assert system.admin("PUT", f"/courses/{EARLIER}", json_body=untitled).status == 200
    assert _host_and_title(system)[0] == (EARLIER, HELD)


def test_taking_the_shared_follow_up_over_while_it_runs_is_refused(system: System) -> None:
    """A minute after its start, people are joining it by its link: a cohort joining it with
    a link of its own (started first, so its host) took it over, as the check stopped at
    the start; refused beside the joining link until the meeting has ended."""
    earlier = _earlier_cohort(system, "https://example.org/join/earlier")
    sample = system.stored_course(COURSE_ID)
    held = next(s for s in sample.schedule if s.kind is SessionKind.FOLLOW_UP)
    system.clock_offset = held.start + timedelta(minutes=1) - system.now()
    before = system.items()
    joining = {**earlier, "sessions": [*earlier["sessions"], _shared_row(system)]}

    refused = system.admin("PUT", f"/courses/{EARLIER}", json_body=joining)

    assert refused.status == 422, refused.body
    assert "joining_url" in refused.json()["error"]["fields"], refused.body
    assert system.items() == before
