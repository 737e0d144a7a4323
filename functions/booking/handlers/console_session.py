"""Signed cookies for the console: the organiser's session, and the state of a Cognito sign-in.

A cookie's value is ``<payload>.<mac>``: the payload is base64url JSON with an expiry, the MAC
an HMAC-SHA256 over a purpose and the payload, so a value made for one purpose (the sign-in
state) is never accepted for another (a session), and nothing in a cookie can be changed or
extended without the key. A session cookie only names its session (organiser and id): the
session itself is kept on the server (``services/console_sessions.py``), so signing out ends
it for every copy of the cookie.

Forms carry a CSRF token derived from the session's random id with the same key: a page of
another site can make a browser send the cookie (on a top-level GET, as SameSite=Lax allows)
but cannot read the token, so every POST is checked for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from booking.domain.organisers import SESSION_LENGTH, ConsoleSession

SESSION_COOKIE = "console_session"
SIGN_IN_COOKIE = "console_sign_in"
NOTICE_COOKIE = "console_notice"
SESSION_SECONDS = int(SESSION_LENGTH.total_seconds())
# Long enough to type a password and an MFA code at Cognito's page.
SIGN_IN_SECONDS = 10 * 60
# A notice is read by the GET its action's redirect leads to, a moment later; one never read
# (the redirect not followed) is gone before anyone could take it for news.
NOTICE_SECONDS = 60
_SESSION, _SIGN_IN, _CSRF, _NOTICE = b"session", b"sign-in", b"csrf", b"notice"
_PRESS = b"press"
# The notice of a form posted after the session ended, its change not saved: the
# sign-in after it leads back to the form's page, which says so once (``console_app.chrome``).
CHANGE_LOST = "change_lost"
# A press's value: a random part (``secrets.token_urlsafe(12)``: 16 characters) and its MAC's.
_PRESS_NONCE, _PRESS_MAC = 16, 22


@dataclass(frozen=True)
class SessionName:
    """What a session cookie says: whose session, and which (still to be looked up)."""

    subject: str
    session_id: str


@dataclass(frozen=True)
class Notice:
    """What a console action did (``done``, a word its page has words for; ``code``, what it was
    done to, where the words name it), for the page at ``path`` to say once."""

    done: str = ""
    code: str = ""
    path: str = ""


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CookieSigner:
    def __init__(self, key: bytes, *, secure: bool) -> None:
        self._key = key
        self._secure = secure

    def _mac(self, purpose: bytes, payload: str) -> bytes:
        return hmac.new(self._key, purpose + b"\x00" + payload.encode(), hashlib.sha256).digest()

    def _seal(self, purpose: bytes, data: dict[str, Any]) -> str:
        payload = _encode(json.dumps(data, separators=(",", ":")).encode())
        return f"{payload}.{_encode(self._mac(purpose, payload))}"

    def _unseal(self, purpose: bytes, value: str | None, now: datetime) -> dict[str, Any] | None:
        """The payload if ``value`` was sealed for ``purpose`` with this key and is unexpired."""
        if not value or value.count(".") != 1 or len(value) > 4096:
            return None
        payload, mac = value.split(".")
        # The MAC is compared as text in its one canonical spelling: decoding first would accept
        # other spellings of it (base64's last character carries unused bits).
        expected = _encode(self._mac(purpose, payload)).encode()
        if not hmac.compare_digest(mac.encode("utf-8", "surrogatepass"), expected):
            return None
        try:
            data = json.loads(_decode(payload))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
            return None
        return data if data["exp"] > now.timestamp() else None

    # -- sessions ------------------------------------------------------------------------------

    def session_cookie(self, session: ConsoleSession, now: datetime) -> Cookie:
        expires = int(session.expires_at.timestamp())
        value = self._seal(
            _SESSION, {"sub": session.subject, "sid": session.session_id, "exp": expires}
        )
        lasts = max(expires - int(now.timestamp()), 0)
        return self._cookie(SESSION_COOKIE, value, lasts, "/console")

    def session_name(self, value: str | None, now: datetime) -> SessionName | None:
        data = self._unseal(_SESSION, value, now)
        if (
            data is None
            or not isinstance(data.get("sub"), str)
            or not isinstance(data.get("sid"), str)
        ):
            return None
        return SessionName(subject=data["sub"], session_id=data["sid"])

    def end_session(self) -> Cookie:
        return self._cookie(SESSION_COOKIE, "", 0, "/console")

    def csrf_token(self, session: ConsoleSession) -> str:
        return _encode(self._mac(_CSRF, session.session_id))

    def csrf_valid(self, session: ConsoleSession, presented: str | None) -> bool:
        if not presented:
            return False
        # Bytes: compare_digest refuses str holding non-ASCII characters.
        return hmac.compare_digest(
            presented.encode("utf-8", "surrogatepass"), self.csrf_token(session).encode()
        )

    # -- one press of a button that must act once ---------------------------------------------

    def press(self, session_id: str, row: str) -> str:
        """A value for one press of a page's button whose repeat must not act again (the same
        press posted twice is one act): random, and bound by a MAC to the session and to the
        row its form acts on (``row``: what the button names, ``console_app.press_row``), so a
        value the page did not issue for that row (made up, another session's, another row's
        form, with a space added) is refused by :meth:`press_valid`."""
        nonce = secrets.token_urlsafe(12)
        return nonce + self._press_mac(session_id, row, nonce)

    def press_valid(self, session_id: str, presented: str, row: str) -> bool:
        """Whether ``presented`` is a value :meth:`press` issued in the session for ``row``,
        exactly: nothing before or after it (an unsigned ``-N`` once let one issued
        press act 10,000 times; every button now carries its own press, bound to its row)."""
        signed = _PRESS_NONCE + _PRESS_MAC
        nonce, mac = presented[:_PRESS_NONCE], presented[_PRESS_NONCE:]
        if len(presented) != signed:
            return False
        expected = self._press_mac(session_id, row, nonce).encode()
        return hmac.compare_digest(mac.encode("utf-8", "surrogatepass"), expected)

    def _press_mac(self, session_id: str, row: str, nonce: str) -> str:
        return _encode(self._mac(_PRESS, json.dumps([session_id, row, nonce])))[:_PRESS_MAC]

    # -- a notice, shown once ---------------------------------------------------------------------

    def notice_cookie(self, notice: Notice, session: ConsoleSession, now: datetime) -> Cookie:
        """The one-time cookie carrying ``notice`` to the page it is for, in this session only
        (SameSite=Strict: only the console's own redirect brings it back)."""
        value = self._seal(
            _NOTICE,
            {
                "done": notice.done,
                "code": notice.code,
                "path": notice.path,
                "sid": session.session_id,
                "exp": int(now.timestamp()) + NOTICE_SECONDS,
            },
        )
        return self._cookie(NOTICE_COOKIE, value, NOTICE_SECONDS, "/console", strict=True)

    def read_notice(
        self, value: str | None, session: ConsoleSession, now: datetime
    ) -> Notice | None:
        """The notice ``value`` carries, if this key sealed it for ``session`` and it is fresh;
        anything else (forged, stale, another session's) is no notice."""
        data = self._unseal(_NOTICE, value, now)
        fields = ("done", "code", "path", "sid")
        if data is None or not all(isinstance(data.get(k), str) for k in fields):
            return None
        if not hmac.compare_digest(data["sid"].encode(), session.session_id.encode()):
            return None
        return Notice(done=data["done"], code=data["code"], path=data["path"])

    def end_notice(self) -> Cookie:
        return self._cookie(NOTICE_COOKIE, "", 0, "/console", strict=True)

    # -- a Cognito sign-in in progress -----------------------------------------------------------

    def sign_in_state(
        self, state: str, verifier: str, after: str, now: datetime, *, lost: bool = False
    ) -> Cookie:
        """The cookie that carries PKCE's verifier and the OAuth state to the callback; the
        verifier never leaves the browser's cookie jar and this function. ``lost``: the sign-in
        follows a form posted after the session ended, its change not saved (said on ``after``
        once signed in)."""
        value = self._seal(
            _SIGN_IN,
            {
                "state": state,
                "verifier": verifier,
                "next": after,
                "lost": "1" if lost else "",
                "exp": int(now.timestamp()) + SIGN_IN_SECONDS,
            },
        )
        return self._cookie(SIGN_IN_COOKIE, value, SIGN_IN_SECONDS, "/console/callback")

    def read_sign_in_state(self, value: str | None, now: datetime) -> dict[str, str] | None:
        data = self._unseal(_SIGN_IN, value, now)
        if data is None or not all(
            isinstance(data.get(k), str) for k in ("state", "verifier", "next")
        ):
            return None
        lost = data.get("lost") if isinstance(data.get("lost"), str) else ""
        return {**{k: data[k] for k in ("state", "verifier", "next")}, "lost": lost}

    def after_sign_in(
        self, session: ConsoleSession, pending: dict[str, str], now: datetime
    ) -> tuple[str, list[Cookie]]:
        """Where a sign-in (``pending``: its state, read back) goes on to, made safe, and the
        cookies it sets: the session's, the sign-in's ended, and, when it followed a form posted
        once the session had ended (``lost``), the notice that the form's page says once: its
        change was not saved."""
        after = safe_next(pending["next"])
        cookies = [self.session_cookie(session, now), self.end_sign_in()]
        if pending.get("lost"):
            lost = Notice(done=CHANGE_LOST, path=unquote(urlsplit(after).path))
            cookies.append(self.notice_cookie(lost, session, now))
        return after, cookies

    def end_sign_in(self) -> Cookie:
        return self._cookie(SIGN_IN_COOKIE, "", 0, "/console/callback")

    def _cookie(
        self, name: str, value: str, max_age: int, path: str, *, strict: bool = False
    ) -> Cookie:
        return Cookie(
            name=name,
            value=value,
            path=path,
            secure=self._secure,
            http_only=True,
            # Lax: a link from the facilitators' email opens the console signed in; a form of
            # another site posting here arrives without the cookie (and the CSRF token). A
            # notice is Strict: it is only ever for the console's own next page.
            same_site=SameSite.STRICT_MODE if strict else SameSite.LAX_MODE,
            max_age=max_age,
        )


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = _encode(hashlib.sha256(verifier.encode("ascii")).digest())
    return verifier, challenge


def cookie_value(cookies: list[str], name: str) -> str | None:
    """The value of cookie ``name`` among a request's ``name=value`` strings (API Gateway v2)."""
    for cookie in cookies:
        key, _, value = cookie.strip().partition("=")
        if key == name:
            return value
    return None


def safe_next(candidate: str | None) -> str:
    """Where to go on to after signing in: only a console page of this site (never an open
    redirect elsewhere, never a control character); anything else, the console's first page.
    Characters beyond ASCII are kept: the Location header percent-encodes them."""
    unsafe = ("//", "\\")
    if (
        candidate
        and candidate.startswith("/console")
        and not any(u in candidate for u in unsafe)
        and all(0x20 <= ord(c) != 0x7F for c in candidate)
        and len(candidate) <= 2000
    ):
        return candidate
    return "/console"
