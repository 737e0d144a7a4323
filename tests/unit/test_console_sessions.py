"""The console's sessions as use cases (services/console_sessions.py), on fakes: a session is
begun only for an organiser, lasts its working day, and ends when it is signed out, for every
copy of its cookie; "sign out everywhere" ends every session of the organiser, no one else's."""

from __future__ import annotations

import pytest

from booking.domain.errors import NotAnOrganiser, SignInRefused
from booking.domain.organisers import SESSION_LENGTH, ConsoleSession
from booking.services import console_sessions
from booking.services.ports import Ports
from tests.fakes import Clock, FakeSignIn, fake_ports


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ports(clock: Clock) -> Ports:
    return fake_ports(clock)


def provider(ports: Ports) -> FakeSignIn:
    assert isinstance(ports.sign_in, FakeSignIn)
    return ports.sign_in


def signed_in(ports: Ports, subject: str = "organiser-1") -> ConsoleSession:
    code = provider(ports).issue(subject)
    return console_sessions.sign_in(ports, code=code, code_verifier="v", redirect_uri="r")


def test_a_session_lasts_its_working_day(ports: Ports, clock: Clock) -> None:
    session = signed_in(ports)
    assert console_sessions.current(ports, session.subject, session.session_id) == session
    clock.now = session.expires_at - SESSION_LENGTH / 100
    assert console_sessions.current(ports, session.subject, session.session_id) == session
    clock.now = session.expires_at
    assert console_sessions.current(ports, session.subject, session.session_id) is None


def test_signing_out_ends_that_session_only(ports: Ports) -> None:
    laptop, phone = signed_in(ports), signed_in(ports)
    assert laptop.session_id != phone.session_id
    console_sessions.sign_out(ports, laptop)
    assert console_sessions.current(ports, laptop.subject, laptop.session_id) is None
    assert console_sessions.current(ports, phone.subject, phone.session_id) == phone


def test_signing_out_everywhere_ends_every_session_of_that_organiser(ports: Ports) -> None:
    laptop, phone = signed_in(ports), signed_in(ports)
    colleague = signed_in(ports, "organiser-2")
    assert console_sessions.sign_out_everywhere(ports, phone) == 2
    assert console_sessions.current(ports, laptop.subject, laptop.session_id) is None
    assert console_sessions.current(ports, phone.subject, phone.session_id) is None
    assert console_sessions.current(ports, colleague.subject, colleague.session_id) == colleague


def test_a_name_no_session_was_begun_under_is_no_session(ports: Ports) -> None:
    session = signed_in(ports)
    assert console_sessions.current(ports, "organiser-2", session.session_id) is None
    assert console_sessions.current(ports, session.subject, "guessed") is None


def test_only_an_organiser_gets_a_session(ports: Ports) -> None:
    code = provider(ports).issue("someone", ("openid", "email"))
    with pytest.raises(NotAnOrganiser):
        console_sessions.sign_in(ports, code=code, code_verifier="v", redirect_uri="r")
    with pytest.raises(SignInRefused):
        console_sessions.sign_in(ports, code="never-issued", code_verifier="v", redirect_uri="r")
    assert ports.console_sessions.delete_sessions("someone") == 0
