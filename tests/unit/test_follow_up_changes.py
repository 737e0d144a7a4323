"""Messages about a programme's follow-up that were decided before a later change, sent after it
(a slow queue, a retry): each is checked against the event as the files give it when it is sent.
Use cases on the in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.attendance import Completion
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.errors import InvalidInput
from booking.domain.invitations import Telling
from booking.domain.programme import event_about, follow_up_events, person_key
from booking.services.courses import put_course
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import Ports
from booking.services.reminders import dispatch_reminders
from tests.fakes import Clock, FakeEmailQueue, FakeEmailSender, FakeRepository, fake_ports
from tests.support.applications import an_application, answers_of
from tests.support.courses import programme_course

AUTUMN = datetime(2027, 9, 23, 15, 0, tzinfo=UTC)  # Thursday 16:00 BST


def cohort(first_day: str, *follow_ups: tuple[str, str]) -> CourseDefinition:
    """One core session on ``first_day``; follow-ups ``autumn`` as (date, title)."""
    sessions: list[dict[str, Any]] = [
        {"date": first_day, "start_time": "15:00", "end_time": "17:00"}
    ]
    sessions += [
        {
            "id": "autumn",
            "date": day,
            "start_time": "16:00",
            "end_time": "17:00",
            "kind": "follow_up",
            "title": title,
        }
        for day, title in follow_ups
    ]
    return programme_course(sessions)


class Season:
    """Spring and summer cohorts listing ``autumn``; Ada took spring."""

    def __init__(self) -> None:
        self.clock = Clock(datetime(2027, 1, 5, tzinfo=UTC))
        self.repository = FakeRepository()
        self.ports: Ports = fake_ports(self.clock, self.repository)
        put_course(self.ports, "spring", cohort("2027-03-01", ("2027-09-23", "Reunion")))
        put_course(self.ports, "summer", cohort("2027-06-07", ("2027-09-23", "Reunion")))
        moment = datetime(2027, 2, 1, tzinfo=UTC)
        self.repository.save(
            an_application(
                ApplicationStatus.CONFIRMED, at=moment, course_id="spring", amount_paid=100
            ),
            None,
        )
        self.told = len(self.repository.written_emails)

    def at(self, moment: datetime) -> None:
        self.clock.now = moment

    def decided(self) -> list[EmailJob]:
        """The messages decided since last asked: the tick's queue and the outbox."""
        queue = self.ports.email_queue
        assert isinstance(queue, FakeEmailQueue)
        jobs = [*queue.jobs, *self.repository.written_emails[self.told :]]
        queue.jobs.clear()
        self.told = len(self.repository.written_emails)
        return jobs

    def send(self, jobs: list[EmailJob]) -> list[SendOutcome]:
        return [send_email_job(self.ports, job) for job in jobs]

    @classmethod
    def invited(cls) -> Season:
        """A season in which Ada was sent her invitation to ``autumn`` (13 days before)."""
        season = cls()
        assert season.send(season.tick(AUTUMN - timedelta(days=13))) == [SendOutcome.SENT]
        return season

    def tick(self, moment: datetime) -> list[EmailJob]:
        """The reminders' tick at ``moment``: the messages decided since last asked."""
        self.at(moment)
        dispatch_reminders(self.ports, moment)
        return self.decided()

    def last_sent(self) -> OutgoingEmail:
        sender = self.ports.sender
        assert isinstance(sender, FakeEmailSender)
        return sender.sent[-1]

    def bea_beside_ada(self) -> tuple[Application, Application]:
        """Bea (``app2``, paid 100) confirmed on spring beside Ada, booked at her moment."""
        [ada] = self.repository.list_applications("spring")
        bea = an_application(
            ApplicationStatus.CONFIRMED,
            at=ada.created_at,
            app_id="app2",
            course_id="spring",
            answers=answers_of("bea@example.org", "Bea"),
            amount_paid=100,
        )
        self.repository.save(bea, None)
        return ada, bea


def test_an_invitation_decided_before_a_move_is_not_sent_after_it() -> None:
    season = Season()
    [invitation] = season.tick(AUTUMN - timedelta(days=13))
    assert invitation.kind is EmailKind.FOLLOW_UP_INVITATION
    # Before the queue delivers it, the summer file moves the event a week on: Ada, never
    # sent it, is invited to the new time, not told it moved from one she never had.
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
    [again] = season.decided()
    assert again.kind is EmailKind.FOLLOW_UP_INVITATION
    assert again.session_start == AUTUMN + timedelta(weeks=1)
    assert season.send([invitation, again]) == [SendOutcome.SKIPPED_MOVED, SendOutcome.SENT]
    sent = season.last_sent()
    assert "30 September" in sent.text
    assert "23 September" not in sent.text
    # Ada was invited once (the claim stands): the new time brings no second invitation.
    assert season.tick(AUTUMN + timedelta(weeks=1) - timedelta(days=13)) == []


def test_only_the_latest_of_two_quick_changes_is_sent_and_a_cancellation_listed_again_is_not() -> (
    None
):
    season = Season.invited()
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
    put_course(season.ports, "spring", cohort("2027-03-01", ("2027-10-01", "Reunion")))
    first, second = season.decided()
    assert season.send([second, first]) == [SendOutcome.SENT, SendOutcome.SKIPPED_MOVED]
    # Out of the file with the latest word: the other file's word stands again (30 September).
    put_course(season.ports, "spring", cohort("2027-03-01"))
    [moved_back] = season.decided()
    assert moved_back.session_start == AUTUMN + timedelta(weeks=1)
    # Out of both files, then back in one before the cancellation is delivered.
    put_course(season.ports, "summer", cohort("2027-06-07"))
    [cancellation] = season.decided()
    assert cancellation.removed_follow_ups == ("autumn",)
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-10-01", "Together again")))
    [back] = season.decided()
    assert season.send([cancellation, back]) == [SendOutcome.SKIPPED_MOVED, SendOutcome.SENT]
    # A change after the event has started is news to nobody: nothing is even decided.
    season.at(datetime(2027, 10, 1, 16, tzinfo=UTC))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-10-01", "Afterwards")))
    assert season.decided() == []


def test_a_reminder_decided_before_a_small_move_is_sent_for_the_new_time_and_is_the_one() -> None:
    """Claimed 24 hours ahead, delivered after the event moved 30 minutes later: it still
    reminds in time, so it goes (with the new time) and the new start gets no second. Moved
    a day and a half instead, it is not sent, and the new start is reminded in its turn."""
    season = Season()
    season.send(season.tick(AUTUMN - timedelta(days=13)))  # the invitation
    [reminder] = season.tick(AUTUMN - timedelta(hours=23, minutes=50))
    assert reminder.offset_hours == 24
    later = cohort("2027-06-07", ("2027-09-23", "Reunion"))
    later.sessions[1].start_time, later.sessions[1].end_time = time(16, 30), time(17, 30)
    put_course(season.ports, "summer", later)
    [notice] = season.decided()
    assert season.send([notice, reminder]) == [SendOutcome.SENT, SendOutcome.SENT]
    sent = season.last_sent()
    assert "tomorrow at 16:30" in sent.subject  # the new time, said how soon
    assert "16:30-17:30" in sent.text
    assert season.tick(AUTUMN + timedelta(minutes=30) - timedelta(hours=23, minutes=40)) == []

    season.at(AUTUMN - timedelta(hours=22))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-25", "Reunion")))
    season.send(season.decided())
    assert season.send([reminder]) == [SendOutcome.SKIPPED_MOVED]
    [again] = season.tick(AUTUMN + timedelta(days=2) - timedelta(hours=23, minutes=50))
    assert (again.offset_hours, again.session_start) == (24, AUTUMN + timedelta(days=2))


def test_a_follow_up_moved_to_a_past_day_and_back_is_news_to_nobody() -> None:
    """A move to a day already past is announced to nobody: Ada's calendar
    still holds 23 September. Moved back there, nothing changed for her, so nothing is sent;
    moved on to another day instead, she is told it moved from the day she holds."""
    season = Season.invited()  # to 23 September
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-06", "Reunion")))
    assert season.decided() == []  # 6 September is past: news to nobody
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-23", "Reunion")))
    assert season.decided() == []  # back to what she holds

    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-06", "Reunion")))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
    [notice] = season.decided()
    assert (notice.kind, notice.follow_up_change) == (EmailKind.FOLLOW_UP_CHANGED, "moved")
    assert (notice.was_start, notice.session_start) == (AUTUMN, AUTUMN + timedelta(weeks=1))
    assert season.send([notice]) == [SendOutcome.SENT]
    sent = season.last_sent()
    assert "6 September" not in sent.text


def test_an_invitation_skipped_because_its_event_was_cancelled_brings_no_cancellation() -> None:
    """Cancelled before Ada's invitation went: she never heard of it, so
    nothing about it reaches her."""
    season = Season()
    [invitation] = season.tick(AUTUMN - timedelta(days=13))
    put_course(season.ports, "spring", cohort("2027-03-01"))
    put_course(season.ports, "summer", cohort("2027-06-07"))
    assert season.decided() == []
    assert season.send([invitation]) == [SendOutcome.SKIPPED_MOVED]


def test_a_change_notice_is_not_sent_to_someone_told_since_that_the_event_was_taken_out() -> None:
    """Ada was sent the event; it moves, and before the mailer reaches the notice a message
    takes it out of her calendar (her move off the programme's dates). The
    notice's invite.ics would put it back, so it is not sent."""
    season = Season.invited()
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
    [notice] = season.decided()
    assert notice.kind is EmailKind.FOLLOW_UP_CHANGED
    assert notice.programme is not None
    assert notice.session_key is not None
    about, person = event_about(notice.programme, notice.session_key), notice.job_id.split(":")[1]
    assert season.repository.told_of(about) == {person: True}
    season.repository.record_told(
        Telling(about, person, holds=False), keep_until=AUTUMN, now=season.clock.now
    )
    assert season.send([notice]) == [SendOutcome.SKIPPED_NOT_HELD]


def test_a_follow_up_renamed_and_renamed_back_before_the_mailer_ran_is_news_to_nobody() -> None:
    """The change is worded from the title Ada's calendar holds, not the file's last one:
    renamed and back, it holds the name it has, so nothing is sent."""
    season = Season.invited()
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-23", "Temporary")))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-23", "Reunion")))
    assert season.send(season.decided()) == [SendOutcome.SKIPPED_TOLD]


def test_a_follow_up_renamed_then_moved_before_the_mailer_ran_is_told_both() -> None:
    """Renamed, then moved before the rename's notice went: the move's notice
    says it moved and has a new name, from the title and day Ada holds."""
    season = Season.invited()
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-23", "Autumn review")))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Autumn review")))
    renamed, moved = season.decided()
    assert season.send([renamed, moved]) == [SendOutcome.SKIPPED_MOVED, SendOutcome.SENT]
    sent = season.last_sent()
    assert sent.subject.startswith("Moved and renamed:")
    assert '("Reunion") has moved and has a new name' in sent.text
    assert "that was on Thursday 23 September 2027" in sent.text


def test_a_follow_up_whose_end_alone_changed_is_not_said_to_have_moved() -> None:
    """Only its end changed: it did not move; it ends at another time."""
    season = Season.invited()
    longer = cohort("2027-06-07", ("2027-09-23", "Reunion"))
    longer.sessions[1].end_time = time(17, 30)
    put_course(season.ports, "summer", longer)
    [notice] = season.decided()
    assert notice.follow_up_change == "retimed"
    assert season.send([notice]) == [SendOutcome.SENT]
    sent = season.last_sent()
    assert sent.subject.startswith("New end time:")
    assert "16:00-17:30" in sent.subject
    assert "has moved" not in sent.text


def test_a_booking_that_did_not_complete_hears_of_no_change_to_the_follow_ups() -> None:
    """Ada's confirmation put the event in her calendar; her cohort's register then closed
    without her completing, so she is not invited and gets no reminder: no change notice
    ("your reminders will come") either. Had she completed, she would."""
    for completed, heard in ((False, []), (True, [EmailKind.FOLLOW_UP_CHANGED])):
        season = Season()
        [ada] = season.repository.list_applications("spring")
        about = event_about("leading", "autumn")
        person = person_key(ada.answers.email)
        season.repository.record_told(
            Telling(about, person, holds=True), keep_until=AUTUMN, now=season.clock.now
        )
        closed = Completion(completed=completed, attended=0, required=1, closed_at=season.clock.now)
        season.repository.save(ada.model_copy(update={"completion": closed}), ada)
        season.at(AUTUMN - timedelta(days=30))
        put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
        assert [job.kind for job in season.decided()] == heard


def test_a_programme_in_another_time_zone_names_its_clock() -> None:
    """Cohorts in New York are told their times in New York's clock, named so, never "(UK
    time)" beside EST. Their files give the shared follow-up at the moment
    it was (11:00 in New York is 16:00 in London): a zone change moves no shared event."""
    season = Season()
    for course_id, first_day in (("spring", "2027-03-01"), ("summer", "2027-06-07")):
        elsewhere = cohort(first_day, ("2027-09-23", "Reunion"))
        elsewhere.timezone = "America/New_York"
        elsewhere.sessions[1].start_time, elsewhere.sessions[1].end_time = time(11), time(12)
        put_course(season.ports, course_id, elsewhere)
    season.decided()
    assert season.send(season.tick(AUTUMN - timedelta(days=13))) == [SendOutcome.SENT]
    sent = season.last_sent()
    assert "11:00-12:00 EDT (New York time)" in sent.text
    assert "UK time" not in sent.text
    assert "UK time" not in (sent.html or "")


class Closed(Season):
    """Spring's register closed on 1 April: Ada did not complete it, Bea did. Both hold the
    follow-up ``autumn`` (Reunion, 23 September) from their confirmations."""

    def __init__(self) -> None:
        super().__init__()
        ada, bea = self.bea_beside_ada()
        self.at(datetime(2027, 4, 1, tzinfo=UTC))
        for app, completed in ((ada, False), (bea, True)):
            current = self.repository.get_application(app.application_id)
            assert current is not None
            closed = Completion(completed=completed, attended=0, required=1, closed_at=self.at_now)
            self.repository.save(current.model_copy(update={"completion": closed}), current)
            told = Telling(
                event_about("leading", "autumn"), person_key(app.answers.email), holds=True
            )
            self.repository.record_told(told, keep_until=AUTUMN, now=self.at_now)
        self.decided()

    @property
    def at_now(self) -> datetime:
        return self.clock.now

    def to(self, jobs: list[EmailJob]) -> dict[str, list[EmailKind]]:
        """Application id -> the kinds of the messages decided for it."""
        kinds: dict[str, list[EmailKind]] = {}
        for job in jobs:
            kinds.setdefault(job.application_id, []).append(job.kind)
        return kinds


def with_winter(first_day: str) -> CourseDefinition:
    """A cohort listing ``autumn`` and a new follow-up ``winter`` (2 December)."""
    file = cohort(first_day, ("2027-09-23", "Reunion"))
    winter = {"id": "winter", "date": "2027-12-02", "start_time": "16:00", "end_time": "17:00"}
    return programme_course(
        [*(s.model_dump(exclude_none=True) for s in file.sessions), {**winter, "kind": "follow_up"}]
    )


@pytest.mark.parametrize("path", ["listed again", "new", "moved", "renamed"])
def test_a_booking_that_did_not_complete_hears_of_no_follow_up_whatever_path_it_took(
    path: str,
) -> None:
    """Ada's register closed without her completing: no follow-up reaches her, whatever path
    it took (taken out of every file and listed again, she was sent "Changed
    dates" with it in). Bea, who completed, hears of each."""
    closed = Closed()
    if path == "listed again":
        put_course(closed.ports, "spring", cohort("2027-03-01"))
        put_course(closed.ports, "summer", cohort("2027-06-07"))
        closed.decided()  # the cancellation, to both (Ada holds it still)
        put_course(closed.ports, "spring", cohort("2027-03-01", ("2027-09-30", "Reunion")))
    elif path == "new":
        put_course(closed.ports, "spring", with_winter("2027-03-01"))
    else:
        moved = ("2027-09-30", "Reunion") if path == "moved" else ("2027-09-23", "Reunion 2")
        put_course(closed.ports, "spring", cohort("2027-03-01", moved))
    decided = closed.to(closed.decided())
    assert "app1" not in decided
    assert decided["app2"] in ([EmailKind.SESSIONS_CHANGED], [EmailKind.FOLLOW_UP_CHANGED])
    # Nor an invitation when it falls due.
    assert "app1" not in closed.to(closed.tick(AUTUMN - timedelta(days=13)))


def test_a_non_completers_changed_dates_lists_and_sends_no_follow_up() -> None:
    """Spring's file saved again with its (past) core session moved to a day still to come:
    both hear of it, and only Bea's message lists the Reunion and puts it in her calendar."""
    closed = Closed()
    put_course(closed.ports, "spring", cohort("2027-05-03", ("2027-09-23", "Reunion")))
    jobs = closed.decided()
    assert {job.application_id: job.kind for job in jobs} == {
        "app1": EmailKind.SESSIONS_CHANGED,
        "app2": EmailKind.SESSIONS_CHANGED,
    }
    assert closed.send(jobs) == [SendOutcome.SENT, SendOutcome.SENT]
    sender = closed.ports.sender
    assert isinstance(sender, FakeEmailSender)
    by_person = {message.to[0]: message for message in sender.sent}
    for address, listed in (("ada@example.org", False), ("bea@example.org", True)):
        message = by_person[address]
        [ics] = message.attachments
        assert ("Reunion" in message.text) is listed
        assert (b"Reunion" in ics.content) is listed
        assert "3 May 2027" in message.text


def in_new_york(first_day: str, follow_up_at: time) -> CourseDefinition:
    file = cohort(first_day, ("2027-09-23", "Reunion"))
    file.timezone = "America/New_York"
    file.sessions[1].start_time = follow_up_at
    file.sessions[1].end_time = follow_up_at.replace(hour=follow_up_at.hour + 1)
    return file


def test_a_cohorts_zone_change_may_not_move_the_follow_ups_it_shares() -> None:
    """Summer's file saved in New York with its times as they were would move the Reunion,
    shared with spring, from 16:00 in London to 16:00 in New York for everyone: refused beside
    ``timezone``, saying the time to give; nothing saved, nobody told."""
    season = Season()
    before = season.repository.get_course("summer")
    with pytest.raises(InvalidInput) as refused:
        put_course(season.ports, "summer", in_new_york("2027-06-07", time(16)))
    assert "would move for every cohort" in refused.value.message
    assert "is 23 September 2027, 11:00-12:00 in America/New_York" in refused.value.message
    assert "keep Europe/London" in refused.value.fields["timezone"]
    assert season.repository.get_course("summer") == before
    assert season.decided() == []
    # Given at the moment it was (11:00 in New York), the zone changes and the event stays.
    put_course(season.ports, "summer", in_new_york("2027-06-07", time(11)))
    [event] = follow_up_events(season.repository.list_courses())
    assert event.session.start == AUTUMN
    assert EmailKind.FOLLOW_UP_CHANGED not in [job.kind for job in season.decided()]


def test_a_zone_change_moves_a_follow_up_no_other_cohort_lists() -> None:
    """Spring's own follow-up (summer lists it no more) is spring's to move with its zone."""
    season = Season()
    put_course(season.ports, "summer", cohort("2027-06-07"))
    put_course(season.ports, "spring", in_new_york("2027-03-01", time(16)))
    [event] = follow_up_events(season.repository.list_courses())
    assert event.session.start == AUTUMN + timedelta(hours=5)


def test_a_zone_change_refusal_advises_only_what_a_file_can_state() -> None:
    """The Reunion (16:00-17:00 in London) is 23:00-00:00 in Shanghai: no file there can state
    it (a session ends on its start's day), so the refusal does not ask for its time there;
    it says to take it out of this file, the other cohorts still listing it."""
    season = Season()
    file = cohort("2027-06-07", ("2027-09-23", "Reunion"))
    file.timezone = "Asia/Shanghai"
    with pytest.raises(InvalidInput) as refused:
        put_course(season.ports, "summer", file)
    message = refused.value.message
    assert "in Asia/Shanghai so that they stay" not in message
    assert "23:00-00:00" not in message
    assert "take out of this cohort's file the follow-ups that would cross midnight" in message
    assert "Reunion, " in message
    assert "take out of this file" in refused.value.fields["timezone"]
    assert "give the shared follow-ups their times" not in refused.value.fields["timezone"]
