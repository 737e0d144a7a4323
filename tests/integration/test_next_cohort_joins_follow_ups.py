"""On the console: *Add the next cohort* gives a follow-up row typed at the
very time of the programme's follow-up that event's id (to share it); left without a title, the
row took the default "Follow-up session" and renamed the event for every cohort, emailing the
other cohort's people a "Renamed" notice. A row joining an event carries its title; a title of
its own is refused beside the row, nothing saved; two rows at one time are refused beside the
second. Through the real console handlers and moto."""

from __future__ import annotations

from booking.domain.course import SessionKind
from booking.domain.wording import cohort_name
from tests.support.console import ConsoleBrowser, refused_beside
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

HELD = "Reviewing our learning and practice"
NEXT_ID = "compassionate-leadership-training-2027-08"


def _next_cohort(browser: ConsoleBrowser, *rows: dict[str, str]) -> dict[str, str]:
    page = browser.get(f"/console/courses/new?from={COURSE_ID}").body
    fields = dict(next(fields for _, fields in forms_on(page) if "title" in fields))
    for n, row in enumerate(rows):
        fields.update({f"session-{n}-{name}": value for name, value in row.items()})
    return fields


CORE = {"date": "2027-08-02", "start_time": "15:00", "end_time": "17:00", "kind": "core"}
# At the very time of the sample cohort's first follow-up.
JOINING = {"date": "2027-09-23", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"}


def _follow_up_titles(system: System, course_id: str) -> list[str]:
    return [s["title"] for s in system.course(course_id)["sessions"] if s["kind"] == "follow_up"]


def test_a_row_joining_the_programmes_follow_up_carries_its_title(
    system: System, browser: ConsoleBrowser
) -> None:
    system.booked(email="graduate@example.org")
    system.deliver_emails()
    before = _follow_up_titles(system, COURSE_ID)
    assert before[0] == HELD

    saved = browser.post("/console/courses", **_next_cohort(browser, CORE, JOINING))

    assert saved.status == 303, text_of(saved.body)[:600]
    assert _follow_up_titles(system, NEXT_ID) == [HELD]
    assert _follow_up_titles(system, COURSE_ID) == before  # nothing renamed
    renamed = [m for m in system.deliver_emails() if "Renamed" in m.subject]
    assert renamed == []


def test_a_row_joining_the_programmes_follow_up_under_another_title_is_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    before = system.items()
    retitled = {**JOINING, "title": "Something else"}

    page = browser.post("/console/courses", **_next_cohort(browser, CORE, retitled))

    words = refused_beside(page, "session-1-title")
    assert f'is the follow-up "{HELD}" of Compassionate Leadership Training' in words
    assert "A cohort joins it as it is" in words
    assert system.items() == before


def test_a_row_given_the_events_id_at_another_time_is_refused_naming_the_cohort(
    system: System, browser: ConsoleBrowser
) -> None:
    """The event's id typed, its time an hour out, moved the earlier cohort's
    follow-up and emailed its people, unwarned. Refused beside the row, naming the cohort and
    the event as it is, and where moving it is done; nothing saved, nobody emailed."""
    course = system.stored_course(COURSE_ID)
    first = next(s for s in course.schedule if s.kind is SessionKind.FOLLOW_UP)
    system.deliver_emails()
    before = system.items()
    later = {**JOINING, "id": first.key, "start_time": "17:00", "end_time": "18:00"}

    page = browser.post("/console/courses", **_next_cohort(browser, CORE, later))

    words = refused_beside(page, "session-1-start_time")
    assert f'{first.key} is the follow-up "{HELD}" of {cohort_name(course)}' in words
    assert "on Thursday 23 September 2027, 16:00-17:00 BST as it is now" in words
    assert f"done on the Change this course page of {cohort_name(course)}" in words
    assert system.items() == before
    assert system.deliver_emails() == []


def test_a_new_course_put_by_the_api_moving_a_shared_follow_up_is_refused(
    system: System,
) -> None:
    """The same rule for the organisers' API: a course new under its id joins the event as it
    is (PUT /admin/courses/{id}); the earlier cohort's follow-up stays, nobody is emailed."""
    course = system.stored_course(COURSE_ID)
    first = next(s for s in course.schedule if s.kind is SessionKind.FOLLOW_UP)
    body = course.definition.model_dump(mode="json", exclude_none=True)
    body["sessions"] = [
        {**CORE, "title": "Session 1"},
        {**JOINING, "id": first.key, "date": "2027-09-24", "title": HELD},
    ]
    system.deliver_emails()
    before = system.items()

    answer = system.admin("PUT", f"/courses/{NEXT_ID}", json_body=body)

    assert answer.status == 422, answer.body
    assert "A cohort joins it as it is" in answer.json()["error"]["fields"]["sessions.1.date"]
    assert system.items() == before
    assert system.deliver_emails() == []


def test_two_follow_up_rows_at_one_time_are_refused_beside_the_second(
    system: System, browser: ConsoleBrowser
) -> None:
    before = system.items()
    own = {**JOINING, "date": "2027-09-30"}

    page = browser.post("/console/courses", **_next_cohort(browser, CORE, own, own))

    words = refused_beside(page, "session-2-start_time")
    assert "it is at the same time as session 2" in words
    assert "list each meeting once" in words
    assert system.items() == before


def test_a_row_given_the_events_id_without_a_title_keeps_its_title(
    system: System, browser: ConsoleBrowser
) -> None:
    """The event's id typed (or chosen from those the form offers), its title left empty: the
    event keeps its title (it was renamed "Follow-up session" for every cohort)."""
    course = system.stored_course(COURSE_ID)
    first = next(s for s in course.schedule if s.kind is SessionKind.FOLLOW_UP)
    assert first.title == HELD
    typed = {**JOINING, "id": first.key}

    saved = browser.post("/console/courses", **_next_cohort(browser, CORE, typed))

    assert saved.status == 303, text_of(saved.body)[:600]
    assert _follow_up_titles(system, COURSE_ID)[0] == HELD
    assert _follow_up_titles(system, NEXT_ID) == [HELD]


def test_a_core_row_given_a_follow_ups_id_is_refused_beside_its_kind(
    system: System, browser: ConsoleBrowser
) -> None:
    """The programme's follow-up id typed (as the form offers it) on a row left a *Core
    session*: the cohort was saved with a core session in the follow-up's month, running until
    then, its people never graduates before it, and the follow-up not joined. Refused beside
    the row's Kind, naming the follow-up; nothing saved."""
    course = system.stored_course(COURSE_ID)
    first = next(s for s in course.schedule if s.kind is SessionKind.FOLLOW_UP)
    before = system.items()
    as_core = {**JOINING, "id": first.key, "kind": "core"}

    # A follow-up of its own typed too: the form carries the earlier cohort's over otherwise.
    own = {**JOINING, "date": "2027-10-01"}

    page = browser.post("/console/courses", **_next_cohort(browser, CORE, as_core, own))

    words = refused_beside(page, "session-1-kind")
    assert f"{first.key} is the follow-up" in words
    assert "set its Kind to Follow-up to join it, or clear the id" in words
    assert system.items() == before
