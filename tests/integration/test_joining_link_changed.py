"""A cohort's new joining link reaches the people booked on it: saving a new
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
from tests.support.cohorts import ADA, BOB, Cohorts
from tests.support.console import signed_in, stored_course_fields
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
    system.booked(SPRING, email=email)
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
    assert f"join at:\n{NEW_LINK}\n\nHere are all your sessions" in told.text
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
    bob = system.booked(SPRING, email=BOB)
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
    assert f"join at:\n{NEW_LINK}\n\nWe have changed the times" in told.text
    assert {str(e["LOCATION"]) for e in _events(told).values()} == {NEW_LINK}


SUMMER = "move-summer"
FOLLOW_UP = "follow-up-review"


def _with_follow_up(cohorts: Cohorts) -> dict[str, dict[str, Any]]:
    """Spring and summer both list one follow-up (by id), after summer ends: spring, which
    starts first, hosts it, so its entries carry spring's link."""
    day = cohorts.spring_start + timedelta(weeks=10)
    follow_up = {
        "id": FOLLOW_UP,
        "date": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:00",
        "kind": "follow_up",
        "title": "Reviewing our practice",
    }
    files = {}
    for course_id in (SPRING, SUMMER):
        file = cohorts.files[course_id]
        files[course_id] = {**file, "sessions": [*file["sessions"], follow_up]}
        cohorts.system.put_course(course_id, files[course_id])
    return files


def _follow_up_entry(message: OutgoingEmail) -> Any:
    [event] = [e for e in _invite(message).walk("VEVENT") if FOLLOW_UP in str(e["UID"])]
    return event


def _summer_confirmation(system: System, cohorts: Cohorts) -> OutgoingEmail:
    system.booked(SUMMER, email=ADA)
    [confirmation] = [
        m for m in cohorts.emails_to(ADA) if m.subject.startswith("Your place is confirmed")
    ]
    return confirmation


def test_a_follow_ups_host_changing_its_link_tells_everyone_holding_it(system: System) -> None:
    """Ada (summer) holds spring's follow-up with spring's link; spring's new link reaches her
    as a notice about that follow-up, its calendar entry updated."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    held = _follow_up_entry(_summer_confirmation(system, cohorts))
    assert str(held["LOCATION"]) == "https://example.org/join/spring"

    _saved(cohorts, {**files[SPRING], "joining_url": NEW_LINK})

    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("New joining link: follow-up session "), told.subject
    assert "has a new joining link. Its time has not changed" in told.text
    assert NEW_LINK in told.text
    entry = _follow_up_entry(told)
    assert str(entry["UID"]) == str(held["UID"])
    assert str(entry["LOCATION"]) == NEW_LINK
    assert int(entry["SEQUENCE"]) > int(held["SEQUENCE"])


def test_a_host_that_stops_listing_a_follow_up_hands_on_its_new_link(system: System) -> None:
    """Spring takes the follow-up out of its file, so summer hosts
    it with summer's link; Ada is told the new link."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    _summer_confirmation(system, cohorts)

    _saved(cohorts, cohorts.files[SPRING])

    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("New joining link: follow-up session "), told.subject
    assert "https://example.org/join/summer" in told.text
    assert str(_follow_up_entry(told)["LOCATION"]) == "https://example.org/join/summer"
    assert files[SUMMER]["joining_url"] == "https://example.org/join/summer"


def test_a_host_whose_dates_move_after_another_cohorts_tells_its_people_the_new_link(
    system: System,
) -> None:
    """Spring, the follow-up's host, moves its sessions to start after summer's first, so
    summer hosts it with summer's link: Bob (spring) got "Changed dates", the follow-up in
    it unmarked and its calendar entry given summer's link unsaid. He is told the new link
    as everyone holding it is, and his calendar holds it."""
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    held = _follow_up_entry(_confirmation_to(system, cohorts, BOB))
    summer = "https://example.org/join/summer"
    assert str(held["LOCATION"]) == "https://example.org/join/spring"
    [first, second, follow_up] = files[SPRING]["sessions"]
    later = [
        {**session, "date": (cohorts.spring_start + timedelta(weeks=weeks)).isoformat()}
        for session, weeks in ((first, 5), (second, 6))
    ]

    _saved(cohorts, {**files[SPRING], "sessions": [*later, follow_up]})

    told = {m.subject.split(":")[0]: m for m in cohorts.emails_to(BOB)}
    assert sorted(told) == ["Changed dates", "New joining link"], sorted(told)
    relinked = told["New joining link"]
    assert relinked.subject.startswith("New joining link: follow-up session "), relinked.subject
    assert summer in relinked.text
    entry = _follow_up_entry(relinked)
    assert str(entry["UID"]) == str(held["UID"])
    assert str(entry["LOCATION"]) == summer


def test_the_hosts_own_people_get_one_message_with_every_entry_relinked(system: System) -> None:
    cohorts = Cohorts(system)
    files = _with_follow_up(cohorts)
    _confirmation_to(system, cohorts, BOB)

    _saved(cohorts, {**files[SPRING], "joining_url": NEW_LINK})

    [told] = cohorts.emails_to(BOB)
    assert told.subject.startswith("New joining link: Moving Leadership ("), told.subject
    assert {str(e["LOCATION"]) for e in _invite(told).walk("VEVENT")} == {NEW_LINK}
    assert str(_follow_up_entry(told)["LOCATION"]) == NEW_LINK


def test_the_console_says_how_many_are_emailed_the_new_link(system: System) -> None:
    """The notice after a save counts from the rule that queues the
    messages, and says what they tell."""
    browser = signed_in(system)
    for n in (1, 2):
        system.booked(email=f"booked{n}@example.org")
    system.deliver_emails()
    fields = stored_course_fields(system)

    saved = browser.act("/console/courses", **{**fields, "joining_url": NEW_LINK})
    assert saved.status == 303, saved.body
    said = browser.words(saved.headers["location"])
    assert "2 people will be emailed the new joining link, with a calendar update." in said
    relinked = [m for m in system.deliver_emails() if m.subject.startswith("New joining link")]
    assert sorted(m.to[0] for m in relinked) == ["booked1@example.org", "booked2@example.org"]


def test_a_link_changed_and_put_back_before_the_mail_goes_tells_nobody(system: System) -> None:
    """A new link saved, then the old one again, before the mailer ran: both
    messages were sent, each saying "has changed. From now on, join at" the link the person
    already had. The mailer tells a new link only to whom the calendar it last sent them
    gave another (the record keeps the link each entry carried)."""
    cohorts = Cohorts(system)
    _confirmation_to(system, cohorts, ADA)
    _confirmation_to(system, cohorts, BOB)
    file = cohorts.files[SPRING]

    _saved(cohorts, {**file, "joining_url": NEW_LINK})
    _saved(cohorts, file)

    assert [(m.to, m.subject) for m in cohorts.emails()] == []
    # A link that is new to them is still told, once.
    _saved(cohorts, {**file, "joining_url": NEW_LINK})
    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("New joining link"), told.subject
    assert NEW_LINK in told.text
