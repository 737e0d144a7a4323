"""A group's apply-by date follows its course's dates: when the organisers bring
the first session forward, or change how many days before it colleagues apply, each group's
apply-by is set again by the rule it was booked by (``domain.groups.redated``), never after the
first start; the emails and pages sent from then on promise that time; once the course has
begun the manager's page offers no link, substitution or give-up the API refuses, and says
what happens to the money for the places nobody applied for; the sweep releases them and
refunds their price once. Through the real handlers, moto and the Stripe stand-in, the clock
frozen (time-machine)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.domain.wording import moment_when
from booking.services.group_dates import redate_groups
from booking.services.lifecycle import sweep
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    OTHERS,
    book,
    give_up,
    group_page,
    manager_view,
    paid_by_card,
    substitute,
)
from tests.support.month_before import a_month_before
from tests.support.races import at_the_first
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def _paid_by_card(system: System) -> dict[str, object]:
    group = paid_by_card(system, colleagues=COLLEAGUES[:2])
    assert manager_view(system, group)["status"] == "paid"
    return group


def test_a_start_brought_forward_brings_the_apply_by_with_it_and_the_page_offers_nothing_refused(
    system: System,
) -> None:
    start = system.first_start()
    booked_at = start - timedelta(hours=3)
    zone = system.course_file(COURSE_ID)["timezone"]
    with time_machine.travel(booked_at, tick=False):
        group = _paid_by_card(system)
        assert datetime.fromisoformat(manager_view(system, group)["apply_by"]) == start
        system.deliver_emails()
    new_start = booked_at + timedelta(hours=1)
    with time_machine.travel(booked_at + timedelta(minutes=5), tick=False):
        earlier = system.course_file(COURSE_ID)
        earlier["sessions"][0]["start_time"] = _local_time(new_start, zone)
        system.put_course(COURSE_ID, earlier)
        assert system.first_start() == new_start
        view = manager_view(system, group)
        assert datetime.fromisoformat(view["apply_by"]) == new_start
        link = urlsplit(str(view["places"][0]["apply_url"]))
        # A colleague named now is told the time that holds, not the one booked.
        assert substitute(system, group, 2, OTHERS[0]).status == 200
        sent = system.deliver_emails()
    to_other = [m for m in sent if m.to == [OTHERS[0]["email"]]]
    assert len(to_other) == 1, [m.subject for m in sent]
    assert moment_when(new_start, zone) in to_other[0].text
    assert moment_when(start, zone) not in to_other[0].text
    # A colleague sent their link before and not applied is written to again: the date their
    # first email said no longer holds (the one replaced since is not: their link is gone).
    to_first = [m for m in sent if m.to == [COLLEAGUES[0]["email"]]]
    assert len(to_first) == 1, [m.subject for m in sent]
    assert to_first[0].subject.startswith("Please apply for your place by an earlier date")
    assert "is earlier than our last email said" in to_first[0].text
    assert moment_when(new_start, zone) in to_first[0].text
    assert not [m for m in sent if m.to == [COLLEAGUES[1]["email"]]]
    # The manager is told too, once, in words and UK time.
    [told] = [m for m in sent if m.to == [MANAGER]]
    _told_of_the_move(told, was=start, now=new_start, zone=zone, earlier=True)

    begun = new_start + timedelta(minutes=1)
    with time_machine.travel(begun, tick=False):
        view = manager_view(system, group)
        assert all(place["apply_url"] is None for place in view["places"])
        page = group_page(system, group)
        assert "Their link" not in page
        assert "Send someone else instead" not in page
        assert "Give up place" not in page
        assert "The time for your colleagues to apply has passed (the course has begun)" in page
        assert "refunded to the card it was paid from" in page
        assert give_up(system, group, 1).status == 409  # what the page no longer offers
        # The colleague's link, followed now, says what happened in their words: they have
        # no application whose page could show it.
        refused = system.api("GET", f"{link.path}?{link.query}", headers={"accept": "text/html"})
        assert refused.status == 409
        assert "The time to apply for this place has passed" in refused.body
        assert "Your application&#39;s page" not in refused.body
        assert "Your application's page" not in refused.body
        sweep(system.ports, begun)
        sweep(system.ports, begun + timedelta(minutes=5))
        assert len(requests_to(system.stripe_http, "/v1/refunds")) == 2
        after = manager_view(system, group)
        assert all(place["state"] == "released" for place in after["places"])
        sent = system.deliver_emails()
    to_manager = [m for m in sent if m.to == [MANAGER]]
    assert len(to_manager) == 1, [m.subject for m in sent]
    assert "Nobody applied for places 1 and 2" in to_manager[0].text


def _local_time(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def test_a_change_of_the_days_before_the_start_moves_every_groups_apply_by(
    system: System,
) -> None:
    with a_month_before(system) as (start, _):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        assert datetime.fromisoformat(manager_view(system, group)["apply_by"]) == start - timedelta(
            days=7
        )
        changed = system.course_file(COURSE_ID) | {"group_apply_by_days": 10}
        system.put_course(COURSE_ID, changed)
        moved = datetime.fromisoformat(manager_view(system, group)["apply_by"])
    assert moved == start - timedelta(days=10)


def _told_of_the_move(
    told: object, *, was: datetime, now: datetime, zone: str, earlier: bool
) -> None:
    way = "earlier" if earlier else "later"
    subject, text, html = (getattr(told, part) for part in ("subject", "text", "html"))
    assert subject.startswith(f"Your colleagues now apply by {'an' if earlier else 'a'} {way} date")
    said = f"has moved {way}: it is now {moment_when(now, zone)} (it was {moment_when(was, zone)})"
    assert said in text
    assert moment_when(now, zone) in html
    assert ("BST" in said) or ("GMT" in said)  # UK time, said as such


def test_the_manager_is_told_once_of_each_move_of_the_apply_by_earlier_or_later(
    system: System,
) -> None:
    """A date moved later was told to nobody; now the manager hears of every move of
    the apply-by date, once per change (a save that leaves it as it is tells nobody), and the
    colleagues only of one brought earlier (a later one wrongs nobody who applies by the old)."""
    start = system.first_start()
    zone = system.course_file(COURSE_ID)["timezone"]
    with time_machine.travel(start - timedelta(days=30), tick=False):
        group = _paid_by_card(system)
        system.deliver_emails()
        was = datetime.fromisoformat(manager_view(system, group)["apply_by"])
        assert was == start - timedelta(days=7)
        later = system.course_file(COURSE_ID) | {"group_apply_by_days": 5}
        system.put_course(COURSE_ID, later)
        system.put_course(COURSE_ID, later)  # saved again unchanged: nothing moves
        sent = system.deliver_emails()
        assert [m.to for m in sent] == [[MANAGER]], [m.subject for m in sent]
        _told_of_the_move(sent[0], was=was, now=start - timedelta(days=5), zone=zone, earlier=False)
        assert "the colleagues were not emailed about it" in sent[0].text
        # Back as it was: a change of its own, told once more; not to the colleagues, whose
        # links' email gave that very date (never "earlier than our last email
        # said" of the date it said).
        system.put_course(COURSE_ID, later | {"group_apply_by_days": 7})
        sent = system.deliver_emails()
        [told] = [m for m in sent if m.to == [MANAGER]]
        _told_of_the_move(told, was=start - timedelta(days=5), now=was, zone=zone, earlier=True)
        assert len(sent) == 1, [m.to for m in sent]
        # Moved twice before the mailer runs: only the date that holds is said.
        system.put_course(COURSE_ID, later | {"group_apply_by_days": 6})
        system.put_course(COURSE_ID, later | {"group_apply_by_days": 4})
        sent = system.deliver_emails()
        told_now = [m for m in sent if m.to == [MANAGER]]
        assert len(told_now) == 1, [m.subject for m in told_now]
        assert moment_when(start - timedelta(days=4), zone) in told_now[0].text


@pytest.mark.parametrize("lands_first", ["course", "group"])
def test_a_group_booked_as_the_course_is_saved_is_dated_by_the_course_as_saved(
    system: System, monkeypatch: pytest.MonkeyPatch, lands_first: str
) -> None:
    """The course's save and the group's creation each read the other's old state.
    ``course``: the course is saved (its dates moved) between the booking's read of it and the
    group's save, whose re-dating Query finds no group yet: the group's save, held to the
    course's version it was reckoned from, is refused and reckoned again (it kept the old
    apply-by before). ``group``: the group is booked whole between the course save's read and
    its write: the save's re-dating finds it. Either way, the date of the course as saved."""
    start = system.first_start()
    moved = system.course_file(COURSE_ID) | {"group_apply_by_days": 10}
    with time_machine.travel(start - timedelta(days=30), tick=False):
        if lands_first == "course":
            # The pause before the group's first save, filled by the course's save.
            saved = at_the_first(
                monkeypatch,
                system.ports.groups,
                "save_group",
                lambda: system.put_course(COURSE_ID, moved),
                lambda new, previous: previous is None,
            )
            group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
            assert len(saved) == 1
        else:
            booked = at_the_first(
                monkeypatch,
                system.ports.repository,
                "put_course",
                lambda: book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json(),
            )
            system.put_course(COURSE_ID, moved)
            [group] = booked
        assert group["status"] == "awaiting_payment"
        assert system.course(COURSE_ID)["sessions"][0]["start"] == start.isoformat()
        apply_by = datetime.fromisoformat(manager_view(system, group)["apply_by"])
    assert apply_by == start - timedelta(days=10)


def _colleagues_sent(sent: list[Any]) -> list[Any]:
    return [m for m in sent if m.to != [MANAGER]]


def _shifted(definition: dict[str, Any], days: int) -> dict[str, Any]:
    """The course with every session ``days`` later (earlier, below 0)."""
    sessions = [
        session | {"date": (date.fromisoformat(session["date"]) + timedelta(days=days)).isoformat()}
        for session in definition["sessions"]
    ]
    return definition | {"sessions": sessions}


def test_a_colleague_is_told_again_only_of_a_date_earlier_than_their_last_email_gave(
    system: System,
) -> None:
    """The dates going back and forth told a colleague again, as "earlier than
    our last email said", a date a minute later than their last email gave (two days' notice
    from each save's own moment); now only a date earlier than their last email's."""
    start = system.first_start()
    zone = system.course_file(COURSE_ID)["timezone"]
    course = system.course_file(COURSE_ID)
    booked = start - timedelta(days=30)
    with time_machine.travel(booked, tick=False):
        _paid_by_card(system)
        system.deliver_emails()
        system.put_course(COURSE_ID, _shifted(course, -26))  # starts in 4 days: told
        told = _colleagues_sent(system.deliver_emails())
        assert len(told) == 2, [m.to for m in told]
        assert all("earlier than our last" in " ".join(m.text.split()) for m in told)
    with time_machine.travel(booked + timedelta(minutes=1), tick=False):
        system.put_course(COURSE_ID, _shifted(course, -10))  # later: not told
        assert _colleagues_sent(system.deliver_emails()) == []
    with time_machine.travel(booked + timedelta(minutes=2), tick=False):
        system.put_course(COURSE_ID, _shifted(course, -26))  # a minute after what they were told
        assert _colleagues_sent(system.deliver_emails()) == []
    with time_machine.travel(booked + timedelta(minutes=3), tick=False):
        system.put_course(COURSE_ID, _shifted(course, -29))  # starts tomorrow: earlier
        told = _colleagues_sent(system.deliver_emails())
    assert len(told) == 2, [m.to for m in told]
    assert all(moment_when(start - timedelta(days=29), zone) in m.text for m in told)


def test_an_email_about_a_move_the_course_as_saved_now_undoes_is_not_sent(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An email composed while a newer save of the course was setting its groups'
    dates again mixed the two versions (the title of one, the date of the other): an email
    about a move, the manager's or a colleague's, is not sent once the course as saved sets
    the group another date; the newer move's own emails tell."""
    start = system.first_start()
    days = system.course_file(COURSE_ID)
    with time_machine.travel(start - timedelta(days=30), tick=False):
        _paid_by_card(system)
        system.deliver_emails()
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 10})  # emails queued
        # The next save has written the course but not yet set its groups' dates again.
        groups_of_course = system.ports.groups.groups_of_course
        monkeypatch.setattr(system.ports.groups, "groups_of_course", lambda course_id: [])
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 5})
        assert system.deliver_emails() == []
        monkeypatch.setattr(system.ports.groups, "groups_of_course", groups_of_course)
        # The save goes on: its groups' dates set again from the course as saved.
        course = system.stored_course(COURSE_ID)
        assert redate_groups(system.ports, course).changed == 1
        sent = system.deliver_emails()
    # The manager hears of the move as it holds; the colleagues, whose links' email gave a
    # later date than the one that holds (7 days before), are not written to of a later one.
    assert [m.to for m in sent] == [[MANAGER]], [m.subject for m in sent]


def test_a_group_the_courses_save_missed_is_not_released_before_the_date_the_course_gives(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The course's save re-dates its groups through the by-course index, which
    can be a moment behind (real DynamoDB), so a group paid just before the course moved later
    kept the earlier apply-by. The sweep works the date out again from the course as it is now
    before giving anything up: at the stored date it releases and refunds nothing and the date
    follows the course (the manager told); at the course's date the places go, refunded."""
    with a_month_before(system) as (start, _):
        group = _paid_by_card(system)
        system.deliver_emails()
        monkeypatch.setattr(system.ports.groups, "groups_of_course", lambda _: [])  # behind
        system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {"group_apply_by_days": 3})
        monkeypatch.undo()
        stored = datetime.fromisoformat(manager_view(system, group)["apply_by"])
        assert stored == start - timedelta(days=7)  # the index missed it: the earlier date
        system.deliver_emails()
    past_stored = stored + timedelta(minutes=1)
    with time_machine.travel(past_stored, tick=False):
        sweep(system.ports, past_stored)
        assert requests_to(system.stripe_http, "/v1/refunds") == []
        view = manager_view(system, group)
        assert datetime.fromisoformat(view["apply_by"]) == start - timedelta(days=3)
        assert all(place.get("apply_url") for place in view["places"])  # links still live
        told = [m for m in system.deliver_emails() if m.to == [MANAGER]]
        assert len(told) == 1, [m.subject for m in told]
        assert told[0].subject.startswith("Your colleagues now apply by a later date")
    past_course = start - timedelta(days=3) + timedelta(minutes=1)
    with time_machine.travel(past_course, tick=False):
        sweep(system.ports, past_course)
        assert (
            requests_to(system.stripe_http, "/v1/refunds") != []
        )  # the unfilled places given up, their price refunded


def test_two_earlier_moves_before_the_mailer_leave_each_colleague_told_the_date_that_holds(
    system: System,
) -> None:
    """The colleagues' part: the apply-by brought earlier twice (14 days before,
    then 10) before the mailer sends the first move's links: the first is skipped as moved
    since, and the second, though later than the first, is earlier than the colleagues' last
    email gave (7 days before), so each is told the date that holds."""
    start = system.first_start()
    zone = system.course_file(COURSE_ID)["timezone"]
    days = system.course_file(COURSE_ID)
    with time_machine.travel(start - timedelta(days=30), tick=False):
        _paid_by_card(system)
        system.deliver_emails()
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 14})
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 10})
        told = _colleagues_sent(system.deliver_emails())
    holds = moment_when(start - timedelta(days=10), zone)
    last = {m.to[0]: m for m in told}
    assert sorted(last) == sorted(c["email"] for c in COLLEAGUES[:2]), [m.to for m in told]
    assert all(holds in " ".join(m.text.split()) for m in last.values()), holds


def test_the_manager_is_told_a_move_from_the_date_their_last_email_gave(
    system: System,
) -> None:
    """The manager's part: two moves before the mailer runs (7
    days before the start, then 14, then 10) told the manager the date "moved later" from one
    they never heard (14 days before); a move and back told them of a move that changed
    nothing for them. The date their last email gave (the paid email's, then each move's) is
    recorded once it goes, and each move is told from it, or not at all when it holds."""
    start = system.first_start()
    zone = system.course_file(COURSE_ID)["timezone"]
    days = system.course_file(COURSE_ID)

    def manager_sent() -> list[Any]:
        return [m for m in system.deliver_emails() if m.to == [MANAGER]]

    with time_machine.travel(start - timedelta(days=30), tick=False):
        _paid_by_card(system)
        system.deliver_emails()  # the paid email: 7 days before the start
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 14})
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 10})
        [told] = manager_sent()
        now = start - timedelta(days=10)
        _told_of_the_move(told, was=start - timedelta(days=7), now=now, zone=zone, earlier=True)
        assert moment_when(start - timedelta(days=14), zone) not in told.text
        # Moved and back before the mailer runs: the date they were told holds.
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 3})
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 10})
        assert manager_sent() == []
        # Told from the date the move's email gave (recorded as it went).
        system.put_course(COURSE_ID, days | {"group_apply_by_days": 12})
        [told] = manager_sent()
    _told_of_the_move(told, was=now, now=start - timedelta(days=12), zone=zone, earlier=True)


def test_a_move_before_the_paid_emails_went_is_not_told_as_a_move(system: System) -> None:
    """The date brought earlier after the payment but before its emails went: the manager's
    paid email and each colleague's first link already give the date that holds, so nobody is
    told it "moved" from a date they never heard (the move's emails are not sent once whom
    each is for was told that very date)."""
    start = system.first_start()
    zone = system.course_file(COURSE_ID)["timezone"]
    with time_machine.travel(start - timedelta(days=30), tick=False):
        _paid_by_card(system)
        system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {"group_apply_by_days": 10})
        sent = system.deliver_emails()
    holds = moment_when(start - timedelta(days=10), zone)
    for person in (MANAGER, *(c["email"] for c in COLLEAGUES[:2])):
        [told] = [m for m in sent if m.to == [person]]
        assert holds in " ".join(told.text.split()), person
        assert "earlier" not in told.subject, (person, told.subject)
