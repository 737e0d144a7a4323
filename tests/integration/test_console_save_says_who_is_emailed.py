"""Saving a course whose session times changed says who will be emailed (the
page said only "Course saved." while everyone booked got "Changed dates"): the count comes
from the rule that queues those emails (``services.change_messages``), so it is the
number of messages that go; a save that changes no date says nothing of emails."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from typing import Any

from booking.domain.course import CourseDefinition
from booking.domain.wording import cohort_name
from booking.handlers.course_form import form_of
from tests.support.console import (
    ConsoleBrowser,
    course_saved_said,
    posted_fields,
    stored_course_fields,
)
from tests.support.courses import SIBLING as LATER
from tests.support.courses import first_day, sibling_cohort
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    colleague_applies,
    manager_view,
    paid_card_group,
)
from tests.support.system import COURSE_ID, System

TOLD = "will be emailed the changed dates and times, with a calendar update."


def test_a_changed_time_says_how_many_people_are_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    for n in (1, 2):
        system.booked(email=f"booked{n}@example.org")
    system.apply(email="paying@example.org")  # not booked yet: not told
    system.deliver_emails()
    fields = stored_course_fields(system)

    said = course_saved_said(browser, {**fields, "session-2-start_time": "14:00"})

    assert f"Course saved. 2 people {TOLD}" in said
    changed = [m for m in system.deliver_emails() if m.subject.startswith("Changed dates")]
    assert len(changed) == 2
    # Saved again as it now is, or with only its places changed: nobody is emailed, none said.
    again = course_saved_said(browser, {**stored_course_fields(system), "capacity": "25"})
    assert "Course saved." in again
    assert TOLD not in again
    assert not [m for m in system.deliver_emails() if m.subject.startswith("Changed dates")]


def test_one_person_is_said_as_one(system: System, browser: ConsoleBrowser) -> None:
    system.booked()
    said = course_saved_said(
        browser, {**stored_course_fields(system), "session-0-end_time": "16:30"}
    )
    assert f"1 person {TOLD}" in said


WARNING = "Changing the sessions' dates or times emails up to"


def _warned(browser: ConsoleBrowser, course_id: str = COURSE_ID) -> int | None:
    """How many people the form changing the course says a change of dates emails (None:
    it says nothing of emails)."""
    said = browser.words(f"/console/courses/{course_id}/edit")
    found = re.search(re.escape(WARNING) + r" (\d+) (person|people)", said)
    return int(found.group(1)) if found else None


def _told_after(said: str) -> int:
    found = re.search(r"Course saved\..*?(\d+) (?:person|people) will be emailed", said)
    assert found, said
    return int(found.group(1))


def test_the_change_form_warns_whom_a_new_time_would_email(
    system: System, browser: ConsoleBrowser
) -> None:
    """Before the save: how many a change of dates emails, counted as the save counts."""
    assert _warned(browser) is None  # nobody booked yet
    for n in (1, 2):
        system.booked(email=f"booked{n}@example.org")
    system.apply(email="paying@example.org")  # not booked yet: not counted
    assert _warned(browser) == 2
    said = browser.words(f"/console/courses/{COURSE_ID}/edit")
    assert "people on other cohorts who hold a follow-up this course hosts" in said
    assert "they are not in this count" not in said
    assert WARNING not in browser.words("/console/courses/new")


def test_an_erased_person_is_neither_counted_nor_said_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    """ "3 people will be emailed" with one of them erased; 2 emails went."""
    for n in (1, 2, 3):
        system.booked(email=f"booked{n}@example.org")
    assert system.admin("DELETE", "/people/booked3@example.org").status == 200
    system.deliver_emails()
    assert _warned(browser) == 2

    said = course_saved_said(
        browser, {**stored_course_fields(system), "session-2-start_time": "14:00"}
    )

    assert _told_after(said) == 2
    changed = [m for m in system.deliver_emails() if m.subject.startswith("Changed dates")]
    assert sorted(m.to[0] for m in changed) == ["booked1@example.org", "booked2@example.org"]


def _later_cohort_sharing_follow_ups(system: System) -> dict[str, Any]:
    """A cohort of the sample's programme saved with six weekly sessions, each a day after the
    sample's, listing the sample's first two follow-ups (which the sample hosts); the sample's
    file, returned."""
    sample = system.course_file()
    first = first_day(sample) + timedelta(days=1)
    later = sibling_cohort(sample, first, 6, str(sample["joining_url"]), shared_follow_ups=2)
    assert system.admin("PUT", f"/courses/{LATER}", json_body=later).status == 201
    return sample


def _hosted_follow_up_moved(browser: ConsoleBrowser, sample: dict[str, Any]) -> str:
    """The sample saved on the console with its first follow-up an hour later: what it said."""
    changed = copy.deepcopy(sample)
    follow_up = next(s for s in changed["sessions"] if s["kind"] == "follow_up")
    follow_up["start_time"], follow_up["end_time"] = "17:00", "18:00"
    fields = posted_fields(form_of(COURSE_ID, CourseDefinition.model_validate(changed)))
    return course_saved_said(browser, fields)


def test_other_cohorts_people_holding_a_hosted_follow_up_are_counted(
    system: System, browser: ConsoleBrowser
) -> None:
    """The sample hosts follow-ups a later cohort lists too; moving one emails
    the later cohort's people as well: warned 1, emailed 3."""
    sample = _later_cohort_sharing_follow_ups(system)
    for email, course in [("alex@example.org", COURSE_ID), ("bob@example.org", LATER)]:
        assert system.pay(system.apply(course, email=email).json()["checkout_url"]).status == 200
    assert system.pay(system.apply(LATER, email="cy@example.org").json()["checkout_url"])
    system.deliver_emails()
    warned = _warned(browser)

    said = _hosted_follow_up_moved(browser, sample)

    sent = system.deliver_emails()
    assert sorted(m.to[0] for m in sent) == [
        "alex@example.org",
        "bob@example.org",
        "cy@example.org",
    ]
    assert _told_after(said) == 3
    assert warned == 3
    # The other cohort whose people hear of it is named.
    later = system.stored_course(LATER)
    on = f"booked on {cohort_name(later)} (a follow-up it shares)"
    assert f"3 people {TOLD[:-1]}, 2 of them {on}." in said, said[:600]
    assert "among them" not in said
    assert f"booked on {cohort_name(system.stored_course(COURSE_ID))}" not in said


def test_one_person_booked_on_another_cohort_is_said_as_one_of_that_cohort(
    system: System, browser: ConsoleBrowser
) -> None:
    """Moving a follow-up the sample hosts, nobody booked on it and one person on the other
    cohort sharing it: "1 person will be emailed ..., among them people booked on ..." said
    one person was several, and that some were elsewhere."""
    sample = _later_cohort_sharing_follow_ups(system)
    assert system.pay(system.apply(LATER, email="bob@example.org").json()["checkout_url"])
    system.deliver_emails()

    said = _hosted_follow_up_moved(browser, sample)

    name = cohort_name(system.stored_course(LATER))
    assert f"1 person, booked on {name} (a follow-up it shares), {TOLD}" in said, said[:600]
    assert "among them" not in said
    assert [m.to[0] for m in system.deliver_emails()] == ["bob@example.org"]


def test_a_groups_manager_and_colleagues_not_applied_are_counted(
    system: System, browser: ConsoleBrowser
) -> None:
    """A first session moved earlier emails the group's colleague who applied
    (its new dates), its manager and the two colleagues not applied yet (their earlier
    apply-by date): warned 1 and told 1, 4 emails went."""
    group = paid_card_group(system)
    colleague_applies(system, manager_view(system, group), place=1)
    system.deliver_emails()
    warned = _warned(browser)
    fields = stored_course_fields(system)
    first = date.fromisoformat(fields["session-0-date"])

    said = course_saved_said(
        browser, {**fields, "session-0-date": (first - timedelta(days=1)).isoformat()}
    )

    sent = system.deliver_emails()
    assert len(sent) == 4, [(m.to, m.subject) for m in sent]
    assert {m.to[0] for m in sent} == {MANAGER, *(c["email"] for c in COLLEAGUES)}
    assert _told_after(said) == 4
    assert warned == 4
