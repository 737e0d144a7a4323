"""Emails end to end over `make run`: apply -> pay -> outbox; scheduler ticks -> one reminder."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tests.e2e.conftest import RunningStack
from tests.support.mail_checks import check_sent

COURSE = "compassionate-leadership-2027-06"


def wait_for(stack: RunningStack, found: Callable[[list[dict[str, Any]]], bool]) -> list[Any]:
    """The outbox once ``found`` holds of it (``RunningStack.outbox_until``)."""
    return stack.outbox_until(found)


def mine(outbox: list[dict[str, Any]], email: str) -> list[dict[str, Any]]:
    return [m for m in outbox if email in m["to"] or email in m["text"]]


def test_apply_pay_then_reminder_tick_sends_once(stack: RunningStack) -> None:
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.org"
    # Answers that would run as markup if a message put them in HTML unescaped.
    stack.pay(
        stack.applied(
            COURSE,
            name="Grace <Hopper>",
            email=email,
            leadership_role="<script>x</script> a ward",
        )
    )

    outbox = wait_for(stack, lambda o: len(mine(o, email)) >= 3)
    subjects = sorted(m["subject"].split(":")[0] for m in mine(outbox, email))
    assert subjects == [
        "New booking",
        "We have received your application",
        "Your place is confirmed",
    ]
    [confirmation] = [m for m in mine(outbox, email) if m["subject"].startswith("Your place")]
    [ics] = confirmation["attachments"]
    assert ics["filename"] == "invite.ics"
    assert ics["content"].count("BEGIN:VEVENT") == 10
    [copy] = [m for m in mine(outbox, email) if m["subject"].startswith("New booking")]
    assert "&lt;script&gt;x&lt;/script&gt;" in copy["html"]
    assert copy["to"] == ["spft.smc@nhs.net"]  # the address the course file names
    assert copy["reply_to"] == [email]  # the facilitators answer the applicant directly
    # Every message the stack wrote so far read back: no MIME defects, calendars valid to
    # RFC 5546 (the stack checks them again as it stops; this test is sure to have sent some).
    assert check_sent(stack.outbox_dir) >= 3
    # A person opening the outbox in a browser reads the mail; programs keep the JSON.
    page = stack.get("/_local/outbox", headers={"accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert confirmation["subject"] in page.text

    start = datetime.fromisoformat(stack.get(f"/courses/{COURSE}").json()["sessions"][0]["start"])
    tick = (start - timedelta(hours=23, minutes=50)).isoformat()
    first = stack.post("/_local/scheduler/tick", json={"time": tick})
    assert first.status_code == 200, first.text
    assert first.json()["queued"] >= 1

    def reminders(o: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in o if email in m["to"] and m["subject"].startswith("Reminder")]

    outbox = wait_for(stack, lambda o: len(reminders(o)) >= 1)
    assert len(reminders(outbox)) == 1
    assert reminders(outbox)[0]["subject"].startswith("Reminder: Session 1 of 6, tomorrow at ")
    second = stack.post("/_local/scheduler/tick", json={"time": tick})
    assert second.json().get("queued", 0) == 0
    assert len(reminders(stack.outbox())) == 1
