"""Session keys, schedule changes, a programme's follow-up events and its graduates (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from booking.domain.application import Application, ApplicationStatus
from booking.domain.attendance import Completion
from booking.domain.course import Course, CourseDefinition, SessionDefinition
from booking.domain.dates_changed import changed_dates
from booking.domain.programme import (
    event_changes,
    follow_up_edits,
    follow_up_events,
    follow_ups_held,
    graduates,
    holders,
    person_key,
    programme_title,
)
from booking.domain.schedule_changes import schedule_changes
from tests.support.applications import an_application, answers_of
from tests.support.cohort_2025 import cohort_2025, cohort_2025_data
from tests.support.courses import programme_course

LATER = datetime(2028, 6, 1, tzinfo=UTC)  # every cohort here has run by then


def session(day: str, kind: str = "core", **extra: Any) -> dict[str, Any]:
    start, end = ("16:00", "17:00") if kind == "follow_up" else ("15:00", "17:00")
    return {"date": day, "start_time": start, "end_time": end, "kind": kind, **extra}


def test_keys_name_what_a_session_is_not_where_it_falls() -> None:
    # The shipped file names its follow-ups, so each can move and stay the same event.
    assert [s.key for s in cohort_2025().schedule()][6:] == [
        "follow-up-2025-september",
        "follow-up-2025-october",
        "follow-up-2025-november",
        "follow-up-2025-december",
    ]
    unnamed = cohort_2025_data()
    unnamed["sessions"] = [{k: v for k, v in s.items() if k != "id"} for s in unnamed["sessions"]]
    keys = [s.key for s in CourseDefinition.model_validate(unnamed).schedule()]
    assert keys[:6] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    # Follow-ups by their UTC start: the same follow-up in another cohort's file is the same.
    assert keys[6:] == [
        "fu-20250918t1500z",
        "fu-20251015t1500z",
        "fu-20251118t1300z",
        "fu-20251208t1600z",
    ]
    # A core session moved past the next keeps its key (its place in the organiser's list).
    data = cohort_2025_data()
    data["sessions"][1]["date"] = "2025-06-17"  # session 2 moved after session 3
    moved = CourseDefinition.model_validate(data).schedule()
    assert [(s.index, s.key) for s in moved[:3]] == [(1, "s1"), (2, "s3"), (3, "s2")]


def test_an_organiser_may_name_sessions_and_two_may_not_share_a_name() -> None:
    named = programme_course(
        [session("2027-06-07", id="welcome"), session("2027-09-20", "follow_up")]
    )
    assert [s.key for s in named.schedule()] == ["welcome", "fu-20270920t1500z"]
    with pytest.raises(ValidationError, match="both known as 'fu-20270920t1500z'"):
        programme_course(
            [
                session("2027-06-07"),
                session("2027-09-20", "follow_up"),
                session("2027-09-20", "follow_up", title="again"),
            ]
        )
    with pytest.raises(ValidationError, match="both known as 's2'"):
        programme_course([session("2027-06-07", id="s2"), session("2027-06-14")])
    with pytest.raises(ValidationError, match="pattern"):
        programme_course([session("2027-06-07", id="Not a key")])


def test_a_time_with_a_utc_offset_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="without a UTC offset"):
        programme_course([{"date": "2027-06-07", "start_time": "15:00+01:00", "end_time": "17:00"}])


def test_schedule_changes_say_what_moved_what_went_and_what_came() -> None:
    before = programme_course(
        [session("2027-06-07"), session("2027-06-14"), session("2027-09-20", "follow_up")]
    )
    after = programme_course(
        [
            session("2027-06-08"),
            {**session("2027-06-14"), "title": "Listening"},
            session("2027-09-27", "follow_up"),
        ]
    )
    changes = schedule_changes(before, after)
    assert changes.changed == ("s1", "s2")
    assert changes.removed == ()
    assert changes.removed_follow_ups == ("fu-20270920t1500z",)  # a new start, a new event
    assert changes.added == ("fu-20270927t1500z",)
    assert not schedule_changes(before, before)
    dropped = programme_course([session("2027-06-07"), session("2027-09-20", "follow_up")])
    assert schedule_changes(before, dropped).removed == ("s2",)
    # A follow-up with an id stays the same event when it moves.
    named = programme_course(
        [session("2027-06-07"), session("2027-09-20", "follow_up", id="autumn")]
    )
    moved = programme_course(
        [session("2027-06-07"), session("2027-09-27", "follow_up", id="autumn")]
    )
    assert schedule_changes(named, moved).changed == ("autumn",)


def cohort(course_id: str, first: str, *follow_ups: str, **overrides: Any) -> Course:
    start = datetime.fromisoformat(first)
    core = [session((start + timedelta(weeks=w)).date().isoformat()) for w in range(2)]
    return Course(
        course_id=course_id,
        definition=programme_course(
            core + [session(d, "follow_up") for d in follow_ups], **overrides
        ),
    )


def booking(app_id: str, course: Course, email: str, **changes: Any) -> Application:
    moment = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=int(app_id[-1]))
    return an_application(
        ApplicationStatus.CONFIRMED,
        at=moment,
        app_id=app_id,
        course_id=course.course_id,
        answers=answers_of(email),
    ).model_copy(update=changes)


def test_one_follow_up_listed_by_several_cohorts_is_one_event_hosted_by_the_first() -> None:
    spring = cohort("spring", "2027-03-01", "2027-09-20", "2027-10-18")
    june = cohort("june", "2027-06-07", "2027-09-20", "2027-11-15")
    june_again = cohort("a-june-copy", "2027-06-07", "2027-09-20", "2027-11-15")
    other = cohort("other", "2027-06-07", "2027-09-20", programme="another")
    events = follow_up_events([spring, june, june_again, other])
    assert [(e.programme, e.key, e.host.course_id) for e in events] == [
        ("another", "fu-20270920t1500z", "other"),
        ("leading", "fu-20270920t1500z", "spring"),  # the cohort that started first
        ("leading", "fu-20271018t1500z", "spring"),
        ("leading", "fu-20271115t1600z", "a-june-copy"),  # two started together: by id
    ]


def test_graduates_are_people_who_finished_a_cohort_before_the_event() -> None:
    spring = cohort("spring", "2027-03-01", "2027-09-20")
    june = cohort("june", "2027-06-07", "2027-09-20")
    autumn = cohort("autumn", "2027-09-13")  # still running on 20 September
    [event] = follow_up_events([spring, june, autumn])
    people = graduates(
        event,
        [
            (spring, booking("app1", spring, "ada@example.org")),
            (june, booking("app2", june, "ADA@example.org")),  # Ada again: one person
            (june, booking("app3", june, "bob@example.org", status=ApplicationStatus.CANCELLED)),
            (spring, booking("app4", spring, "cy@example.org", erased_at=datetime.now(UTC))),
            (autumn, booking("app5", autumn, "di@example.org")),
            (spring, booking("app6", spring, "eve@example.org")),
        ],
        LATER,
    )
    assert event.host.course_id == "spring"
    assert set(people) == {person_key("ada@example.org"), person_key("eve@example.org")}
    # Ada's message is about her booking on the host cohort, though the June one is newer.
    assert people[person_key("ada@example.org")].application_id == "app1"
    june_host = graduates(
        follow_up_events([june, autumn])[0],
        [
            (spring, booking("app1", spring, "ada@example.org")),
            (june, booking("app2", june, "ADA@example.org")),
        ],
        LATER,
    )
    assert june_host[person_key("ada@example.org")].application_id == "app2"


def test_nobody_is_a_graduate_before_their_own_cohorts_sessions_have_ended() -> None:
    # Sessions 1 and 8 September, a follow-up on 20 September: its invitation falls due on
    # 6 September, while the cohort still runs; it waits for the last one to end (17:00 BST).
    late = cohort("late", "2027-09-01", "2027-09-20")
    [event] = follow_up_events([late])
    bookings = [(late, booking("app1", late, "ada@example.org"))]
    assert graduates(event, bookings, datetime(2027, 9, 6, 15, tzinfo=UTC)) == {}
    assert graduates(event, bookings, datetime(2027, 9, 8, 15, 59, tzinfo=UTC)) == {}
    assert set(graduates(event, bookings, datetime(2027, 9, 8, 16, tzinfo=UTC))) == {
        person_key("ada@example.org")
    }


def test_a_person_holds_the_follow_ups_their_cohorts_list_and_those_they_were_invited_to() -> None:
    early = cohort("early", "2027-03-01")  # lists none: its graduates are invited
    june = cohort("june", "2027-06-07", "2027-09-20", "2027-10-18", "2027-11-15", "2027-12-13")
    october = cohort("october", "2027-10-11", "2027-12-13")
    events = follow_up_events([early, june, october])
    keys = {e.session.start.month: e.key for e in events}
    ada, email = person_key("ada@example.org"), "ada@example.org"
    moved = booking("app2", october, email)  # the June booking, moved to October
    assert follow_ups_held(ada, events, [(october, moved)], invited=()) == {keys[12]}
    back = moved.model_copy(update={"course_id": "june"})
    assert follow_ups_held(ada, events, [(june, back)], invited=()) == set(keys.values())
    # Invited to September as a graduate of the early cohort: still hers after the move.
    early_booking = booking("app1", early, email)
    both = [(early, early_booking), (october, moved)]
    assert follow_ups_held(ada, events, both, invited={keys[9]}) == {keys[9], keys[12]}
    # Not invited: an event she could be invited to is not hers yet.
    assert follow_ups_held(ada, events, both, invited=()) == {keys[12]}
    # Invited, but no booking makes her a graduate any more.
    gone = early_booking.model_copy(update={"status": ApplicationStatus.CANCELLED})
    assert follow_ups_held(ada, events, [(early, gone), (october, moved)], invited={keys[9]}) == {
        keys[12]
    }
    # November comes after the October cohort ended: invited as its graduate, it is hers.
    assert keys[11] in follow_ups_held(ada, events, [(october, moved)], invited={keys[11]})
    # A booking whose register closed without her completing it is no way in.
    missed = Completion(completed=False, attended=0, required=2, closed_at=datetime.now(UTC))
    not_completed = back.model_copy(update={"completion": missed})
    assert follow_ups_held(ada, events, [(june, not_completed)], invited=()) == set()
    # Another person's bookings hold nothing for her.
    bob = booking("app3", june, "bob@example.org")
    assert follow_ups_held(ada, events, [(june, bob)], invited=set(keys.values())) == set()


def named_cohort(
    course_id: str, first: str, day: str, *, title: str | None = None, edited: int | None = None
) -> Course:
    """A cohort listing the follow-up ``autumn`` on ``day``, last written ``edited`` days into
    2027 (None: never written since edit times were kept)."""
    extra = {"title": title} if title else {}
    course = cohort(course_id, first)
    definition_with = course.definition.model_copy(
        update={
            "sessions": [
                *course.definition.sessions,
                SessionDefinition.model_validate(session(day, "follow_up", id="autumn", **extra)),
            ]
        }
    )
    edits = (
        {} if edited is None else {"autumn": datetime(2027, 1, 1, tzinfo=UTC) + timedelta(edited)}
    )
    return course.model_copy(update={"definition": definition_with, "follow_up_edits": edits})


def test_files_that_disagree_about_an_event_give_it_as_the_latest_word_says() -> None:
    spring = named_cohort("spring", "2027-03-01", "2027-09-20", edited=1)
    june = named_cohort("june", "2027-06-07", "2027-09-27", edited=5)  # moved it later on
    [event] = follow_up_events([spring, june])
    assert (event.session.start.day, event.host.course_id) == (27, "june")
    # The earlier word again, written after: it decides.
    [event] = follow_up_events([named_cohort("spring", "2027-03-01", "2027-09-20", edited=9), june])
    assert (event.session.start.day, event.host.course_id) == (20, "spring")
    # Agreeing files: the cohort that started first hosts, whichever was written last.
    agreeing = named_cohort("spring", "2027-03-01", "2027-09-27", edited=1)
    [event] = follow_up_events([agreeing, june])
    assert event.host.course_id == "spring"
    # Never written since edit times were kept: the first-started cohort's word.
    old = [
        named_cohort("spring", "2027-03-01", "2027-09-20"),
        named_cohort("june", "2027-06-07", "2027-09-27"),
    ]
    assert follow_up_events(old)[0].session.start.day == 20
    assert follow_up_events([old[0], june])[0].session.start.day == 27
    # A new title is a word too.
    renamed = named_cohort("june", "2027-06-07", "2027-09-20", title="Reunion", edited=7)
    [event] = follow_up_events([spring, renamed])
    assert (event.session.title, event.host.course_id) == ("Reunion", "june")


def test_a_file_saved_again_is_no_new_word_about_follow_ups_it_did_not_touch() -> None:
    spring = named_cohort("spring", "2027-03-01", "2027-09-20", edited=1)
    now = datetime(2027, 2, 1, tzinfo=UTC)
    assert follow_up_edits(spring, spring.definition, now) == spring.follow_up_edits
    moved = named_cohort("spring", "2027-03-01", "2027-09-21").definition
    assert follow_up_edits(spring, moved, now) == {"autumn": now}
    renamed = named_cohort("spring", "2027-03-01", "2027-09-20", title="Reunion").definition
    assert follow_up_edits(spring, renamed, now) == {"autumn": now}
    assert follow_up_edits(None, spring.definition, now) == {"autumn": now}  # a new listing
    untouched = named_cohort("spring", "2027-03-01", "2027-09-20")  # kept before edit times
    assert follow_up_edits(untouched, untouched.definition, now) == {}
    assert follow_up_edits(spring, cohort("spring", "2027-03-01").definition, now) == {}


def test_changes_to_events_are_moves_renames_removals_and_additions() -> None:
    spring = named_cohort("spring", "2027-03-01", "2027-09-20", edited=1)
    june = named_cohort("june", "2027-06-07", "2027-09-20", edited=2)
    before = follow_up_events([spring, june])
    moved = named_cohort("june", "2027-06-07", "2027-09-27", edited=3)
    [change] = event_changes(before, follow_up_events([spring, moved]))
    assert (change.what, change.event.session.start.day) == ("moved", 27)
    renamed = named_cohort("june", "2027-06-07", "2027-09-20", title="Reunion", edited=3)
    assert [c.what for c in event_changes(before, follow_up_events([spring, renamed]))] == [
        "renamed"
    ]
    # Out of one file: the other still lists it as it was, so nothing changed.
    assert event_changes(before, follow_up_events([spring, cohort("june", "2027-06-07")])) == []
    [gone] = event_changes(before, follow_up_events([cohort("spring", "2027-03-01")]))
    assert (gone.what, gone.after, gone.event.key) == ("removed", None, "autumn")
    [back] = event_changes([], before)
    assert back.what == "added"
    # A new host alone changes nothing a calendar holds.
    assert event_changes(follow_up_events([june]), follow_up_events([june, spring])) == []


def test_a_change_is_told_to_whoever_was_sent_the_event_until_told_it_was_taken_out() -> None:
    spring = named_cohort("spring", "2027-03-01", "2027-09-20")
    june = named_cohort("june", "2027-06-07", "2027-09-20")
    other = cohort("other", "2027-01-04")  # lists no follow-up
    [event] = follow_up_events([spring, june])
    bookings = [
        (other, booking("app1", other, "ada@example.org")),  # invited, not yet sent
        (june, booking("app2", june, "bob@example.org")),  # sent it in a confirmation
        (june, booking("app3", june, "cy@example.org")),  # on a cohort listing it, never sent
        (june, booking("app4", june, "di@example.org", status=ApplicationStatus.CANCELLED)),
        (other, booking("app5", other, "eve@example.org")),
        (spring, booking("app6", spring, "EVE@example.org")),  # the host's booking first
        (other, booking("app7", other, "fay@example.org")),  # told it was taken out
    ]
    told = {
        person_key("bob@example.org"): True,
        person_key("di@example.org"): True,
        person_key("eve@example.org"): True,
        person_key("fay@example.org"): False,
    }
    invited = {person_key("ada@example.org"), person_key("fay@example.org")}
    people = holders(event, bookings, told=told, invited=invited)
    assert {p: a.application_id for p, a in people.items()} == {
        person_key("ada@example.org"): "app1",
        person_key("bob@example.org"): "app2",
        person_key("eve@example.org"): "app6",
    }
    # Listed again after it was cancelled: those told of the cancellation hear it is back.
    back = holders(event, bookings, told=told, invited=invited, relisted=True)
    assert person_key("fay@example.org") in back


def test_the_changed_dates_message_is_for_a_cohorts_own_sessions_with_its_follow_ups() -> None:
    spring = named_cohort("spring", "2027-03-01", "2027-09-20", edited=1)
    moved = named_cohort("spring", "2027-03-01", "2027-09-27", edited=2)
    [change] = event_changes(follow_up_events([spring]), follow_up_events([moved]))
    # Only the follow-up moved: its attendees hear with everyone else who holds it.
    assert (
        changed_dates(moved, schedule_changes(spring.definition, moved.definition), [change])
        is None
    )
    # A core session moved too: one message, the follow-up's change in it.
    core_moved = moved.definition.model_copy(
        update={
            "sessions": [
                moved.definition.sessions[0].model_copy(update={"start_time": time(16, 0)}),
                *moved.definition.sessions[1:],
            ]
        }
    )
    both = moved.model_copy(update={"definition": core_moved})
    dates = changed_dates(both, schedule_changes(spring.definition, core_moved), [change])
    assert dates is not None
    assert dates.changed == ("s1", "autumn")
    # Beginning to list an event as it stands: the attendees' calendars lack it.
    plain = cohort("june", "2027-06-07")
    listing = named_cohort("june", "2027-06-07", "2027-09-20", edited=3)
    dates = changed_dates(listing, schedule_changes(plain.definition, listing.definition), [])
    assert dates is not None
    assert dates.changed == ("autumn",)


def test_the_shipped_course_files_name_every_follow_up_once() -> None:
    """Without an id a follow-up cannot move (a new start is a new event): the files we ship,
    and organisers copy, name each one, and no two cohorts' events share a name by accident."""
    root = Path(__file__).resolve().parents[2] / "courses"
    named: list[str] = []
    for path in sorted([*root.glob("*.json"), *root.glob("past/*.json")]):
        data = json.loads(path.read_text(encoding="utf-8"))
        follow_ups = [s for s in data["sessions"] if s.get("kind") == "follow_up"]
        assert follow_ups, path
        assert all(s.get("id") for s in follow_ups), f"{path.name}: a follow-up without an id"
        named += [s["id"] for s in follow_ups]
    assert len(named) == len(set(named)) == 8


def test_a_programme_is_named_by_the_title_its_cohorts_share_never_its_slug() -> None:
    shared = ["Leading well", "Leading well (spring)", "Leading well (spring)"]
    assert programme_title("leading-well", shared) == "Leading well (spring)"
    assert programme_title("leading-well", ["Autumn", "Spring"]) == "Autumn"
    assert programme_title("leading-well", []) == "leading-well"
