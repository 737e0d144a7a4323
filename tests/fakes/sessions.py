"""In-memory fakes of the console's ports: its session store and its identity provider."""

from __future__ import annotations

from dataclasses import dataclass, field

from booking.domain.errors import SignInRefused
from booking.domain.organisers import SIGN_IN_SCOPES, ConsoleSession
from booking.services.ports import OrganiserIdentity


class FakeConsoleSessions:
    """The ``ConsoleSessionStore`` port in a dict (held to DynamoDB's by tests/contract)."""

    def __init__(self) -> None:
        self.sessions: dict[tuple[str, str], ConsoleSession] = {}

    def put_session(self, session: ConsoleSession) -> None:
        self.sessions[(session.subject, session.session_id)] = session

    def get_session(self, subject: str, session_id: str) -> ConsoleSession | None:
        return self.sessions.get((subject, session_id))

    def delete_session(self, subject: str, session_id: str) -> None:
        self.sessions.pop((subject, session_id), None)

    def delete_sessions(self, subject: str) -> int:
        theirs = [key for key in self.sessions if key[0] == subject]
        for key in theirs:
            del self.sessions[key]
        return len(theirs)


@dataclass
class FakeSignIn:
    """An identity provider that vouches for whoever a code was issued to."""

    codes: dict[str, OrganiserIdentity] = field(default_factory=dict)
    origin: str = "https://auth.example"

    def issue(self, subject: str, scopes: tuple[str, ...] = SIGN_IN_SCOPES) -> str:
        code = f"code-{len(self.codes)}"
        self.codes[code] = OrganiserIdentity(subject, frozenset(scopes))
        return code

    def authorization_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        return f"{self.origin}/oauth2/authorize?state={state}"

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> OrganiserIdentity:
        identity = self.codes.pop(code, None)
        if identity is None:
            raise SignInRefused("the sign-in could not be completed; please sign in again")
        return identity

    def sign_out_url(self, *, return_to: str) -> str:
        return f"{self.origin}/logout?logout_uri={return_to}"
