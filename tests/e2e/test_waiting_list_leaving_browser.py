"""Leaving the waiting list in a browser on a phone: the status page's link,
the question it opens, the page that says it was done (each clean to WCAG 2.2 AA), the email,
and a second press said as one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningStack, axe_clean, page_in

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    with page_in(chromium, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


def _status(stack: RunningStack, application: dict[str, Any]) -> dict[str, Any]:
    path = f"/applications/{application['application_id']}?token={application['token']}"
    return dict(stack.get(path).json())


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
    assert _status(stack, waiting)["status"] == "waitlisted"  # asking changed nothing
    phone.get_by_role("button", name="Yes, leave the waiting list").click()
    expect(
        phone.get_by_role("heading", level=1, name="You have left the waiting list")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="Leave the waiting list")).to_have_count(0)
    axe_clean(phone, "left-waiting-list")
    assert _status(stack, waiting)["status"] == "cancelled"

    # Pressed again (a page kept open): said as a second press, nothing changed.
    again = requests.post(
        f"{stack.url}/applications/{waiting['application_id']}/leave-waiting-list",
        params={"token": waiting["token"]},
        timeout=30,
    )
    assert again.status_code == 200, again.text
    assert again.json()["already_left"] is True
    told = stack.outbox_until(
        lambda sent: any(
            "waiting.leave@example.org" in m["to"] and "left the waiting list" in m["subject"]
            for m in sent
        )
    )
    left = [
        m
        for m in told
        if "waiting.leave@example.org" in m["to"] and "left the waiting list" in m["subject"]
    ]
    assert len(left) == 1
