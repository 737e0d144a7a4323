"""A full course's apply page in a browser: the form to join its waiting list, which passes
the same WCAG 2.2 AA rules as every other page, and puts the person on the list."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean

COURSE = "one-place-e2e"


def _one_place_course(stack: RunningStack) -> None:
    stack.one_place_course(COURSE, "One place")
    stack.pay(stack.applied(COURSE, email="holder.full@example.org"))


def test_a_full_course_offers_its_waiting_list_in_a_browser(
    stack: RunningStack, desktop: Page
) -> None:
    _one_place_course(stack)
    page = desktop
    page.goto(f"{stack.url}/courses/{COURSE}/apply")
    expect(page.get_by_role("heading", level=2, name="Join the waiting list")).to_be_visible()
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    axe_clean(page, "full-course-waiting-list")
