"""The console's signed cookies and CSRF tokens, and the Cognito adapter's code exchange."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from booking.adapters.cognito import CognitoSignIn
from booking.domain.errors import DependencyUnavailable, SignInRefused
from booking.domain.organisers import ConsoleSession, new_session
from booking.handlers.console_session import (
    SESSION_SECONDS,
    CookieSigner,
    SessionName,
    cookie_value,
    pkce_pair,
    safe_next,
)

NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)


def signer(key: bytes = b"k" * 32) -> CookieSigner:
    return CookieSigner(key, secure=True)


def a_session(session_id: str = "sid-1") -> tuple[ConsoleSession, Any]:
    session = new_session("organiser-1", session_id, NOW)
    return session, signer().session_cookie(session, NOW)


def test_a_session_cookie_names_its_session_until_it_expires() -> None:
    session, cookie = a_session()
    named = SessionName(session.subject, session.session_id)
    assert (
        signer().session_name(cookie.value, NOW + timedelta(seconds=SESSION_SECONDS - 1)) == named
    )
    assert signer().session_name(cookie.value, NOW + timedelta(seconds=SESSION_SECONDS)) is None
    text = str(cookie)
    assert "HttpOnly" in text
    assert "Secure" in text
    assert "SameSite=Lax" in text
    assert f"Max-Age={SESSION_SECONDS}" in text


@pytest.mark.parametrize(
    "spoil",
    [
        lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),  # the MAC changed
        lambda v: "e30" + v[v.index(".") :],  # another payload, the old MAC
        lambda v: v.replace(".", ""),
        lambda v: v + ".x",
        lambda v: "",
        lambda v: "é.é",
        lambda v: "!!!.###",
    ],
)
def test_a_changed_or_malformed_session_is_no_session(spoil: Any) -> None:
    _, cookie = a_session()
    assert signer().session_name(spoil(cookie.value), NOW) is None


def _same_bits_spelled_otherwise(value: str) -> str:
    """The cookie with its MAC's last character swapped for another that decodes to the same
    bytes: a 32-byte MAC is 43 base64 characters, and the last one's low 2 bits are unused."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(value[-1])
    return value[:-1] + alphabet[last ^ 1]


def test_a_mac_spelled_another_way_is_refused() -> None:
    """Found by a flaky run: the MAC was compared after decoding, so either spelling passed."""
    _, cookie = a_session()
    assert signer().session_name(cookie.value, NOW) is not None
    assert signer().session_name(_same_bits_spelled_otherwise(cookie.value), NOW) is None


def test_a_session_signed_with_another_key_or_for_another_purpose_is_refused() -> None:
    _, cookie = a_session()
    assert signer(b"other" * 8).session_name(cookie.value, NOW) is None
    value = signer().sign_in_state("state", "verifier", "/console", NOW).value
    assert signer().session_name(value, NOW) is None  # a sign-in state is not a session
    assert signer().read_sign_in_state(cookie.value, NOW) is None


def test_the_csrf_token_belongs_to_one_session() -> None:
    mine, _ = a_session("mine")
    theirs, _ = a_session("theirs")
    token = signer().csrf_token(mine)
    assert signer().csrf_valid(mine, token)
    assert not signer().csrf_valid(theirs, token)
    assert not signer().csrf_valid(mine, None)
    assert not signer().csrf_valid(mine, "")
    assert not signer().csrf_valid(mine, "é" * 10)
    assert not signer(b"other" * 8).csrf_valid(mine, token)


def test_the_sign_in_state_lasts_ten_minutes_on_the_callback_path_only() -> None:
    cookie = signer().sign_in_state("s1", "v1", "/console/people", NOW)
    value = cookie.value
    assert cookie.path == "/console/callback"
    assert signer().read_sign_in_state(value, NOW + timedelta(minutes=9)) == {
        "state": "s1",
        "verifier": "v1",
        "next": "/console/people",
        "lost": "",  # no form's change lost to a session's end
    }
    assert signer().read_sign_in_state(value, NOW + timedelta(minutes=10)) is None
    lost = signer().sign_in_state("s1", "v1", "/console/people", NOW, lost=True).value
    assert (signer().read_sign_in_state(lost, NOW) or {}).get("lost") == "1"


def test_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    import hashlib

    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge == expected.rstrip(b"=").decode()
    assert pkce_pair()[0] != verifier


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/console/people?email=a@example.org", "/console/people?email=a@example.org"),
        ("/console/courses/café", "/console/courses/café"),  # the Location header encodes it
        ("/console/x\r\nSet-Cookie: a=b", "/console"),
        ("//evil.example/console", "/console"),
        ("https://evil.example/console", "/console"),
        ("/console\\@evil.example", "/console"),
        ("/courses", "/console"),
        ("", "/console"),
        (None, "/console"),
    ],
)
def test_after_signing_in_only_a_console_page_without_control_characters(
    asked: str | None, goes_to: str
) -> None:
    assert safe_next(asked) == goes_to


def test_cookie_values_are_found_by_name() -> None:
    cookies = ["a=1", " console_session=abc.def ", "console_session_x=no"]
    assert cookie_value(cookies, "console_session") == "abc.def"
    assert cookie_value(cookies, "missing") is None


# -- the Cognito adapter ----------------------------------------------------------------------


def _jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


class TokenEndpoint:
    """Cognito's /oauth2/token as the adapter's opener sees it."""

    def __init__(self, answer: Any = None, status: int = 200, error: Exception | None = None):
        self.answer, self.status, self.error = answer, status, error
        self.requests: list[Any] = []

    def __call__(self, request: Any, timeout: float) -> Any:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        body = json.dumps(self.answer).encode()
        if self.status >= 400:
            raise urllib.error.HTTPError(request.full_url, self.status, "no", {}, io.BytesIO(body))  # type: ignore[arg-type]
        return io.BytesIO(body)


def claims(**changes: Any) -> dict[str, Any]:
    return {
        "sub": "sub-1",
        "token_use": "access",
        "client_id": "client-1",
        "scope": "openid email booking/admin",
        "exp": int((NOW + timedelta(minutes=30)).timestamp()),
        **changes,
    }


def adapter(endpoint: TokenEndpoint) -> CognitoSignIn:
    return CognitoSignIn(
        "https://auth.example/",
        "client-1",
        ("openid", "email", "booking/admin"),
        opener=endpoint,
        clock=lambda: NOW,
    )


def test_the_authorize_url_asks_for_a_code_with_pkce() -> None:
    url = adapter(TokenEndpoint()).authorization_url(
        state="st", code_challenge="ch", redirect_uri="https://book.example.org/console/callback"
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://auth.example/oauth2/authorize"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "response_type": "code",
        "client_id": "client-1",
        "redirect_uri": "https://book.example.org/console/callback",
        "scope": "openid email booking/admin",
        "state": "st",
        "code_challenge": "ch",
        "code_challenge_method": "S256",
    }


def test_the_code_is_redeemed_with_its_verifier_and_the_access_token_names_the_organiser() -> None:
    endpoint = TokenEndpoint({"access_token": _jwt(claims()), "id_token": "x", "expires_in": 1800})
    identity = adapter(endpoint).exchange_code(
        code="c1", code_verifier="v1", redirect_uri="https://book.example.org/console/callback"
    )
    assert identity.subject == "sub-1"
    assert "booking/admin" in identity.scopes
    [request] = endpoint.requests
    assert request.full_url == "https://auth.example/oauth2/token"
    assert request.get_method() == "POST"
    assert {k: v[0] for k, v in parse_qs(request.data.decode()).items()} == {
        "grant_type": "authorization_code",
        "client_id": "client-1",
        "code": "c1",
        "redirect_uri": "https://book.example.org/console/callback",
        "code_verifier": "v1",
    }


@pytest.mark.parametrize(
    "token",
    [
        _jwt(claims(client_id="another-client")),
        _jwt(claims(token_use="id")),
        _jwt(claims(exp=int(NOW.timestamp()))),
        _jwt({k: v for k, v in claims().items() if k != "sub"}),
        "not-a-jwt",
        "a.!!!.c",
    ],
)
def test_a_token_not_for_this_console_is_refused(token: str) -> None:
    with pytest.raises(SignInRefused):
        adapter(TokenEndpoint({"access_token": token})).exchange_code(
            code="c", code_verifier="v", redirect_uri="r"
        )


def test_a_refused_code_is_a_refusal_and_an_outage_is_a_retry() -> None:
    with pytest.raises(SignInRefused):
        adapter(TokenEndpoint({"error": "invalid_grant"}, status=400)).exchange_code(
            code="c", code_verifier="v", redirect_uri="r"
        )
    with pytest.raises(DependencyUnavailable):
        adapter(TokenEndpoint({}, status=503)).exchange_code(
            code="c", code_verifier="v", redirect_uri="r"
        )
    with pytest.raises(DependencyUnavailable):
        adapter(TokenEndpoint(error=urllib.error.URLError("down"))).exchange_code(
            code="c", code_verifier="v", redirect_uri="r"
        )
    with pytest.raises(SignInRefused):
        adapter(TokenEndpoint({"token_type": "Bearer"})).exchange_code(
            code="c", code_verifier="v", redirect_uri="r"
        )


def test_signing_out_ends_cognitos_session_too_and_comes_back() -> None:
    adapter = CognitoSignIn("https://auth.example/", "client-1", ("openid",))
    assert adapter.origin == "https://auth.example"
    target = urlsplit(adapter.sign_out_url(return_to="https://book.example.org/console/signed-out"))
    assert (target.netloc, target.path) == ("auth.example", "/logout")
    assert parse_qs(target.query) == {
        "client_id": ["client-1"],
        "logout_uri": ["https://book.example.org/console/signed-out"],
    }
