"""*Send the offer again* on a "Place offered" application ("I never got the
email" had no answer but cancelling): the offer's email once more, the same time to pay by, once
per press of the page's button (a press bound to the session, as *Send the invitation
again*)."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import System

RESEND = "/console/applications/{}/offer/resend"


def _offered(system: System, browser: ConsoleBrowser) -> str:
    applied = system.apply(system.approval_course())
    assert applied.status == 201, applied.body
    application_id = str(applied.json()["application_id"])
    approved = browser.act(f"/console/applications/{application_id}/approve")
    assert approved.status == 303, approved.body
    assert system.stored(application_id).status.value == "offered"
    system.deliver_emails()
    return application_id


def _held_until_said(text: str) -> str:
    """The offer email's "holding it for you until ..." sentence."""
    found = re.search(r"holding it for you until ([^.]+)\.", text)
    assert found, text
    return found.group(1)


def _pressed(browser: ConsoleBrowser, application_id: str) -> dict[str, str]:
    """The fields the page's *Send the offer again* form posts, as the page gave them."""
    page = browser.get(f"/console/applications/{application_id}").body
    action = RESEND.format(application_id)
    found = [fields for attrs, fields in forms_on(page) if attrs.get("action") == action]
    assert found, text_of(page)[:900]
    return found[0]


def test_the_offer_is_emailed_again_with_the_same_end_once_per_press(
    system: System, browser: ConsoleBrowser
) -> None:
    application_id = _offered(system, browser)
    first_offer = next(e for e in reversed(system.sent) if "holding it for you" in e.text)
    held_until = system.stored(application_id).offer_expires_at
    fields = _pressed(browser, application_id)

    first = browser.post(RESEND.format(application_id), **fields)
    again = browser.post(RESEND.format(application_id), **fields)  # the same press twice
    sent = system.deliver_emails()

    assert first.status == 303, first.body
    assert again.status == 303, again.body
    assert len(sent) == 1, [e.subject for e in sent]
    assert sent[0].to == ["ada@example.org"]
    assert "we would love you to join" in sent[0].text  # the approval's words, as first sent
    assert sent[0].subject == first_offer.subject
    assert _held_until_said(sent[0].text) == _held_until_said(first_offer.text)
    stored = system.stored(application_id)
    assert stored.offer_expires_at == held_until  # the same time to pay by
    assert stored.status.value == "offered"
    page = text_of(browser.get(f"/console/applications/{application_id}").body)
    assert (
        "The offer is on its way to them again at ada@example.org, with the same time to pay by"
        in page
    )

    another = _pressed(browser, application_id)  # a new press: a new email
    assert browser.post(RESEND.format(application_id), **another).status == 303
    assert len(system.deliver_emails()) == 1


def test_a_press_the_page_did_not_issue_sends_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    application_id = _offered(system, browser)
    fields = _pressed(browser, application_id) | {"press": "made-up-press-value"}
    refused = browser.post(RESEND.format(application_id), **fields)
    assert refused.status == 422
    assert "Press the button on the page again." in text_of(refused.body)
    assert system.deliver_emails() == []


def test_an_offer_ended_since_the_page_was_shown_sends_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    application_id = _offered(system, browser)
    fields = _pressed(browser, application_id)
    assert system.cancel(application_id, refund=False).status == 200
    system.deliver_emails()

    refused = browser.post(RESEND.format(application_id), **fields)

    assert refused.status == 409
    said = text_of(refused.body)
    assert "only a place offered and still held has an offer to send again" in said.lower()
    assert system.deliver_emails() == []


def test_a_lapsed_offer_is_not_offered_again(system: System, browser: ConsoleBrowser) -> None:
    application_id = _offered(system, browser)
    held_until = system.stored(application_id).offer_expires_at
    assert held_until is not None
    system.clock_offset = held_until + timedelta(minutes=1) - system.now()  # before the sweep
    browser.sign_in()  # the session of two days ago has ended
    page = browser.get(f"/console/applications/{application_id}").body
    assert "Send the offer again" not in page


def test_a_confirmed_booking_has_no_offer_to_send_again(
    system: System, browser: ConsoleBrowser
) -> None:
    booked = system.booked()
    page = browser.get(f"/console/applications/{booked['application_id']}").body
    assert "Send the offer again" not in page


def test_an_offer_sent_again_is_not_sent_once_turned_down_before_it_went(
    system: System, browser: ConsoleBrowser
) -> None:
    """The press, then the person turns the place down before the mailer runs:
    "a place is available for you" is not sent after their decline; only the decline's own
    email goes."""
    applied = system.apply(system.approval_course())
    application_id, token = applied.json()["application_id"], applied.json()["token"]
    assert browser.act(f"/console/applications/{application_id}/approve").status == 303
    system.deliver_emails()
    assert (
        browser.post(RESEND.format(application_id), **_pressed(browser, application_id)).status
        == 303
    )
    declined = system.api("POST", f"/applications/{application_id}/decline-offer?token={token}")
    assert declined.status == 200, declined.body
    sent = system.deliver_emails()
    assert not [e.subject for e in sent if "holding it for you" in e.text]
    assert [e for e in sent if "turned down" in e.text.lower()], [e.subject for e in sent]


def test_no_offer_is_sent_again_once_applications_have_closed(
    system: System, browser: ConsoleBrowser
) -> None:
    """The course's only session brought forward to begin in minutes after the
    offer: applications have closed, so the offer could not be taken; the page no longer offers
    *Send the offer again*, and a press from before is refused in words, nothing sent."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    tomorrow = (datetime.now(london) + timedelta(days=1)).date()
    ten = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=london)
    system.clock_offset = ten.astimezone(UTC) - datetime.now(UTC)
    browser = signed_in(system)  # signed in at the moved clock's now
    application_id = _offered(system, browser)
    fields = _pressed(browser, application_id)
    moved = system.admin(
        "PUT",
        "/courses/approval-course",
        json_body={
            "title": "Approval course",
            "price": {"amount": 20000},
            "capacity": 5,
            "approval_required": True,
            "sessions": [
                {"date": tomorrow.isoformat(), "start_time": "10:03", "end_time": "11:00"}
            ],
        },
    )
    assert moved.status in (200, 201), moved.body

    page = browser.get(f"/console/applications/{application_id}").body
    refused = browser.post(RESEND.format(application_id), **fields)

    assert RESEND.format(application_id) not in page
    assert refused.status == 409, refused.body
    said = text_of(refused.body)
    assert "Applications for this course have closed" in said, said[:600]
    assert not [e for e in system.deliver_emails() if "holding it for you" in e.text]


def test_the_address_it_goes_to_is_shown_before_and_after_the_press(
    system: System, browser: ConsoleBrowser
) -> None:
    """*Send the offer again* names the address it sends to, on the
    form and in the notice after, escaped, so the organiser sees a typo in it."""
    applied = system.apply(system.approval_course(), email="o'neill@exampel.org")
    assert applied.status == 201, applied.body
    application_id = str(applied.json()["application_id"])
    assert browser.act(f"/console/applications/{application_id}/approve").status == 303
    system.deliver_emails()
    page = browser.get(f"/console/applications/{application_id}").body
    form = page.split(RESEND.format(application_id), 1)[1].split("</form>", 1)[0]
    assert "o&#39;neill@exampel.org" in form
    assert "o'neill@exampel.org" not in form  # escaped, never raw

    pressed = browser.post(RESEND.format(application_id), **_pressed(browser, application_id))
    assert pressed.status == 303, pressed.body
    after = browser.get(f"/console/applications/{application_id}").body
    notice = after.split('role="status"', 1)[1].split("</div>", 1)[0]
    assert "on its way to them again at o&#39;neill@exampel.org" in notice
    assert [e.to for e in system.deliver_emails()] == [["o'neill@exampel.org"]]
