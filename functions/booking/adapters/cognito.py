"""Organisers sign in to the console through Cognito's hosted sign-in: authorization code with
PKCE, redeemed at the user pool's token endpoint (``OrganiserSignIn`` port).

The app client is public (no secret: PKCE protects the exchange). The tokens come straight from
Cognito's token endpoint over TLS in answer to our own request, so, as OpenID Connect Core
(3.1.3.7) allows for tokens received this way, the TLS server check stands in for checking the
token's signature; the claims that bind it to this client and to now are still checked.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from booking.domain.errors import DependencyUnavailable, SignInRefused
from booking.services.ports import OrganiserIdentity

TIMEOUT_SECONDS = 5
Opener = Callable[..., Any]


def _claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise SignInRefused("the identity provider sent a token that is not a JWT")
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignInRefused("the identity provider sent an unreadable token") from exc
    if not isinstance(claims, dict):
        raise SignInRefused("the identity provider sent an unreadable token")
    return claims


class CognitoSignIn:
    def __init__(
        self,
        domain: str,
        client_id: str,
        scopes: tuple[str, ...],
        *,
        opener: Opener = urllib.request.urlopen,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if urlsplit(domain).scheme not in ("https", "http"):
            raise ValueError("COGNITO_DOMAIN must be the URL of the user pool's domain")
        self._domain = domain.rstrip("/")
        self._client_id = client_id
        self._scopes = scopes
        self._open = opener
        self._clock = clock

    def authorization_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(self._scopes),
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self._domain}/oauth2/authorize?{query}"

    @property
    def origin(self) -> str:
        parts = urlsplit(self._domain)
        return f"{parts.scheme}://{parts.netloc}"

    def sign_out_url(self, *, return_to: str) -> str:
        # Cognito's logout endpoint ends its own session and sends the browser on to a logout
        # URL registered on the app client (infra/cdk/auth.py).
        query = urlencode({"client_id": self._client_id, "logout_uri": return_to})
        return f"{self._domain}/logout?{query}"

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> OrganiserIdentity:
        body = urlencode(
            {
                "grant_type": "authorization_code",
                "client_id": self._client_id,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the configured https domain
            f"{self._domain}/oauth2/token",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with self._open(request, timeout=TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                # invalid_grant: a used, expired or forged code, or a verifier that does not fit.
                raise SignInRefused(
                    "the sign-in could not be completed; please sign in again"
                ) from exc
            raise DependencyUnavailable(
                "the sign-in service is unavailable; please try again", code="sign_in_unavailable"
            ) from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise DependencyUnavailable(
                "the sign-in service is unavailable; please try again", code="sign_in_unavailable"
            ) from exc
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str):
            raise SignInRefused("the identity provider sent no access token")
        return self._identity(_claims(token))

    def _identity(self, claims: dict[str, Any]) -> OrganiserIdentity:
        expires = claims.get("exp")
        if (
            claims.get("token_use") != "access"
            or claims.get("client_id") != self._client_id
            or not isinstance(expires, int | float)
            or expires <= self._clock().timestamp()
            or not isinstance(claims.get("sub"), str)
        ):
            raise SignInRefused("the identity provider's token is not for this console")
        return OrganiserIdentity(
            subject=claims["sub"], scopes=frozenset(str(claims.get("scope", "")).split())
        )
