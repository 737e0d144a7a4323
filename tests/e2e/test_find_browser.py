"""An organiser asked "which of our staff are booked?" by an employer finds them with the
console's *Find*, by the organisation's name; the page passes axe-core."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, sign_in


def test_an_organiser_finds_an_employers_staff_by_its_name(
    stack: RunningStack, desktop: Page
) -> None:
    page = desktop
    sample = stack.sample()["course_id"]
    employer = f"Weald Community Trust {uuid.uuid4().hex[:6]}"
    staff = [
        stack.applied(
            sample, name=name, email=f"{uuid.uuid4().hex[:8]}@example.org", organisation=employer
        )
        for name in ("Rosalind Franklin", "Dorothy Hodgkin")
    ]
    sign_in(page, stack)
    page.get_by_label("Find an application or a person").fill(employer.lower())
    page.get_by_role("button", name="Find").click()
    main = page.locator("main")
    expect(main).to_contain_text("2 applications on every course by a name or organisation holding")
    for applied in staff:
        expect(main.get_by_role("link", name=applied["reference"])).to_be_visible()
    axe_clean(page, "find-01-by-organisation")
