"""An applicant who can no longer come, or who no longer wants a place on the
waiting list, found no word on their status page of what to do: only "if you have any
questions". The page says it in plain words, to whom (the enquiries address) and with what
(their reference), on a phone's screen, clean to WCAG 2.2 AA."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean

COURSE = "one-place-help-e2e"
CANNOT_COME = "If you can no longer come, reply to any of our emails"
LEAVE_THE_LIST = "Leave the waiting list"  # a link to its question


def _status_page(stack: RunningStack, application: dict[str, Any]) -> str:
    return f"{stack.url}/applications/{application['application_id']}?token={application['token']}"


def test_the_status_page_says_how_to_give_up_a_place_or_leave_the_list(
    stack: RunningStack, phone: Page
) -> None:
    stack.one_place_course(COURSE, "One place, help")
    booked = stack.applied(COURSE, email="booked.help@example.org")
    stack.pay(booked)
    waiting = stack.applied(COURSE, email="waiting.help@example.org")
    assert waiting["status"] == "waitlisted"

    phone.goto(_status_page(stack, booked))
    expect(phone.get_by_role("heading", level=1, name="Your place is confirmed")).to_be_visible()
    expect(phone.get_by_text(CANNOT_COME)).to_be_visible()
    expect(phone.get_by_role("link", name=LEAVE_THE_LIST)).to_have_count(0)
    axe_clean(phone, "status-confirmed-help")

    phone.goto(_status_page(stack, waiting))
    waiting_heading = phone.get_by_role("heading", level=1, name="You are on the waiting list")
    expect(waiting_heading).to_be_visible()
    expect(phone.get_by_role("link", name=LEAVE_THE_LIST)).to_be_visible()
    expect(phone.get_by_text(CANNOT_COME)).to_have_count(0)
    axe_clean(phone, "status-waitlisted-help")
