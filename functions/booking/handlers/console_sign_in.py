"""Signing in and out of the organisers' console: OAuth 2.0's authorization code with PKCE
against the organisers' identity provider (``OrganiserSignIn``), the session kept on the server
(``services/console_sessions.py``) so that signing out ends it for every copy of the cookie."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any

from booking.bootstrap import ports
from booking.domain.links import with_query
from booking.domain.organisers import ConsoleSession
from booking.handlers import console_access as access
from booking.handlers import console_pages as pages
from booking.handlers import http
from booking.handlers.console_app import (
    SIGNED_OUT,
    app,
    callback_url,
    cookie_signer,
    current_session,
    html_page,
    query_value,
    served,
    typed_value,
)
from booking.handlers.console_session import SIGN_IN_COOKIE, cookie_value, pkce_pair, safe_next
from booking.handlers.resolver import Response
from booking.services import console_sessions


@served("consoleSignInPage")
def sign_in_page() -> Response[str]:
    after = safe_next(query_value("next"))
    if current_session() is not None:
        return http.see_other(after)
    # Off to the identity provider's sign-in, carrying PKCE's verifier in a signed cookie.
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    lost = query_value("lost") == "1"  # a form posted after the session ended
    cookie = cookie_signer().sign_in_state(state, verifier, after, ports().clock(), lost=lost)
    target = ports().sign_in.authorization_url(
        state=state, code_challenge=challenge, redirect_uri=callback_url()
    )
    return http.see_other(target, [cookie])


@served("consoleSignIn")
def sign_in() -> Response[str]:
    # Signing in happens at the identity provider: a form posted here is sent there.
    return http.see_other(with_query("/console/sign-in", {"next": safe_next(typed_value("next"))}))


@served("consoleCallback")
def callback() -> Response[str]:
    signer = cookie_signer()
    now = ports().clock()
    pending = signer.read_sign_in_state(
        cookie_value(app.current_event.cookies or [], SIGN_IN_COOKIE), now
    )
    code, state = query_value("code"), query_value("state")
    if (
        pending is None
        or not code
        or not hmac.compare_digest(
            state.encode("utf-8", "surrogatepass"), pending["state"].encode()
        )
    ):
        # The provider's own refusal (?error=...), a stale tab, or a forged callback.
        raise http.Unauthorised("the sign-in did not complete; please sign in again")
    session = console_sessions.sign_in(
        ports(), code=code, code_verifier=pending["verifier"], redirect_uri=callback_url()
    )
    return http.see_other(*signer.after_sign_in(session, pending, now))


def _signed_out(end: Callable[[Any, ConsoleSession], object]) -> Response[str]:
    end(ports(), access.session_of(app))
    # End the identity provider's own session too, or the next sign-in would skip the password.
    target = ports().sign_in.sign_out_url(return_to=f"{ports().public_base_url}{SIGNED_OUT}")
    return http.see_other(target, [cookie_signer().end_session()])


@served("consoleSignOut")
def sign_out() -> Response[str]:
    return _signed_out(console_sessions.sign_out)


@served("consoleSignOutEverywhere")
def sign_out_everywhere() -> Response[str]:
    return _signed_out(console_sessions.sign_out_everywhere)


@served("consoleSignedOut")
def signed_out() -> Response[str]:
    return html_page(200, pages.signed_out_page())
