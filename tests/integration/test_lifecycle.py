"""Holds, waiting list, approval, cancellation and refunds through the real handlers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from booking.domain.wording import moment_when
from booking.services.lifecycle import sweep
from tests.support.applications import session_id_of
from tests.support.offers import first_offered
from tests.support.stripe_client import requests_to
from tests.support.stripe_events import heard_late_and_refunded, paid_unheard
from tests.support.system import COURSE_ID, STRIPE_KEY, System


def _course_definition(system: System, **overrides: Any) -> dict[str, Any]:
    return system.one_session_file(
        programme="compassionate-leadership",
        facilitators=["facilitator@example.org"],
        **overrides,
    )


def test_expiry_offers_the_seat_to_the_first_in_line(system: System) -> None:
    assert system.admin("PUT", "/courses/small", json_body=_course_definition(system)).status == 201
    holder = system.apply(course_id="small").json()
    first = system.apply(course_id="small", email="first@example.org").json()
    second = system.apply(course_id="small", email="second@example.org").json()
    assert (first["status"], second["status"]) == ("waitlisted", "waitlisted")
    assert system.status_of(second)["waitlist_position"] == 2

    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(holder)["status"] == "expired"
    offered = system.status_of(first)
    assert offered["status"] == "offered"
    assert offered["offer_expires_at"]
    assert system.status_of(second)["waitlist_position"] == 1
    assert system.course("small")["places_left"] == 0

    checkout = system.api(
        "POST", f"/applications/{first['application_id']}/checkout?token={first['token']}"
    )
    assert checkout.status == 201
    system.pay(checkout.json()["checkout_url"])
    assert system.status_of(first)["status"] == "confirmed"


def test_lapsed_offer_passes_to_the_next_in_line(system: System) -> None:
    first, second = first_offered(system)
    later = datetime.now(UTC) + timedelta(hours=49)
    with time_machine.travel(later, tick=False):
        summary = sweep(system.ports, later)
        assert summary.holds_released == 1
        assert summary.offers_made == 1
        assert system.status_of(first)["status"] == "expired"
        assert system.status_of(second)["status"] == "offered"


def test_sweep_releases_a_hold_whose_expiry_event_was_lost(system: System) -> None:
    application = system.apply().json()
    assert system.course()["places_left"] == 19
    later = datetime.now(UTC) + timedelta(minutes=40)
    with time_machine.travel(later, tick=False):
        system.lose_webhooks = True
        summary = sweep(system.ports, later)
    assert summary.holds_released == 1
    assert system.status_of(application)["status"] == "expired"
    assert system.course()["places_left"] == 20


def test_sweep_leaves_a_paid_session_to_the_payment_webhook(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    later = datetime.now(UTC) + timedelta(minutes=40)
    summary = sweep(system.ports, later)
    assert summary.holds_released == 0
    assert system.status_of(application)["status"] == "confirmed"


def _expired_twin(completed: dict[str, Any]) -> bytes:
    """An out-of-order expiry for a session that was in fact paid (Stripe reorders events)."""
    session = {**completed["data"]["object"], "status": "expired", "payment_status": "unpaid"}
    expired = {
        **completed,
        "id": "evt_out_of_order",
        "type": "checkout.session.expired",
        "data": {"object": session},
    }
    return json.dumps(expired).encode()


def test_late_payment_on_a_full_course_is_refunded(system: System) -> None:
    system.admin("PUT", "/courses/small", json_body=_course_definition(system))
    late = system.apply(course_id="small").json()
    # The applicant pays, but Stripe's completed event is delayed...
    completed = paid_unheard(system, late)
    # ...an out-of-order expiry releases the hold, and someone else takes the seat.
    body = _expired_twin(completed)
    reply = system.signed_webhook(body)
    assert reply.status == 200
    taker = system.apply(course_id="small", email="taker@example.org").json()
    assert taker["status"] == "awaiting_payment"
    # The delayed payment lands: refunded at once, never squeezed in over capacity.
    heard_late_and_refunded(system, late, completed)
    assert system.course("small")["places_left"] == 0


def test_late_payment_takes_a_seat_that_is_still_free(system: System) -> None:
    late = system.apply().json()
    completed = paid_unheard(system, late)
    body = _expired_twin(completed)
    system.signed_webhook(body)
    assert system.course()["places_left"] == 20
    system.stripe_local("POST", f"/events/{completed['id']}/resend")
    assert system.status_of(late)["status"] == "confirmed"
    assert system.course()["places_left"] == 19


def test_approval_required_course(system: System) -> None:
    definition = _course_definition(
        system, approval_required=True, capacity=1, decline_message="Thank you for applying."
    )
    system.admin("PUT", "/courses/reviewed", json_body=definition)
    first = system.apply(course_id="reviewed").json()
    assert first["status"] == "pending_review"
    assert first["checkout_url"] is None
    assert system.course("reviewed")["places_left"] == 1
    second = system.apply(course_id="reviewed", email="second@example.org").json()
    third = system.apply(course_id="reviewed", email="third@example.org").json()

    approved = system.admin("POST", f"/applications/{first['application_id']}/approve")
    assert approved.status == 200, approved.body
    assert approved.json()["status"] == "offered"
    assert system.course("reviewed")["places_left"] == 0
    waiting = system.admin("POST", f"/applications/{second['application_id']}/approve")
    assert waiting.json()["status"] == "waitlisted"
    declined = system.admin("POST", f"/applications/{third['application_id']}/decline")
    assert declined.json()["status"] == "declined"
    again = system.admin("POST", f"/applications/{third['application_id']}/approve")
    assert again.status == 409

    pay = system.api(
        "POST", f"/applications/{first['application_id']}/checkout?token={first['token']}"
    )
    system.pay(pay.json()["checkout_url"])
    assert system.status_of(first)["status"] == "confirmed"


def test_cancel_with_refund_ends_refunded_via_the_webhook(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    reply = system.cancel(application["application_id"])
    assert reply.status == 200, reply.body
    # The stand-in sends refund.created and charge.refunded to the webhook.
    assert system.status_of(application)["status"] == "refunded"
    assert system.course()["places_left"] == 20
    roster = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    [row] = roster
    assert (row["amount_paid"], row["amount_refunded"]) == (20000, 20000)


def test_cancel_without_refund_frees_the_seat(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    reply = system.cancel(application["application_id"], refund=None)
    assert reply.json()["status"] == "cancelled"
    assert system.course()["places_left"] == 20
    assert not requests_to(system.stripe_http, "/v1/refunds")


def test_partial_refund_is_recorded_and_the_booking_stands(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    events = system.standin.events()
    payment_intent = events[0]["data"]["object"]["payment_intent"]
    system.refund_at_stripe(payment_intent, 5000)
    assert system.status_of(application)["status"] == "confirmed"
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert row["amount_refunded"] == 5000
    assert system.course()["places_left"] == 19


def test_refund_from_the_stripe_dashboard_frees_the_seat(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    assert (
        system.stripe_local("POST", f"/checkout/{session_id_of(application)}/refund").status == 200
    )
    assert system.status_of(application)["status"] == "refunded"
    assert system.course()["places_left"] == 20


def test_applications_that_end_unpaid_are_deleted_by_ttl_after_90_days(system: System) -> None:
    expired = system.apply().json()
    system.stripe_local("POST", f"/checkout/{session_id_of(expired)}/expire")
    paid = system.apply(email="paid@example.org").json()
    system.pay(paid["checkout_url"])
    items = {i["pk"]["S"]: i for i in system.applications()}
    ttl = int(items[f"APP#{expired['application_id']}"]["expires_at_ttl"]["N"])
    expected = datetime.now(UTC) + timedelta(days=90)
    assert abs(ttl - expected.timestamp()) < 120
    assert "expires_at_ttl" not in items[f"APP#{paid['application_id']}"]


def _queued_kinds(system: System) -> list[str]:
    messages = system.sqs.receive_message(
        QueueUrl=system.resources.email_queue_url, MaxNumberOfMessages=10
    ).get("Messages", [])
    return [json.loads(m["Body"])["kind"] for m in messages]


def test_an_abandoned_checkout_does_not_end_an_offer(system: System) -> None:
    system.admin(
        "PUT", "/courses/reviewed", json_body=_course_definition(system, approval_required=True)
    )
    application = system.apply(course_id="reviewed").json()
    system.admin("POST", f"/applications/{application['application_id']}/approve")
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    checkout = system.api("POST", path).json()["checkout_url"]
    system.stripe_local("POST", f"/checkout/{checkout.rsplit('/', 1)[-1]}/expire")
    assert system.status_of(application)["status"] == "offered"
    assert system.course("reviewed")["places_left"] == 0
    again = system.api("POST", path)
    assert again.status == 201


def test_restarting_an_open_checkout_sends_no_expiry_email(system: System) -> None:
    application = system.apply().json()
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    assert system.api("POST", path).status == 201
    assert system.status_of(application)["status"] == "awaiting_payment"
    assert "checkout_expired" not in _queued_kinds(system)
    assert system.course()["places_left"] == 19


def test_two_restarts_leave_one_payable_session(system: System) -> None:
    application = system.apply().json()
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    urls = [system.api("POST", path).json()["checkout_url"] for _ in range(2)]
    first_session = application["checkout_url"].rsplit("/", 1)[-1]
    open_sessions = [
        session_id
        for session_id in dict.fromkeys((first_session, *(u.rsplit("/", 1)[-1] for u in urls)))
        if system.stripe_local(
            "GET",
            f"/v1/checkout/sessions/{session_id}",
            b"",
            STRIPE_KEY,
        ).json()["status"]
        == "open"
    ]
    assert open_sessions == [urls[-1].rsplit("/", 1)[-1]]


def test_a_refund_that_overtakes_its_payment_is_retried_until_the_payment_lands(
    system: System,
) -> None:
    application = system.paid_and_refunded_unheard()
    completed, *refund_events = system.pending
    assert len(refund_events) == 2  # refund.created, charge.refunded
    for body, headers in refund_events:
        assert system.webhook(body, headers).status == 503  # Stripe will redeliver
    assert system.webhook(*completed).status == 200
    for body, headers in refund_events:
        assert system.webhook(body, headers).status == 200
    assert system.status_of(application)["status"] == "refunded"
    assert system.course()["places_left"] == 20


def test_a_pending_refund_does_not_end_the_booking(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    completed = system.standin.events()[0]
    payment_intent = completed["data"]["object"]["payment_intent"]
    pending = {
        "id": "evt_pending_refund",
        "object": "event",
        "type": "refund.created",
        "data": {
            "object": {
                "id": "re_pending",
                "object": "refund",
                "amount": 20000,
                "status": "pending",
                "payment_intent": payment_intent,
            }
        },
    }
    body = json.dumps(pending).encode()
    assert system.signed_webhook(body).status == 200
    assert system.status_of(application)["status"] == "confirmed"
    assert system.course()["places_left"] == 19


def test_one_live_application_per_person_per_course(system: System) -> None:
    first = system.apply(email="Once@Example.org").json()
    again = system.apply(email="once@example.org")
    again.refused(409, "already_applied")
    assert "token" not in again.body  # the link goes to their inbox, not to whoever asked
    assert len(system.applications()) == 1
    assert system.course()["places_left"] == 19
    kinds = _queued_kinds(system)
    assert kinds.count("application_received") == 1
    assert kinds.count("already_applied") == 1  # where the first stands, to its own inbox
    # Another course is a different matter.
    system.admin("PUT", "/courses/other", json_body=_course_definition(system, capacity=5))
    assert system.apply(course_id="other", email="once@example.org").status == 201
    # Once cancelled, the person may apply again.
    system.cancel(first["application_id"], refund=None)
    assert system.apply(email="once@example.org").status == 201


def test_facilitators_of_an_approval_course_hear_at_submission_and_at_payment(
    system: System,
) -> None:
    system.admin(
        "PUT", "/courses/reviewed", json_body=_course_definition(system, approval_required=True)
    )
    application = system.apply(course_id="reviewed").json()
    system.admin("POST", f"/applications/{application['application_id']}/approve")
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    system.pay(system.api("POST", path).json()["checkout_url"])
    kinds = _queued_kinds(system)
    assert kinds.count("facilitator_copy") == 2
    assert kinds.count("offer") == 1
    assert kinds.count("booking_confirmed") == 1


def test_a_decline_can_carry_the_organisers_own_words(system: System) -> None:
    system.admin(
        "PUT",
        "/courses/reviewed",
        json_body=_course_definition(
            system, approval_required=True, decline_message="Thank you for applying."
        ),
    )
    application = system.apply(course_id="reviewed").json()
    too_long = system.admin(
        "POST",
        f"/applications/{application['application_id']}/decline",
        json_body={"message": "x" * 4001},
    )
    assert too_long.status == 422
    assert "message" in too_long.json()["error"]["fields"]
    reply = system.admin(
        "POST",
        f"/applications/{application['application_id']}/decline",
        json_body={"message": "This cohort is for ward managers."},
    )
    assert reply.json()["status"] == "declined"
    stored = system.stored(application)
    assert stored.decline_note == "This cohort is for ward managers."


def test_an_offer_made_by_a_scheduled_run_runs_from_the_runs_time(system: System) -> None:
    """The offer's deadline (and the email saying it) is the run's time plus the offer
    period, whatever the wall clock says: a run a week ahead does not make an offer that a
    run a minute later finds lapsed."""
    definition = _course_definition(system, offer_valid_hours=48)
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    holder = system.apply(course_id="small").json()
    waiting = system.apply(course_id="small", email="first@example.org").json()
    assert waiting["status"] == "waitlisted"
    run = (system.now() + timedelta(days=7)).replace(microsecond=0)

    assert system.scheduled_run(run)["offers_made"] == 1
    assert system.status_of(holder)["status"] == "expired"
    offered = system.status_of(waiting)
    assert offered["status"] == "offered"
    assert datetime.fromisoformat(offered["offer_expires_at"]) == run + timedelta(hours=48)

    a_minute_later = system.scheduled_run(run + timedelta(minutes=1))
    assert a_minute_later["holds_released"] == 0
    assert system.status_of(waiting)["status"] == "offered"
    deadline = moment_when(run + timedelta(hours=48), "Europe/London")
    saying = [m for m in system.deliver_emails() if "holding it for you" in m.text]
    assert any(m.subject.startswith("A place is available") for m in saying)
    assert all(f"holding it for you until {deadline}." in m.text for m in saying)
