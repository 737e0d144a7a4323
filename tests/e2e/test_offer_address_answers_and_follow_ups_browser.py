"""What the organiser tester still found short, in a real browser against `make run`,
each page checked by axe-core (WCAG 2.2 A and AA) and kept as a screenshot: *Send the offer
again* naming the address it sends to; *Read all answers* counting a group's places nobody has
applied for yet; *Add the next cohort* carrying its follow-ups over, moved, and the course form
warning of a title that is another cohort's but for a typo; the printable person's record
saying who holds the data, why, who gets it, how long it is kept and the person's rights."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in
from tests.e2e.test_group_bookings_over_http import book, colleagues, pay_invoice
from tests.e2e.test_people_records_and_offers_browser import offered_from_the_console
from tests.e2e.test_who_pays_over_http import small_course

pytestmark = pytest.mark.e2e


def _unique(word: str) -> str:
    return f"{word}-{uuid.uuid4().hex[:8]}"


def test_send_the_offer_again_names_the_address(stack: RunningStack, desktop: Page) -> None:
    page = desktop
    email = offered_from_the_console(stack, page, "o.neill")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Send the offer again"))
    expect(form).to_contain_text(f"at {email} (check the address for a typo)")
    axe_clean(page, "org24-01-offer-again-address")
    page.get_by_role("button", name="Send the offer again").click()
    expect(page.get_by_role("status").first).to_contain_text(f"on its way to them again at {email}")
    axe_clean(page, "org24-02-offer-sent-again-address")


def test_read_all_answers_counts_a_groups_places_not_applied_for(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = small_course(stack, capacity=5)
    pay_invoice(stack, book(stack, course_id, colleagues(uuid.uuid4().hex[:8], 3)))
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/courses/{course_id}/answers")
    section = page.get_by_role("region", name="Group places with no application yet")
    expect(section).to_contain_text("3 places of 1 group booking have no application yet.")
    expect(section).to_contain_text("St Elsewhere NHS Foundation Trust")
    expect(section).not_to_contain_text("Mary Seacole")
    axe_clean(page, "org24-03-answers-group-places")


def test_the_next_cohort_carries_its_follow_ups_and_a_typo_in_its_title_is_warned(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = _unique("carried")
    definition = {
        "programme": course_id,  # a programme of its own: no other test's follow-ups
        "title": "Kindness in Leadership",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 10,
        "sessions": [
            {"date": "2031-03-03", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2031-03-10", "start_time": "15:00", "end_time": "17:00"},
            {
                "date": "2031-06-09",
                "start_time": "16:00",
                "end_time": "17:00",
                "kind": "follow_up",
                "title": "Looking back together",
            },
        ],
    }
    stack.load_course(course_id, definition)
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/courses/new?from={course_id}")
    expect(page.locator("#next-cohort")).to_contain_text("It has 1 follow-up")
    for n, day in enumerate(("2031-09-01", "2031-09-08")):
        page.locator(f"#session-{n}-date").fill(day)
        page.locator(f"#session-{n}-start_time").fill("15:00")
        page.locator(f"#session-{n}-end_time").fill("17:00")
    page.locator("#title").fill("Kindness in Leadershp")
    page.get_by_role("button", name="Save the course").last.click()

    carried = page.locator("#follow-ups-carried")
    expect(carried).to_contain_text("1 follow-up of")
    expect(carried).to_contain_text("moved 26 weeks later")
    expect(page.locator("#session-2-date")).to_have_value("2031-12-08")
    expect(page.locator("#session-2-title")).to_have_value("Looking back together")
    axe_clean(page, "org24-04-next-cohort-follow-ups-carried")

    page.get_by_role("button", name="Save the course").last.click()
    warning = page.locator("#title-warning")
    expect(warning).to_contain_text("“Kindness in Leadership”")
    axe_clean(page, "org24-05-title-typo-warned")
    page.locator("#title").fill("Kindness in Leadership")
    page.get_by_role("button", name="Save the course").last.click()
    expect(page.get_by_role("status").first).to_contain_text("Course saved.")
    # Its id made from the title as saved, not from the typo the form first held.
    expect(page).to_have_url(re.compile(r"/console/courses/kindness-in-leadership-2031-09"))


def test_the_persons_record_says_what_is_done_with_the_data(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    course_id = stack.course_of_its_own("about-data")
    email = f"{_unique('about')}@example.org"
    stack.applied(course_id, name="Ruth Ellis", email=email)
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/people/record?email={email}")
    about = page.get_by_role("region", name="About this data")
    for said in ("Who holds it", "Why we hold it", "Who it goes to", "How long it is kept"):
        expect(about).to_contain_text(said)
    expect(about).to_contain_text("Information Commissioner's Office")
    axe_clean(page, "org24-06-person-record-about-the-data")
