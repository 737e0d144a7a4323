"""*Add the next cohort* carries the follow-ups over (the organiser tester: they were
left behind, to be typed again): the first save of a form filled in from a cohort with
follow-ups, its new dates typed, saves nothing and brings the form back with those follow-ups
added, moved by the gap between the two first sessions, to check, change or remove; the next
save saves them as the form then holds them, and the rules about the programme's shared
follow-ups still hold."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from booking.domain.course import MAX_SESSIONS
from tests.support.console import ConsoleBrowser
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def _form(page: str) -> dict[str, str]:
    return dict(next(fields for _, fields in forms_on(page) if "title" in fields))


def _source_rows(system: System) -> tuple[date, list[dict[str, str]]]:
    """The sample cohort's first core day, and its follow-ups as its file gives them."""
    stored = system.course_file()
    cores = [s for s in stored["sessions"] if s.get("kind", "core") == "core"]
    follow_ups = [s for s in stored["sessions"] if s.get("kind") == "follow_up"]
    assert follow_ups, "the sample cohort has follow-ups"
    return min(date.fromisoformat(s["date"]) for s in cores), follow_ups


def _first_day_said(system: System) -> str:
    """The sample cohort's first session's day, in words, UK time."""
    course = system.stored_course(COURSE_ID)
    first = course.schedule[0].start.astimezone(ZoneInfo(course.definition.timezone))
    return f"{first:%A} {first.day} {first:%B %Y}"


def _sessions(fields: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for n in range(MAX_SESSIONS + 1):
        if f"session-{n}-date" not in fields:
            break
        rows.append(
            {
                k: fields.get(f"session-{n}-{k}", "")
                for k in ("id", "date", "start_time", "end_time", "kind", "title")
            }
        )
    return rows


def test_the_follow_ups_come_back_moved_and_are_saved_on_the_next_press(
    system: System, browser: ConsoleBrowser
) -> None:
    first_day, follow_ups = _source_rows(system)
    new_first = first_day + timedelta(weeks=26)
    page = browser.get(f"/console/courses/new?from={COURSE_ID}").body
    assert f"It has {len(follow_ups)} follow-ups" in text_of(page)
    fields = _form(page) | {
        "session-0-date": new_first.isoformat(),
        "session-0-start_time": "15:00",
        "session-0-end_time": "17:00",
        "session-0-kind": "core",
    }
    before = system.items()

    offered = browser.post("/console/courses", **fields)

    assert offered.status == 200, text_of(offered.body)[:900]
    assert system.items() == before  # nothing saved
    said = text_of(offered.body)
    # The cohort by its dates (cohorts share a title).
    of = f"of the cohort of {_first_day_said(system)} to "
    assert f"{len(follow_ups)} follow-ups {of}" in said, said[said.find("follow-ups of") :][:200]
    assert "moved 26 weeks later as the first session is" in said
    again = _form(offered.body)
    assert again["follow_ups_offered"] == "yes"
    assert again["course_id"] == ""  # still to be made from the title as it is saved
    rows = _sessions(again)
    carried = [r for r in rows if r["kind"] == "follow_up"]
    assert [r["date"] for r in carried] == [
        (date.fromisoformat(f["date"]) + timedelta(weeks=26)).isoformat() for f in follow_ups
    ]
    assert [r["start_time"] for r in carried] == [f["start_time"][:5] for f in follow_ups]
    assert [r["title"] for r in carried] == [f.get("title", "") for f in follow_ups]
    assert all(r["id"] == "" for r in carried)  # new events: the programme's are not moved
    assert rows[0]["date"] == new_first.isoformat()  # the typed session kept

    # The organiser removes the last one and saves.
    last = max(n for n, r in enumerate(rows) if r["kind"] == "follow_up")
    for name in ("id", "date", "start_time", "end_time", "title", "home_practice"):
        again[f"session-{last}-{name}"] = ""
    again[f"session-{last}-kind"] = "core"
    saved = browser.post("/console/courses", **again)

    assert saved.status == 303, text_of(saved.body)[:900]
    new_id = saved.headers["location"].split("/console/courses/", 1)[1].split("?", 1)[0]
    sessions = system.course(new_id)["sessions"]
    assert len([s for s in sessions if s["kind"] == "follow_up"]) == len(follow_ups) - 1
    # The cohort copied from keeps its follow-ups as they were.
    assert [
        s for s in system.course_file()["sessions"] if s.get("kind") == "follow_up"
    ] == follow_ups


def test_follow_ups_typed_already_or_no_dates_typed_are_not_offered(
    system: System, browser: ConsoleBrowser
) -> None:
    fields = _form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    nothing_typed = browser.post("/console/courses", **fields)
    assert "were added to the sessions below" not in text_of(nothing_typed.body)
    assert nothing_typed.status == 422  # the missing sessions refused as before
    again = _form(nothing_typed.body)
    assert "follow_ups_offered" not in again  # not offered yet: offered once dates are typed


def test_a_carried_follow_up_given_the_shared_ones_id_is_still_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    """The rule that refuses a shared follow-up moved by its id holds for a carried one: the
    organiser types the cohort's own follow-up's id into a moved row, and the save is refused
    beside it, nothing saved, the cohort's follow-up left where it is."""
    from tests.support.console import error_beside

    first_day, _ = _source_rows(system)
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    shared = next(s for s in course.schedule if s.kind.value == "follow_up")
    fields = _form(browser.get(f"/console/courses/new?from={COURSE_ID}").body) | {
        "session-0-date": (first_day + timedelta(weeks=26)).isoformat(),
        "session-0-start_time": "15:00",
        "session-0-end_time": "17:00",
        "session-0-kind": "core",
    }
    again = _form(browser.post("/console/courses", **fields).body)
    row = next(n for n, r in enumerate(_sessions(again)) if r["kind"] == "follow_up")
    again[f"session-{row}-id"] = shared.key
    before = system.items()

    refused = browser.post("/console/courses", **again)

    assert refused.status == 422, text_of(refused.body)[:900]
    beside = [
        f for f in ("id", "date", "start_time") if error_beside(refused.body, f"session-{row}-{f}")
    ]
    assert beside, text_of(refused.body)[:900]  # said beside the row
    assert "is the follow-up" in text_of(refused.body)
    assert system.items() == before


def test_follow_ups_with_no_room_left_are_refused_in_words_never_dropped(
    system: System, browser: ConsoleBrowser
) -> None:
    """A form whose sessions and the cohort's follow-ups together came to more
    than a course may have saved without the follow-ups, and said nothing of them."""
    first_day, follow_ups = _source_rows(system)
    start = first_day + timedelta(weeks=104)
    typed = MAX_SESSIONS - len(follow_ups) + 2  # two sessions too many with the follow-ups
    fields = _form(browser.get(f"/console/courses/new?from={COURSE_ID}").body)
    for n in range(typed):
        fields |= {
            f"session-{n}-date": (start + timedelta(days=n)).isoformat(),
            f"session-{n}-start_time": "15:00",
            f"session-{n}-end_time": "17:00",
            f"session-{n}-kind": "core",
        }
    before = system.items()

    refused = browser.post("/console/courses", **fields)

    assert refused.status == 422, text_of(refused.body)[:900]
    assert system.items() == before  # nothing saved
    # Beside the sessions' rows (their legend's error: id "sessions", which the summary links).
    said = re.search(
        r'id="sessions"><span class="visually-hidden">Error:</span>(.*?)</span>', refused.body
    )
    assert said, text_of(refused.body)[:900]
    assert text_of(said.group(1)) == (
        f"The cohort this form was filled in from has {len(follow_ups)} follow-ups to carry "
        f"over, and with the {typed} sessions typed here that would make {typed + 4}, more "
        f"than the {MAX_SESSIONS} a course may have: nothing was saved. Remove at least 2 "
        "sessions and press Save the course again to have them added"
    )
    again = _form(refused.body)
    assert "follow_ups_offered" not in again  # still to be offered, once there is room
    assert len([r for r in _sessions(again) if r["date"]]) == typed  # what was typed, kept

    # Two sessions removed: the follow-ups come back added, every one of them.
    for n in (typed - 1, typed - 2):
        for name in ("date", "start_time", "end_time"):
            again[f"session-{n}-{name}"] = ""
    offered = browser.post("/console/courses", **again)
    assert offered.status == 200, text_of(offered.body)[:900]
    rows = _sessions(_form(offered.body))
    assert len([r for r in rows if r["kind"] == "follow_up"]) == len(follow_ups)
    assert system.items() == before
