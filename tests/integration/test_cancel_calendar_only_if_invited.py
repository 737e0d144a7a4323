"""A cancellation takes the sessions out of the person's calendar only if they were ever put
in: a booking cancelled before its confirmation (and its invitation) went out gets its
cancellation without a CANCEL calendar file, as the mailer's ledger knows (hostile-g2 F12)."""

from __future__ import annotations

from typing import Any

from booking.domain.emails import OutgoingEmail
from tests.support.system import System

PERSON = "quick@example.org"


def _booked_and_cancelled(system: System, *, confirmation_sent: bool) -> list[OutgoingEmail]:
    """Booked and paid, then cancelled with a refund: its confirmation sent first, or still
    waiting to be sent (the mailer then skips it: the booking is no longer confirmed)."""
    application: dict[str, Any] = system.apply(email=PERSON).json()
    assert system.pay(application["checkout_url"]).status == 200
    if confirmation_sent:
        [confirmed] = [m for m in system.deliver_emails() if "confirmed" in m.subject.lower()]
        assert _calendar_files(confirmed) == {"invite.ics"}
    cancelled = system.admin(
        "POST",
        f"/applications/{application['application_id']}/cancel",
        json_body={"refund": True},
    )
    assert cancelled.status == 200, cancelled.body
    return [m for m in system.deliver_emails() if m.to == [PERSON]]


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
