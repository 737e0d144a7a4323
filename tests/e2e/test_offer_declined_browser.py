"""Turning down an offered place in a browser: the status page's button, the
page that says it was done (both clean to WCAG 2.2 AA), and the place on to the next person."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import RunningStack, axe_clean
from tests.support.applicant_presses import pressed_again, status_of, told_once

COURSE = "decline-offer-e2e"


def _offered(stack: RunningStack) -> tuple[dict[str, Any], dict[str, Any]]:
    """A one-place course whose holder's checkout expired: the first waiting is offered the
    place, the second waits on."""
    stack.one_place_course(COURSE, "One place to turn down")
    holder = stack.applied(COURSE, email="holder.decline@example.org")
    first = stack.applied(COURSE, email="first.decline@example.org")
    second = stack.applied(COURSE, email="second.decline@example.org")
    session_id = holder["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session_id}/expire").status_code == 200
    assert status_of(stack, first) == "offered"
    return first, second


def pressed_and_done(page: Page, button: str, done: str, gone: Locator, screenshot: str) -> None:
    """``button`` pressed on the applicant's page: the page that opens is headed ``done``, has
    no ``gone`` (the control that asked it), and is clean to axe-core."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1, name=done)).to_be_visible()
    expect(gone).to_have_count(0)
    axe_clean(page, screenshot)


def test_an_offer_is_turned_down_in_a_browser(stack: RunningStack, desktop: Page) -> None:
    first, second = _offered(stack)
    page = desktop
    page.goto(first["status_url"])
    expect(page.get_by_role("heading", name="No longer want this place?")).to_be_visible()
    # The one act true for them: turning the place down ends their wait too.
    expect(page.get_by_role("link", name="Leave the waiting list")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("This also takes you off the waiting list")
    axe_clean(page, "offer-with-turn-down")
    pressed_and_done(
        page,
        "Turn down this place",
        "You turned down the place we offered you",
        page.get_by_role("button", name="Turn down this place"),
        "offer-turned-down",
    )
    assert status_of(stack, second) == "offered"  # at once, no sweep run
    # Pressed again (a page kept open, Back): said as a second press, nothing changed.
    assert pressed_again(stack, first, "decline-offer")["already_declined"] is True
    told_once(stack, "first.decline@example.org", "turned down")
