"""Who is an organiser (whoever holds the organiser scope), and an organiser's console session.

One rule for every way in: the ``/admin`` API (a Cognito access token that API Gateway's JWT
authorizer checked, or the local stack's stand-in for it), the console's sign-in (the token
Cognito's hosted sign-in issued) and the CDK app that defines the scope on the user pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

RESOURCE_SERVER = "booking"
ORGANISER_SCOPE_NAME = "admin"
ORGANISER_SCOPE = f"{RESOURCE_SERVER}/{ORGANISER_SCOPE_NAME}"
# What the console asks Cognito's hosted sign-in for.
SIGN_IN_SCOPES = ("openid", "email", ORGANISER_SCOPE)


def is_organiser(scopes: Iterable[str]) -> bool:
    return ORGANISER_SCOPE in set(scopes)


# -- console sessions -------------------------------------------------------------------------

# A working day; the organiser signs in again after it.
SESSION_LENGTH = timedelta(hours=8)


@dataclass(frozen=True)
class ConsoleSession:
    """An organiser's session in the console, kept on the server so that it can end: signing
    out ends it, and "sign out everywhere" ends every session of its organiser. The browser's
    cookie only names it (and is signed, so a guessed name is refused before any lookup)."""

    subject: str  # the identity provider's ``sub`` for the organiser
    session_id: str
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


def new_session(subject: str, session_id: str, now: datetime) -> ConsoleSession:
    if not subject or not session_id:
        raise ValueError("a session needs its organiser and an id")
    return ConsoleSession(subject, session_id, now + SESSION_LENGTH)
