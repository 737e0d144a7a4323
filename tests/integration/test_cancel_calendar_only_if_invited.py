"""A cancellation takes the sessions out of the person's calendar only if they were ever put
in: a booking cancelled before its confirmation (and its invitation) went out gets its
cancellation without a CANCEL calendar file, as the mailer's ledger knows."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.timeline import EntryKind
from booking.services.send_leases import SENT_UNCONFIRMED
from tests.support.system import System
from tests.support.throttled import sent_not_recorded, throttled

PERSON = "quick@example.org"


def _booked_and_cancelled(
    system: System, *, confirmation_sent: bool, unrecorded: pytest.MonkeyPatch | None = None
) -> list[OutgoingEmail]:
    """Booked and paid, then cancelled with a refund: its confirmation sent first, or still
    waiting to be sent (the mailer then skips it: the booking is no longer confirmed).
    ``unrecorded``: SES takes the confirmation, but neither its ``sent`` nor its line in the
    history can be recorded (DynamoDB out for every try)."""
    application: dict[str, Any] = system.booked(email=PERSON)
    if confirmation_sent:
        if unrecorded is not None:
            _records_fail(system, unrecorded)
        [confirmed] = [m for m in system.deliver_emails() if "confirmed" in m.subject.lower()]
        assert _calendar_files(confirmed) == {"invite.ics"}
        if unrecorded is not None:
            unrecorded.undo()
            _assert_went_unrecorded(system, application)
    cancelled = system.cancel(application["application_id"])
    assert cancelled.status == 200, cancelled.body
    return [m for m in system.deliver_emails() if m.to == [PERSON]]


def _records_fail(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    repository = system.ports.repository
    sent_not_recorded(monkeypatch, repository)
    monkeypatch.setattr(repository, "add_to_timeline", throttled(repository.add_to_timeline))
    monkeypatch.setattr(system.ports, "pause", lambda seconds: None)


def _assert_went_unrecorded(system: System, application: dict[str, Any]) -> None:
    """The confirmation SES took is recorded nowhere but in its claim, as said before the SES
    call: not ``sent``, and not in the application's history."""
    stored = system.stored(application)
    confirmation = EmailJob.about(
        EmailKind.BOOKING_CONFIRMED, stored.application_id, stored.course_id
    )
    assert system.ports.repository.email_state(confirmation.job_id) == SENT_UNCONFIRMED
    _, history = system.ports.repository.application_with_timeline(stored.application_id)
    assert [e.email for e in history if e.kind is EntryKind.EMAIL] == []


def _calendar_files(message: OutgoingEmail) -> set[str]:
    return {a.filename for a in message.attachments if a.content_type == "text/calendar"}


def test_cancelled_before_its_confirmation_went_no_cancel_calendar_is_sent(
    system: System,
) -> None:
    sent = _booked_and_cancelled(system, confirmation_sent=False)

    assert not [m for m in sent if "confirmed" in m.subject.lower()]
    [cancellation] = [m for m in sent if "refunded" in m.subject.lower()]
    assert _calendar_files(cancellation) == set()


def test_cancelled_after_its_confirmation_went_the_sessions_are_taken_out(
    system: System,
) -> None:
    sent = _booked_and_cancelled(system, confirmation_sent=True)

    [cancellation] = [m for m in sent if "refunded" in m.subject.lower()]
    assert _calendar_files(cancellation) == {"cancel.ics"}


def test_a_confirmation_ses_took_but_never_recorded_sent_is_taken_out_all_the_same(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its claim stays ``sent_unconfirmed``: it went, as far as anyone can know, so the
    cancellation takes the sessions out of the calendar it put them in."""
    sent = _booked_and_cancelled(system, confirmation_sent=True, unrecorded=monkeypatch)

    assert not [m for m in sent if "confirmed" in m.subject.lower()]  # never sent again
    [cancellation] = [m for m in sent if "refunded" in m.subject.lower()]
    assert _calendar_files(cancellation) == {"cancel.ics"}
