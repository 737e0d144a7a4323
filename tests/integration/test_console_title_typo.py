"""A cohort title another cohort's of its programme but for a letter or two (the
organiser tester: "Compasionate Leadership Training" went onto the programme page unwarned):
the course form warns beside the title before the save, nothing saved, and a second press with
the same title saves it; the programme's own title, or one made different on purpose, saves
at once."""

from __future__ import annotations

from tests.support.console import ConsoleBrowser
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

SPRING_2028 = ["2028-03-13", "2028-03-20"]


def _next_cohort(browser: ConsoleBrowser, title: str) -> dict[str, str]:
    """*Add the next cohort*'s form as the page gives it, its title typed and two sessions."""
    page = browser.get(f"/console/courses/new?from={COURSE_ID}").body
    fields = next(fields for _, fields in forms_on(page) if "title" in fields)
    # Its follow-ups offered already and left off: the title is what is checked here.
    fields = dict(fields) | {"title": title, "follow_ups_offered": "yes"}
    for n, day in enumerate(SPRING_2028):
        fields |= {
            f"session-{n}-date": day,
            f"session-{n}-start_time": "15:00",
            f"session-{n}-end_time": "17:00",
            f"session-{n}-kind": "core",
        }
    return fields


def test_a_likely_typo_is_warned_before_the_save_and_saved_on_a_second_press(
    system: System, browser: ConsoleBrowser
) -> None:
    before = system.items()
    typed = _next_cohort(browser, "Compasionate Leadership Training")

    warned = browser.post("/console/courses", **typed)

    assert warned.status == 200, warned.body
    said = text_of(warned.body)
    assert "Check the title" in said
    assert "“Compassionate Leadership Training”" in said
    assert "Nothing is saved yet" in said
    assert system.items() == before  # nothing saved
    again = next(fields for _, fields in forms_on(warned.body) if "title" in fields)
    assert again["title"] == "Compasionate Leadership Training"  # what was typed, kept
    assert again["title_checked"] == "Compasionate Leadership Training"

    saved = browser.post("/console/courses", **again)

    assert saved.status == 303, text_of(saved.body)[:900]
    titles = [c["title"] for c in system.api("GET", "/courses").json()]
    assert "Compasionate Leadership Training" in titles


def test_another_title_after_the_warning_is_checked_again(
    system: System, browser: ConsoleBrowser
) -> None:
    typed = _next_cohort(browser, "Compasionate Leadership Training")
    again = next(
        fields
        for _, fields in forms_on(browser.post("/console/courses", **typed).body)
        if "title" in fields
    )
    other_slip = again | {"title": "Compassionate Leadrship Training"}
    rewarned = browser.post("/console/courses", **other_slip)
    assert rewarned.status == 200
    assert "Check the title" in text_of(rewarned.body)


def test_the_programmes_own_title_or_one_different_on_purpose_saves_at_once(
    system: System, browser: ConsoleBrowser
) -> None:
    own = browser.post(
        "/console/courses", **_next_cohort(browser, "Compassionate Leadership Training")
    )
    assert own.status == 303, text_of(own.body)[:900]
    other = _next_cohort(browser, "Compassionate Leadership for Managers") | {
        "course_id": "managers-2028"
    }
    assert browser.post("/console/courses", **other).status == 303


def test_a_title_saved_after_the_warning_is_not_warned_again_when_its_course_changes(
    system: System, browser: ConsoleBrowser
) -> None:
    """The cohort saved with its title on a second press was warned again at every
    later *Change this course* (its places, its dates), the title untouched: a warning that
    never ends. A course's own title, unchanged, is not checked again."""
    typed = _next_cohort(browser, "Compasionate Leadership Training")
    again = next(
        fields
        for _, fields in forms_on(browser.post("/console/courses", **typed).body)
        if "title" in fields
    )
    saved = browser.post("/console/courses", **again)
    assert saved.status == 303, text_of(saved.body)[:900]
    course_id = saved.headers["location"].split("/console/courses/", 1)[1].split("?", 1)[0]
    edit = f"/console/courses/{course_id}/edit"
    form = next(fields for _, fields in forms_on(browser.get(edit).body) if "title" in fields)

    changed = browser.post("/console/courses", **(dict(form) | {"capacity": "12"}))

    assert changed.status == 303, text_of(changed.body).split("Or fill in the form")[1][:600]
    assert system.course(course_id)["capacity"] == 12
    # Its title changed to another slip is still warned.
    slip = dict(form) | {"title": "Compassionate Leadrship Training"}
    assert "Check the title" in text_of(browser.post("/console/courses", **slip).body)
