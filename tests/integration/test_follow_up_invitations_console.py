"""The console's page of a programme's follow-up invitations and its press that sends one
graduate's invitation again, through the real handlers (console, scheduler,
mailer), moto and the Stripe stand-in, the time frozen with time-machine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.handlers.console_app import press_row
from booking.services.follow_up_invitations import send_invitation_again
from booking.services.people import erase_person
from tests.support.console import ConsoleBrowser, press_issued, signed_in
from tests.support.page_text import day_as_emailed, text_of
from tests.support.races import at_the_first
from tests.support.system import Reply, System

SEPTEMBER = "follow-up-2027-september"  # the sample's first follow-up
LONDON = ZoneInfo("Europe/London")


def _starts(system: System, kind: str) -> list[datetime]:
    return [
        datetime.fromisoformat(s["start"]) for s in system.course()["sessions"] if s["kind"] == kind
    ]


def _booked(system: System, name: str, email: str) -> dict[str, Any]:
    application = system.booked(name=name, email=email)
    system.deliver_emails()
    return application


def _page(system: System) -> tuple[ConsoleBrowser, str, str]:
    browser = signed_in(system)
    path = f"/console/programmes/{system.course()['programme']}/follow-ups"
    reply = browser.get(path)
    assert reply.status == 200, reply.body
    return browser, path, reply.body


def _section(page: str, key: str) -> str:
    found = re.search(rf'<section class="card" id="follow-up-{key}">(.*?)</section>', page, re.S)
    assert found, f"no section for {key}"
    return found.group(1)


def _press(page: str, key: str, application_id: str) -> tuple[str, dict[str, str]]:
    form = re.search(
        rf'<form method="post" action="([^"]*/{key}/invitations/{application_id}/send-again)">'
        r'<input type="hidden" name="csrf_token" value="([^"]*)">'
        r'<input type="hidden" name="press" value="([^"]*)">',
        page,
    )
    assert form, "no send-again form for this graduate"
    return form.group(1), {"csrf_token": form.group(2), "press": form.group(3)}


def test_the_page_says_who_is_invited_when_and_sends_one_again_once_per_press(
    system: System,
) -> None:
    september = SEPTEMBER
    core, follow_ups = _starts(system, "core"), _starts(system, "follow_up")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        alex = _booked(system, "Alex Graduate", "alex@example.org")
        _booked(system, "Priya Graduate", "priya@example.org")
        # Before the cohort ends nobody is a graduate yet: both are invited once it has.
        _, _, before = _page(system)
        said = text_of(_section(before, september))
        assert "Nobody is a graduate of the programme yet" in said
        assert "Invited once their cohort has ended, if they complete it:" in said
        assert "Alex Graduate" in said
        assert "Priya Graduate" in said

    with time_machine.travel(core[-1] + timedelta(days=7), tick=False):
        browser, path, page = _page(system)
        said = text_of(_section(page, september))
        # When the invitations go, in words, and to whom.
        assert "Invitations go 14 days ahead, on Thursday 9 September 2027" in said
        assert "Alex Graduate" in said
        assert "Priya Graduate" in said
        assert said.count("Not sent yet: it goes on Thursday 9 September 2027") == 2
        # Nothing to send again before the first invitation went.
        assert "/send-again" not in _section(page, september)
        # The programme's page leads here.
        assert f'href="{path}"' in browser.get(path.removesuffix("/follow-ups")).body

    invited_at = follow_ups[0] - timedelta(days=14) + timedelta(minutes=5)
    with time_machine.travel(invited_at + timedelta(minutes=1), tick=False):
        run = system.scheduled_run(invited_at)
        sent = system.deliver_emails()
        assert run["claimed"] >= 2
        assert sorted(m.to[0] for m in sent if "invited" in m.subject.lower()) == [
            "alex@example.org",
            "priya@example.org",
        ]
        browser, path, page = _page(system)
        said = text_of(_section(page, september))
        assert "The invitations went on Thursday 9 September 2027" in said
        assert said.count("Sent Thursday 9 September 2027 at") == 2

        action, form = _press(page, september, alex["application_id"])
        reply = browser.post(action, **form)
        assert reply.status == 303, reply.body
        again = system.deliver_emails()
        assert [m.to for m in again] == [["alex@example.org"]]
        assert "invited" in again[0].subject.lower()
        shown = browser.get(path)
        sent_again = "The invitation was sent again to Alex Graduate"
        assert f"{sent_again} (booking {alex['reference']})." in text_of(shown.body)
        # The same press posted again (a double click, the form resubmitted) is no second email.
        assert browser.post(action, **form).status == 303
        assert system.deliver_emails() == []
        # A new press (the page loaded again) is.
        action, fresh = _press(shown.body, september, alex["application_id"])
        assert fresh["press"] != form["press"]
        assert browser.post(action, **fresh).status == 303
        assert [m.to for m in system.deliver_emails()] == [["alex@example.org"]]
        # On the person's timeline: each invitation sent.
        timeline = browser.words(f"/console/applications/{alex['application_id']}")
        assert timeline.count("Follow-up invitation") >= 3


def test_sending_again_is_refused_in_words_before_the_invitation_went(system: System) -> None:
    september = SEPTEMBER
    core = _starts(system, "core")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        alex = _booked(system, "Alex Graduate", "alex@example.org")
    with time_machine.travel(core[-1] + timedelta(days=7), tick=False):
        browser = signed_in(system)
        programme = system.course()["programme"]
        reply = browser.post(
            f"/console/programmes/{programme}/follow-ups/{september}/invitations/"
            f"{alex['application_id']}/send-again",
            csrf_token=browser.csrf(f"/console/programmes/{programme}/follow-ups"),
            # As the page would issue it for the row: its refusal is the 409.
            press=press_issued(
                system,
                browser,
                press_row("invitation", programme, september, alex["application_id"]),
            ),
        )
        assert reply.status == 409, reply.body
        assert "Their invitation has not been sent yet: it goes by itself." in text_of(reply.body)
        assert system.deliver_emails() == []


ALEX = ("Alex Graduate", "alex@example.org")
PRIYA = ("Priya Graduate", "priya@example.org")


@contextmanager
def _invitations_sent(
    system: System, *people: tuple[str, str]
) -> Iterator[tuple[list[dict[str, Any]], ConsoleBrowser, str]]:
    """``people`` (name, address) booked a month before the course, and the invitation to the
    first follow-up sent to each by the scheduler; inside, the time stays a minute after they
    went: their bookings, the signed-in browser and the follow-ups page."""
    core, follow_ups = _starts(system, "core"), _starts(system, "follow_up")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        graduates = [_booked(system, name, email) for name, email in people]
    invited_at = follow_ups[0] - timedelta(days=14) + timedelta(minutes=5)
    with time_machine.travel(invited_at + timedelta(minutes=1), tick=False):
        system.scheduled_run(invited_at)
        assert len(system.deliver_emails()) == len(people)
        browser, _, page = _page(system)
        yield graduates, browser, page


@contextmanager
def _invitation_sent(
    system: System,
) -> Iterator[tuple[dict[str, Any], ConsoleBrowser, str, dict[str, str]]]:
    """Alex's invitation sent (:func:`_invitations_sent`): Alex, the signed-in browser, and
    the page's *Send the invitation again* press for Alex (its action and form)."""
    with _invitations_sent(system, ALEX) as ([alex], browser, page):
        action, form = _press(page, SEPTEMBER, alex["application_id"])
        yield alex, browser, action, form


@contextmanager
def _pressed_while(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    meanwhile: Callable[[dict[str, Any], str], None],
) -> Iterator[tuple[Reply, dict[str, Any]]]:
    """A graduate's invitation sent, then *Send the invitation again* pressed on the page, and
    ``meanwhile(graduate, press)`` landing while the press is about to write (the use case
    itself: a Lambda function's handler is not re-entrant in one process): the press's
    answer and the graduate, still at that moment."""
    with _invitation_sent(system) as (alex, browser, action, form):
        fired = at_the_first(
            monkeypatch,
            system.ports.repository,
            "save",
            lambda: meanwhile(alex, form["press"]),
            lambda new, *previous, **more: any(":again-" in job.job_id for job in new.outbox),
        )
        reply = browser.post(action, **form)
        assert len(fired) == 1
        yield reply, alex


def test_the_same_press_twice_at_once_sends_one_email(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    programme = system.course()["programme"]

    def the_same_press(alex: dict[str, Any], press: str) -> None:
        send_invitation_again(system.ports, programme, SEPTEMBER, alex["application_id"], press)

    with _pressed_while(system, monkeypatch, the_same_press) as (reply, _):
        assert reply.status == 303
        assert [m.to for m in system.deliver_emails()] == [["alex@example.org"]]


@pytest.mark.parametrize("landing", ["cancel", "erase"])
def test_a_cancel_or_erasure_landing_during_the_press_is_refused_not_said_sent(
    system: System, monkeypatch: pytest.MonkeyPatch, landing: str
) -> None:
    """The booking cancelled (with a refund) or its person erased between the
    press's checks and its write: the write decides again on the booking as it re-reads it,
    so the press is refused in words (409), never "sent again" while nothing goes."""

    def landing_meanwhile(alex: dict[str, Any], _press: str) -> None:
        if landing == "cancel":
            assert system.cancel(alex["application_id"], refund=True).status == 200
        else:
            erase_person(system.ports, "alex@example.org")

    with _pressed_while(system, monkeypatch, landing_meanwhile) as (reply, alex):
        assert reply.status == 409, reply.body
        assert "not a graduate invited to this follow-up" in text_of(reply.body)
        stored = system.stored(alex["application_id"])
        assert not [job for job in stored.outbox if ":again-" in job.job_id]
        assert not [m for m in system.deliver_emails() if "invit" in m.subject.lower()]


def test_a_press_the_page_did_not_issue_sends_nothing(system: System) -> None:
    """A made-up press, the page's with a space or a newline added, upper-cased,
    or another session's, is refused in words (422), and no email goes; the page's own sends
    once."""
    with _invitation_sent(system) as (alex, browser, action, form):
        other = signed_in(system)
        theirs = _press(_page_of(other, system), SEPTEMBER, alex["application_id"])[1]["press"]
        real = form["press"]
        for made_up in (
            "ZZZZZZZZZZZZ-my-own",
            f"{real} ",
            f"{real}\n",
            f" {real}",
            real.upper() if real.upper() != real else real.lower(),
            theirs,
        ):
            refused = browser.post(action, **{**form, "press": made_up})
            assert refused.status == 422, (made_up, refused.body)
            assert "Press the button on the page again" in text_of(refused.body)
        assert system.deliver_emails() == []
        assert browser.post(action, **form).status == 303
        assert len(system.deliver_emails()) == 1


def _page_of(browser: ConsoleBrowser, system: System) -> str:
    reply = browser.get(f"/console/programmes/{system.course()['programme']}/follow-ups")
    assert reply.status == 200, reply.body
    return reply.body


def test_a_press_from_another_rows_form_sends_nothing(system: System) -> None:
    """A press is bound to the row its form acts on (the follow-up and the person), not only
    to the session: Priya's row's press posted to Alex's *Send the invitation again* is
    refused in words (422) and nobody is emailed; each row's own press sends its own."""
    with _invitations_sent(system, ALEX, PRIYA) as ([alex, priya], browser, page):
        alexs, alex_form = _press(page, SEPTEMBER, alex["application_id"])
        priyas, priya_form = _press(page, SEPTEMBER, priya["application_id"])

        refused = browser.post(alexs, **{**alex_form, "press": priya_form["press"]})

        assert refused.status == 422, refused.body
        assert "Press the button on the page again" in text_of(refused.body)
        assert system.deliver_emails() == []
        assert browser.post(alexs, **alex_form).status == 303
        assert browser.post(priyas, **priya_form).status == 303
        sent = sorted(m.to[0] for m in system.deliver_emails())
        assert sent == ["alex@example.org", "priya@example.org"]


def test_follow_ups_coming_up_are_listed_first_and_those_taken_place_after(
    system: System,
) -> None:
    """The page listed the follow-ups in date order, so those that had taken place came first
    and the next one was below them. Those coming up come first, the soonest at the top, then
    those that have taken place, the latest first, each group said in words; each keeps its
    number in the programme and its UK date."""
    core, follow_ups = _starts(system, "core"), _starts(system, "follow_up")
    with time_machine.travel(core[0] - timedelta(days=30), tick=False):
        _booked(system, "Alex Graduate", "alex@example.org")
    days = [day_as_emailed(start.astimezone(LONDON).date()) for start in follow_ups]
    with time_machine.travel(follow_ups[1] + timedelta(days=1), tick=False):
        _, _, page = _page(system)
    listed = page.split("Graduates of the programme (1)")[1]
    headings = [text_of(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", listed, re.S)]
    assert headings == [
        "Follow-ups coming up (2)",
        f"Follow-up 3 of 4: {days[2]}",
        f"Follow-up 4 of 4: {days[3]}",
        "Follow-ups that have taken place (2)",
        f"Follow-up 2 of 4: {days[1]}",
        f"Follow-up 1 of 4: {days[0]}",
    ]
    assert "This follow-up has taken place." in text_of(_section(page, SEPTEMBER))
