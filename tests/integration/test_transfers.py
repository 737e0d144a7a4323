"""Moving a booking to another cohort, through the handlers on moto and the Stripe stand-in.

Cohorts of one programme (``move-test``): spring and summer at £200, autumn at £150 (cheaper),
winter at £250 (dearer); a cohort of another programme; a closed one. People book and pay
through the API; the organiser moves them with ``/admin`` and the console. Every message is
parsed back and its calendars held to RFC 5546 across the test (``tests/support/mail_checks``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from tests.support.cohorts import (
    ADA,
    BOB,
    LONDON,
    Cohorts,
    calendars_of,
    cohort_definition,
    uids_of,
)
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System


def test_a_booking_moves_with_its_seat_and_one_calendar_update(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    confirmation = [m for m in system.sent if m.to == [ADA] and "confirmed" in m.subject][-1]
    old_uids = uids_of(calendars_of(confirmation)["invite.ics"])
    assert cohorts.places_left("move-spring") == 4

    moved = cohorts.move(booked["application_id"], "move-summer")

    assert moved.status == 200, moved.body
    assert moved.json()["course_id"] == "move-summer"
    assert moved.json()["status"] == "confirmed"
    assert cohorts.places_left("move-spring") == 5
    assert cohorts.places_left("move-summer") == 4
    rosters = {
        c: [r["application_id"] for r in system.admin("GET", f"/courses/{c}/applications").json()]
        for c in ("move-spring", "move-summer")
    }
    assert rosters == {"move-spring": [], "move-summer": [booked["application_id"]]}
    sent = cohorts.emails()
    to_ada = [m for m in sent if m.to == [ADA]]
    assert len(to_ada) == 1, [m.subject for m in to_ada]
    [message] = to_ada
    assert message.subject.startswith("Your booking has moved")
    assert "https://example.org/join/summer" in message.text
    calendars = calendars_of(message)
    assert set(calendars) == {"invite.ics", "cancel.ics"}
    cancel, invite = calendars["cancel.ics"], calendars["invite.ics"]
    assert str(cancel["method"]) == "CANCEL"
    assert str(invite["method"]) == "REQUEST"
    # Every session the confirmation put in is taken out, by the ORGANIZER that put it in.
    assert uids_of(cancel) == old_uids
    assert {str(e["organizer"]) for e in cancel.walk("VEVENT")} == {"mailto:spring@example.org"}
    assert {str(e["organizer"]) for e in invite.walk("VEVENT")} == {"mailto:summer@example.org"}
    assert not uids_of(invite) & old_uids
    assert len(uids_of(invite)) == 2
    # The new cohort's facilitators hear of the person moving in, the old one's of them leaving.
    [joined] = [m for m in sent if m.to == ["facilitator-summer@example.org"]]
    assert joined.subject.startswith("Booking moved to your cohort"), joined.subject
    assert "has moved to Moving Leadership" in " ".join(joined.text.split())
    [left] = [m for m in sent if m.to == ["facilitator-spring@example.org"]]
    assert left.subject.startswith("Booking moved away from your cohort"), left.subject
    assert "no longer on your roster" in " ".join(left.text.split())
    # The move is in the application's history.
    page = signed_in(system)
    detail = page.get(f"/console/applications/{booked['application_id']}").body
    spring_day = (
        f"{cohorts.spring_start:%A} {cohorts.spring_start.day} {cohorts.spring_start:%B %Y}"
    )
    summer_start = cohorts.spring_start + timedelta(weeks=4)
    summer_day = f"{summer_start:%A} {summer_start.day} {summer_start:%B %Y}"
    assert (
        f"Moved from Moving Leadership, from {spring_day} to Moving Leadership, from {summer_day}"
        in text_of(detail)
    )


def test_reminders_follow_the_booking_to_its_new_cohort(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    cohorts.emails()
    spring_first = datetime.combine(cohorts.spring_start, datetime.min.time(), LONDON).replace(
        hour=15
    )
    summer_first = spring_first + timedelta(weeks=4)
    for session_start in (spring_first, summer_first):
        for before in (timedelta(hours=23), timedelta(minutes=50)):
            system.scheduled_run(session_start - before)
            # A retried run sends nothing twice.
            system.scheduled_run(session_start - before)
    reminders = cohorts.emails_to(ADA)
    # None for the cohort left; one per offset of the new one's first session.
    assert len(reminders) == 2, [m.subject for m in reminders]
    assert all("https://example.org/join/summer" in m.text for m in reminders)


def test_the_freed_seat_is_offered_to_the_old_cohorts_waiting_list(system: System) -> None:
    cohorts = Cohorts(system, spring_capacity=1)
    booked = cohorts.book("move-spring", ADA)
    waiting = system.apply("move-spring", email=BOB).json()
    assert waiting["status"] == "waitlisted"

    assert cohorts.move(booked["application_id"], "move-summer").status == 200

    bob = system.api("GET", f"/applications/{waiting['application_id']}?token={waiting['token']}")
    assert bob.json()["status"] == "offered"
    assert cohorts.places_left("move-spring") == 0


def test_a_cheaper_cohort_refunds_the_difference_once(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)

    first = cohorts.move(booked["application_id"], "move-autumn")
    again = cohorts.move(booked["application_id"], "move-autumn")  # a double submit

    assert first.status == again.status == 200, (first.body, again.body)
    # The answer says which request made the move: the second changed nothing.
    assert (first.json()["moved_already"], again.json()["moved_already"]) == (False, True)
    record = cohorts.record(booked["application_id"])
    assert (record["amount_paid"], record["amount_refunded"], record["status"]) == (
        20000,
        5000,
        "confirmed",
    )
    assert record["price"] == 15000
    # The history of moves is in the record and in the person's export, with its refund.
    [move] = record["transfers"]
    assert (move["from_course_id"], move["to_course_id"]) == ("move-spring", "move-autumn")
    assert (move["price_before"], move["price_after"], move["refund_due"]) == (20000, 15000, 5000)
    assert move["refund_id"]
    exported = system.admin("GET", f"/people/{ADA}").json()
    assert [a["transfers"] for a in exported["applications"]] == [[move]]
    # One refund at Stripe, of the difference: what is recorded is what Stripe holds.
    assert cohorts.refunded_at_stripe() == [5000]
    to_ada = cohorts.emails_to(ADA)
    assert len(to_ada) == 1, [m.subject for m in to_ada]
    assert "£50.00" in to_ada[0].text


def test_a_difference_below_stripes_minimum_is_waived_and_the_move_made_at_once(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    later = cohorts.spring_start + timedelta(weeks=6)
    system.put_course("move-pence", cohort_definition(later, "pence", 20020))
    booked = cohorts.book("move-spring", ADA)
    events_before = len(system.stripe_local("GET", "/events").json())

    moved = cohorts.move(booked["application_id"], "move-pence")

    assert moved.status == 200, moved.body
    record = cohorts.record(booked["application_id"])
    assert (record["status"], record["course_id"]) == ("confirmed", "move-pence")
    # Nothing asked of Stripe: 20p cannot be charged, so nobody pays it and nothing goes back.
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 0)
    assert len(system.stripe_local("GET", "/events").json()) == events_before
    [move] = record["transfers"]
    assert (move["price_after"], move["refund_due"], move["difference_waived"]) == (20020, 0, 20)
    exported = system.admin("GET", f"/people/{ADA}").json()
    assert [a["transfers"] for a in exported["applications"]] == [[move]]
    # The organiser reads it in the history, in words.
    page = signed_in(system)
    detail = page.get(f"/console/applications/{booked['application_id']}").body
    history = text_of(detail)
    assert "£0.20 more waived (below Stripe's minimum charge)" in history
    # The money says it too, so due and paid agree: the place's price less what was waived.
    totals = system.totals("move-pence")
    assert (totals["price"], totals["waived"], totals["due"], totals["paid"]) == (
        20020,
        20,
        20000,
        20000,
    )
    money = page.get("/console/courses/move-pence/money").body
    said = text_of(money)
    assert "Waived on moves (below Stripe's minimum charge) £0.20" in said
    assert "Due for those places £200.00" in said


def test_a_booking_on_a_cohort_that_has_begun_stays_with_its_marks(system: System) -> None:
    """Moving a booking out of a cohort that had begun dropped its attendance marks: refused,
    and the booking, its seat and its marks stay."""
    cohorts = Cohorts(system)
    # A cohort that keeps a register (a completion rule).
    system.put_course("move-spring", cohorts.files["move-spring"] | {"completion_min_sessions": 1})
    booked = cohorts.book("move-spring", ADA)
    first = datetime.combine(cohorts.spring_start, datetime.min.time(), LONDON).replace(hour=15)
    system.clock_offset += first - system.now() + timedelta(hours=3)
    register = system.admin("GET", "/courses/move-spring/register")
    assert register.status == 200, register.body
    session = register.json()["sessions"][0]["key"]
    marked = system.admin(
        "POST",
        "/courses/move-spring/register/marks",
        json_body={
            "application_id": booked["application_id"],
            "session": session,
            "mark": "attended",
        },
    )
    assert marked.status == 200, marked.body

    refused = cohorts.move(booked["application_id"], "move-summer")

    refused.refused(409, "cohort_begun")
    assert "has begun" in refused.json()["error"]["message"]
    record = cohorts.record(booked["application_id"])
    assert record["course_id"] == "move-spring"
    kept = system.admin("GET", "/courses/move-spring/register").json()
    [row] = [r for r in kept["rows"] if r["application_id"] == booked["application_id"]]
    assert row["marks"][session] == "attended"


def test_a_bursary_larger_than_the_new_price_is_said_as_the_price_it_covers(
    system: System,
) -> None:
    """A £150 bursary moved to a £100 cohort was said three ways (the move's answer £150, the
    record £100, the totals another): one rule, what it pays of the price, everywhere."""
    cohorts = Cohorts(system)
    system.put_course("move-cheap", cohort_definition(cohorts.spring_start, "cheap", 10000))
    application = cohorts.book_with_bursary("move-spring", ADA, 15000)
    app_id = application["application_id"]

    moved = cohorts.move(app_id, "move-cheap")

    assert moved.status == 200, moved.body
    record = cohorts.record(app_id)
    totals = system.totals("move-cheap")
    status = system.status_of(application)
    assert (moved.json()["bursary"], record["bursary"], totals["bursaries"], status["bursary"]) == (
        10000,
        10000,
        10000,
        10000,
    )
    assert (record["amount_due"], record["left_to_pay"]) == (0, 0)


def test_a_move_that_gives_back_all_the_card_paid_keeps_the_booking(system: System) -> None:
    """£200 place, £100 bursary, £100 by card, moved to a £100 cohort the bursary covers in
    full: the move refunds all £100 the card paid. Stripe's charge.refunded for that refund
    said the whole payment had come back, and the booking ended (seat lost, the "moved" email
    dropped). A refund this system made for a move changes nothing but the record of money."""
    cohorts = Cohorts(system)
    system.put_course("move-cheap", cohort_definition(cohorts.spring_start, "cheap", 10000))
    app_id = cohorts.book_with_bursary("move-spring", ADA, 10000)["application_id"]
    places_before = cohorts.places_left("move-cheap")

    moved = cohorts.move(app_id, "move-cheap")

    assert moved.status == 200, moved.body
    record = cohorts.record(app_id)
    assert (record["status"], record["course_id"]) == ("confirmed", "move-cheap")
    assert (record["amount_paid"], record["amount_refunded"]) == (10000, 10000)
    assert cohorts.places_left("move-cheap") == places_before - 1
    assert cohorts.refunded_at_stripe() == [10000]
    to_ada = cohorts.emails_to(ADA)
    assert len(to_ada) == 1, [m.subject for m in to_ada]
    assert "£100.00" in to_ada[0].text
    assert "moved" in to_ada[0].subject.lower(), to_ada[0].subject


@pytest.mark.parametrize(
    ("to", "status", "code", "said"),
    [
        ("move-full", 409, "course_full", "no place free"),
        ("move-closed", 409, "course_closed", "closed"),
        ("other-programme", 409, "other_programme", "not a cohort of this booking"),
        ("move-spring", 409, "same_course", "on this cohort already"),
        ("no-such-course", 422, "validation_failed", "no such cohort"),
        ("", 422, "validation_failed", "choose a cohort"),
    ],
)
def test_a_move_that_cannot_be_made_is_refused_and_changes_nothing(
    system: System, to: str, status: int, code: str, said: str
) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    booked = cohorts.book("move-spring", ADA)
    before = cohorts.record(booked["application_id"])

    refused = cohorts.move(booked["application_id"], to)

    assert refused.status == status, refused.body
    error = refused.json()["error"]
    assert error["code"] == code
    assert said in (error["message"] + str(error.get("fields", {})))
    assert cohorts.record(booked["application_id"]) == before
    assert cohorts.places_left("move-spring") == 4
    assert cohorts.places_left("move-full") == 0
    assert not cohorts.emails_to(ADA)


def test_only_a_confirmed_booking_moves(system: System) -> None:
    cohorts = Cohorts(system)
    unpaid = system.apply("move-spring", email=ADA).json()
    assert unpaid["status"] == "awaiting_payment"

    refused = cohorts.move(unpaid["application_id"], "move-summer")

    refused.refused(409, "not_transferable")
    assert cohorts.places_left("move-summer") == 5


def test_a_bad_body_is_a_clear_error(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    for body in ({}, {"to_course_id": 7}, {"to_course_id": "x" * 500}):
        reply = system.admin(
            "POST", f"/applications/{booked['application_id']}/transfer", json_body=body
        )
        assert reply.status == 422, (body, reply.body)
        assert "to_course_id" in reply.json()["error"]["fields"]


def test_the_console_offers_the_cohorts_and_moves_the_booking(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    booked = cohorts.book("move-spring", ADA)
    browser = signed_in(system)
    app_page = f"/console/applications/{booked['application_id']}"
    assert f"{app_page}/transfer" in browser.get(app_page).body

    choices = browser.get(f"{app_page}/transfer")

    assert choices.status == 200
    assert 'value="move-summer"' in choices.body
    assert "5 places left" in choices.body
    # Winter costs more: shown, and that the difference is paid by card before the move.
    assert "Costs £50.00 more: paid by card before the booking moves" in choices.body
    assert "other-programme" not in choices.body
    # Each cohort's first day said once (its name says it), and a full cohort nobody waits for
    # is "full", not "full (waiting list)".
    page = text_of(choices.body)
    summer_first = cohorts.spring_start + timedelta(weeks=4)
    summer_day = f"{summer_first.day} {summer_first:%B %Y}"
    assert page.count(summer_day) == 1, page
    assert "2 sessions, the last on" in page
    assert "full (waiting list)" not in page.lower()
    # The full cohort offers its waiting list instead (``domain.waiting_moves``).
    assert "Join its waiting list : Moving Leadership" in page
    assert "full, 0 places left" in page
    # Without the session's CSRF token nothing moves.
    forged = browser.post(f"{app_page}/transfer", to_course_id="move-summer")
    assert forged.status == 403
    assert cohorts.places_left("move-summer") == 5

    def move_to(cohort: str) -> Any:
        return browser.press(f"{app_page}/transfer", f"{app_page}/transfer", to_course_id=cohort)

    assert move_to("move-full").status == 409
    moved = move_to("move-summer")
    assert moved.status == 303
    assert moved.headers["location"] == app_page
    after = browser.get(moved.headers["location"]).body
    assert "Moved to the other cohort" in after
    # The history names the cohorts as the organiser knows them, never by id.
    history = text_of(after)
    assert "Moved from Moving Leadership, from " in history
    assert "Moved from move-spring" not in history
    assert cohorts.places_left("move-summer") == 4
    assert len(cohorts.emails_to(ADA)) == 1  # "Your booking has moved"
    # The same form sent again (a double click, Back and send): nothing moves, and the page
    # says so, never that the person was emailed.
    again = move_to("move-summer")
    assert again.status == 303
    assert again.headers["location"] == app_page
    said = text_of(browser.get(again.headers["location"]).body)
    assert "The booking had moved to that cohort already" in said
    assert "nobody was emailed again" in said
    assert "Moved to the other cohort" not in said
    assert not cohorts.emails_to(ADA)
    assert cohorts.places_left("move-summer") == 4


def test_a_discount_code_carries_over_and_its_use_stays_with_its_course(system: System) -> None:
    cohorts = Cohorts(system)
    system.made_code("move-spring", code="HALF", percent_off=50, max_uses=1)
    booked = cohorts.book("move-spring", ADA, discount_code="HALF")

    moved = cohorts.move(booked["application_id"], "move-autumn")

    assert moved.status == 200, moved.body
    record = cohorts.record(booked["application_id"])
    # Half of autumn's £150 is £75: £25 of the £100 paid goes back.
    assert (record["amount_due"], record["amount_refunded"]) == (7500, 2500)
    codes = system.admin("GET", "/courses/move-spring/discount-codes").json()
    assert [(c["code"], c["times_used"]) for c in codes] == [("HALF", 1)]


def test_the_cli_lists_the_cohorts_and_moves_a_booking_by_its_reference(
    system: System, run: Any
) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    booked = cohorts.book("move-spring", ADA)
    reference = booked["reference"]

    code, listed = run("transfer", reference)

    assert code == 0, listed
    lines = listed.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "move-summer",
        "move-autumn",
        "move-winter",
        "move-full",
    ]
    assert "5 places left; £200.00" in lines[0]
    assert "not possible" in lines[3]
    assert "no place free" in lines[3]
    refused = run("transfer", reference, "--to", "move-full")
    assert refused[0] != 0
    assert "no place free" in refused[1]
    unknown = run("transfer", reference, "--to", "no-such-cohort")
    assert unknown[0] != 0
    assert "--to: no such cohort" in unknown[1], unknown[1]
    code, said = run("transfer", reference, "--to", "move-autumn")
    autumn_first = cohorts.spring_start + timedelta(weeks=8)
    autumn_day = f"{autumn_first:%A} {autumn_first.day} {autumn_first:%B %Y}"
    assert (code, said) == (
        0,
        f"{reference}: moved to Moving Leadership, from {autumn_day} (Confirmed); "
        f"£50.00 refunded\n",
    ), said
    assert cohorts.places_left("move-autumn") == 4


def test_the_cli_says_a_waived_difference(system: System, run: Any) -> None:
    cohorts = Cohorts(system)
    system.put_course(
        "move-pence", cohort_definition(cohorts.spring_start + timedelta(weeks=6), "pence", 20005)
    )
    reference = cohorts.book("move-spring", ADA)["reference"]

    code, said = run("transfer", reference, "--to", "move-pence")

    assert code == 0, said
    assert said.endswith("(Confirmed); £0.05 more waived (below Stripe's minimum charge)\n"), said


def test_a_refund_stripe_could_not_make_is_owed_and_made_when_asked_again(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    system.stripe_http.fail_next = [503]

    failed = cohorts.move(booked["application_id"], "move-autumn")

    # The move stands (its seat taken, the person told); the refund is owed on its record.
    assert failed.status == 503, failed.body
    record = cohorts.record(booked["application_id"])
    assert (record["course_id"], record["amount_refunded"]) == ("move-autumn", 0)
    assert cohorts.places_left("move-autumn") == 4
    again = cohorts.move(booked["application_id"], "move-autumn")
    assert again.status == 200, again.body
    record = cohorts.record(booked["application_id"])
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 5000)
    assert cohorts.refunded_at_stripe() == [5000]
    assert len(cohorts.emails_to(ADA)) == 1


def test_the_sweep_makes_a_transfer_refund_still_owed(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    system.stripe_http.fail_next = [503]
    assert cohorts.move(booked["application_id"], "move-autumn").status == 503

    swept = sweep(system.ports, system.now() + timedelta(minutes=1))
    again = sweep(system.ports, system.now() + timedelta(minutes=20))

    assert (swept.transfer_refunds_made, again.transfer_refunds_made) == (1, 0)
    record = cohorts.record(booked["application_id"])
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 5000)


def test_asking_again_for_a_move_of_a_booking_since_cancelled_is_refused(system: System) -> None:
    """Found by the lifecycle machine: a repeated move answered 'moved' for a booking that had
    been cancelled since."""
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    cancelled = system.cancel(booked["application_id"], refund=False)
    assert cancelled.status == 200, cancelled.body

    again = cohorts.move(booked["application_id"], "move-summer")

    again.refused(409, "not_transferable")
