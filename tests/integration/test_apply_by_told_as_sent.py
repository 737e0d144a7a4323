"""A group's apply-by date saved again while an email giving it is being sent.

The email is composed from the group as read, and the course saved (its groups' dates set
again, their move emails queued against what each person was told before) in the window
between the send and the mailer's record of the date the email gave. Each test drives that
window deterministically: the course is saved from inside the (recording) sender, after SES
took the message and before the record. What must hold whatever the order: the last email each
person has gives the date that holds, or (a colleague) a later one than they were told only if
no earlier one was ever said; no email says "earlier" of a date no earlier than the last one
they were given, and a manager's "was" is the date their last email gave.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.domain.emails import EmailJob, OutgoingEmail
from booking.domain.errors import Conflict
from booking.domain.group_notices import apply_by_told
from booking.domain.wording import moment_when
from booking.services.mailer import send_email_job
from tests.support.groups import COLLEAGUES, MANAGER, book, manager_view, pay_link_id
from tests.support.month_before import a_month_before
from tests.support.races import as_an_email_is_sent
from tests.support.system import COURSE_ID, System

_COLLEAGUE_ADDRESSES = tuple(str(c["email"]) for c in COLLEAGUES[:2])


def _paid(system: System) -> None:
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    session = pay_link_id(group)
    assert system.stripe_local("POST", f"/checkout/{session}/pay").status == 200
    assert manager_view(system, group)["status"] == "paid"


@contextmanager
def _saved_while_sending(
    monkeypatch: pytest.MonkeyPatch, to: str, then: Callable[[], None]
) -> Iterator[None]:
    """``then`` run once, as the first email to ``to`` has been sent and before the mailer
    records what it said: a save of the course landing in that window."""
    with as_an_email_is_sent(monkeypatch, then, lambda message: message.to == [to]) as fired:
        yield
    assert fired, f"no email to {to} was sent"


def _saves(system: System, *days: int) -> Callable[[], None]:
    def save() -> None:
        for each in days:
            course = system.course_file(COURSE_ID) | {"group_apply_by_days": each}
            system.put_course(COURSE_ID, course)

    return save


def _flat(message: OutgoingEmail) -> str:
    return " ".join(message.text.split())


def _dates_said(system: System, zone: str) -> dict[str, datetime]:
    """Each apply-by date a test's course can give (2 to 20 days before the start), by its
    words in an email."""
    start = system.first_start()
    return {
        moment_when(start - timedelta(days=d), zone): start - timedelta(days=d)
        for d in range(2, 21)
    }


def _given(message: OutgoingEmail, dates: dict[str, datetime]) -> datetime:
    """The apply-by date an email gives: a manager's move email's new one, else the one it
    names."""
    text = _flat(message)
    moved = re.search(r"it is now (.+?) \(it was (.+?)\)", text)
    if moved is not None:
        return dates[moved.group(1)]
    [given] = {when for words, when in dates.items() if words in text}
    return given


def _told_as_it_holds(system: System, sent: list[OutgoingEmail], holds_days: int) -> None:
    """The invariant, over every email sent about the group: the last email each person has
    gives the date that holds (a colleague: or an earlier one, as a date moved later is
    not written to them); every colleague's "earlier" is earlier than
    the date their previous email gave; every manager's "was" is the date theirs gave."""
    zone = system.course_file(COURSE_ID)["timezone"]
    dates = _dates_said(system, zone)
    holds = system.first_start() - timedelta(days=holds_days)
    for person in (MANAGER, *_COLLEAGUE_ADDRESSES):
        theirs = [m for m in sent if m.to == [person]]
        assert theirs, person
        given = [_given(m, dates) for m in theirs]
        for before, message, now in zip(given, theirs[1:], given[1:], strict=False):
            text = _flat(message)
            if person == MANAGER:
                was = re.search(r"\(it was (.+?)\)", text)
                assert was is not None, (person, text)
                assert dates[was.group(1)] == before, (person, text)
                assert ("earlier" in message.subject) == (now < before), message.subject
            else:
                assert "earlier than our last email said" in text, text
                assert now < before, (person, given)
        if person == MANAGER:
            assert given[-1] == holds, (person, given, holds)
        else:
            assert given[-1] <= holds, (person, given, holds)


def test_a_link_sent_as_the_date_moves_later_then_back_earlier_is_followed_by_the_date(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saves setting 3, 14 then 7 days: the link went saying 3 days before the start while saves set
    14, then 7 days before; its date was not recorded (moved since), the move to 14 was
    dropped (overtaken) and 14 -> 7 is later, so the colleague held a date after the real one
    and nothing followed. Now what the link gave is recorded and, earlier holding, told."""
    with a_month_before(system):
        _paid(system)
        _saves(system, 3)()
        with _saved_while_sending(monkeypatch, _COLLEAGUE_ADDRESSES[0], _saves(system, 14, 7)):
            system.deliver_emails()
        system.deliver_emails()
    _told_as_it_holds(system, system.sent, holds_days=7)


def test_a_colleague_told_an_earlier_date_as_it_moved_back_later_is_not_told_earlier_of_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links said 7 days before; the move to 14 was being sent when a save set
    10; the 10's email, queued against the link's date, went saying "earlier than our last
    email said" of a date later than that last email gave. Now it is dropped (what they were
    told, recorded as it went, is earlier already)."""
    with a_month_before(system) as (start, _):
        _paid(system)
        system.deliver_emails()
        _saves(system, 14)()
        with _saved_while_sending(monkeypatch, _COLLEAGUE_ADDRESSES[0], _saves(system, 10)):
            system.deliver_emails()
        system.deliver_emails()
    colleague = [m for m in system.sent if m.to == [_COLLEAGUE_ADDRESSES[0]]]
    zone = system.course_file(COURSE_ID)["timezone"]
    assert [_given(m, _dates_said(system, zone)) for m in colleague] == [
        start - timedelta(days=7),
        start - timedelta(days=14),
    ]


@pytest.mark.parametrize("days", [(14, 10, 14), (3, 14, 7), (10, 14, 3, 10), (14, 3, 10)])
def test_the_manager_told_as_the_paid_email_goes_hears_each_move_from_what_it_said(
    system: System, monkeypatch: pytest.MonkeyPatch, days: tuple[int, ...]
) -> None:
    """The paid email being sent as the course is saved several times: the
    manager was told "was" a date no email gave them, a move "earlier" of the date their paid
    email gave, or "later" of an earlier one. Now each move is told from what their last
    email gave, and their last email gives the date that holds."""
    with a_month_before(system):
        _paid(system)
        with _saved_while_sending(monkeypatch, MANAGER, _saves(system, *days)):
            system.deliver_emails()
        system.deliver_emails()
    _told_as_it_holds(system, system.sent, holds_days=days[-1])


@pytest.mark.parametrize("days", [(3, 14, 7), (14, 10, 14), (10, 14, 3, 10)])
def test_the_same_saves_during_a_colleagues_link_leave_everyone_told_what_holds(
    system: System, monkeypatch: pytest.MonkeyPatch, days: tuple[int, ...]
) -> None:
    """A colleague's link and the manager's paid email both caught by the saves (the first
    and third tests above together), the saves landing as the first link goes."""
    with a_month_before(system):
        _paid(system)
        _saves(system, days[0])()
        with _saved_while_sending(monkeypatch, _COLLEAGUE_ADDRESSES[0], _saves(system, *days[1:])):
            system.deliver_emails()
        system.deliver_emails()
    _told_as_it_holds(system, system.sent, holds_days=days[-1])


def test_a_record_that_keeps_losing_its_race_after_the_send_fails_nothing_into_a_resend(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mailer's record of the date an email gave raised anything but
    DependencyUnavailable (a Conflict after its retries lost, NotFound for a group gone) after
    SES had taken the email: the delivery failed and the queue delivered it again, a
    duplicate, so the date was never recorded. Now it is logged and the delivery succeeds."""
    with a_month_before(system):
        _paid(system)
        groups = system.ports.groups
        real_save = groups.save_group

        def losing(new: Any, previous: Any) -> Any:
            raise Conflict("concurrent_update")

        monkeypatch.setattr(groups, "save_group", losing)
        sent = system.deliver_emails()  # asserts the queue was told every record was handled
        monkeypatch.setattr(groups, "save_group", real_save)
    assert sorted(m.to[0] for m in sent) == sorted((MANAGER, *_COLLEAGUE_ADDRESSES))


def _queued_now(system: System) -> list[EmailJob]:
    """Every job queued now, left on the queue for the mailer."""
    system.relay()
    url = system.resources.email_queue_url
    batch = system.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [EmailJob.model_validate_json(m["Body"]) for m in batch.get("Messages", [])]


def test_a_move_reaching_the_mailer_before_the_first_email_is_not_told_from_a_date_never_given(
    system: System,
) -> None:
    """The manager's case in the other order: the date moved twice after the payment and the second
    move's email (told from the date the first move set, as nothing was recorded yet) reached
    the mailer before the paid email and the first links: "it was" a date no email gave. Now
    a move's email to someone nothing is recorded as told, whose first email has not gone, is
    dropped: that email gives the date as it then holds."""
    with a_month_before(system):
        _paid(system)
        _saves(system, 14, 10)()
        moves = [j for j in _queued_now(system) if apply_by_told(j) is not None]
        assert moves, "the moves' emails are queued"
        for job in moves:
            send_email_job(system.ports, job)
        system.deliver_emails()
    _told_as_it_holds(system, system.sent, holds_days=10)
    assert [m.to for m in system.sent].count([MANAGER]) == 1, [m.subject for m in system.sent]
