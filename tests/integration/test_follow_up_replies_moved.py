"""An earlier cohort that takes over hosting the programme's follow-ups, with the same joining
link but another enquiries address, sends the replies to every follow-up's invitations and
reminders to its own address: the save says so, on the console's notice and in the API's
``warnings`` (it changed the Reply-To silently). Saved all the same: replies are not a
meeting under way, and messages already sent keep the address they went with.

Through the handlers on moto: the sample cohort (its follow-ups, its own enquiries address)
with a confirmed booking; the earlier cohort saved by ``PUT /admin/courses/...`` or the
console's *Add a course*; the invitation sent by the scheduler's tick."""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.domain.course import CourseDefinition
from booking.handlers.course_form import form_of
from tests.integration.test_follow_up_link_kept import _earlier_cohort, _invitation
from tests.support.console import posted_fields, signed_in
from tests.support.courses import SIBLING as EARLIER
from tests.support.system import System

EARLIER_DESK = "earlier-desk@example.org"
ALEX = "alex@example.org"


def test_a_host_with_another_enquiries_address_says_where_replies_now_go(
    system: System,
) -> None:
    sample = system.course()
    june_link = str(system.course_file()["joining_url"])
    applied = system.apply(email=ALEX)
    assert system.pay(applied.json()["checkout_url"]).status == 200
    system.deliver_emails()

    earlier = {**_earlier_cohort(system, june_link), "enquiries_email": EARLIER_DESK}
    saved = system.admin("PUT", f"/courses/{EARLIER}", json_body=earlier)

    assert saved.status == 201, saved.body
    follow_ups = [s for s in sample["sessions"] if s["kind"] == "follow_up"][:2]
    warnings = saved.json()["warnings"]
    assert len(warnings) == len(follow_ups), warnings
    for said, follow_up in zip(warnings, follow_ups, strict=True):
        assert said.startswith(
            f"Replies to the invitations and reminders for the follow-up {follow_up['title']}, "
        ), said
        assert f" BST, will now go to {EARLIER_DESK}, the enquiries address of " in said
        assert said.endswith(", which hosts it.")
    # What it says is what the messages do: Alex's invitation is answered to the new host.
    first = datetime.fromisoformat(follow_ups[0]["start"])
    system.scheduled_run(first - timedelta(days=10))
    assert _invitation(system.deliver_emails(), ALEX).reply_to == [EARLIER_DESK]


def test_the_console_save_notice_says_where_replies_now_go(system: System) -> None:
    june_link = str(system.course_file()["joining_url"])
    earlier = {**_earlier_cohort(system, june_link), "enquiries_email": EARLIER_DESK}
    fields = posted_fields(form_of(EARLIER, CourseDefinition.model_validate(earlier)))
    browser = signed_in(system)

    reply = browser.act("/console/courses", **fields, adding="yes")

    assert reply.status == 303, reply.body[:500]
    words = browser.words(reply.headers["location"])
    assert "Course saved." in words
    assert "Replies to the invitations and reminders for the follow-up " in words, words[:2000]
    assert f"will now go to {EARLIER_DESK}, the enquiries address of " in words


def test_a_host_with_the_same_enquiries_address_says_nothing_of_replies(
    system: System,
) -> None:
    june_link = str(system.course_file()["joining_url"])
    earlier = _earlier_cohort(system, june_link)  # the sample's own enquiries address

    saved = system.admin("PUT", f"/courses/{EARLIER}", json_body=earlier)

    assert saved.status == 201, saved.body
    assert saved.json()["warnings"] == []
