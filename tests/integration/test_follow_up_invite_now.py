"""*Invite now* on a programme's follow-up invitations: a graduate invited
before the invitations' own day gets the scheduled run's own invitation, once: a second press
sends nothing, and the run on the day does not invite them again. Through the real handlers
(console, scheduler, mailer), moto and the Stripe stand-in, the time frozen with time-machine."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import time_machine

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.page_text import text_of
from tests.support.system import System

SEPTEMBER = "follow-up-2027-september"  # the sample's first follow-up


def _starts(system: System, kind: str) -> list[datetime]:
    return [
        datetime.fromisoformat(s["start"]) for s in system.course()["sessions"] if s["kind"] == kind
    ]


def _invite_now_form(page: str, application_id: str) -> tuple[str, str]:
    form = re.search(
        rf'<form method="post" '
        rf'action="([^"]*/{SEPTEMBER}/invitations/{application_id}/invite-now)">'
        r'<input type="hidden" name="csrf_token" value="([^"]*)">',
        page,
    )
    assert form, "no Invite now form for this graduate"
    return form.group(1), form.group(2)


def _invitations(sent: list[Any]) -> list[str]:
    return sorted(m.to[0] for m in sent if "invited" in m.subject.lower())


def test_invite_now_sends_the_one_invitation_early_and_never_again(system: System) -> None:
    core, follow_ups = _starts(system, "core"), _starts(system, "follow_up")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        alex = system.booked(name="Alex Graduate", email="alex@example.org")
        system.booked(name="Priya Graduate", email="priya@example.org")
        system.deliver_emails()
    with time_machine.travel(core[-1] + timedelta(days=7), tick=False):
        browser: ConsoleBrowser = signed_in(system)
        path = f"/console/programmes/{system.course()['programme']}/follow-ups"
        page = browser.get(path).body
        action, csrf_token = _invite_now_form(page, alex["application_id"])
        reply = browser.post(action, csrf_token=csrf_token)
        assert reply.status == 303, reply.body
        assert _invitations(system.deliver_emails()) == ["alex@example.org"]
        shown = text_of(browser.get(path).body)
        # The organisers' own screen names whom it was done to, as well as the booking.
        assert f"Alex Graduate (booking {alex['reference']}) was invited now" in shown
        # The graduates list says whom the follow-up was sent to, and who has none yet.
        graduates = shown.split("Graduates of the programme (2)")[1].split("Follow-up 1 of")[0]
        alex_line, priya_line = (
            graduates.split("Alex Graduate")[1].split("Priya Graduate")[0],
            graduates.split("Priya Graduate")[1],
        )
        assert "Follow-up 1 (Thursday 23 September 2027)" in alex_line
        assert "Not invited to any yet" in priya_line
        # Pressed again (a double click, or the page kept open): nothing more is sent.
        again = browser.post(action, csrf_token=csrf_token)
        assert again.status == 303
        assert system.deliver_emails() == []
        assert f"Alex Graduate (booking {alex['reference']}) was invited already" in text_of(
            browser.get(path).body
        )
    invited_at = follow_ups[0] - timedelta(days=14) + timedelta(minutes=5)
    with time_machine.travel(invited_at + timedelta(minutes=1), tick=False):
        system.scheduled_run(invited_at)
        # The day's run invites only the graduate not invited yet.
        assert _invitations(system.deliver_emails()) == ["priya@example.org"]


def test_invite_now_is_refused_in_words_for_someone_not_a_graduate(system: System) -> None:
    core = _starts(system, "core")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        alex = system.booked(name="Alex Graduate", email="alex@example.org")
        system.deliver_emails()
        browser = signed_in(system)
        programme = system.course()["programme"]
        path = f"/console/programmes/{programme}/follow-ups"
        reply = browser.post(
            f"{path}/{SEPTEMBER}/invitations/{alex['application_id']}/invite-now",
            csrf_token=browser.csrf(path),
        )
        assert reply.status == 409, reply.body
        assert "not a graduate invited to this follow-up" in text_of(reply.body)
        assert system.deliver_emails() == []


def test_a_follow_up_begun_says_its_uninvited_graduate_is_never_sent_one(system: System) -> None:
    """Once the follow-up had begun, the row of a graduate never invited said
    "Not sent yet: it goes with the next scheduled run", which sends nothing then, and the card
    said it "has taken place" while it ran. The card says it has begun and when it ends; the
    row, that the invitation never went; no *Invite now* is offered."""
    core, follow_ups = _starts(system, "core"), _starts(system, "follow_up")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        alex = system.booked(name="Alex Graduate", email="alex@example.org")
        system.deliver_emails()
    with time_machine.travel(follow_ups[0] + timedelta(minutes=30), tick=False):
        browser = signed_in(system)
        page = browser.get(f"/console/programmes/{system.course()['programme']}/follow-ups").body
        card = text_of(page).split("Reviewing our learning and practice")[1]
        assert "This follow-up has begun: it ends at 17:00." in card
        assert "has taken place" not in card.split("Follow-up 2")[0]
        row = card.split("Alex Graduate")[1].split("Follow-up 2")[0]
        assert "Never sent: the follow-up began before it went" in row
        assert "next scheduled run" not in row
        assert f"{SEPTEMBER}/invitations/{alex['application_id']}/invite-now" not in page
        system.scheduled_run(follow_ups[0] + timedelta(minutes=30))
        assert _invitations(system.deliver_emails()) == []
