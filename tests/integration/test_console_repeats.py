"""A console action sent a second time (two tabs, a form sent again) whose end holds already
changes nothing and emails nobody, and its notice says so: the words come from what this
request's use case did, never from the action's name and where the application stands now."""

from __future__ import annotations

from typing import Any

from tests.support.console import ConsoleBrowser
from tests.support.system import System

NOTHING_AGAIN = "Nothing changed this time, and nobody was emailed again."


def _twice(
    browser: ConsoleBrowser, path: str, action: str, page: str = "", **form: Any
) -> tuple[str, str]:
    """The notices of ``action`` posted twice, each from ``page``'s form as it was before
    either post (two tabs open on it; no ``page``: a form with the CSRF token alone)."""
    act = f"{path}/{action}"
    tabs = [browser.form(page, act) if page else {"csrf_token": browser.csrf(path)} for _ in "ab"]
    said = []
    for tab in tabs:
        reply = browser.post(act, **{**tab, **form})
        assert reply.status == 303, reply.body
        said.append(browser.words(reply.headers["location"]))
    return said[0], said[1]


def _path(system: System, course_id: str | None = None) -> str:
    reply = system.apply(course_id) if course_id else system.apply()
    assert reply.status == 201, reply.body
    system.deliver_emails()
    return f"/console/applications/{reply.json()['application_id']}"


def test_a_second_cancel_says_it_was_cancelled_already_and_nobody_was_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    path = _path(system)
    first, second = _twice(browser, path, "cancel", f"{path}/cancel")
    assert "Cancelled. No money had been paid" in first
    assert "The applicant has been emailed." in first
    assert f"It was cancelled already. {NOTHING_AGAIN}" in second
    assert "has been emailed" not in second
    assert "Cancelled. No money" not in second
    [cancelled] = system.deliver_emails()  # one email, for the first post only
    assert "cancel" in cancelled.subject.lower()


def test_a_second_bursary_says_it_was_granted_already(
    system: System, browser: ConsoleBrowser
) -> None:
    path = _path(system)
    first, second = _twice(browser, path, "bursary", path, amount="200.00")
    assert "Bursary granted. The applicant has been emailed." in first
    assert f"That bursary was granted already. {NOTHING_AGAIN}" in second
    assert "Bursary granted." not in second
    confirmed = [e for e in system.deliver_emails() if e.subject.startswith("Your place is")]
    assert len(confirmed) == 1  # for the first post only


def test_a_second_decline_says_it_was_declined_already(
    system: System, browser: ConsoleBrowser
) -> None:
    path = _path(system, system.approval_course())
    first, second = _twice(browser, path, "decline")
    assert "Declined. The applicant has been emailed." in first
    assert f"It was declined already. {NOTHING_AGAIN}" in second
    assert len(system.deliver_emails()) == 1


def test_a_cancel_with_refund_says_the_refund_once_though_its_event_ended_the_booking_first(
    system: System, browser: ConsoleBrowser
) -> None:
    # The refund asked of Stripe may end the booking (its event) before the cancellation's
    # own save, which is then read again: still this request's doing, said as such.
    applied = system.apply()
    assert applied.status == 201, applied.body
    assert system.pay(applied.json()["checkout_url"]).status == 200
    system.deliver_emails()
    path = f"/console/applications/{applied.json()['application_id']}"
    first, second = _twice(browser, path, "cancel", f"{path}/cancel?refund=on")
    assert "Cancelled. £200.00 is being refunded in full through Stripe." in first
    assert f"It was cancelled already. {NOTHING_AGAIN}" in second
    assert "being refunded" not in second
