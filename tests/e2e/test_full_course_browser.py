"""A full course's apply page in a browser: the form to join its waiting list, which passes
the same WCAG 2.2 AA rules as every other page, and puts the person on the list."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean

COURSE = "one-place-e2e"


def _one_place_course(stack: RunningStack) -> None:
    sample = stack.get("/courses").json()[0]
    definition: dict[str, Any] = {
        "programme": "compassionate-leadership",
        "title": "One place",
        "price": sample["price"],
        "capacity": 1,
        "sessions": [
            {
                "date": sample["sessions"][0]["start"][:10],
                "start_time": "15:00",
                "end_time": "17:00",
            }
        ],
    }
    reply = requests.put(
        f"{stack.url}/admin/courses/{COURSE}",
        json=definition,
        headers={"Authorization": f"Bearer {stack.admin_token}"},
        timeout=30,
    )
    assert reply.status_code in (200, 201), reply.text
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
