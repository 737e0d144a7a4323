"""A completer's certificate on their application's page: said in words with
a link to its check page, never as its bare code, and *Send the certificate again* emails it,
with its PDF, once per press of the button. Through the real handlers, moto and the Stripe
stand-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from booking.handlers.console_app import press_row
from tests.support.console import ConsoleBrowser, press_issued, signed_in
from tests.support.courses import register_course, weekly_sessions
from tests.support.html_forms import form_posting_to
from tests.support.page_text import text_of
from tests.support.system import System

COURSE = "certificate-again-cohort"
REGISTER = f"/courses/{COURSE}/register"


def _definition(first: datetime) -> dict[str, Any]:
    return register_course(
        weekly_sessions(first.date(), 1, "10:00", "12:00"),
        completion_min_sessions=1,
        programme="certificate-again-programme",
    )


def _closed(
    system: System, completer: str = "Ada Present"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ada (or ``completer``) completed, Bo did not; the register closed and its emails sent."""
    system.put_course(COURSE, _definition(datetime.now(UTC) + timedelta(days=3)))
    ada = system.booked(COURSE, name=completer, email="ada@example.org")
    bo = system.booked(COURSE, name="Bo Absent", email="bo@example.org")
    system.clock_offset += timedelta(days=10)
    [session] = [s["key"] for s in system.admin("GET", REGISTER).json()["sessions"]]
    for booking, mark in ((ada, "attended"), (bo, "absent")):
        system.mark_attendance(COURSE, booking["application_id"], session, mark)
    assert system.admin("POST", f"{REGISTER}/close").status == 200
    system.deliver_emails()
    return ada, bo


def _send_again_form(page: str, application_id: str) -> dict[str, str]:
    """What the page's *Send the certificate again* form posts: its CSRF token and press."""
    action = f"/console/applications/{application_id}/certificate/send-again"
    form = form_posting_to(page, action)
    assert form.keys() == {"csrf_token", "press"}, form
    return form


def _certificates(system: System) -> list[Any]:
    return [m for m in system.deliver_emails() if "certificate" in m.subject.lower()]


def test_the_certificate_is_linked_and_sent_again_once_per_press(system: System) -> None:
    ada, _ = _closed(system)
    browser: ConsoleBrowser = signed_in(system)
    path = f"/console/applications/{ada['application_id']}"
    page = browser.get(path).body
    stored = system.ports.repository.get_application(ada["application_id"])
    assert stored is not None
    assert stored.completion is not None
    code = stored.completion.certificate
    assert code
    said = text_of(page)
    assert code not in said  # never the bare token
    assert f'href="/certificates/{code}"' in page
    assert "Issued " in said
    form = _send_again_form(page, ada["application_id"])
    reply = browser.post(f"{path}/certificate/send-again", **form)
    assert reply.status == 303, reply.body
    [sent] = _certificates(system)
    assert sent.to == ["ada@example.org"]
    assert [a.content_type for a in sent.attachments] == ["application/pdf"]
    assert "is on its way to them again" in text_of(browser.get(path).body)
    # The same press again (a double click, a resubmitted form) is no second email.
    assert browser.post(f"{path}/certificate/send-again", **form).status == 303
    assert _certificates(system) == []
    # A new press (the page loaded again) is.
    fresh = _send_again_form(browser.get(path).body, ada["application_id"])
    assert fresh["press"] != form["press"]
    assert browser.post(f"{path}/certificate/send-again", **fresh).status == 303
    assert [m.to for m in _certificates(system)] == [["ada@example.org"]]


def test_a_press_the_page_did_not_issue_sends_nothing(system: System) -> None:
    """Only a press this session's page issued, exactly (as the invitation's)."""
    ada, _ = _closed(system)
    browser = signed_in(system)
    path = f"/console/applications/{ada['application_id']}"
    form = _send_again_form(browser.get(path).body, ada["application_id"])
    issued = form["press"]
    # A button number after the issued value once went unsigned, so one press
    # made up to 10,000 more ("X-1" ... "X-9999"); and nothing before it either.
    numbered = (f"{issued}-1", f"{issued}-2", f"{issued}-9999", f"{issued}0", f"x{issued}")
    for made_up in ("madeupmadeup", "another-one-x", issued.upper(), *numbered):
        reply = browser.post(f"{path}/certificate/send-again", **{**form, "press": made_up})
        assert reply.status == 422, reply.body
        assert "Press the button on the page again" in text_of(reply.body)
    assert _certificates(system) == []


def _send_again_refused(system: System, browser: ConsoleBrowser, path: str) -> str:
    """*Send the certificate again* posted for the application at ``path`` though its page
    offers no such form: refused (409) and no certificate sent; the refusal's words."""
    reply = browser.post(
        f"{path}/certificate/send-again",
        csrf_token=browser.csrf(path),
        press=press_issued(system, browser, press_row("certificate", path.rsplit("/", 1)[1])),
    )
    assert reply.status == 409, reply.body
    assert _certificates(system) == []
    return text_of(reply.body)


def test_no_certificate_is_sent_for_someone_who_did_not_complete(system: System) -> None:
    _, bo = _closed(system)
    browser = signed_in(system)
    path = f"/console/applications/{bo['application_id']}"
    page = browser.get(path).body
    assert "certificate/send-again" not in page
    assert "This booking has no certificate" in _send_again_refused(system, browser, path)


def test_a_held_certificate_says_so_and_is_not_sent_again(system: System) -> None:
    anil, _ = _closed(system, completer="अनिल")  # the certificate's font has no such letters
    browser = signed_in(system)
    path = f"/console/applications/{anil['application_id']}"
    page = browser.get(path).body
    assert "Held, not sent: the certificate's font cannot print the name" in text_of(page)
    assert f'href="/console/courses/{COURSE}/register"' in page
    assert "certificate/send-again" not in page
    assert "Its certificate is held" in _send_again_refused(system, browser, path)


def test_a_press_from_another_bookings_page_sends_nothing(system: System) -> None:
    """A press is bound to the booking its page is of, not only to the session: Ada's page's
    press posted to another completer's *Send the certificate again* is refused in words
    (422) and no certificate goes; that booking's own press sends it."""
    system.put_course(COURSE, _definition(datetime.now(UTC) + timedelta(days=3)))
    ada = system.booked(COURSE, name="Ada Present", email="ada@example.org")
    cy = system.booked(COURSE, name="Cy Present", email="cy@example.org")
    system.clock_offset += timedelta(days=10)
    [session] = [s["key"] for s in system.admin("GET", REGISTER).json()["sessions"]]
    for booking in (ada, cy):
        system.mark_attendance(COURSE, booking["application_id"], session, "attended")
    assert system.admin("POST", f"{REGISTER}/close").status == 200
    assert len(_certificates(system)) == 2
    browser = signed_in(system)
    ada_path = f"/console/applications/{ada['application_id']}"
    adas = _send_again_form(browser.get(ada_path).body, ada["application_id"])
    cy_path = f"/console/applications/{cy['application_id']}"
    cys = _send_again_form(browser.get(cy_path).body, cy["application_id"])

    refused = browser.post(f"{cy_path}/certificate/send-again", **{**cys, "press": adas["press"]})

    assert refused.status == 422, refused.body
    assert "Press the button on the page again" in text_of(refused.body)
    assert _certificates(system) == []
    assert browser.post(f"{cy_path}/certificate/send-again", **cys).status == 303
    assert [m.to for m in _certificates(system)] == [["cy@example.org"]]
