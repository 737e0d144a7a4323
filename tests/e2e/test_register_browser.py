"""A cohort's register in a real browser against ``make run``: reached from the course page,
marked with the keyboard alone (Tab to a mark, Enter), an attendance export imported and its
unmatched row resolved, each page clean to axe-core; then, over the HTTP API, the register of
a cohort whose last session has ended is closed, the certificate comes by email as a
PDF, downloads again from the status page and its verification page confirms it."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningStack, followed_from, no_violations

pytestmark = pytest.mark.e2e


def _put(
    stack: RunningStack,
    course_id: str,
    sessions: list[dict[str, str]],
    title: str = "Register cohort",
) -> None:
    stack.load_course(
        course_id,
        {
            "programme": f"{course_id}-programme",
            "title": title,
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 5,
            "timezone": "UTC",
            "completion_min_sessions": 1,
            "facilitators": [{"name": "Ann Facilitator", "email": "ann@example.org"}],
            "sessions": sessions,
        },
    )


def _book(stack: RunningStack, course_id: str, name: str, email: str) -> dict[str, Any]:
    application = stack.applied(course_id, name=name, email=email)
    stack.pay(application)
    return application


def _sessions(*days: date) -> list[dict[str, str]]:
    """One core session on each of ``days``, 09:30 to 12:00 UTC."""
    return [{"date": day.isoformat(), "start_time": "09:30", "end_time": "12:00"} for day in days]


def test_the_register_is_kept_with_the_keyboard_and_passes_axe(
    stack: RunningStack, organiser: Page
) -> None:
    course_id = "register-browser-cohort"
    # The first session a week from now (a booking needs it not begun yet), the second a week
    # after it (the register stays open).
    today = datetime.now(UTC).date()
    first, second = today + timedelta(weeks=1), today + timedelta(weeks=2)
    _put(stack, course_id, _sessions(first, second))
    _book(stack, course_id, "Edith Cavell", "edith.register@example.org")
    _book(stack, course_id, "Mary Seacole", "mary.register@example.org")
    page = organiser
    followed_from(page, stack, f"/console/courses/{course_id}", "Register")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    no_violations(page, "40-register")
    # Before the session: only apologies are offered (and kept); attendance once it begins.
    expect(
        page.get_by_role("button", name="Absent for Edith Cavell, Session 1 of 2")
    ).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Attended or absent once it begins")
    page.get_by_role("button", name="Sent apologies for Edith Cavell, Session 1 of 2").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Edith Cavell: sent apologies for session 1 of 2."
    )
    # The organiser moves the first session to yesterday (a register with marks keeps its
    # sessions, and may move their dates): it has begun, so every mark is offered.
    _put(stack, course_id, _sessions(today - timedelta(days=1), second))
    page.reload()
    # The keyboard alone: focus the first mark's button, move on with Tab, press Enter.
    button = page.get_by_role("button", name="Attended for Edith Cavell, Session 1 of 2")
    button.focus()
    page.keyboard.press("Tab")  # on to "Absent"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "Edith Cavell: absent from session 1 of 2."
    )
    expect(
        page.get_by_role("button", name="Absent for Edith Cavell, Session 1 of 2")
    ).to_have_attribute("aria-pressed", "true")
    no_violations(page, "41-register-marked")
    page.get_by_label("Session").select_option(index=0)
    page.get_by_label("The export (CSV)").fill(
        "Name (Original Name),User Email,Duration (Minutes)\n"
        "Mary,MARY.register@example.org,120\nDial-in caller,,118\n"
        # The facilitator's own row is set apart; a second unknown row stays
        # in view once the first is resolved.
        "Ann Facilitator (Host),ann@example.org,121\nGuest Two,guest.two@x.example,30\n"
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("main")).to_contain_text("1 person was marked attended: Mary Seacole")
    expect(page.locator("main")).to_contain_text("Dial-in caller")
    expect(page.locator("main")).to_contain_text(
        "Left out as the course's own people (its facilitators or its enquiries address): "
        "Ann Facilitator (Host) (line 4)."
    )
    expect(page.get_by_label("Who line 4 is")).to_have_count(0)
    no_violations(page, "42-register-imported")
    chooser = page.get_by_label("Who line 3 is")
    edith = chooser.locator("option", has_text="Edith Cavell").get_attribute("value")
    assert edith
    chooser.select_option(value=edith)
    page.get_by_role("button", name="Mark attended for line 3").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Edith Cavell: attended session 1 of 2."
    )
    expect(
        page.get_by_role("button", name="Attended for Edith Cavell, Session 1 of 2")
    ).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Who line 5 is")).to_be_visible()  # the other row still there
    expect(page.locator("main")).to_contain_text("Guest Two")
    expect(page.locator("main")).to_contain_text("can be closed once the last core session")


def _outbox_certificate(stack: RunningStack, email: str) -> bytes:
    def certificates(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in outbox if email in m["to"] and "certificate" in m["subject"].lower()]

    sent = certificates(stack.outbox_until(lambda outbox: bool(certificates(outbox))))
    assert sent, "no certificate email"
    [pdf] = [a for a in sent[0]["attachments"] if a["content_type"] == "application/pdf"]
    return base64.b64decode(pdf["content"])


def _attended_and_closed(stack: RunningStack, course_id: str, booking: dict[str, Any]) -> list[str]:
    """``booking`` marked as attending the course's one session, then its register closed
    (both taken) over the organiser API: the applications it says completed."""
    register = stack.get(f"/admin/courses/{course_id}/register", headers=stack.admin_headers)
    key = register.json()["sessions"][0]["key"]
    marked = stack.post(
        f"/admin/courses/{course_id}/register/marks",
        json={"application_id": booking["reference"], "session": key, "mark": "attended"},
        headers=stack.admin_headers,
    )
    assert marked.status_code == 200, marked.text
    closed = stack.post(f"/admin/courses/{course_id}/register/close", headers=stack.admin_headers)
    assert closed.status_code == 200, closed.text
    return list(closed.json()["completed"])


def test_a_closed_register_certifies_over_http(stack: RunningStack) -> None:
    course_id = "register-closing-cohort"
    today = datetime.now(UTC).date()
    _put(stack, course_id, _sessions(today + timedelta(weeks=1)))
    ada = _book(stack, course_id, "Ada Ἀθηνᾶ", "ada.register@example.org")
    # Booked, the session is moved to yesterday: it has begun (attendance can be marked) and
    # ended (the register can be closed).
    _put(stack, course_id, _sessions(today - timedelta(days=1)))
    assert _attended_and_closed(stack, course_id, ada) == [ada["application_id"]]
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


def test_who_graduated_is_listed_and_invited_now_in_the_browser(
    stack: RunningStack, organiser: Page
) -> None:
    """The course's list says who completed; the programme's graduates are
    one list; a graduate is invited to a follow-up before its day with one press."""
    course_id = "graduates-browser-cohort"
    today = datetime.now(UTC).date()

    def put(core_day: date) -> None:
        sessions: list[dict[str, str]] = [*_sessions(core_day)]
        sessions.append(
            {
                "date": (today + timedelta(days=60)).isoformat(),
                "start_time": "09:30",
                "end_time": "11:00",
                "kind": "follow_up",
                "id": "graduates-follow-up",
                "title": "Follow-up",
            }
        )
        _put(stack, course_id, sessions, title="Graduates cohort")

    put(today + timedelta(weeks=1))
    grace = _book(stack, course_id, "Grace Darling", "grace.graduate@example.org")
    _book(stack, course_id, "Ida Lewis", "ida.graduate@example.org")
    put(today - timedelta(days=1))  # booked, the session moved to yesterday: held and ended
    _attended_and_closed(stack, course_id, grace)
    page = organiser
    followed_from(page, stack, "/console", "Graduates cohort, from")
    grace_row = page.get_by_role("row").filter(has_text="Grace Darling")
    expect(grace_row).to_contain_text("Completed")
    expect(page.get_by_role("row").filter(has_text="Ida Lewis")).to_contain_text("Did not complete")
    no_violations(page, "43-course-completion")
    # Her certificate in words with a link, and sent again with one press.
    grace_row.get_by_role("link", name=grace["reference"]).click()
    certificate = page.locator("dt", has_text="Certificate").locator("xpath=..")
    expect(certificate).to_contain_text("Issued")
    expect(certificate.get_by_role("link", name="See what it says")).to_have_attribute(
        "href", re.compile(r"^/certificates/")
    )
    page.get_by_role("button", name="Send the certificate again").click()
    expect(page.get_by_role("status").first).to_contain_text("is on its way to them again")
    no_violations(page, "46-certificate-sent-again")
    page.goto(f"{stack.url}/console/courses/{course_id}")
    page.get_by_role("link", name="Every cohort of the programme").click()
    page.get_by_role("link", name="Graduates and follow-up invitations").click()
    graduates = page.locator("#graduates")
    expect(graduates).to_contain_text("Graduates of the programme (1)")
    expect(graduates).not_to_contain_text("Ida Lewis")
    expect(graduates.get_by_role("row").filter(has_text="Grace Darling")).to_contain_text(
        "Not invited to any yet"
    )
    expect(graduates.get_by_role("link", name="Download the graduates (CSV)")).to_be_visible()
    no_violations(page, "44-graduates")
    page.get_by_role("button", name="Invite now Grace Darling").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Grace Darling (booking {grace['reference']}) was invited now"
    )
    expect(graduates.get_by_role("row").filter(has_text="Grace Darling")).to_contain_text(
        "Follow-up 1"
    )
    no_violations(page, "45-graduate-invited")
