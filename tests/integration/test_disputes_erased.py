"""A payer's bank disputing the payment of a booking whose person was erased:
the facilitators are still told, once per dispute, in a message that names nobody (the
booking's reference, the amounts, the days, the link to its page in the console), whether
the erasure came before the dispute or between the dispute's event and the mailer; through
the webhook, the organiser API and the mailer, with moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from booking.domain.emails import OutgoingEmail
from tests.support.page_text import text_of
from tests.support.stripe_events import card_disputed, paid
from tests.support.system import System

FORM = {"content-type": "application/x-www-form-urlencoded"}
PERSONAL = ("Ada", "Lovelace", "@example.org>", "Data Engineer")


def _disputed(system: System, application: dict[str, Any]) -> str:
    return str(card_disputed(system, application)["dispute"]["id"])


def _closed(system: System, dispute_id: str) -> None:
    body = urlencode({"outcome": "lost"}).encode()
    reply = system.stripe_local("POST", f"/disputes/{dispute_id}/close", body, FORM)
    assert reply.status == 200, reply.body


def _erased(system: System, email: str) -> None:
    reply = system.admin("DELETE", f"/people/{email}")
    assert reply.status in (200, 204), reply.body


def _told_of_dispute(system: System) -> list[OutgoingEmail]:
    return [e for e in system.deliver_emails() if "disputed" in e.subject.lower()]


def _names_nobody_and_says_the_dispute(
    system: System, told: OutgoingEmail, application: dict[str, Any], email: str
) -> None:
    reference = application["reference"]
    course = system.ports.repository.get_course(application["course_id"])
    assert course is not None
    assert told.to == course.definition.facilitator_addresses()
    assert email not in told.reply_to
    assert told.subject.startswith("Payment disputed by the payer's bank")
    for said in (told.subject, told.text, told.html):
        assert reference in said
        assert email not in said
        for word in PERSONAL:
            assert word not in said, (word, said)
    for said in (told.text, text_of(told.html)):
        assert "Payment disputed by the payer's bank on" in said
        assert "Stripe holds £200.00 until" in said
        assert "erase" in said  # why it names nobody
    for said in (told.text, told.html):
        assert f"/console/applications/{application['application_id']}" in said


def test_a_dispute_after_the_erasure_is_told_naming_nobody(system: System) -> None:
    email = "erased-d1@example.org"
    application = paid(system, email)
    system.deliver_emails()
    _erased(system, email)
    system.deliver_emails()

    dispute_id = _disputed(system, application)

    [told] = _told_of_dispute(system)
    _names_nobody_and_says_the_dispute(system, told, application, email)
    _closed(system, dispute_id)
    assert _told_of_dispute(system) == []  # once per dispute


def test_a_dispute_heard_before_the_erasure_and_sent_after_it_is_told(system: System) -> None:
    email = "erased-d2@example.org"
    application = paid(system, email)
    system.deliver_emails()
    _disputed(system, application)  # its message queued, not yet sent

    _erased(system, email)

    [told] = _told_of_dispute(system)
    _names_nobody_and_says_the_dispute(system, told, application, email)
    assert _told_of_dispute(system) == []
