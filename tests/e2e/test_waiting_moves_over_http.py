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

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, followed_from, no_violations
from tests.e2e.test_transfers_over_http import _closed, _cohort, _loaded, _mail_to


def test_the_console_puts_a_booking_on_a_full_cohorts_list_and_a_freed_seat_moves_it(
    stack: RunningStack, desktop: Page
) -> None:
    run = uuid.uuid4().hex[:6]
    here = datetime.now(UTC) + timedelta(days=320)
    files = {f"here-{run}": _cohort(run, "here", here, 20000)}
    files[f"full-{run}"] = _cohort(run, "full", here + timedelta(weeks=8), 20000, capacity=1)
    _loaded(stack, files)
    holder = stack.applied(f"full-{run}", email=f"holder-{run}@example.org")
    stack.pay(holder)
    person = f"waiter-{run}@example.org"
    mover = stack.applied(f"here-{run}", email=person)
    stack.pay(mover)
    before = len(_mail_to(stack, person, 2))

    page = desktop
    at = f"/console/applications/{mover['application_id']}"
    followed_from(page, stack, at, "Transfer to another cohort")
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

    cancel = f"/admin/applications/{holder['application_id']}/cancel"
    cancelled = stack.post(cancel, json={"refund": True}, headers=stack.admin_headers)

    assert cancelled.status_code == 200, cancelled.text
    record = stack.get(
        f"/admin/applications/{mover['reference']}", headers=stack.admin_headers
    ).json()
    assert (record["course_id"], record["waiting_move"]) == (f"full-{run}", None)
    mail = _mail_to(stack, person, before + 2)  # its joining the list told, then the move
    joined = [m for m in mail if m["subject"].startswith("Your booking is on the waiting list")]
    assert len(joined) == 1, [m["subject"] for m in mail]
    [moved] = [m for m in mail if m["subject"].startswith("Your booking has moved")]
    assert {a["filename"] for a in moved["attachments"]} == {"cancel.ics", "invite.ics"}
    _closed(stack, files)
