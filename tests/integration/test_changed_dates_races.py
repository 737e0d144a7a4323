"""A cohort's "Changed dates" when a save lands while the mailer is sending the save before it,
and a numbering nobody wrote, through the admin API and the
mailer. The race is injected: the second save (and, for the mailer's own window, the mailer's
run on that save's message) happens inside the first message's send, after the mailer read
the cohort and before it recorded what it put in the calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.test_changed_dates_as_held import SPRING, _at_three, _starts, _with
from tests.support.another_invocation import in_another_invocation
from tests.support.cohorts import ADA, Cohorts
from tests.support.races import at_the_first
from tests.support.system import System


def _saved_while_sending(
    system: System, monkeypatch: pytest.MonkeyPatch, then: dict[str, Any], *, mail: bool
) -> None:
    """Saves ``then`` as the mailer records the first session it is sending (and with
    ``mail``, runs the mailer on what that save queued, before the send goes on)."""
    at_the_first(
        monkeypatch,
        system.ports.repository,
        "record_told",
        lambda: in_another_invocation(lambda: _save_and_mail(system, then, mail=mail)),
        lambda telling, *args, **kwargs: telling.about.startswith("SESSION#"),
    )


def _save_and_mail(system: System, then: dict[str, Any], *, mail: bool) -> None:
    saved = system.admin("PUT", f"/courses/{SPRING}", json_body=then)
    assert saved.status == 200, saved.body
    if mail:
        system.deliver_emails()


@pytest.mark.parametrize("mail", [False, True], ids=["saved", "saved_and_mailed"])
def test_a_save_back_while_the_first_message_goes_is_told(
    system: System, monkeypatch: pytest.MonkeyPatch, mail: bool
) -> None:
    """Y saved, then X again while Y's message is being sent: the second save's own message
    (queued though the record still said X), or the check the first message's send makes once
    it has recorded Y, tells X. Without ``mail`` the second save queues before the record is
    written; with it, the second save's message is decided (and found told) before then too."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    first, second = cohorts.spring_start, cohorts.spring_start + timedelta(weeks=1)
    moved = _with(spring, first + timedelta(days=1), second)
    _saved_while_sending(system, monkeypatch, spring, mail=mail)
    saved = system.admin("PUT", f"/courses/{SPRING}", json_body=moved)
    assert saved.status == 200, saved.body
    told = cohorts.emails_to(ADA)
    assert [_starts(m) for m in told] == [
        [_at_three(first + timedelta(days=1)), _at_three(second)],
        [_at_three(first), _at_three(second)],
    ]
    last = told[-1]
    assert last.subject.startswith("Changed dates: "), last.subject
    [marked] = [line for line in last.text.splitlines() if "(CHANGED)" in line]
    assert f"{first.day} {first:%B %Y}" in marked
    # Everything settled: nothing more to tell.
    assert cohorts.emails_to(ADA) == []


def test_a_numbering_nobody_wrote_is_not_marked_changed(system: System) -> None:
    """Untitled sessions are "Session 1 of 2"; a third added makes them "of 3",
    which marks only the new one CHANGED; taken out again, none (the message lists them as
    "of 2" and takes the third out)."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    week_three = cohorts.spring_start + timedelta(weeks=2)
    third = {**spring["sessions"][1], "date": week_three.isoformat()}
    three = {**spring, "sessions": [*spring["sessions"], third]}
    assert system.admin("PUT", f"/courses/{SPRING}", json_body=three).status == 200
    [added] = cohorts.emails_to(ADA)
    marked = [line for line in added.text.splitlines() if "(CHANGED)" in line]
    [only] = marked
    assert f"{week_three.day} {week_three:%B %Y}" in only
    assert "Session 1 of 3" in added.text

    assert system.admin("PUT", f"/courses/{SPRING}", json_body=spring).status == 200
    [removed] = cohorts.emails_to(ADA)
    # Nothing moved: it says what happened, not "We have changed the times".
    assert f"Some sessions of {spring['title']} no longer take place." in removed.text
    assert "(CHANGED)" not in removed.text, removed.text
    assert "Session 1 of 2" in removed.text
    assert [a.filename for a in removed.attachments] == ["invite.ics", "cancel.ics"]
