"""A cohort's register in a real browser against ``make run``: reached from the course page,
marked with the keyboard alone (Tab to a mark, Enter), an attendance export imported and its
unmatched row resolved, each page clean to axe-core; then, over the HTTP API, the register of
a cohort whose last session has just ended is closed, the certificate comes by email as a
PDF, downloads again from the status page and its verification page confirms it."""

from __future__ import annotations

import base64
import io
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, sign_in
from tests.e2e.test_console_browser import no_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def organiser(desktop: Page) -> Page:
    return desktop


def _admin(stack: RunningStack) -> dict[str, str]:
    return {"authorization": f"Bearer {stack.admin_token}"}


def _put(stack: RunningStack, course_id: str, sessions: list[dict[str, str]]) -> None:
    import requests

    reply = requests.put(
        f"{stack.url}/admin/courses/{course_id}",
        json={
            "programme": f"{course_id}-programme",
            "title": "Register cohort",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 5,
            "timezone": "UTC",
            "completion_min_sessions": 1,
            "facilitators": [{"name": "Ann Facilitator", "email": "ann@example.org"}],
            "sessions": sessions,
        },
        headers=_admin(stack),
        timeout=30,
    )
    assert reply.status_code in (200, 201), reply.text


def _book(stack: RunningStack, course_id: str, name: str, email: str) -> dict[str, Any]:
    reply = stack.post(
        f"/courses/{course_id}/applications",
        json={
            "name": name,
            "email": email,
            "job_title": "Ward manager",
            "organisation": "St Elsewhere",
            "leadership_role": "A ward",
            "motivation": "To lead with compassion",
            "consent": True,
        },
    )
    assert reply.status_code == 201, reply.text
    application: dict[str, Any] = reply.json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    assert stack.post(f"/_local/stripe/checkout/{session_id}/pay").status_code == 200
    return application


def _a_minute_soon() -> tuple[datetime, datetime]:
    """A one-minute session starting on a minute boundary at least a minute from now (time to
    book before it begins), on one day in UTC whatever the time of day."""
    start = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    if (start + timedelta(minutes=1)).date() != start.date():  # 23:59: the next day's 00:01
        start += timedelta(minutes=2)
    return start, start + timedelta(minutes=1)


def test_the_register_is_kept_with_the_keyboard_and_passes_axe(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = "register-browser-cohort"
    # The first session begins a minute or two from now (a booking needs it not begun yet; a
    # mark of attendance needs it begun), the second a week later (the register stays open).
    begins, ends = _a_minute_soon()
    _put(
        stack,
        course_id,
        [
            {
                "date": (begins + timedelta(days=7 * n)).date().isoformat(),
                "start_time": f"{begins:%H:%M}",
                "end_time": f"{ends:%H:%M}",
            }
            for n in range(2)
        ],
    )
    _book(stack, course_id, "Edith Cavell", "edith.register@example.org")
    _book(stack, course_id, "Mary Seacole", "mary.register@example.org")
    page = organiser
    sign_in(page, stack)
    page.goto(f"{stack.url}/console/courses/{course_id}")
    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    no_violations(page, "40-register")
    # Before the session: only apologies are offered (and kept); attendance once it begins.
    expect(
        page.get_by_role("button", name="Absent for Edith Cavell, Session 1 of 2")
    ).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Attended or absent once it begins")
    page.get_by_role("button", name="Sent apologies for Edith Cavell, Session 1 of 2").click()
    expect(page.get_by_role("status").first).to_contain_text("Mark saved")
    time.sleep(max((begins - datetime.now(UTC)).total_seconds() + 1, 0))
    page.reload()  # the session has begun: every mark is offered
    # The keyboard alone: focus the first mark's button, move on with Tab, press Enter.
    button = page.get_by_role("button", name="Attended for Edith Cavell, Session 1 of 2")
    button.focus()
    page.keyboard.press("Tab")  # on to "Absent"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Mark saved")
    expect(
        page.get_by_role("button", name="Absent for Edith Cavell, Session 1 of 2")
    ).to_have_attribute("aria-pressed", "true")
    no_violations(page, "41-register-marked")
    page.get_by_label("Session").select_option(index=0)
    page.get_by_label("The export (CSV)").fill(
        "Name (Original Name),User Email,Duration (Minutes)\n"
        "Mary,MARY.register@example.org,120\nDial-in caller,,118\n"
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("main")).to_contain_text("1 person was marked attended: Mary Seacole")
    expect(page.locator("main")).to_contain_text("Dial-in caller")
    no_violations(page, "42-register-imported")
    chooser = page.get_by_label("Who line 3 is")
    edith = chooser.locator("option", has_text="Edith Cavell").get_attribute("value")
    assert edith
    chooser.select_option(value=edith)
    page.get_by_role("button", name="Mark attended for line 3").click()
    expect(page.get_by_role("status").first).to_contain_text("Mark saved")
    expect(
        page.get_by_role("button", name="Attended for Edith Cavell, Session 1 of 2")
    ).to_have_attribute("aria-pressed", "true")
    expect(page.locator("main")).to_contain_text("can be closed once the last core session")


def _outbox_certificate(stack: RunningStack, email: str) -> bytes:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for message in stack.get("/_local/outbox").json():
            if email in message["to"] and "certificate" in message["subject"].lower():
                [pdf] = [
                    a for a in message["attachments"] if a["content_type"] == "application/pdf"
                ]
                return base64.b64decode(pdf["content"])
        time.sleep(0.5)
    raise AssertionError("no certificate email")


def test_a_closed_register_certifies_over_http(stack: RunningStack) -> None:
    course_id = "register-closing-cohort"
    start, end = _a_minute_soon()
    _put(
        stack,
        course_id,
        [
            {
                "date": start.date().isoformat(),
                "start_time": f"{start:%H:%M}",
                "end_time": f"{end:%H:%M}",
            }
        ],
    )
    ada = _book(stack, course_id, "Ada Ἀθηνᾶ", "ada.register@example.org")
    time.sleep(max((start - datetime.now(UTC)).total_seconds() + 1, 0))  # marks once it begins
    register = stack.get(f"/admin/courses/{course_id}/register", headers=_admin(stack)).json()
    key = register["sessions"][0]["key"]
    marked = stack.post(
        f"/admin/courses/{course_id}/register/marks",
        json={"application_id": ada["reference"], "session": key, "mark": "attended"},
        headers=_admin(stack),
    )
    assert marked.status_code == 200, marked.text
    time.sleep(max((end - datetime.now(UTC)).total_seconds() + 1, 0))
    closed = stack.post(f"/admin/courses/{course_id}/register/close", headers=_admin(stack))
    assert closed.status_code == 200, closed.text
    assert closed.json()["completed"] == [ada["application_id"]]
    content = _outbox_certificate(stack, "ada.register@example.org")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Ada Ἀθηνᾶ" in text
    found = re.search(r"/certificates/(\S+)", text)
    assert found, text
    page = stack.get(f"/certificates/{found.group(1)}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "A genuine certificate of completion" in page.text
    again = stack.get(
        f"/applications/{ada['application_id']}/certificate.pdf", params={"token": ada["token"]}
    )
    assert again.status_code == 200
    assert again.headers["content-type"] == "application/pdf"
    assert again.content.startswith(b"%PDF-")
