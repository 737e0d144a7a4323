"""A move to a full cohort that joins its waiting list, over `make run`'s HTTP API and console.

Two cohorts of a programme of this run's own, the second holding one person: the organiser
asks, in the console, for a booking of the first to join the second's waiting list (the button
shown beside the full cohort only); the person's page says it; the one person on the second
cancels; the booking is moved there, with one email carrying cancel.ics and invite.ics. Every
console page on the way passes axe.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, sign_in
from tests.e2e.test_console_browser import no_violations
from tests.e2e.test_transfers_over_http import _admin, _cohort, _mail_to


@pytest.fixture
def organiser_page(desktop: Page) -> Page:
    return desktop


def _book(stack: RunningStack, course_id: str, name: str, email: str) -> dict[str, Any]:
    applied = stack.post(
        f"/courses/{course_id}/applications",
        json={
            "name": name,
            "email": email,
            "job_title": "Nurse",
            "organisation": "NHS Trust",
            "leadership_role": "A ward",
            "motivation": "To lead with compassion",
            "consent": True,
        },
    )
    assert applied.status_code == 201, applied.text
    application: dict[str, Any] = applied.json()
    session = application["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session}/pay").status_code == 200
    return application


def test_the_console_puts_a_booking_on_a_full_cohorts_list_and_a_freed_seat_moves_it(
    stack: RunningStack, organiser_page: Page
) -> None:
    run = uuid.uuid4().hex[:6]
    first = datetime.now(UTC) + timedelta(days=320)
    files = {
        f"here-{run}": _cohort(run, "here", first, 20000),
        f"full-{run}": _cohort(run, "full", first + timedelta(weeks=8), 20000, capacity=1),
    }
    for course_id, definition in files.items():
        loaded = requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json=definition,
            headers=_admin(stack),
            timeout=60,
        )
        assert loaded.status_code == 201, loaded.text
    holder = _book(stack, f"full-{run}", "Florence Nightingale", f"holder-{run}@example.org")
    person = f"waiter-{run}@example.org"
    mover = _book(stack, f"here-{run}", "Mary Seacole", person)
    before = len(_mail_to(stack, person, 2))

    page = organiser_page
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{mover['application_id']}")
    page.get_by_role("link", name="Transfer to another cohort").click()
    no_violations(page, "44-transfer-choices-with-a-full-cohort")
    page.get_by_role("button", name="Join its waiting list", exact=False).click()
    expect(page.get_by_role("status")).to_contain_text("on the other cohort's waiting list")
    expect(page.get_by_role("heading", name="Move waiting for a place")).to_be_visible()
    no_violations(page, "45-transfer-waits-on-a-waiting-list")
    page.goto(f"{stack.url}/console/courses/full-{run}")
    expect(page.get_by_role("heading", name="Moving here from other cohorts")).to_be_visible()
    no_violations(page, "46-course-with-a-booking-moving-in")
    status = stack.get(
        f"/applications/{mover['application_id']}?token={mover['token']}",
        headers={"accept": "text/html"},
    )
    assert "Waiting for a place on Moving Leadership" in status.text

    cancelled = requests.post(
        f"{stack.url}/admin/applications/{holder['application_id']}/cancel",
        json={"refund": True},
        headers=_admin(stack),
        timeout=60,
    )

    assert cancelled.status_code == 200, cancelled.text
    record = requests.get(
        f"{stack.url}/admin/applications/{mover['application_id']}",
        headers=_admin(stack),
        timeout=60,
    ).json()
    assert (record["course_id"], record["waiting_move"]) == (f"full-{run}", None)
    mail = _mail_to(stack, person, before + 1)
    [moved] = [m for m in mail if m["subject"].startswith("Your booking has moved")]
    assert {a["filename"] for a in moved["attachments"]} == {"cancel.ics", "invite.ics"}
    for course_id, definition in files.items():
        requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json={**definition, "closed": True},
            headers=_admin(stack),
            timeout=60,
        )
