"""A move to a dearer cohort charges the difference through Stripe: through the handlers on moto
and the Stripe stand-in (``domain.dearer_moves``). The organiser asks; the seat there is held;
the person pays the difference on Stripe's page, or does not (expiry, the sweep), or the
organiser withdraws it; a payment that comes too late goes back whole; a cancellation while
it waits gives back every charge."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.services.lifecycle import sweep
from tests.support.cohorts import ADA, BOB, LONDON, Cohorts
from tests.support.held_events import Delivery, deliver, held, paid_while
from tests.support.races import at_the_first
from tests.support.system import System


def _session(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def _ask(cohorts: Cohorts, application_id: str, to: str = "move-winter") -> dict[str, Any]:
    asked = cohorts.move(application_id, to)
    assert asked.status == 200, asked.body
    body: dict[str, Any] = asked.json()
    return body


def _asked_and_told(cohorts: Cohorts) -> tuple[str, dict[str, Any]]:
    """Ada booked on the spring cohort, a move to the dearer winter one asked for her, and its
    email read: her application's id and the pending move."""
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    cohorts.emails()
    return app_id, pending


def _paid_while_the_organiser_acts(
    cohorts: Cohorts, action: str, body: dict[str, Any] | None = None
) -> tuple[str, list[Delivery]]:
    """Ada's move asked (:func:`_asked_and_told`); she pays the difference while the organiser
    POSTs ``action`` on her application: Stripe's events about the payment arrive after the
    act (answered 200). Her application's id, and the events delivered (to replay)."""
    system = cohorts.system
    app_id, pending = _asked_and_told(cohorts)
    acted, delivered = paid_while(
        system,
        lambda: system.pay(pending["pay_url"]),
        lambda: system.admin("POST", f"/applications/{app_id}/{action}", json_body=body),
    )
    assert acted.status == 200, acted.body
    return app_id, delivered


def _stays_unmoved(cohorts: Cohorts, app_id: str) -> None:
    """The move came to nothing: the booking stays where it was, the held seat is back."""
    record = cohorts.record(app_id)
    assert (record["course_id"], record["pending_move"]) == ("move-spring", None)
    assert cohorts.places_left("move-winter") == 5


def _where_and_money(cohorts: Cohorts, app_id: str) -> tuple[Any, ...]:
    """The booking's cohort, status and move waiting, and the money taken and given back."""
    record = cohorts.record(app_id)
    return tuple(
        record[field]
        for field in ("course_id", "status", "pending_move", "amount_paid", "amount_refunded")
    )


def _cannot_be_paid_late(system: System, cohorts: Cohorts, app_id: str, pay_url: str) -> None:
    """The move's Checkout Session was expired at Stripe: it cannot be paid there now, and
    nothing more is taken."""
    late = system.stripe_local("POST", f"/checkout/{_session(pay_url)}/pay")
    assert late.status >= 400, late.body
    record = cohorts.record(app_id)
    assert (record["course_id"], record["amount_paid"]) == ("move-spring", 20000)


def test_the_difference_paid_moves_the_booking_and_keeps_both_charges(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]

    asked = _ask(cohorts, app_id)

    # Nothing moved yet: the booking stays, the seat there is held for it.
    assert (asked["course_id"], asked["status"]) == ("move-spring", "confirmed")
    pending = asked["pending_move"]
    assert (pending["to_course_id"], pending["difference"]) == ("move-winter", 5000)
    assert cohorts.places_left("move-winter") == 4
    assert cohorts.places_left("move-spring") == 4
    [link] = cohorts.emails_to(ADA)
    assert "£50.00" in link.text
    assert pending["pay_url"] in link.text
    # Asking again is the same request: no second hold, no second email.
    again = _ask(cohorts, app_id)
    assert again["pending_move"] == pending
    assert cohorts.places_left("move-winter") == 4
    assert not cohorts.emails_to(ADA)

    paid, [(paid_body, paid_headers)] = held(system, lambda: system.pay(pending["pay_url"]))
    assert paid.status == 200, paid.body
    assert system.webhook(paid_body, paid_headers).status == 200

    record = cohorts.record(app_id)
    assert (record["course_id"], record["status"], record["pending_move"]) == (
        "move-winter",
        "confirmed",
        None,
    )
    assert record["transfers"][-1]["difference_charged"] == 5000
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 0)
    assert cohorts.places_left("move-winter") == 4
    assert cohorts.places_left("move-spring") == 5
    moved = cohorts.emails_to(ADA)
    assert len(moved) == 1
    assert "moved" in moved[0].subject.lower()
    assert "we have received the difference you paid (£50.00)" in moved[0].text
    # Stripe delivers the payment's event again: nothing changes, nobody is told twice.
    assert system.webhook(paid_body, paid_headers).status == 200
    assert cohorts.record(app_id) == record
    assert not cohorts.emails_to(ADA)


def test_a_cancellation_after_the_move_refunds_both_charges(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    assert system.pay(pending["pay_url"]).status == 200

    cancelled = system.cancel(app_id)

    assert cancelled.status == 200, cancelled.body
    record = cohorts.record(app_id)
    assert record["status"] == "refunded"
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    refunded = [
        e["data"]["object"]
        for e in system.stripe_local("GET", "/events").json()
        if e["type"] == "charge.refunded"
    ]
    # Each charge given back whole, against itself.
    assert sorted((c["amount"], c["amount_refunded"]) for c in refunded) == [
        (5000, 5000),
        (20000, 20000),
    ]
    assert cohorts.places_left("move-winter") == 5


def test_an_expired_move_gives_the_seat_back_and_the_booking_stays(system: System) -> None:
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)

    expired = system.stripe_local("POST", f"/checkout/{_session(pending['pay_url'])}/expire")

    assert expired.status == 200, expired.body
    _stays_unmoved(cohorts, app_id)
    [told] = cohorts.emails_to(ADA)
    assert "not moved" in told.subject
    _cannot_be_paid_late(system, cohorts, app_id, pending["pay_url"])


def test_the_sweep_lapses_a_move_whose_deadline_passed(system: System) -> None:
    cohorts = Cohorts(system)
    app_id, _ = _asked_and_told(cohorts)
    system.lose_webhooks = True

    summary = sweep(system.ports, system.now() + timedelta(minutes=40))

    assert summary.holds_released == 1
    _stays_unmoved(cohorts, app_id)


def test_the_organiser_withdraws_a_move_waiting_for_payment(system: System) -> None:
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)

    withdrawn = system.admin("POST", f"/applications/{app_id}/transfer/withdraw")

    assert withdrawn.status == 200, withdrawn.body
    assert withdrawn.json()["pending_move"] is None
    _stays_unmoved(cohorts, app_id)
    [told] = cohorts.emails_to(ADA)
    assert "withdrawn" in told.text
    again = system.admin("POST", f"/applications/{app_id}/transfer/withdraw")
    again.refused(409, "no_move_pending")
    # The session was expired at Stripe after the save.
    _cannot_be_paid_late(system, cohorts, app_id, pending["pay_url"])


def test_the_held_seat_is_not_given_to_anyone_else(system: System) -> None:
    cohorts = Cohorts(system)
    system.put_course("move-winter", {**cohorts.files["move-winter"], "capacity": 1})
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    _ask(cohorts, app_id)

    assert cohorts.places_left("move-winter") == 0
    other = system.apply("move-winter", email=BOB)
    assert (other.status, other.json()["status"]) == (201, "waitlisted"), other.body
    assert cohorts.places_left("move-winter") == 0
    # Once the move lapses, the seat it held goes to whoever waits for it.
    withdrawn = system.admin("POST", f"/applications/{app_id}/transfer/withdraw")
    assert withdrawn.status == 200, withdrawn.body
    assert system.status_of(other.json())["status"] == "offered"


def test_a_move_paid_as_the_organiser_withdraws_it_is_made_and_the_withdrawal_refused(
    system: System,
) -> None:
    """The person pays the difference while the organiser withdraws the move (Stripe's events
    arrive after): the withdrawal, finding the checkout paid at Stripe, is refused in words
    and the payment makes the move; the person is told once, of the move, never "nothing has
    been charged" beside a charge (both emails went, and the £50 back)."""
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)

    withdrawn, delivered = paid_while(
        system,
        lambda: system.pay(pending["pay_url"]),
        lambda: system.admin("POST", f"/applications/{app_id}/transfer/withdraw"),
    )

    error = withdrawn.refused(409, "move_paid")
    assert "paid the difference (£50.00) just now" in error["message"]
    assert _where_and_money(cohorts, app_id) == ("move-winter", "confirmed", None, 25000, 0)
    assert cohorts.places_left("move-winter") == 4
    assert cohorts.places_left("move-spring") == 5
    told = cohorts.emails_to(ADA)
    assert len(told) == 1, [m.subject for m in told]
    assert "Nothing has been charged" not in told[0].text
    assert "moved" in told[0].subject.lower()
    # Replayed, the same events change nothing.
    deliver(system, delivered)
    assert _where_and_money(cohorts, app_id) == ("move-winter", "confirmed", None, 25000, 0)


def test_an_event_for_a_moves_session_naming_another_application_touches_only_the_owner(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    ada = cohorts.book("move-spring", ADA)["application_id"]
    bob = cohorts.book("move-spring", BOB)
    pending = _ask(cohorts, ada)["pending_move"]
    bob_before = cohorts.record(bob["application_id"])
    paid, [(body, _headers)] = held(system, lambda: system.pay(pending["pay_url"]))
    assert paid.status == 200, paid.body
    event = json.loads(body)
    event["data"]["object"]["metadata"]["application_id"] = bob["application_id"]
    event["data"]["object"]["client_reference_id"] = bob["application_id"]
    forged = json.dumps(event).encode()
    reply = system.signed_webhook(forged)
    assert reply.status == 200, reply.body
    # The session is Ada's (she recorded it): her move is made; Bob is left alone.
    assert cohorts.record(ada)["course_id"] == "move-winter"
    assert cohorts.record(bob["application_id"]) == bob_before
    anomalies = [a.kind for a in system.ports.repository.anomalies()]
    assert "event_names_another_application" in anomalies


def test_the_console_asks_for_the_difference_and_withdraws_the_move(system: System) -> None:
    from tests.support.console import signed_in

    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    browser = signed_in(system)
    app_page = f"/console/applications/{app_id}"

    move = {
        **browser.form(f"{app_page}/transfer", f"{app_page}/transfer"),
        "to_course_id": "move-winter",
    }
    asked = browser.post(f"{app_page}/transfer", **move)

    assert asked.status == 303, asked.body
    assert asked.headers["location"] == app_page
    page = browser.get(asked.headers["location"]).body
    assert "They have been emailed a link to pay it." in page
    assert "Withdraw the move" in page
    # The cohort by its name and first day, as the organiser knows it, never its id.
    assert "Asked to move to Moving Leadership, from " in page
    assert "Asked to move to move-winter" not in page
    # The choice of cohorts says the move waiting there, not that the cohort is full.
    choosing = " ".join(browser.get(f"{app_page}/transfer").body.split())
    assert "The move here is waiting for £50.00 to be paid" in choosing
    assert "raise its capacity" not in choosing
    assert cohorts.places_left("move-winter") == 4
    cohorts.emails()
    # Sent again: the link went out with the first request; nothing changes, nobody emailed.
    again = browser.post(f"{app_page}/transfer", **move)  # Back, and the same form again
    assert again.headers["location"] == app_page, again.headers
    said = " ".join(browser.get(again.headers["location"]).body.split())
    assert "The move to that cohort was asked for already" in said
    assert "nobody was emailed again" in said
    assert not cohorts.emails()
    assert cohorts.places_left("move-winter") == 4
    forged = browser.post(f"{app_page}/transfer/withdraw")
    assert forged.status == 403
    assert cohorts.places_left("move-winter") == 4
    withdrawn = browser.press(app_page, f"{app_page}/transfer/withdraw")
    assert withdrawn.status == 303, withdrawn.body
    assert withdrawn.headers["location"] == app_page
    assert "Move withdrawn" in browser.get(withdrawn.headers["location"]).body
    assert cohorts.places_left("move-winter") == 5
    assert cohorts.record(app_id)["course_id"] == "move-spring"


def test_the_cli_asks_for_the_difference_and_withdraws(system: System, run: Any) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    reference = booked["reference"]

    code, listed = run("transfer", reference)
    assert code == 0, listed
    [winter] = [line for line in listed.splitlines() if line.startswith("move-winter:")]
    assert winter.endswith("(£50.00 more, paid by card first)"), winter

    code, said = run("transfer", reference, "--to", "move-winter")
    assert code == 0, said
    assert f"{reference}: Moving Leadership, from " in said
    assert "costs £50.00 more; the person has been emailed a link to pay it" in said
    # The deadline in the cohort's own time, to the minute, as the console says it.
    assert re.search(r"held until \w+day \d{1,2} \w+ \d{4} at \d\d:\d\d (GMT|BST)", said), said
    code, said = run("transfer", reference, "--to", "move-winter", "--withdraw")
    assert code == 2
    assert "give it without --to" in said
    code, said = run("transfer", reference, "--withdraw")
    assert (code, said) == (
        0,
        f"{reference}: move withdrawn; the booking stays where it is (the person is told)\n",
    )
    again = run("transfer", reference, "--withdraw")
    assert again[0] != 0
    assert "no move of this booking is waiting (for payment or for a seat)" in again[1]


def test_a_cancellation_as_the_difference_is_paid_is_refused_and_the_move_made(
    system: System,
) -> None:
    """The person pays the difference as the organiser cancels (its events come afterwards):
    the cancel expires the move's checkout at Stripe before its save, as every act ending an
    open checkout does, finds it paid and is refused in words, nothing changed; the payment
    makes the move, never the difference taken and given back whole. Cancelled again, every
    charge goes back and both seats are free (the expiry came after the save)."""
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)

    cancelled, _ = paid_while(
        system,
        lambda: system.pay(pending["pay_url"]),
        lambda: system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True}),
    )

    error = cancelled.refused(409, "payment_being_recorded")
    assert "paid the difference for their move just now" in error["message"]
    assert _where_and_money(cohorts, app_id) == ("move-winter", "confirmed", None, 25000, 0)
    assert cohorts.places_left("move-winter") == 4
    again = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True})
    assert again.status == 200, again.body
    assert _where_and_money(cohorts, app_id)[1:] == ("refunded", None, 25000, 25000)
    assert cohorts.places_left("move-spring") == 5
    assert cohorts.places_left("move-winter") == 5


def test_a_cancellation_while_the_move_waits_unpaid_expires_its_checkout_first(
    system: System,
) -> None:
    """The move's checkout expired at Stripe before the cancel's save, marked: Stripe's expiry
    event of it, arriving before that save, ends nothing (the move is not told as run out);
    the cancel ends the move with the booking, its person told once, both seats free."""
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)

    cancelled = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True})

    assert cancelled.status == 200, cancelled.body
    assert system.checkout_session(_session(pending["pay_url"]))["status"] == "expired"
    assert _where_and_money(cohorts, app_id) == ("move-spring", "refunded", None, 20000, 20000)
    assert cohorts.places_left("move-spring") == 5
    assert cohorts.places_left("move-winter") == 5
    told = [m.subject for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told  # never also told the move ran out
    assert "Your payment has been refunded" in told[0]


def test_a_person_with_another_application_there_is_refused_before_anything_is_held(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    other = system.apply("move-winter", email=ADA).json()
    assert other["status"] == "awaiting_payment"

    refused = cohorts.move(app_id, "move-winter")

    refused.refused(409, "already_applied")
    assert cohorts.record(app_id)["pending_move"] is None
    assert cohorts.places_left("move-winter") == 4  # the other application's hold only


def test_stripe_unavailable_the_move_waits_without_a_link_and_asking_again_opens_it(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    system.stripe_http.fail_next = [503]

    failed = cohorts.move(app_id, "move-winter")

    # The request stands with its hold; no link yet, so nobody is emailed one.
    assert failed.status == 503, failed.body
    waiting = cohorts.record(app_id)["pending_move"]
    assert (waiting["to_course_id"], waiting["pay_url"]) == ("move-winter", None)
    assert cohorts.places_left("move-winter") == 4
    assert not cohorts.emails_to(ADA)
    again = _ask(cohorts, app_id)
    assert again["pending_move"]["pay_url"]
    assert cohorts.places_left("move-winter") == 4
    assert len(cohorts.emails_to(ADA)) == 1
    # Paid through that link, the move is made.
    assert system.pay(again["pending_move"]["pay_url"]).status == 200
    assert cohorts.record(app_id)["course_id"] == "move-winter"


def test_a_move_left_without_a_link_lapses_at_its_deadline(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    system.stripe_http.fail_next = [503]
    assert cohorts.move(app_id, "move-winter").status == 503

    summary = sweep(system.ports, system.now() + timedelta(minutes=40))

    assert summary.holds_released == 1
    assert cohorts.record(app_id)["pending_move"] is None
    assert cohorts.places_left("move-winter") == 5
    # Never sent a link, the person is not told of a move they never heard of.
    assert not cohorts.emails_to(ADA)


def test_erasure_expires_the_moves_checkout_so_nobody_can_pay_it(system: System) -> None:
    """The person erased while their move waits: the hold goes back and the move's checkout is
    expired at Stripe, so no card can be charged for a move that no longer exists."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    session_id = _session(pending["pay_url"])

    erased = system.admin("DELETE", f"/people/{ADA}")

    assert erased.status == 200, erased.body
    assert cohorts.places_left("move-winter") == 5
    assert system.checkout_session(session_id)["status"] == "expired"
    late = system.stripe_local("POST", f"/checkout/{session_id}/pay")
    assert late.status >= 400, late.body


def test_erasure_expires_the_moves_checkout_before_its_save(
    system: System, monkeypatch: Any
) -> None:
    """The move's checkout expired at Stripe before the erasure is saved, as every open
    checkout an act ends is: the person paying it as the erasure saves is refused by Stripe,
    nothing taken (before, the expiry came after the save, and a difference paid in between
    was taken and given back whole)."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    session_id = _session(pending["pay_url"])
    tried = at_the_first(
        monkeypatch,
        system.ports.repository,
        "save",
        lambda: system.stripe_local("POST", f"/checkout/{session_id}/pay").status,
        lambda new, *previous, **options: new.erased_at is not None,
    )
    erased = system.admin("DELETE", f"/people/{ADA}")
    monkeypatch.undo()

    assert erased.status == 200, erased.body
    assert len(tried) == 1
    assert tried[0] >= 400
    assert system.checkout_session(session_id)["status"] == "expired"
    record = cohorts.record(app_id)
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 0)
    assert cohorts.places_left("move-winter") == 5


def test_a_pay_link_not_yet_sent_when_the_booking_is_cancelled_is_never_sent(
    system: System,
) -> None:
    """The link to pay the difference is queued with the request; if the booking is cancelled
    before it goes, the person gets the cancellation, never a link to a move that has ended."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    cohorts.emails()
    _ask(cohorts, app_id)  # its pay link is queued, not yet sent

    cancelled = system.admin("POST", f"/applications/{app_id}/cancel", json_body={})

    assert cancelled.status == 200, cancelled.body
    sent = cohorts.emails_to(ADA)
    assert sent
    assert not [m for m in sent if "difference" in m.subject.lower()], [m.subject for m in sent]


def test_a_difference_paid_after_a_start_brought_forward_moves_nothing_and_goes_back(
    system: System,
) -> None:
    """The organiser brings the dearer cohort's start forward into the open move's
    checkout hold; Ada pays the difference a minute after that new start. Joining a cohort
    that has begun is no move (``domain.paying.course_paid_for``, judged by the cohort the
    move joins): the booking stays where it was, the difference goes back whole, the seat
    held there is freed."""
    noon = datetime.combine(system.now().date() + timedelta(days=2), time(12), LONDON)
    system.clock_offset += noon - system.now()
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)
    start = (system.now() + timedelta(minutes=11)).astimezone(LONDON)
    session = {
        "date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{start + timedelta(hours=2):%H:%M}",
    }
    winter = cohorts.files["move-winter"] | {"sessions": [session]}
    moved_forward = system.admin("PUT", "/courses/move-winter", json_body=winter)
    assert moved_forward.status == 200, moved_forward.body
    system.clock_offset += timedelta(minutes=13)

    assert system.pay(pending["pay_url"]).status == 200

    assert _where_and_money(cohorts, app_id) == ("move-spring", "confirmed", None, 25000, 5000)
    assert cohorts.places_left("move-winter") == 5
    [told] = cohorts.emails_to(ADA)
    assert "not moved" in told.subject


@pytest.mark.parametrize("event", ["before_its_save", "after_its_save"])
def test_a_difference_paid_as_the_erasure_expires_its_checkout_goes_back_the_booking_kept(
    system: System, monkeypatch: pytest.MonkeyPatch, event: str
) -> None:
    """The person pays the move's difference in the very instant the erasure asks Stripe to
    expire its checkout. The erasure goes on (it keeps a booking whatever Stripe says) and the
    move goes with it, so the difference, paid for a move that no longer exists, goes back
    whole, whether its event comes before the erasure's save or after it (before, the event
    made the move first and the difference was kept); the booking's own payment is the
    erasure's to keep (bookkeeping): nothing more given back, the booking confirmed where it
    was."""
    cohorts = Cohorts(system)
    app_id, pending = _asked_and_told(cohorts)
    payments = system.ports.payments
    stripes_expire = payments.expire_checkout

    def paid_first(session_id: str) -> str:
        # Paid at Stripe as it is asked to expire it; its events handled at once.
        assert system.pay_session(session_id).status == 200
        return stripes_expire(session_id)

    if event == "before_its_save":
        monkeypatch.setattr(payments, "expire_checkout", paid_first)
        erased = system.admin("DELETE", f"/people/{ADA}")
        monkeypatch.undo()
    else:
        erased, _ = paid_while(
            system,
            lambda: system.pay(pending["pay_url"]),
            lambda: system.admin("DELETE", f"/people/{ADA}"),
        )

    assert erased.status == 200, erased.body
    record = cohorts.record(app_id)
    assert (record["course_id"], record["status"], record["pending_move"]) == (
        "move-spring",
        "confirmed",
        None,
    )
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 5000)
    assert system.stored(app_id).erased_at is not None
    assert cohorts.places_left("move-winter") == 5
    assert cohorts.places_left("move-spring") == 4
