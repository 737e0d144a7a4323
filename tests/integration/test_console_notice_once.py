"""A console notice ("Approved. The applicant has been emailed.") is said once: the action's
redirect sets a short-lived one-time cookie naming it (never ``?done=`` in the address), the
page it leads to says it and clears the cookie, so a reload, Back or a bookmark says nothing
again; a cookie this console did not make for this session and page says nothing at all."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from booking.domain.organisers import ConsoleSession
from booking.handlers.console_session import (
    NOTICE_COOKIE,
    SESSION_COOKIE,
    CookieSigner,
    Notice,
)
from booking.services import console_sessions
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

APPROVED = "Approved. The applicant has been emailed."
CODES = f"/console/courses/{COURSE_ID}/discount-codes"


def _approved(system: System, browser: ConsoleBrowser) -> tuple[str, list[str]]:
    """An application approved on its console page: the page's path and the redirect's
    Set-Cookie headers."""
    applied = system.apply(system.approval_course())
    assert applied.status == 201, applied.body
    path = f"/console/applications/{applied.json()['application_id']}"
    reply = browser.act(f"{path}/approve")
    assert reply.status == 303, reply.body
    assert reply.headers["location"] == path  # nothing about it in the address
    return path, reply.cookies


def _notice_cookie(set_cookies: list[str]) -> dict[str, str]:
    """The notice cookie's attributes as set (lower-cased names; flags as "True")."""
    for header in set_cookies:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if NOTICE_COOKIE in jar:
            morsel = jar[NOTICE_COOKIE]
            said = {k: str(v) for k, v in morsel.items() if v}
            return {**said, "value": morsel.value}
    raise AssertionError(f"no {NOTICE_COOKIE} cookie among {set_cookies}")


def _signer_and_session(
    system: System, browser: ConsoleBrowser
) -> tuple[CookieSigner, ConsoleSession]:
    """The console's cookie signer, and the session the browser is signed in with."""
    signer = CookieSigner(system.ports.session_key(), secure=False)
    named = signer.session_name(browser.cookies[SESSION_COOKIE], system.now())
    assert named is not None
    session = console_sessions.current(system.ports, named.subject, named.session_id)
    assert session is not None
    return signer, session


def test_a_notice_is_said_once_and_a_reload_or_the_old_address_says_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    path, set_cookies = _approved(system, browser)
    cookie = _notice_cookie(set_cookies)
    # Short-lived, never read by a script, only ever sent by the console's own next request,
    # Secure where the session's is (in AWS): set as the session cookie is.
    assert cookie["path"] == "/console"
    assert cookie["httponly"] == "True"
    assert cookie["samesite"] == "Strict"
    assert 0 < int(cookie["max-age"]) <= 60
    assert APPROVED not in cookie["value"]  # it names the notice; the page has the words
    first = browser.get(path)
    assert APPROVED in text_of(first.body)
    # The page that said it clears it.
    assert _notice_cookie(first.cookies)["max-age"] == "0"
    assert NOTICE_COOKIE not in browser.cookies
    assert APPROVED not in text_of(browser.get(path).body)  # a reload
    # An address kept from before (a bookmark, Back to it) says nothing either.
    assert APPROVED not in text_of(browser.get(f"{path}?done=approved").body)


def test_a_notice_is_said_only_on_the_page_its_action_led_to(
    system: System, browser: ConsoleBrowser
) -> None:
    path, _ = _approved(system, browser)
    # Another console page first (another tab): it says nothing, and the notice is spent.
    home = browser.get("/console")
    assert APPROVED not in text_of(home.body)
    assert NOTICE_COOKIE not in browser.cookies
    assert APPROVED not in text_of(browser.get(path).body)


@pytest.mark.parametrize(
    "forged",
    ["approved", "done=approved", "eyJkb25lIjoiYXBwcm92ZWQifQ.bm90LWEtbWFj", ""],
)
def test_a_forged_notice_cookie_says_nothing(
    system: System, browser: ConsoleBrowser, forged: str
) -> None:
    path, _ = _approved(system, browser)
    browser.get(path)  # the real notice said and spent
    browser.cookies[NOTICE_COOKIE] = forged
    page = browser.get(path)
    assert page.status == 200
    words = text_of(page.body)
    assert APPROVED not in words
    assert 'role="status"' not in page.body


def test_a_notice_sealed_for_another_session_key_or_page_says_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    path, _ = _approved(system, browser)
    browser.get(path)
    signer, session = _signer_and_session(system, browser)
    now = system.now()
    other_key = CookieSigner(b"not-the-console-key-" * 2, secure=False)
    other = signed_in(system)
    _, other_session = _signer_and_session(system, other)
    for value in (
        other_key.notice_cookie(Notice("approved", "", path), session, now).value,
        signer.notice_cookie(Notice("approved", "", path), other_session, now).value,
        signer.notice_cookie(Notice("approved", "", "/console"), session, now).value,
        signer.notice_cookie(Notice("no-such-notice", "", path), session, now).value,
    ):
        browser.cookies[NOTICE_COOKIE] = value
        page = browser.get(path)
        assert APPROVED not in text_of(page.body)
        assert 'role="status"' not in page.body
    # The same, sealed right: said (so the refusals above are the seal's, not the page's).
    good = signer.notice_cookie(Notice("approved", "", path), session, now)
    browser.cookies[NOTICE_COOKIE] = good.value
    assert APPROVED in text_of(browser.get(path).body)


def test_the_words_a_notice_carries_are_escaped(system: System, browser: ConsoleBrowser) -> None:
    signer, session = _signer_and_session(system, browser)
    sealed = signer.notice_cookie(
        Notice("created", "<script>alert(1)</script>", CODES),
        session,
        system.now(),
    )
    browser.cookies[NOTICE_COOKIE] = sealed.value
    page = browser.get(CODES)
    assert page.status == 200
    assert "<script>alert(1)</script>" not in page.body
    assert "Discount code &lt;script&gt;alert(1)&lt;/script&gt; made." in page.body


def test_a_made_code_is_named_once_on_the_codes_page(browser: ConsoleBrowser) -> None:
    made = browser.post(
        CODES,
        csrf_token=browser.csrf(CODES),
        code="ONCE-ONLY",
        percent_off="10",
        max_uses="3",
    )
    assert made.status == 303, made.body
    assert made.headers["location"] == CODES
    assert "Discount code ONCE-ONLY made." in browser.words(CODES)
    assert "Discount code ONCE-ONLY made." not in browser.words(CODES)
    assert "made." not in browser.words(f"{CODES}?done=created&code=FORGED")
