"""An organiser sets up the next cohort of the sample course in a browser, typing only its
dates: the course page's *Add the next cohort* opens *Add a course* filled
in from the sample, six session rows empty, the programme by its title; saved with no course
id or follow-up id typed, the console makes them. axe-core finds nothing on each page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in


def test_an_organiser_adds_the_next_cohort_typing_only_its_dates(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    sign_in(page, stack)
    sample = stack.sample()
    # Two years on (104 weeks: the same weekdays), after every other test's cohort.
    days = [
        date.fromisoformat(s["start"][:10]) + timedelta(weeks=104)
        for s in sample["sessions"]
        if s["kind"] == "core"
    ][:6]
    page.goto(f"{stack.url}/console/courses/{sample['course_id']}")
    page.get_by_role("link", name="Add the next cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a course")
    # The cohort by its dates, UK time (cohorts share a title).
    first = datetime.fromisoformat(sample["sessions"][0]["start"])
    expect(page.locator("#next-cohort")).to_contain_text(
        f"Filled in from the cohort of {first:%A} {first.day} {first:%B %Y} to "
    )
    expect(page.locator("#title")).to_have_value(sample["title"])
    expect(page.locator("#programme")).to_have_value(sample["title"])  # by its title
    expect(page.locator("#course_id")).to_have_value("")
    expect(page.locator("#session-5-date")).to_have_value("")
    expect(page.locator("#session-6-date")).to_have_count(0)
    axe_clean(page, "next-cohort-01-form")

    for n, day in enumerate(days):
        page.locator(f"#session-{n}-date").fill(day.isoformat())
        page.locator(f"#session-{n}-start_time").fill("15:00")
        page.locator(f"#session-{n}-end_time").fill("17:00")
    page.get_by_role("button", name="Add a session").click()  # a seventh: its follow-up
    follow_up = days[-1] + timedelta(weeks=12)
    page.locator("#session-6-date").fill(follow_up.isoformat())
    page.locator("#session-6-start_time").fill("16:00")
    page.locator("#session-6-end_time").fill("17:00")
    page.locator("#session-6-kind").select_option("follow_up")
    page.get_by_role("button", name="Save the course").click()

    # Named as the sample is, its month changed.
    made = f"compassionate-leadership-{days[0]:%Y-%m}"
    expect(page).to_have_url(f"{stack.url}/console/courses/{made}")
    expect(page.locator("main")).to_contain_text("Course saved.")
    expect(page.locator("main")).to_contain_text("A place costs £200.00.")
    axe_clean(page, "next-cohort-02-saved")
    stored = stack.get(f"/courses/{made}").json()
    assert [s["start"][:10] for s in stored["sessions"]] == [
        *(d.isoformat() for d in days),
        follow_up.isoformat(),
    ]
    page.get_by_role("link", name="Change this course").first.click()
    expect(page.locator("#session-6-id")).to_have_value(f"follow-up-{follow_up.isoformat()}")
    expect(page.locator("#programme")).to_have_value(sample["title"])
