"""Turning down an offered place in a browser: the status page's button, the
page that says it was done (both clean to WCAG 2.2 AA), and the place on to the next person."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, axe_clean

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
    assert _status(stack, first) == "offered"
    return first, second


def _status(stack: RunningStack, application: dict[str, Any]) -> str:
    path = f"/applications/{application['application_id']}?token={application['token']}"
    return str(stack.get(path).json()["status"])


def test_an_offer_is_turned_down_in_a_browser(stack: RunningStack, desktop: Page) -> None:
    first, second = _offered(stack)
    page = desktop
    page.goto(first["status_url"])
    expect(page.get_by_role("heading", name="No longer want this place?")).to_be_visible()
    axe_clean(page, "offer-with-turn-down")
    page.get_by_role("button", name="Turn down this place").click()
    expect(
        page.get_by_role("heading", level=1, name="You turned down the place we offered you")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Turn down this place")).to_have_count(0)
    axe_clean(page, "offer-turned-down")
    assert _status(stack, second) == "offered"  # at once, no sweep run
    # Pressed again (a page kept open, Back): said as a second press, nothing changed.
    again = requests.post(
        f"{stack.url}/applications/{first['application_id']}/decline-offer",
        params={"token": first["token"]},
        timeout=30,
    )
    assert again.status_code == 200, again.text
    assert again.json()["already_declined"] is True
    told = stack.outbox_until(
        lambda sent: any(
            "first.decline@example.org" in m["to"] for m in sent if "turned down" in m["subject"]
        )
    )
    turned_down = [
        m for m in told if "first.decline@example.org" in m["to"] and "turned down" in m["subject"]
    ]
    assert len(turned_down) == 1
