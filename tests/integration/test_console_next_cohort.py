"""*Add the next cohort* on a course's console page: *Add a course* filled in
from that cohort, everything but its id and dates carried over, nothing saved until the
organiser saves; the console makes the ids an organiser had to invent or match: the
course id from the title and first month, a follow-up's id, a programme chosen by its title;
a new course starts with six session rows, empty ones ignored."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from booking.domain.course import SessionKind
from tests.support.console import ConsoleBrowser, error_beside
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

NEXT_ID = "compassionate-leadership-training-2028-03"
SPRING_2028 = ["2028-03-13", "2028-03-20", "2028-03-27", "2028-04-03", "2028-04-10", "2028-04-17"]


def _course_form(page: str) -> dict[str, str]:
    """The fields the page's course form (not its file form) posts as shown."""
    return next(fields for _, fields in forms_on(page) if "title" in fields)


def _with_sessions(fields: dict[str, str], *rows: dict[str, str]) -> dict[str, str]:
    typed = dict(fields)
    for n, row in enumerate(rows):
        typed.update({f"session-{n}-{name}": value for name, value in row.items()})
    return typed


def _core(day: str) -> dict[str, str]:
    return {"date": day, "start_time": "15:00", "end_time": "17:00", "kind": "core"}


def _follow_up(day: str, start: str = "16:00", end: str = "17:00") -> dict[str, str]:
    return {"date": day, "start_time": start, "end_time": end, "kind": "follow_up"}


def test_the_course_page_offers_the_next_cohort_filled_in_but_its_dates(
    system: System, browser: ConsoleBrowser
) -> None:
    assert f'href="/console/courses/new?from={COURSE_ID}">Add the next cohort</a>' in (
        browser.get(f"/console/courses/{COURSE_ID}").body
    )
    before = system.items()
    page = browser.get(f"/console/courses/new?from={COURSE_ID}")
    assert page.status == 200
    stored = system.course_file()
    fields = _course_form(page.body)
    assert fields["adding"] == "yes"
    assert fields["course_id"] == ""
    assert fields["title"] == stored["title"]
    assert fields["organisation"] == stored["organisation"]
    assert fields["overview"] == stored["overview"]
    assert fields["price"] == "200.00"
    # The programme by its title, which names it to a person.
    assert fields["programme"] == "Compassionate Leadership Training"
    people = [(f["name"], f["email"]) for f in stored["facilitators"]]
    shown = [(fields[f"facilitator-{n}-name"], fields[f"facilitator-{n}-email"]) for n in range(2)]
    assert shown == [(name or "", email) for name, email in people]
    # Six empty session rows for the new dates; no date carried over.
    assert [fields[f"session-{n}-date"] for n in range(6)] == [""] * 6
    assert "session-6-date" not in fields
    assert "Filled in from" in text_of(page.body)
    assert system.items() == before  # nothing saved


def test_saving_the_next_cohort_makes_its_ids_and_joins_its_programme(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _course_form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    rows = [_core(day) for day in SPRING_2028] + [
        _follow_up("2028-09-21"),
        _follow_up("2028-10-19"),
        _follow_up("2028-10-19", "18:00", "19:00"),  # a second on one day: an id of its own
    ]
    saved = browser.post("/console/courses", **_with_sessions(fields, *rows))
    assert saved.status == 303, text_of(saved.body.split("<main", 1)[-1])[:900]
    assert saved.headers["location"].startswith(f"/console/courses/{NEXT_ID}")
    course = system.ports.repository.get_course(NEXT_ID)
    old = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    assert old is not None
    assert course.definition.programme == old.definition.programme
    assert course.definition.facilitators == old.definition.facilitators
    assert course.definition.price == old.definition.price
    assert _follow_up_ids(system, NEXT_ID) == [
        "follow-up-2028-09-21",
        "follow-up-2028-10-19",
        "follow-up-2028-10-19-2",
    ]
    # The cohort after it, whose graduates join the September follow-up at its very time,
    # shares that event; one at another time that day is an event of its own.
    summer = [
        _core("2028-06-05"),
        _follow_up("2028-09-21"),
        _follow_up("2028-09-21", "10:00", "11:00"),
    ]
    fields = _course_form(browser.get(f"/console/courses/new?from={NEXT_ID}").body)
    assert browser.post("/console/courses", **_with_sessions(fields, *summer)).status == 303
    summer_course = system.stored_course("compassionate-leadership-training-2028-06")
    assert [
        (s.id, s.start_time.isoformat("minutes"))
        for s in summer_course.definition.sessions
        if s.kind is SessionKind.FOLLOW_UP
    ] == [("follow-up-2028-09-21", "16:00"), ("follow-up-2028-09-21-2", "10:00")]


def test_the_next_cohort_of_a_cohort_named_by_its_month_is_named_as_it_is(
    system: System, browser: ConsoleBrowser
) -> None:
    # The sample is compassionate-leadership-2027-06; its next cohort was named from
    # the title, compassionate-leadership-training-2028-06, beside its elder in no pattern.
    elder = "compassionate-leadership-2027-06"
    system.put_course(elder, system.course_file())
    form = browser.get(f"/console/courses/new?from={elder}")
    assert (
        f"Leave it empty to have one made as {elder}'s was: compassionate-leadership and the "
        "new first session's year and month."
    ) in text_of(form.body)
    fields = _course_form(form.body)
    fields["follow_ups_offered"] = "yes"  # its follow-ups left off: the save saves at once

    saved = browser.post("/console/courses", **_with_sessions(fields, *map(_core, SPRING_2028)))

    assert saved.status == 303, text_of(saved.body.split("<main", 1)[-1])[:900]
    assert saved.headers["location"].startswith("/console/courses/compassionate-leadership-2028-03")
    assert system.ports.repository.get_course("compassionate-leadership-2028-03") is not None
    assert system.ports.repository.get_course(NEXT_ID) is None


def _follow_up_ids(system: System, course_id: str) -> list[str | None]:
    course = system.stored_course(course_id)
    return [s.id for s in course.definition.sessions if s.kind is SessionKind.FOLLOW_UP]


def test_a_course_id_made_that_another_course_has_is_shown_to_change(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _course_form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    # Its follow-ups offered already and left off: the save saves at once.
    typed = _with_sessions(fields, *(_core(day) for day in SPRING_2028))
    typed["follow_ups_offered"] = "yes"
    assert browser.post("/console/courses", **typed).status == 303
    before = system.items()
    again = browser.post("/console/courses", **_with_sessions(typed, _core("2028-03-06")))
    assert again.status == 422
    assert f'id="course_id" name="course_id" value="{NEXT_ID}"' in again.body
    assert error_beside(again.body, "course_id")
    assert system.items() == before


def test_a_programme_chosen_by_its_title_is_that_programme(
    system: System, browser: ConsoleBrowser
) -> None:
    page = browser.get("/console/courses/new").body
    assert '<option value="Compassionate Leadership Training">' in page
    fields: dict[str, Any] = {
        **_course_form(page),
        "course_id": "spring-taster",
        "title": "Spring taster",
        "programme": "compassionate leadership training",
        "price": "20.00",
        **{f"session-0-{k}": v for k, v in _core("2028-03-13").items()},
    }
    assert browser.post("/console/courses", **fields).status == 303
    course = system.stored_course("spring-taster")
    assert course.definition.programme == "compassionate-leadership"


def test_a_new_course_starts_with_six_session_rows_and_ignores_empty_ones(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _course_form(browser.get("/console/courses/new").body)
    assert [f"session-{n}-date" in fields for n in range(7)] == [True] * 6 + [False]
    typed = {**fields, "title": "Two-session taster", "price": "20.00"}
    saved = browser.post(
        "/console/courses", **_with_sessions(typed, _core("2028-03-13"), _core("2028-03-20"))
    )
    assert saved.status == 303, text_of(saved.body.split("<main", 1)[-1])[:900]
    course = system.stored_course("two-session-taster-2028-03")
    assert len(course.definition.sessions) == 2


def test_a_half_filled_session_row_is_refused_in_words(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _course_form(browser.get("/console/courses/new").body)
    typed = {**fields, "title": "Half typed", "price": "20.00"}
    before = system.items()
    half = {"date": "2028-03-20", "start_time": "", "end_time": "", "kind": "core"}
    refused = browser.post("/console/courses", **_with_sessions(typed, _core("2028-03-13"), half))
    assert refused.status == 422
    said = error_beside(refused.body, "session-1-start_time")
    assert said, text_of(refused.body)[:800]
    assert "Session 2, start time: Enter a time of day, like 15:00" in text_of(refused.body)
    assert system.items() == before


def test_the_next_cohort_of_no_such_course_is_not_found(browser: ConsoleBrowser) -> None:
    assert browser.get("/console/courses/new?from=no-such-course").status == 404


def test_no_course_id_typed_and_none_to_make_says_what_to_do(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _course_form(browser.get("/console/courses/new").body)
    before = system.items()
    refused = browser.post("/console/courses", **{**fields, "title": "Ωμέγα", "price": "20.00"})
    assert refused.status == 422
    said = error_beside(refused.body, "course_id")
    assert said
    assert text_of(said.group(1)).startswith("Type a course id (lower-case letters"), said
    assert system.items() == before


def test_a_refused_save_of_the_next_cohort_still_says_where_it_was_filled_in_from(
    system: System, browser: ConsoleBrowser
) -> None:
    """The form shown again after a refused save (or a row added) kept every
    value typed but said the general *Add a course* note, not "Filled in from ..."."""
    fields = _course_form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    assert fields["next_of"] == COURSE_ID
    half = {"date": "2028-03-20", "start_time": "", "end_time": "17:00", "kind": "core"}
    before = system.items()

    refused = browser.post("/console/courses", **_with_sessions(fields, _core("2028-03-13"), half))
    more = browser.post("/console/courses", **{**fields, "rows": "add-session"})

    assert refused.status == 422
    for page in (refused, more):
        said = text_of(page.body)
        assert f"Filled in from the cohort of {_dates_of(system)}" in said, said[:900]
        assert _course_form(page.body)["next_of"] == COURSE_ID  # and again on the next save
    assert system.items() == before  # nothing saved


def test_a_next_of_naming_no_course_is_not_said(browser: ConsoleBrowser) -> None:
    fields = _course_form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    posted = {**fields, "next_of": "no-such-course", "rows": "add-session"}
    page = browser.post("/console/courses", **posted)
    assert page.status == 200
    assert "Filled in from" not in text_of(page.body)


def _dates_of(system: System, course_id: str = COURSE_ID) -> str:
    """The cohort's dates as the note says them: first and last session's days, UK time."""
    course = system.stored_course(course_id)
    zone = ZoneInfo(course.definition.timezone)
    first, last = (course.schedule[i].start.astimezone(zone) for i in (0, -1))
    days = [f"{d:%A} {d.day} {d:%B %Y}" for d in (first, last)]
    return f"{days[0]} to {days[1]} ({len(course.schedule)} sessions)"


def test_the_note_names_the_cohort_by_its_dates_not_the_title_typed(
    system: System, browser: ConsoleBrowser
) -> None:
    """Cohorts share a title, and the note named the cohort by the title typed
    on the form (a title changed there named a cohort that does not exist)."""
    page = browser.get(f"/console/courses/new?from={COURSE_ID}")
    note = text_of(page.body)
    said = note[note.find("Filled") :][:300]
    assert f"Filled in from the cohort of {_dates_of(system)}" in note, said
    fields = _course_form(page.body)
    retitled = {**fields, "title": "Kind Leadership", "rows": "add-session"}
    again = text_of(browser.post("/console/courses", **retitled).body)
    assert f"Filled in from the cohort of {_dates_of(system)}" in again, again[:900]
    assert "Filled in from Kind Leadership" not in again
