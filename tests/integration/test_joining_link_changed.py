"""A cohort's new joining link reaches the people booked on it (organiser20 F22): saving a new
link sent nobody anything, and every calendar entry people click to join kept the old one.

The link is told on the "Changed dates" path, one message per person per save: the words say
the link changed and give it, and invite.ics updates every session still to come (the same
UIDs, a higher SEQUENCE, METHOD:REQUEST) with the new link as LOCATION and URL. Through the
admin API and the mailer (moto's SES), every message held to RFC 5546 across the test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from icalendar import Calendar

from booking.domain.emails import OutgoingEmail
from tests.integration.test_transfers import ADA, BOB, Cohorts
from tests.support.system import System

SPRING = "move-spring"
NEW_LINK = "https://example.org/join/new-zoom-room"


def _invite(message: OutgoingEmail) -> Calendar:
    [ics] = [a for a in message.attachments if a.filename == "invite.ics"]
    return Calendar.from_ical(ics.content)


def _events(message: OutgoingEmail) -> dict[str, Any]:
    """UID -> the VEVENT of the message's invite.ics."""
    return {str(e["UID"]): e for e in _invite(message).walk("VEVENT")}


def _saved(cohorts: Cohorts, file: dict[str, Any]) -> None:
    saved = cohorts.system.admin("PUT", f"/courses/{SPRING}", json_body=file)
    assert saved.status == 200, saved.body


def _confirmation_to(system: System, cohorts: Cohorts, email: str) -> OutgoingEmail:
    applied = system.apply(SPRING, email=email).json()
    assert system.pay(applied["checkout_url"]).status == 200
    [confirmation] = [
        m for m in cohorts.emails_to(email) if m.subject.startswith("Your place is confirmed")
    ]
    return confirmation


def test_a_new_link_is_sent_to_each_person_booked_with_a_calendar_update(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    confirmation = _confirmation_to(system, cohorts, ADA)
    held = _events(confirmation)
    assert {str(e["LOCATION"]) for e in held.values()} == {"https://example.org/join/spring"}

    _saved(cohorts, {**cohorts.files[SPRING], "joining_url": NEW_LINK})

    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("New joining link: Moving Leadership ("), told.subject
    assert "The joining link for your sessions of Moving Leadership has changed" in told.text
    assert NEW_LINK in told.text
    assert NEW_LINK in (told.html or "")
    assert "their dates and times are unchanged" in told.text
    assert "(CHANGED)" not in told.text
    calendar = _invite(told)
    assert str(calendar["METHOD"]) == "REQUEST"
    updated = _events(told)
    # Every session, under the UID the confirmation put it in with, SEQUENCE grown.
    assert updated.keys() == held.keys()
    for uid, event in updated.items():
        assert str(event["LOCATION"]) == NEW_LINK
        assert str(event["URL"]) == NEW_LINK
        assert event.decoded("DTSTART") == held[uid].decoded("DTSTART")
        assert int(event["SEQUENCE"]) > int(held[uid]["SEQUENCE"])


def test_nobody_who_left_is_told_and_a_save_that_keeps_the_link_tells_nobody(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    _confirmation_to(system, cohorts, ADA)
    bob = system.apply(SPRING, email=BOB).json()
    assert system.pay(bob["checkout_url"]).status == 200
    cancel = f"/applications/{bob['application_id']}/cancel"
    assert system.admin("POST", cancel, json_body={"refund": True}).status == 200
    cohorts.emails()

    _saved(cohorts, cohorts.files[SPRING])
    assert cohorts.emails() == []

    _saved(cohorts, {**cohorts.files[SPRING], "joining_url": NEW_LINK})
    sent = cohorts.emails()
    assert [m.to for m in sent] == [[ADA]], [(m.to, m.subject) for m in sent]


def test_a_new_link_and_a_moved_session_are_one_message(system: System) -> None:
    cohorts = Cohorts(system)
    _confirmation_to(system, cohorts, ADA)
    spring = cohorts.files[SPRING]
    second = cohorts.spring_start + timedelta(weeks=1, days=1)
    sessions = [spring["sessions"][0], {**spring["sessions"][1], "date": second.isoformat()}]

    _saved(cohorts, {**spring, "joining_url": NEW_LINK, "sessions": sessions})

    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("Changed dates: Moving Leadership ("), told.subject
    assert told.text.count("(CHANGED)") == 1
    assert f"has changed. From now on, join at:\n{NEW_LINK}" in told.text
    assert {str(e["LOCATION"]) for e in _events(told).values()} == {NEW_LINK}
