"""A booking moves to another cohort over `make run`'s HTTP API, with its calendar updated.

Two cohorts of a programme of this run's own are loaded; a person books and pays the first on
the Stripe stand-in, then the organiser moves them to the second (cheaper) with ``/admin``. The
outbox holds one message about it, carrying a CANCEL of the old sessions and a REQUEST of the
new ones (held to RFC 5546 by ``tests/support/mail_checks.py``), and the difference is
recorded as refunded once, though the move was asked for twice.
"""

from __future__ import annotations

import base64
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import vobject
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, sign_in
from tests.e2e.test_console_browser import no_violations
from tests.support.mail_checks import check_calendar


@pytest.fixture
def organiser_page(desktop: Page) -> Page:
    return desktop


def _admin(stack: RunningStack) -> dict[str, str]:
    return {"authorization": f"Bearer {stack.admin_token}"}


def _cohort(run: str, name: str, first: datetime, price: int, **extra: Any) -> dict[str, Any]:
    return {
        "programme": f"moving-{run}",
        "title": "Moving Leadership",
        "price": {"amount": price},
        "capacity": 4,
        "enquiries_email": f"{name}@example.org",
        "sessions": [
            {
                "date": (first + timedelta(weeks=w)).date().isoformat(),
                "start_time": "15:00",
                "end_time": "17:00",
            }
            for w in range(2)
        ],
        **extra,
    }


def _load(stack: RunningStack, files: dict[str, dict[str, Any]]) -> None:
    """This run's own cohorts, loaded as an organiser loads them."""
    for course_id, definition in files.items():
        loaded = requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json=definition,
            headers=_admin(stack),
            timeout=60,
        )
        assert loaded.status_code == 201, loaded.text


def _close(stack: RunningStack, files: dict[str, dict[str, Any]]) -> None:
    """Close this run's cohorts, so the stack's other tests still find the sample first."""
    for course_id, definition in files.items():
        requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json={**definition, "closed": True},
            headers=_admin(stack),
            timeout=60,
        )


def _mail_to(stack: RunningStack, person: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mail = [m for m in stack.get("/_local/outbox").json() if person in m["to"]]
        if len(mail) >= count:
            return mail
        time.sleep(0.5)
    return [m for m in stack.get("/_local/outbox").json() if person in m["to"]]


def _text(attachment: dict[str, Any]) -> str:
    content = str(attachment["content"])
    if attachment["content_type"].startswith("text/"):
        return content
    return base64.b64decode(content).decode()


def test_a_booking_moves_to_a_cheaper_cohort_with_its_calendar_updated(
    stack: RunningStack,
) -> None:
    run = uuid.uuid4().hex[:6]
    first = datetime.now(UTC) + timedelta(days=200)
    files = {
        f"spring-{run}": _cohort(run, "spring", first, 20000),
        f"autumn-{run}": _cohort(run, "autumn", first + timedelta(weeks=8), 15000),
    }
    _load(stack, files)
    person = f"mover-{run}@example.org"
    applied = stack.post(
        f"/courses/spring-{run}/applications",
        json={
            "name": "Mary Seacole",
            "email": person,
            "job_title": "Nurse",
            "organisation": "NHS Trust",
            "leadership_role": "A ward",
            "motivation": "To lead with compassion",
            "consent": True,
        },
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    session = application["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session}/pay").status_code == 200
    confirmation = _mail_to(stack, person, 2)

    path = f"{stack.url}/admin/applications/{application['reference']}/transfer"
    moved = requests.post(
        path, json={"to_course_id": f"autumn-{run}"}, headers=_admin(stack), timeout=60
    )
    again = requests.post(
        path, json={"to_course_id": f"autumn-{run}"}, headers=_admin(stack), timeout=60
    )

    assert moved.status_code == again.status_code == 200, (moved.text, again.text)
    assert moved.json()["course_id"] == f"autumn-{run}"
    mail = _mail_to(stack, person, len(confirmation) + 1)
    about_it = [m for m in mail if m["subject"].startswith("Your booking has moved")]
    assert len(about_it) == 1, [m["subject"] for m in mail]
    assert "£50.00" in about_it[0]["text"]
    calendars = {a["filename"]: _text(a) for a in about_it[0]["attachments"]}
    assert set(calendars) == {"cancel.ics", "invite.ics"}
    assert check_calendar(calendars["cancel.ics"], recipients=[person], method_param="CANCEL")
    assert check_calendar(calendars["invite.ics"], recipients=[person], method_param="REQUEST")
    cancel = vobject.readOne(calendars["cancel.ics"])
    assert {str(e.organizer.value) for e in cancel.vevent_list} == {"mailto:spring@example.org"}
    assert len(cancel.vevent_list) == 2
    record = requests.get(
        f"{stack.url}/admin/applications/{application['application_id']}",
        headers=_admin(stack),
        timeout=60,
    ).json()
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 5000)
    _close(stack, files)


def test_the_console_moves_a_booking_and_its_pages_pass_axe(
    stack: RunningStack, organiser_page: Page
) -> None:
    run = uuid.uuid4().hex[:6]
    first = datetime.now(UTC) + timedelta(days=300)
    files = {
        f"first-{run}": _cohort(run, "first", first, 20000),
        f"second-{run}": _cohort(run, "second", first + timedelta(weeks=8), 20000),
        f"dearer-{run}": _cohort(run, "dearer", first + timedelta(weeks=16), 25000),
    }
    _load(stack, files)
    applied = stack.post(
        f"/courses/first-{run}/applications",
        json={
            "name": "Edith Cavell",
            "email": f"edith-{run}@example.org",
            "job_title": "Matron",
            "organisation": "NHS Trust",
            "leadership_role": "A ward",
            "motivation": "To lead with compassion",
            "consent": True,
        },
    ).json()
    session = applied["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session}/pay").status_code == 200
    page = organiser_page
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/applications/{applied['application_id']}")
    page.get_by_role("link", name="Transfer to another cohort").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move a booking")
    no_violations(page, "40-transfer-choices")
    # Nothing chosen: the page again, the mistake beside the choice.
    page.get_by_role("button", name="Move the booking").click()
    expect(page.locator("#error-summary")).to_be_visible()
    no_violations(page, "41-transfer-nothing-chosen")
    page.get_by_label("Moving Leadership, from", exact=False).first.check()
    page.get_by_role("button", name="Move the booking").click()
    expect(page.get_by_role("status")).to_contain_text("Moved to the other cohort")
    no_violations(page, "42-transfer-done")
    record = requests.get(
        f"{stack.url}/admin/applications/{applied['application_id']}",
        headers=_admin(stack),
        timeout=60,
    ).json()
    assert record["course_id"] == f"second-{run}"
    # The dearer cohort: the difference is asked for first, and the move can be withdrawn.
    page.get_by_role("link", name="Transfer to another cohort").click()
    dearer = page.get_by_label("Moving Leadership, from", exact=False).last
    dearer.check()
    page.get_by_role("button", name="Move the booking").click()
    expect(page.get_by_role("status")).to_contain_text("a link to pay the")
    no_violations(page, "43-transfer-waits-for-its-difference")
    page.get_by_role("button", name="Withdraw the move").click()
    expect(page.get_by_role("status")).to_contain_text("Move withdrawn")
    withdrawn = requests.get(
        f"{stack.url}/admin/applications/{applied['application_id']}",
        headers=_admin(stack),
        timeout=60,
    ).json()
    assert (withdrawn["course_id"], withdrawn["pending_move"]) == (f"second-{run}", None)
    _close(stack, files)
