"""Who may use the console: sign-in, sessions and CSRF tokens, over HTTP through the real
handler (``tests/support/system.py``).

Every console page answers 303 to the sign-in page without a session; every action is refused
without a session (303) or without the session's own CSRF token (403), and then nothing in the
table has changed.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from booking import bootstrap
from booking.domain.errors import SignInRefused
from booking.services.ports import OrganiserIdentity
from tests.support.console import ConsoleBrowser, signed_in, stored_course_fields
from tests.support.page_text import text_of
from tests.support.system import ADMIN_TOKEN, BASE_URL, COURSE_ID, Reply, System

PAGES = [
    "/console",
    f"/console/courses/{COURSE_ID}",
    f"/console/courses/{COURSE_ID}?status=confirmed&q=ada",
    f"/console/courses/{COURSE_ID}/roster.csv",
    f"/console/courses/{COURSE_ID}/answers?status=confirmed",
    f"/console/courses/{COURSE_ID}/edit",
    "/console/courses/new",
    "/console/applications/{application_id}",
    "/console/people?email=ada@example.org",
    "/console/people/export?email=ada@example.org",
    "/console/people/record?email=ada@example.org",
    "/console/people/erase?email=ada@example.org",
    "/console/search?q=ada@example.org",
    "/console/no-such-page",
]
ACTIONS: list[tuple[str, dict[str, str]]] = [
    ("/console/applications/{application_id}/approve", {}),
    ("/console/applications/{application_id}/decline", {"message": "Not this time."}),
    ("/console/applications/{application_id}/cancel", {"refund": "on"}),
    ("/console/applications/{application_id}/resend", {}),
    ("/console/applications/{application_id}/offer/resend", {"press": "made-up-press-value"}),
    ("/console/people/erase", {"email": "ada@example.org", "confirm": "on"}),
    ("/console/courses", {"course_id": "new-course", "title": "New", "price": "100"}),
    ("/console/sign-out", {}),
]


@pytest.fixture
def pending(system: System) -> str:
    """An application waiting for review on an approval course (every action could apply)."""
    reply = system.apply(system.approval_course())
    assert reply.status == 201, reply.body
    return str(reply.json()["application_id"])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_without_a_session_sends_you_to_sign_in(
    system: System, pending: str, page: str
) -> None:
    browser = ConsoleBrowser(system)
    path = page.format(application_id=pending)
    reply = browser.get(path)
    assert reply.status == 303
    location = urlsplit(reply.headers["location"])
    assert location.path == "/console/sign-in"
    if path != "/console/no-such-page":
        # Back to the page asked for once signed in.
        assert parse_qs(location.query)["next"] == [path]
    assert reply.cookies == []


@pytest.mark.parametrize(("action", "form"), ACTIONS)
def test_every_action_without_a_session_changes_nothing(
    system: System, pending: str, action: str, form: dict[str, str]
) -> None:
    before = system.items()
    browser = ConsoleBrowser(system)
    reply = browser.post(action.format(application_id=pending), csrf_token="guessed", **form)
    assert reply.status == 303
    assert urlsplit(reply.headers["location"]).path == "/console/sign-in"
    assert system.items() == before


@pytest.mark.parametrize(("action", "form"), ACTIONS)
@pytest.mark.parametrize("token", ["missing", "empty", "wrong", "another session's"])
def test_every_action_without_its_sessions_csrf_token_is_refused(
    system: System, pending: str, action: str, form: dict[str, str], token: str
) -> None:
    browser = signed_in(system)
    other = signed_in(system)
    presented = {
        "missing": None,
        "empty": "",
        "wrong": "x" * 24,
        "another session's": other.csrf(),
    }[token]
    fields = dict(form) if presented is None else {**form, "csrf_token": presented}
    before = system.items()
    reply = browser.post(action.format(application_id=pending), **fields)
    assert reply.status == 403
    assert "text/html" in reply.headers["content-type"]
    assert "did not come from the console" in reply.body
    assert system.items() == before
    assert browser.get("/console").status == 200  # still signed in


@pytest.mark.parametrize(("action", "form"), ACTIONS)
def test_every_action_with_a_session_and_its_token_is_carried_out(
    system: System, pending: str, action: str, form: dict[str, str]
) -> None:
    browser = signed_in(system)
    before = system.items()
    reply = browser.act(action.format(application_id=pending), **form)
    # Done (303 onwards), or refused by the use case for this application's state (409, 422),
    # but never refused for want of a session or a token.
    assert reply.status in (200, 303, 409, 422), reply.body
    if reply.status == 303:
        assert system.items() != before or action == "/console/sign-out"


def _set_cookie(reply: Any, name: str) -> dict[str, str]:
    [header] = [c for c in reply.cookies if c.startswith(f"{name}=")]
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    morsel = jar[name]
    return {
        "value": morsel.value,
        "path": morsel["path"],
        "max-age": str(morsel["max-age"]),
        "samesite": morsel["samesite"],
        "httponly": str(morsel["httponly"]),
        "secure": str(morsel["secure"]),
    }


def test_the_right_token_signs_in_with_a_cookie_scripts_cannot_read(system: System) -> None:
    browser = ConsoleBrowser(system)
    form = browser.get("/console/sign-in")
    assert form.status == 200
    assert 'name="token"' in form.body
    assert 'type="password"' in form.body
    reply = browser.post("/console/sign-in", token=ADMIN_TOKEN, next="/console/people")
    assert reply.status == 303
    assert reply.headers["location"] == "/console/people"
    cookie = _set_cookie(reply, "console_session")
    assert cookie["httponly"] == "True"
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/console"
    assert cookie["max-age"] == str(8 * 3600)
    assert cookie["secure"] == ""  # served over http locally; Secure over https (below)
    assert ADMIN_TOKEN not in reply.cookies[0]
    assert browser.get("/console").status == 200


@pytest.mark.parametrize("typed", ["", "wrong-token", ADMIN_TOKEN + "x", "é" * 30])
def test_a_wrong_token_gets_401_and_no_cookie(system: System, typed: str) -> None:
    browser = ConsoleBrowser(system)
    reply = browser.post("/console/sign-in", token=typed)
    assert reply.status == 401
    assert reply.cookies == []
    assert 'aria-invalid="true"' in reply.body
    assert re.search(r'id="token-error"', reply.body)
    assert browser.get("/console").status == 303


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/console", "/courses", "/console\\x"]
)
def test_signing_in_never_sends_you_off_the_console(system: System, elsewhere: str) -> None:
    reply = ConsoleBrowser(system).post("/console/sign-in", token=ADMIN_TOKEN, next=elsewhere)
    assert reply.headers["location"] == "/console"


def test_cookies_are_secure_where_the_site_is_served_over_https(system: System) -> None:
    bootstrap.use(dataclasses.replace(system.ports, public_base_url="https://book.example.org"))
    reply = ConsoleBrowser(system).post("/console/sign-in", token=ADMIN_TOKEN)
    assert _set_cookie(reply, "console_session")["secure"] == "True"


def test_a_session_ends_when_it_expires_or_is_tampered_with(system: System) -> None:
    browser = signed_in(system)
    value = browser.cookies["console_session"]
    payload, mac = value.split(".")
    browser.cookies["console_session"] = f"{payload}.{mac[:-2]}AA"
    assert browser.get("/console").status == 303
    browser.cookies["console_session"] = value
    assert browser.get("/console").status == 200
    system.clock_offset = timedelta(hours=8, seconds=1)
    assert browser.get("/console").status == 303


def _signed_out_through_the_identity_provider(system: System, reply: Reply) -> None:
    """Signing out goes on to the identity provider's logout (the local stack's stand-in for
    Cognito's), which sends the browser to the signed-out page."""
    assert reply.status == 303
    target = urlsplit(reply.headers["location"])
    assert target.path == "/_local/cognito/logout"
    assert parse_qs(target.query)["logout_uri"] == [f"{BASE_URL}/console/signed-out"]
    logout = system.api("GET", f"{target.path}?{target.query}")
    assert logout.status == 303
    assert logout.headers["location"] == f"{BASE_URL}/console/signed-out"


def test_signing_out_clears_the_session(system: System) -> None:
    browser = signed_in(system)
    reply = browser.act("/console/sign-out")
    _signed_out_through_the_identity_provider(system, reply)
    assert _set_cookie(reply, "console_session")["max-age"] == "0"
    assert "console_session" not in browser.cookies
    assert browser.get("/console/signed-out").status == 200
    assert browser.get("/console").status == 303


def _status(system: System, application: dict[str, Any]) -> str:
    path = f"/applications/{application['application_id']}?token={application['token']}"
    return str(system.api("GET", path).json()["status"])


def test_a_signed_out_cookie_opens_nothing_and_its_csrf_token_changes_nothing(
    system: System,
) -> None:
    """Issue 19: after signing out, a copy of the old cookie (another tab, a stolen value)
    still opened every page and, with its CSRF token, cancelled a booking."""
    applied = system.apply(email="kept.cookie@example.org").json()
    application_id = applied["application_id"]
    browser = signed_in(system)
    kept_cookie, kept_csrf = browser.cookies["console_session"], browser.csrf()
    browser.act("/console/sign-out")
    thief = ConsoleBrowser(system)
    thief.cookies["console_session"] = kept_cookie
    assert thief.get("/console").status == 303
    assert thief.get(f"/console/applications/{application_id}").status == 303
    cancel = thief.post(f"/console/applications/{application_id}/cancel", csrf_token=kept_csrf)
    assert cancel.status == 303
    assert cancel.headers["location"].startswith("/console/sign-in")
    assert _status(system, applied) == "awaiting_payment"


def test_signing_out_everywhere_ends_every_session_of_the_organiser(system: System) -> None:
    laptop, phone = ConsoleBrowser(system), ConsoleBrowser(system)
    laptop.sign_in()
    phone.sign_in()
    assert phone.get("/console").status == 200
    assert 'action="/console/sign-out-everywhere"' in laptop.get("/console").body
    reply = laptop.act("/console/sign-out-everywhere")
    _signed_out_through_the_identity_provider(system, reply)
    assert laptop.get("/console").status == 303
    assert phone.get("/console").status == 303
    # Signing in again works, and makes a new session the old cookies do not share.
    laptop.sign_in()
    assert laptop.get("/console").status == 200
    assert phone.get("/console").status == 303


def test_console_pages_are_not_cached_framed_or_scripted(system: System) -> None:
    browser = signed_in(system)
    reply = browser.get("/console")
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["x-frame-options"] == "DENY"
    policy = reply.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script" not in reply.body


def test_every_console_answer_is_kept_by_no_cache(system: System) -> None:
    """Pages, downloads, errors and redirects alike carry ``Cache-Control: no-store``."""
    application = system.apply().json()
    browser = ConsoleBrowser(system)
    assert browser.get("/console").headers["cache-control"] == "no-store"  # 303: signed out
    assert browser.get("/console/sign-in").headers["cache-control"] == "no-store"
    browser.sign_in()
    for path in (
        "/console",
        f"/console/courses/{COURSE_ID}",
        f"/console/courses/{COURSE_ID}/roster.csv",
        f"/console/applications/{application['application_id']}",
        "/console/people?email=ada%40example.org",
        "/console/people/export?email=ada%40example.org",
        "/console/no-such-page",
        f"/console/search?q={application['reference']}",
    ):
        reply = browser.get(path)
        assert reply.headers["cache-control"] == "no-store", (path, reply.status)


# -- Cognito's hosted sign-in (AWS) ----------------------------------------------------------


@dataclasses.dataclass
class FakeCognito:
    scopes: frozenset[str] = frozenset({"openid", "email", "booking/admin"})
    refuse: bool = False
    exchanges: list[dict[str, str]] = dataclasses.field(default_factory=list)

    def authorization_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        return f"https://auth.example/oauth2/authorize?state={state}&challenge={code_challenge}"

    origin = "https://auth.example"

    def sign_out_url(self, *, return_to: str) -> str:
        return f"https://auth.example/logout?{urlencode({'logout_uri': return_to})}"

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> OrganiserIdentity:
        self.exchanges.append({"code": code, "verifier": code_verifier, "redirect": redirect_uri})
        if self.refuse:
            raise SignInRefused("the sign-in could not be completed; please sign in again")
        return OrganiserIdentity(subject="cognito-sub-1", scopes=self.scopes)


@pytest.fixture
def cognito(system: System, monkeypatch: pytest.MonkeyPatch) -> FakeCognito:
    fake = FakeCognito()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://book.example.org")
    monkeypatch.setenv("COGNITO_DOMAIN", "https://auth.example")
    monkeypatch.setenv("COGNITO_CLIENT_ID", "client-1")
    monkeypatch.setenv("CONSOLE_SESSION_SECRET", "s" * 32)
    bootstrap.reset()
    bootstrap.use(
        dataclasses.replace(
            system.ports,
            sign_in_factory=lambda: fake,
            public_base_url="https://book.example.org",
        )
    )
    return fake


def _start(browser: ConsoleBrowser) -> dict[str, str]:
    reply = browser.get("/console/sign-in?next=/console/people")
    assert reply.status == 303
    target = urlsplit(reply.headers["location"])
    assert target.netloc == "auth.example"
    cookie = _set_cookie(reply, "console_sign_in")
    assert cookie["path"] == "/console/callback"
    assert cookie["httponly"] == "True"
    assert cookie["secure"] == "True"
    return {k: v[0] for k, v in parse_qs(target.query).items()}


def test_cognito_sign_in_uses_pkce_and_the_callback_sets_the_session(
    system: System, cognito: FakeCognito
) -> None:
    import base64
    import hashlib

    browser = ConsoleBrowser(system)
    assert browser.post("/console/sign-in", token="anything").status == 303  # no token here
    sent = _start(browser)
    reply = browser.get(f"/console/callback?code=abc&state={sent['state']}")
    assert reply.status == 303
    assert reply.headers["location"] == "/console/people"
    [exchange] = cognito.exchanges
    assert exchange["redirect"] == "https://book.example.org/console/callback"
    # The verifier sent to the token endpoint is the one whose S256 went to the authorize URL.
    digest = hashlib.sha256(exchange["verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == sent["challenge"]
    session = _set_cookie(reply, "console_session")
    assert session["secure"] == "True"
    assert session["httponly"] == "True"
    assert _set_cookie(reply, "console_sign_in")["max-age"] == "0"
    assert browser.get("/console").status == 200
    # Signing out ends Cognito's session too, coming back to the signed-out page.
    out = browser.act("/console/sign-out")
    assert out.headers["location"] == cognito.sign_out_url(
        return_to="https://book.example.org/console/signed-out"
    )


def test_a_callback_with_a_wrong_state_or_no_sign_in_under_way_is_refused(
    system: System, cognito: FakeCognito
) -> None:
    browser = ConsoleBrowser(system)
    _start(browser)
    forged = browser.get("/console/callback?code=abc&state=someone-elses")
    assert forged.status == 401
    assert forged.cookies == []
    stranger = ConsoleBrowser(system)
    assert stranger.get("/console/callback?code=abc&state=x").status == 401
    assert cognito.exchanges == []


def test_a_code_cognito_refuses_or_an_account_without_the_scope_gets_no_session(
    system: System, cognito: FakeCognito
) -> None:
    browser = ConsoleBrowser(system)
    cognito.refuse = True
    state = _start(browser)["state"]
    refused = browser.get(f"/console/callback?code=abc&state={state}")
    assert refused.status == 401
    assert not [c for c in refused.cookies if c.startswith("console_session=")]
    cognito.refuse = False
    cognito.scopes = frozenset({"openid", "email"})
    state = _start(browser)["state"]
    forbidden = browser.get(f"/console/callback?code=abc&state={state}")
    assert forbidden.status == 403
    assert not [c for c in forbidden.cookies if c.startswith("console_session=")]
    assert browser.get("/console").status == 303


def _cognito_signed_in(browser: ConsoleBrowser, start: str = "/console/sign-in") -> str:
    """``browser`` signed in through the identity provider from ``start`` (the sign-in page's
    address): where the callback sends it on to."""
    reply = browser.get(start)
    assert reply.status == 303, reply.body
    state = parse_qs(urlsplit(reply.headers["location"]).query)["state"][0]
    back = browser.get(f"/console/callback?code=abc&state={state}")
    assert back.status == 303, back.body
    return back.headers["location"]


def test_a_form_posted_after_the_session_ended_leads_back_to_it_saying_so(
    system: System, cognito: FakeCognito
) -> None:
    """The course form posted after *Sign out everywhere* (a session ended) was
    dropped without a word, and signing in led to /console, not back to the form."""
    browser, elsewhere = ConsoleBrowser(system), ConsoleBrowser(system)
    _cognito_signed_in(browser)
    page = f"/console/courses/{COURSE_ID}/edit"
    form = {**stored_course_fields(system, COURSE_ID), "title": "A title typed in vain"}
    form["csrf_token"] = browser.csrf(page)
    _cognito_signed_in(elsewhere)
    elsewhere.act("/console/sign-out-everywhere")

    posted = browser.request(
        "POST", "/console/courses", form=form, headers={"referer": f"{BASE_URL}{page}"}
    )

    assert posted.status == 303
    sign_in = urlsplit(posted.headers["location"])
    assert sign_in.path == "/console/sign-in"
    assert parse_qs(sign_in.query) == {"next": [page], "lost": ["1"]}
    assert system.course()["title"] != "A title typed in vain"  # nothing saved
    assert _cognito_signed_in(browser, posted.headers["location"]) == page
    said = browser.words(page)
    assert "You were signed out, so your change was not saved" in said
    assert "make it again" in said
    assert "You were signed out" not in browser.words(page)  # said once
    # Signing in of one's own accord says nothing of the kind.
    assert "You were signed out" not in browser.words("/console")


def test_the_local_sign_in_page_says_the_change_was_not_saved(system: System) -> None:
    """The same under ``make run``: its sign-in page (the stand-in for Cognito's) says it, and
    signing in there leads back to the form's page."""
    browser, elsewhere = ConsoleBrowser(system), ConsoleBrowser(system)
    browser.sign_in()
    page = f"/console/courses/{COURSE_ID}/edit"
    form = {**stored_course_fields(system, COURSE_ID), "csrf_token": browser.csrf(page)}
    elsewhere.sign_in()
    elsewhere.act("/console/sign-out-everywhere")
    posted = browser.request(
        "POST", "/console/courses", form=form, headers={"referer": f"{BASE_URL}{page}"}
    )

    shown = browser.get(posted.headers["location"])

    assert shown.status == 200, shown.body
    said = text_of(shown.body)
    assert "You were signed out, so your change was not saved: sign in and make it again" in said
    back = browser.post("/console/sign-in", token=ADMIN_TOKEN, next=page, lost="1")
    assert back.status == 303
    assert back.headers["location"] == page
    assert "your change was not saved" in browser.words(page)
