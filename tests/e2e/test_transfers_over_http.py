"""A booking moves to another cohort over `make run`'s HTTP API, with its calendar updated.

Two cohorts of a programme of this run's own are loaded; a person books and pays the first on
the Stripe stand-in, then the organiser moves them to the second (cheaper) with ``/admin``. The
outbox holds one message about it, carrying a CANCEL of the old sessions and a REQUEST of the
new ones (held to RFC 5546 by ``tests/support/mail_checks.py``), and the difference is
recorded as refunded once, though the move was asked for twice.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import vobject
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, followed_from, no_violations
from tests.support.courses import weekly_sessions
from tests.support.mail_checks import check_calendar


def _cohort(run: str, name: str, first: datetime, price: int, **extra: Any) -> dict[str, Any]:
    return {
        "programme": f"moving-{run}",
        "title": "Moving Leadership",
        "price": {"amount": price},
        "capacity": 4,
        "enquiries_email": f"{name}@example.org",
        "sessions": weekly_sessions(first.date(), 2),
        **extra,
    }


def _mail_to(stack: RunningStack, person: str, count: int) -> list[dict[str, Any]]:
    """The mail to ``person`` once there are ``count`` messages (or after a minute)."""

    def theirs(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in outbox if person in m["to"]]

    return theirs(stack.outbox_until(lambda outbox: len(theirs(outbox)) >= count, 60))


def _text(attachment: dict[str, Any]) -> str:
    content = str(attachment["content"])
    if attachment["content_type"].startswith("text/"):
        return content
    return base64.b64decode(content).decode()


def _loaded(stack: RunningStack, files: dict[str, dict[str, Any]]) -> None:
    """The organiser loads each cohort's file (each new)."""
    for course_id, definition in files.items():
        loaded = requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json=definition,
            headers=stack.admin_headers,
            timeout=60,
        )
        assert loaded.status_code == 201, loaded.text


def _programme(
    stack: RunningStack, days_ahead: int, prices: dict[str, int]
) -> tuple[str, dict[str, dict[str, Any]]]:
    """A programme of this run's own, loaded: a cohort of each name in ``prices`` at its price,
    eight weeks apart from ``days_ahead`` days on. Returns the run's id and the course files."""
    run = uuid.uuid4().hex[:6]
    first = datetime.now(UTC) + timedelta(days=days_ahead)
    files = {
        f"{name}-{run}": _cohort(run, name, first + timedelta(weeks=8 * n), price)
        for n, (name, price) in enumerate(prices.items())
    }
    _loaded(stack, files)
    return run, files


def _closed(stack: RunningStack, files: dict[str, dict[str, Any]]) -> None:
    """Close the cohorts, so the stack's other tests still find the sample first."""
    for course_id, definition in files.items():
        closed = requests.put(
            f"{stack.url}/admin/courses/{course_id}",
            json={**definition, "closed": True},
            headers=stack.admin_headers,
            timeout=60,
        )
        assert closed.status_code == 200, closed.text


def _record(stack: RunningStack, application_id: str) -> dict[str, Any]:
    """The organiser's view of an application."""
    reply = requests.get(
        f"{stack.url}/admin/applications/{application_id}", headers=stack.admin_headers, timeout=60
    )
    assert reply.status_code == 200, reply.text
    record: dict[str, Any] = reply.json()
    return record


def test_a_booking_moves_to_a_cheaper_cohort_with_its_calendar_updated(
    stack: RunningStack,
) -> None:
    run, files = _programme(stack, 200, {"spring": 20000, "autumn": 15000})
    person = f"mover-{run}@example.org"
    application = stack.applied(
        f"spring-{run}", name="Mary Seacole", email=person, job_title="Nurse"
    )
    stack.pay(application)
    confirmation = _mail_to(stack, person, 2)

    path = f"{stack.url}/admin/applications/{application['reference']}/transfer"
    moved = requests.post(
        path, json={"to_course_id": f"autumn-{run}"}, headers=stack.admin_headers, timeout=60
    )
    again = requests.post(
        path, json={"to_course_id": f"autumn-{run}"}, headers=stack.admin_headers, timeout=60
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
    record = _record(stack, application["application_id"])
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 5000)
    _closed(stack, files)


def test_the_console_moves_a_booking_and_its_pages_pass_axe(
    stack: RunningStack, organiser: Page
) -> None:
    run, files = _programme(stack, 300, {"first": 20000, "second": 20000, "dearer": 25000})
    applied = stack.applied(
        f"first-{run}", name="Edith Cavell", email=f"edith-{run}@example.org", job_title="Matron"
    )
    stack.pay(applied)
    page = organiser
    at = f"/console/applications/{applied['application_id']}"
    followed_from(page, stack, at, "Transfer to another cohort")
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
    record = _record(stack, applied["application_id"])
    assert record["course_id"] == f"second-{run}"
    # The dearer cohort: the difference is asked for first, and the move can be withdrawn.
    page.get_by_role("link", name="Transfer to another cohort").click()
    dearer = page.get_by_label("Moving Leadership, from", exact=False).last
    dearer.check()
    page.get_by_role("button", name="Move the booking").click()
    expect(page.get_by_role("status")).to_contain_text("They have been emailed a link to pay it.")
    no_violations(page, "43-transfer-waits-for-its-difference")
    page.get_by_role("button", name="Withdraw the move").click()
    expect(page.get_by_role("status")).to_contain_text("Move withdrawn")
    withdrawn = _record(stack, applied["application_id"])
    assert (withdrawn["course_id"], withdrawn["pending_move"]) == (f"second-{run}", None)
    # The dearer cohort closed: the one cohort left to move to is chosen already, still a
    # radio button (GOV.UK's advice for one possible answer).
    _closed(stack, {f"dearer-{run}": files[f"dearer-{run}"]})
    page.get_by_role("link", name="Transfer to another cohort").click()
    expect(page.get_by_label("Moving Leadership, from", exact=False).first).to_be_checked()
    no_violations(page, "44-transfer-one-cohort-to-move-to")
    _closed(stack, files)
