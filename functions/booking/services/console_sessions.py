"""The organisers' console sessions: begun by signing in, checked on every request, ended by
signing out (this browser) or by "sign out everywhere" (every browser of the organiser).

Sessions are kept on the server (``ConsoleSessionStore``), one record each: a cookie names its
session and is good only while the record is there and unexpired. The cost is one read by key
per console request (a few milliseconds, half a read unit); in exchange signing out really
ends a session, which a cookie alone (valid until it expires) cannot do.
"""

from __future__ import annotations

import secrets

from aws_lambda_powertools import Logger

from booking.domain.errors import NotAnOrganiser
from booking.domain.organisers import ORGANISER_SCOPE, ConsoleSession, is_organiser, new_session
from booking.services.ports import Ports

logger = Logger(child=True)


def sign_in(ports: Ports, *, code: str, code_verifier: str, redirect_uri: str) -> ConsoleSession:
    """Redeem the identity provider's code and begin a session for the organiser it names."""
    identity = ports.sign_in.exchange_code(
        code=code, code_verifier=code_verifier, redirect_uri=redirect_uri
    )
    if not is_organiser(identity.scopes):
        raise NotAnOrganiser(f"this account lacks the {ORGANISER_SCOPE} scope")
    session = new_session(identity.subject, secrets.token_urlsafe(18), ports.clock())
    ports.console_sessions.put_session(session)
    logger.info("console sign-in", extra={"subject": identity.subject})
    return session


def current(ports: Ports, subject: str, session_id: str) -> ConsoleSession | None:
    """The session a cookie names, while it lasts: ``None`` once it is signed out or over."""
    session = ports.console_sessions.get_session(subject, session_id)
    return session if session is not None and session.is_live(ports.clock()) else None


def sign_out(ports: Ports, session: ConsoleSession) -> None:
    ports.console_sessions.delete_session(session.subject, session.session_id)
    logger.info("console sign-out", extra={"subject": session.subject})


def sign_out_everywhere(ports: Ports, session: ConsoleSession) -> int:
    """End every session of this session's organiser, this one included; how many."""
    ended = ports.console_sessions.delete_sessions(session.subject)
    logger.info("console sign-out everywhere", extra={"subject": session.subject, "ended": ended})
    return ended
