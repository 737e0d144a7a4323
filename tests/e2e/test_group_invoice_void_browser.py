"""An organiser voids a group booking's unpaid invoice from the console's *Group bookings* page,
in a real browser against ``make run``: the button reached with the keyboard, the notice in
words after it, the seats back on the course, the invoice void at the Stripe stand-in; the page
clean to axe-core (WCAG 2.2 AA) before and after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console_browser import no_violations
from tests.e2e.test_group_bookings_over_http import book, colleagues
from tests.e2e.test_who_pays_over_http import small_course

pytestmark = pytest.mark.e2e


@pytest.fixture
def organiser(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_an_organiser_voids_a_groups_invoice_from_the_group_bookings_page(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = small_course(stack, capacity=4)
    group = book(stack, course_id, colleagues(uuid.uuid4().hex[:8], 2))
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 2
    page = organiser
    page.goto(f"{stack.url}/console/sign-in")
    page.get_by_label("Organiser token").fill(stack.admin_token)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{stack.url}/console/courses/{course_id}/group-bookings")
    main = page.locator("main")
    expect(main).to_contain_text("Invoice due by")
    button = page.get_by_role(
        "button", name="Void the invoice of St Elsewhere NHS Foundation Trust"
    )
    no_violations(page, "61-group-invoice-open")

    button.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(
        "Invoice voided. The group's seats have gone back to the course"
    )
    expect(main).to_contain_text("Lapsed: never paid, its places were released")
    expect(main).to_contain_text("Released: the booking was not paid in time")
    expect(page.get_by_role("button", name="Void the invoice")).to_have_count(0)
    no_violations(page, "62-group-invoice-voided")
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == 4
    invoice_id = str(group["pay_url"]).rsplit("/", 1)[-1]
    events = stack.get("/_local/stripe/events").json()
    voided = [
        e
        for e in events
        if e["type"] == "invoice.voided" and e["data"]["object"]["id"] == invoice_id
    ]
    assert len(voided) == 1
