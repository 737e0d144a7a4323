"""An earlier cohort added to a programme changes neither the joining link nor the numbering
the June cohort's people hold for the follow-ups the two share (the March
cohort, added with its own link, became the follow-ups' host, and Alex's invitation said
"Follow-up session 1 of 2" with the March link, his calendar entry moved to it as SEQUENCE 2).

Through the handlers on moto: the sample cohort (four follow-ups, its own joining link) with a
confirmed booking; an earlier cohort listing two of its follow-ups by id, saved through
``PUT /admin/courses/...``; the invitation sent by the scheduler's tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar

from booking.domain.course import CourseDefinition
from booking.domain.emails import OutgoingEmail
from booking.handlers.course_form import form_of
from tests.support.console import error_beside, posted_fields, signed_in
from tests.support.courses import SIBLING as EARLIER
from tests.support.courses import first_day, sibling_cohort
from tests.support.page_text import text_of
from tests.support.system import System

ALEX = "alex@example.org"


def _earlier_cohort(system: System, joining_url: str) -> dict[str, Any]:
    """A cohort of the sample's programme whose six weekly sessions end before the sample's
    first, listing the sample's first two follow-ups as the sample lists them (by id)."""
    sample = system.course_file()
    first = first_day(sample) - timedelta(weeks=7)
    return sibling_cohort(sample, first, 6, joining_url, shared_follow_ups=2)


def _invitation(sent: list[OutgoingEmail], to: str) -> OutgoingEmail:
    [message] = [m for m in sent if m.to == [to] and "invited" in m.subject]
    return message


def _location(message: OutgoingEmail) -> tuple[str, int]:
    [ics] = [a for a in message.attachments if a.filename.endswith(".ics")]
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    return str(event["LOCATION"]), int(event.get("SEQUENCE", 0))


def test_an_earlier_cohort_keeps_the_follow_ups_link_and_numbering(system: System) -> None:
    sample = system.course()
    june_link = str(system.course_file()["joining_url"])
    applied = system.apply(email=ALEX)
    assert system.pay(applied.json()["checkout_url"]).status == 200
    confirmed = system.deliver_emails()
    assert any("Follow-up session 1 of 4" in m.text for m in confirmed if m.to == [ALEX])

    # Its own link: refused, in words naming the follow-up and the cohort whose link stands.
    before = system.items()
    own_link = _earlier_cohort(system, "https://example.org/join/cl-earlier")
    refused = system.admin("PUT", f"/courses/{EARLIER}", json_body=own_link)
    assert refused.status == 422, refused.body
    said = refused.json()["error"]["fields"]["joining_url"]
    assert said.startswith("The follow-up Reviewing our learning and practice, "), said
    assert f"is shared with {sample['title']}, from " in said
    assert f"whose joining link {june_link} its people hold" in said
    assert system.items() == before

    # The same link: saved; it hosts the follow-ups now (it started first), changing nothing
    # Alex holds: his invitation numbers it in his own cohort's list, with the link he holds.
    same_link = _earlier_cohort(system, june_link)
    assert system.admin("PUT", f"/courses/{EARLIER}", json_body=same_link).status == 201
    assert [m for m in system.deliver_emails() if m.to == [ALEX]] == []
    follow_up = next(s for s in sample["sessions"] if s["kind"] == "follow_up")
    system.scheduled_run(datetime.fromisoformat(follow_up["start"]) - timedelta(days=10))
    invitation = _invitation(system.deliver_emails(), ALEX)
    assert "follow-up session 1 of 4" in invitation.subject.lower(), invitation.subject
    assert "Follow-up session 1 of 4" in invitation.text
    assert "1 of 2" not in invitation.text
    assert june_link in invitation.text
    assert _location(invitation)[0] == june_link


def test_the_console_says_which_link_stands_beside_the_joining_link(system: System) -> None:
    june_link = str(system.course_file()["joining_url"])
    own_link = _earlier_cohort(system, "https://example.org/join/cl-earlier")
    fields = posted_fields(form_of(EARLIER, CourseDefinition.model_validate(own_link)))
    browser = signed_in(system)
    before = system.items()
    reply = browser.act("/console/courses", **fields, adding="yes")
    assert reply.status == 422, text_of(reply.body)[:500]
    found = error_beside(reply.body, "joining_url")
    assert found, reply.body[:500]
    said = text_of(found.group(1))
    assert f"whose joining link {june_link} its people hold" in said, said
    assert system.items() == before
