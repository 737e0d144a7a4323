"""Leaving the waiting list in a browser on a phone: the status page's link,
the question it opens, the page that says it was done (each clean to WCAG 2.2 AA), the email,
and a second press said as one."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean
from tests.e2e.test_offer_declined_browser import pressed_and_done
from tests.support.applicant_presses import pressed_again, status_of, told_once


def test_a_waiting_person_leaves_the_list_on_a_phone(stack: RunningStack, phone: Page) -> None:
    course = stack.course_of_its_own("leave-list")
    # Every place taken, so the next applicant waits.
    definition = stack.get(f"/courses/{course}").json()
    for n in range(definition["capacity"]):
        stack.applied(course, email=f"holder{n}.leave@example.org")
    waiting = stack.applied(course, email="waiting.leave@example.org")
    assert waiting["status"] == "waitlisted"

    phone.goto(waiting["status_url"])
    expect(
        phone.get_by_role("heading", level=1, name="You are on the waiting list")
    ).to_be_visible()
    axe_clean(phone, "waitlisted-with-leave-link")
    phone.get_by_role("link", name="Leave the waiting list").click()
    expect(phone.get_by_role("heading", level=1, name="Leave the waiting list?")).to_be_visible()
    axe_clean(phone, "leave-waiting-list-question")
    assert status_of(stack, waiting) == "waitlisted"  # asking changed nothing
    pressed_and_done(
        phone,
        "Yes, leave the waiting list",
        "You have left the waiting list",
        phone.get_by_role("link", name="Leave the waiting list"),
        "left-waiting-list",
    )
    assert status_of(stack, waiting) == "cancelled"

    # Pressed again (a page kept open): said as a second press, nothing changed.
    assert pressed_again(stack, waiting, "leave-waiting-list")["already_left"] is True
    told_once(stack, "waiting.leave@example.org", "left the waiting list")
