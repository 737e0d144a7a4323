"""Back to a form answered with its mistakes: the page answering the POST was
``no-store``, so Chromium's Back asked to "Confirm form resubmission". It is kept in the
person's own browser (``private, no-cache``): Back shows it again, the answers as typed, no
form sent twice, nothing put in the address."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack

ANSWERS = {
    "name": "Mary Back",
    "job_title": "Ward sister",
    "organisation": "St Elsewhere",
    "leadership_role": "A ward team of twelve",
    "motivation": "To lead with more compassion.",
}


def test_back_to_a_form_answered_with_its_mistakes_shows_it_again(
    stack: RunningStack, desktop: Page
) -> None:
    course = stack.course_of_its_own("form-back")
    page = desktop
    page.goto(f"{stack.url}/courses/{course}/apply")
    for field, value in ANSWERS.items():
        page.locator(f"#{field}").fill(value)
    page.locator("#email").fill("mary.back.example.org")  # no @: refused, consent unticked
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    answered = page.evaluate("() => performance.getEntriesByType('navigation')[0].name")
    assert "mary" not in answered.lower()  # nothing typed went into the address

    page.locator("#email").fill("mary.back@example.org")
    page.locator("#consent").check()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/_local/stripe/checkout/cs_"))

    # Back: the form as it was answered, from the browser's own copy (not sent again).
    page.go_back()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#name")).to_have_value(ANSWERS["name"])
    expect(page.locator("#motivation")).to_have_value(ANSWERS["motivation"])
    # The corrected form was sent once, the refused one never: one seat held.
    held = stack.get(f"/courses/{course}").json()
    assert held["places_left"] == held["capacity"] - 1
