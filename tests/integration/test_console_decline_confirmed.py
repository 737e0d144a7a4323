"""Declining from the console asks first (*Decline* acted at once, sending a
message the organiser never saw): the application page's *Decline* posts to a page that shows
the message the email will carry (the one typed, the course's, or the standard one) and changes
nothing; its form then posts the decline with that message."""

from __future__ import annotations

import html
import re

from booking.domain.decline_message import STANDARD_DECLINE_MESSAGE
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System


def _pending(system: System, course_id: str) -> tuple[dict[str, str], str]:
    reply = system.apply(course_id, email="dee@example.org")
    assert reply.status == 201, reply.body
    system.deliver_emails()
    application = dict(reply.json())
    return application, f"/console/applications/{application['application_id']}"


def _hidden_message(page: str) -> str:
    [message] = re.findall(r'<input type="hidden" name="message" value="([^"]*)">', page)
    return html.unescape(message)


def _sent_as_shown(system: System, browser: ConsoleBrowser, path: str, shown: str) -> str:
    """The decline posted with the message its confirmation page (``shown``) holds, as its
    form posts it: the text of the one email it sends."""
    assert browser.act(f"{path}/decline", message=_hidden_message(shown)).status == 303
    [email] = system.deliver_emails()
    return email.text


def test_the_standard_message_is_shown_before_the_decline_sends_it(
    system: System, browser: ConsoleBrowser
) -> None:
    application, path = _pending(system, system.approval_course())
    page = browser.get(path).body
    assert f'action="{path}/decline/confirm"' in page
    version = system.stored(application).version

    asked = browser.act(f"{path}/decline/confirm", message="")
    assert asked.status == 200, asked.body
    words = text_of(asked.body)
    assert "Ada Lovelace (dee@example.org) is emailed" in words
    assert "with the standard message (the course has no decline message of its own)" in words
    assert STANDARD_DECLINE_MESSAGE in words
    assert "This cannot be undone." in words
    assert _hidden_message(asked.body) == STANDARD_DECLINE_MESSAGE  # what is sent
    assert system.stored(application).version == version  # asking changed nothing
    assert system.deliver_emails() == []

    assert browser.act(f"{path}/decline", message="").status == 303
    [email] = system.deliver_emails()
    assert STANDARD_DECLINE_MESSAGE in email.text  # the words the page showed
    assert system.stored(application).status.value == "declined"
    again = browser.act(f"{path}/decline/confirm", message="")
    assert again.status == 409
    assert "cannot be declined now" in text_of(again.body)


def test_the_organisers_or_the_courses_message_is_the_one_shown(
    system: System, browser: ConsoleBrowser
) -> None:
    course_id = system.approval_course("approval-with-words", decline_message="Try in spring.")
    _, path = _pending(system, course_id)
    words = text_of(browser.act(f"{path}/decline/confirm", message="").body)
    assert "with the course's decline message" in words
    assert "Try in spring." in words
    assert STANDARD_DECLINE_MESSAGE not in words

    typed = browser.act(f"{path}/decline/confirm", message="  Please apply in June.  ")
    assert "with your message" in text_of(typed.body)
    assert _hidden_message(typed.body) == "Please apply in June."
    sent = _sent_as_shown(system, browser, path, typed.body)
    assert "Please apply in June." in sent
    assert "Try in spring." not in sent


def test_the_decline_sends_the_message_its_page_showed_not_one_edited_since(
    system: System, browser: ConsoleBrowser
) -> None:
    """The page showed the course's message, the course was edited, and the email
    carried the new one: the confirmation posts the message it showed."""
    course_id = system.approval_course()
    _, path = _pending(system, course_id)
    system.put_course(course_id, {**system.course_file(course_id), "decline_message": "One."})
    shown = browser.act(f"{path}/decline/confirm", message="")
    assert "One." in text_of(shown.body)
    system.put_course(course_id, {**system.course_file(course_id), "decline_message": "Two."})

    sent = _sent_as_shown(system, browser, path, shown.body)

    assert "One." in sent
    assert "Two." not in sent


def test_a_long_message_is_refused_beside_the_box_and_kept(
    system: System, browser: ConsoleBrowser
) -> None:
    application, path = _pending(system, system.approval_course())
    too_long = browser.act(f"{path}/decline/confirm", message="x" * 4001)
    assert too_long.status == 422
    assert 'id="message-error"' in too_long.body
    assert "x" * 4001 in too_long.body
    assert system.stored(application).status.value == "pending_review"
    assert browser.post(f"{path}/decline/confirm", message="").status == 403  # CSRF kept


def test_the_confirmations_address_opened_again_goes_back_to_the_application(
    system: System, browser: ConsoleBrowser
) -> None:
    """It answered 405 "Something went wrong … Use POST on this path"."""
    application, path = _pending(system, system.approval_course())
    version = system.stored(application).version

    reopened = browser.get(f"{path}/decline/confirm")

    assert reopened.status == 303, reopened.body
    assert reopened.headers["location"] == path
    assert system.stored(application).version == version
    assert system.deliver_emails() == []
