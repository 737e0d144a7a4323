"""The ports of organisers signing in (AWS: Cognito's hosted sign-in) and their console
sessions; ``booking.services.ports`` re-exports every name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from booking.domain.organisers import ConsoleSession


@dataclass(frozen=True)
class OrganiserIdentity:
    """Who signed in, as the identity provider vouches: an opaque subject and the scopes."""

    subject: str
    scopes: frozenset[str]


class OrganiserSignIn(Protocol):
    """OAuth 2.0 authorization code with PKCE against the organisers' identity provider."""

    def authorization_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        """Where to send the browser to sign in (``code_challenge``: S256 of the verifier)."""
        ...

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> OrganiserIdentity:
        """Redeem the code at the token endpoint. Raises ``SignInRefused`` when the provider
        refuses it and ``DependencyUnavailable`` when it cannot be reached."""
        ...

    def sign_out_url(self, *, return_to: str) -> str:
        """Where to send the browser to end the provider's own session too (else the next
        sign-in would skip the password), coming back to ``return_to``."""
        ...

    @property
    def origin(self) -> str:
        """The provider's origin: the console's forms may be redirected there."""
        ...


class ConsoleSessionStore(Protocol):
    """The organisers' console sessions, kept so that they can be ended."""

    def put_session(self, session: ConsoleSession) -> None: ...

    def get_session(self, subject: str, session_id: str) -> ConsoleSession | None: ...

    def delete_session(self, subject: str, session_id: str) -> None: ...

    def delete_sessions(self, subject: str) -> int:
        """End every session of one organiser; how many there were."""
        ...
