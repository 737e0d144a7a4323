"""Apply, pay, confirmed: through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.domain.wording import ANSWER_FIELDS
from tests.support.stripe_client import requests_to
from tests.support.system import BASE_URL, COURSE_ID, WEBHOOK_SECRET, System, application_body
from tests.support.webhook_signature import stripe_signature


def _seat_count(system: System) -> int:
    return int(system.course()["capacity"]) - int(system.course()["places_left"])


def test_apply_creates_a_held_seat_and_a_checkout_session(system: System) -> None:
    before = datetime.now(UTC)
    reply = system.apply()
    assert reply.status == 201, reply.body
    application = reply.json()
    assert application["status"] == "awaiting_payment"
    assert application["checkout_url"].startswith(f"{BASE_URL}/_local/stripe/checkout/cs_test_")
    assert application["status_url"] == (
        f"{BASE_URL}/applications/{application['application_id']}?token={application['token']}"
    )
    assert reply.headers["location"] == application["status_url"]
    assert system.course()["places_left"] == 19

    [create] = requests_to(system.stripe_http, "/v1/checkout/sessions")
    params = create.params
    assert create.method == "post"
    assert params["mode"] == "payment"
    assert params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "gbp",
                "unit_amount": "20000",
                # The cohort by its first day too, as every message names it.
                "product_data": {
                    "name": "Compassionate Leadership Training, from Monday 7 June 2027"
                },
            },
        }
    ]
    assert params["client_reference_id"] == application["application_id"]
    assert params["metadata"] == {
        "application_id": application["application_id"],
        "course_id": COURSE_ID,
        "attempt": "1",
    }
    assert params["customer_email"] == "ada@example.org"
    expires_at = datetime.fromtimestamp(int(params["expires_at"]), tz=UTC)
    assert timedelta(minutes=30) < expires_at - before <= timedelta(minutes=32)
    assert params["success_url"] == f"{application['status_url']}&checkout=success"
    assert params["cancel_url"] == f"{application['status_url']}&checkout=cancelled"
    key = create.headers["idempotency-key"]
    assert re.fullmatch(rf"checkout-{application['application_id']}-1-[0-9a-f]{{8}}", key)
    # Nothing personal in metadata: ids only.
    assert "Ada" not in json.dumps(params["metadata"])


def test_paying_confirms_the_application_once(system: System) -> None:
    application = system.apply().json()
    paid = system.pay(application["checkout_url"])
    assert paid.status == 200, paid.body
    assert system.webhook_replies[-1].status == 200
    status = system.api(
        "GET", f"/applications/{application['application_id']}?token={application['token']}"
    ).json()
    assert status["status"] == "confirmed"
    assert status["checkout_url"] is None
    assert system.course()["places_left"] == 19


def test_replayed_paid_event_changes_nothing(system: System) -> None:
    application = system.apply().json()
    system.pay(application["checkout_url"])
    event_id = system.standin.events()[0]["id"]
    items_before = system.items()
    for _ in range(3):
        resent = system.stripe_local("POST", f"/events/{event_id}/resend")
        assert resent.status == 200
        assert system.webhook_replies[-1].status == 200
    assert system.course()["places_left"] == 19
    # Not one item changed: the replay was recognised and nothing was written.
    assert system.items() == items_before


def test_tampered_signature_is_refused_and_nothing_written(system: System) -> None:
    application = system.apply().json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    before = system.items()
    event = _completed_event(session_id, application["application_id"])
    body = json.dumps(event).encode()
    header = stripe_signature(body, WEBHOOK_SECRET).replace("v1=", "v1=0")
    assert system.webhook(body, {"stripe-signature": header}).status == 400
    assert system.webhook(body, {}).status == 400
    assert (
        system.webhook(body, {"stripe-signature": stripe_signature(body, "whsec_other")}).status
        == 400
    )
    stale = stripe_signature(body, WEBHOOK_SECRET, at=int(time.time()) - 301)
    assert system.webhook(body, {"stripe-signature": stale}).status == 400
    assert system.items() == before


def test_a_signature_from_the_future_is_refused_as_a_stale_one_is(system: System) -> None:
    application = system.apply().json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    before = system.items()
    body = json.dumps(_completed_event(session_id, application["application_id"])).encode()
    ahead = stripe_signature(body, WEBHOOK_SECRET, at=int(time.time()) + 301)
    reply = system.webhook(body, {"stripe-signature": ahead})
    assert reply.status == 400, reply.body
    assert reply.json()["error"]["fields"] == {"stripe-signature": "invalid or expired"}
    assert system.items() == before
    # A clock a little ahead of ours is within the same tolerance Stripe gives the past.
    skewed = stripe_signature(body, WEBHOOK_SECRET, at=int(time.time()) + 60)
    assert system.webhook(body, {"stripe-signature": skewed}).status == 200


def test_base64_encoded_webhook_body_is_verified_on_the_original_bytes(system: System) -> None:
    application = system.apply().json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    system.hold_webhooks = True  # paid at Stripe; its event is the one sent here
    assert system.pay(application["checkout_url"]).status == 200
    event = _completed_event(session_id, application["application_id"])
    event["data"]["object"]["payment_intent"] = system.checkout_session(session_id)[
        "payment_intent"
    ]
    body = json.dumps(event).encode()
    reply = system.webhook(
        body, {"stripe-signature": stripe_signature(body, WEBHOOK_SECRET)}, base64_body=True
    )
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "confirmed"


def test_unknown_session_is_acknowledged_and_ignored(system: System) -> None:
    before = system.items()
    body = json.dumps(_completed_event("cs_test_unknown", "no-such-application")).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200
    assert reply.json()["action"] == "ignore"
    assert system.items() == before


def test_unhandled_event_types_are_acknowledged(system: System) -> None:
    body = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": "customer.created",
            "data": {"object": {"object": "customer"}},
        }
    ).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200
    assert reply.json()["action"] == "ignore"


def test_expiry_releases_the_seat_and_a_late_expiry_never_undoes_confirmed(system: System) -> None:
    first = system.apply().json()
    session_id = first["checkout_url"].rsplit("/", 1)[-1]
    assert system.stripe_local("POST", f"/checkout/{session_id}/expire").status == 200
    status = system.api("GET", f"/applications/{first['application_id']}?token={first['token']}")
    assert status.json()["status"] == "expired"
    assert system.course()["places_left"] == 20

    second = system.apply(email="grace@example.org").json()
    system.pay(second["checkout_url"])
    expired_late = _event(
        "checkout.session.expired",
        second["checkout_url"].rsplit("/", 1)[-1],
        second["application_id"],
        payment_status="unpaid",
        status="expired",
    )
    body = json.dumps(expired_late).encode()
    assert system.signed_webhook(body).status == 200
    status = system.api("GET", f"/applications/{second['application_id']}?token={second['token']}")
    assert status.json()["status"] == "confirmed"
    assert system.course()["places_left"] == 19


def test_restarting_checkout_after_expiry(system: System) -> None:
    first = system.apply().json()
    session_id = first["checkout_url"].rsplit("/", 1)[-1]
    system.stripe_local("POST", f"/checkout/{session_id}/expire")
    path = f"/applications/{first['application_id']}/checkout?token={first['token']}"
    restarted = system.api("POST", path)
    assert restarted.status == 201, restarted.body
    new_url = restarted.json()["checkout_url"]
    assert new_url != first["checkout_url"]
    assert system.course()["places_left"] == 19
    [_, second_create] = requests_to(system.stripe_http, "/v1/checkout/sessions")
    assert second_create.headers["idempotency-key"].startswith(
        f"checkout-{first['application_id']}-2-"
    )
    system.pay(new_url)
    assert system.api("GET", path.replace("/checkout", "")).json()["status"] == "confirmed"
    assert system.api("POST", path).status == 409


def test_restarting_while_open_answers_the_open_session(system: System) -> None:
    """A restart while the session is open is that session (a new one expired
    the old under the person); one that is no longer open is replaced
    (``test_start_payment_again_idempotent``)."""
    first = system.apply().json()
    path = f"/applications/{first['application_id']}/checkout?token={first['token']}"
    restarted = system.api("POST", path)
    assert restarted.status == 201
    assert restarted.json()["checkout_url"] == first["checkout_url"]
    assert system.course()["places_left"] == 19


def test_idempotency_key_returns_the_first_answer(system: System) -> None:
    headers = {"idempotency-key": "retry-me-123"}
    first = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(), headers=headers
    )
    second = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(), headers=headers
    )
    assert first.status == 201
    assert second.status == 201
    assert first.json() == second.json()
    assert len(system.applications()) == 1
    assert system.course()["places_left"] == 19
    different = system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        json_body=application_body(name="Someone Else"),
        headers=headers,
    )
    different.refused(409, "idempotency_key_reused")


def test_form_post_from_a_browser_redirects_to_checkout(system: System) -> None:
    form = {k: str(v) for k, v in application_body().items() if k != "consent"}
    form["consent"] = "on"
    reply = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", form=form, headers={"accept": "text/html"}
    )
    assert reply.status == 303
    assert "/_local/stripe/checkout/cs_test_" in reply.headers["location"]


def test_form_with_mistakes_comes_back_with_errors_beside_fields(system: System) -> None:
    form = {k: str(v) for k, v in application_body(email="not-an-email").items() if k != "consent"}
    form["name"] = "<script>alert(1)</script>"
    reply = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", form=form, headers={"accept": "text/html"}
    )
    assert reply.status == 422
    assert reply.headers["content-type"].startswith("text/html")
    assert 'id="email-error"' in reply.body
    assert 'id="consent-error"' in reply.body
    assert "<script>alert(1)</script>" not in reply.body
    assert "&lt;script&gt;" in reply.body
    assert system.applications() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"consent": False}, "consent"),
        ({"website": "http://spam.example"}, "website"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"motivation": "y" * 4001}, "motivation"),
        ({"name": 42}, "name"),
        ({"name": "bell\x07"}, "name"),
    ],
)
def test_bad_fields_get_422_field_by_field_and_nothing_stored(
    system: System, body: dict[str, Any], field: str
) -> None:
    reply = system.apply(**body)
    error = reply.refused(422, "validation_failed")
    assert field in error["fields"]
    assert system.applications() == []
    assert system.course()["places_left"] == 20


def test_missing_fields_are_each_named(system: System) -> None:
    reply = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body={})
    assert reply.status == 422
    # Every answer is required but the accessibility needs; consent is too.
    required = {*ANSWER_FIELDS, "consent"} - {"accessibility_needs"}
    assert set(reply.json()["error"]["fields"]) >= required


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "bad_request"),
        (b"[1, 2]", "application/json", 400, "bad_request"),
        (b"name=x", "text/plain", 415, "unsupported_media_type"),
        (b"x" * (64 * 1024 + 1), "application/json", 413, "payload_too_large"),
    ],
)
def test_malformed_bodies_get_clear_4xx(
    system: System, raw: bytes, content_type: str, status: int, code: str
) -> None:
    reply = system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        raw=raw,
        headers={"content-type": content_type},
    )
    assert reply.status == status
    assert reply.json()["error"]["code"] == code
    assert system.applications() == []


def test_unknown_course_and_application_are_404(system: System) -> None:
    assert system.api("GET", "/courses/nope").status == 404
    assert system.apply(course_id="nope").status == 404
    assert system.api("GET", "/applications/abc?token=x").status == 404
    application = system.apply().json()
    wrong = system.api("GET", f"/applications/{application['application_id']}?token=wrong")
    wrong.refused(404, "not_found")
    assert system.api("GET", "/nowhere").status == 404


def test_full_course_puts_new_applicants_on_the_waiting_list(system: System) -> None:
    system.put_course("tiny-course", system.one_session_file(title="Tiny"))
    assert system.apply(course_id="tiny-course").status == 201
    late = system.apply(course_id="tiny-course", email="late@example.org")
    assert late.status == 201
    assert late.json()["status"] == "waitlisted"
    assert late.json()["waitlist_position"] == 1
    assert late.json()["checkout_url"] is None
    assert system.course("tiny-course")["status"] == "full"
    assert len(system.applications()) == 2


def test_stripe_outage_keeps_the_application_without_a_seat(system: System) -> None:
    system.stripe_http.fail_next = [503]
    reply = system.apply()
    assert reply.status == 503
    assert reply.headers["retry-after"]
    error = reply.json()["error"]
    assert error["code"] == "payment_provider_unavailable"
    kept = error["application"]
    assert kept["status"] == "awaiting_payment"
    assert system.course()["places_left"] == 20
    retry = system.api(
        "POST", f"/applications/{kept['application_id']}/checkout?token={kept['token']}"
    )
    assert retry.status == 201
    assert system.course()["places_left"] == 19


def test_stripe_outage_on_restart_releases_the_seat(system: System) -> None:
    first = system.apply().json()
    system.stripe_local("POST", f"/checkout/{first['checkout_url'].rsplit('/', 1)[-1]}/expire")
    system.stripe_http.fail_next = [500]
    path = f"/applications/{first['application_id']}/checkout?token={first['token']}"
    reply = system.api("POST", path)
    assert reply.status == 503
    assert system.course()["places_left"] == 20


def test_served_openapi_document_is_valid_openapi_3_1(system: System) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    document = system.api("GET", "/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": BASE_URL}]
    assert list(OpenAPIV31SpecValidator(document).iter_errors()) == []


def test_course_sessions_carry_the_offset_in_force_that_day(system: System) -> None:
    sessions = system.course()["sessions"]
    assert len(sessions) == 10
    assert sessions[0]["start"].endswith("T15:00:00+01:00")
    assert sessions[-1]["start"].endswith("T16:00:00+00:00")


def test_application_form_page_is_served(system: System) -> None:
    page = system.api("GET", f"/courses/{COURSE_ID}/apply")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "£200.00" in page.body
    assert "BST" in page.body
    assert "GMT" in page.body
    assert 'for="email"' in page.body


def _event(event_type: str, session_id: str, application_id: str, **session: Any) -> dict[str, Any]:
    return {
        "id": f"evt_test_{event_type}_{session_id}",
        "object": "event",
        "type": event_type,
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "client_reference_id": application_id,
                "metadata": {"application_id": application_id},
                "amount_total": 20000,
                "currency": "gbp",
                "payment_intent": "pi_test_1",
                **session,
            }
        },
    }


def _completed_event(session_id: str, application_id: str) -> dict[str, Any]:
    return _event(
        "checkout.session.completed",
        session_id,
        application_id,
        payment_status="paid",
        status="complete",
    )


def test_browsers_get_error_pages_not_json(system: System) -> None:
    html = {"accept": "text/html,application/xhtml+xml"}
    missing = system.api("GET", "/courses/nope/apply", headers=html)
    assert missing.status == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "We could not find that page" in missing.body
    system.stripe_http.fail_next = [503]
    form = {k: str(v) for k, v in application_body().items() if k != "consent"}
    form["consent"] = "on"
    outage = system.api("POST", f"/courses/{COURSE_ID}/applications", form=form, headers=html)
    assert outage.status == 303  # the application was kept: to its status page
    assert system.api("GET", "/courses/nope").headers["content-type"].startswith("application/json")


def test_a_browser_landing_on_a_course_gets_its_page_and_a_json_client_the_course(
    system: System,
) -> None:
    page = system.api("GET", f"/courses/{COURSE_ID}", headers={"accept": "text/html"})
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Compassionate Leadership Training" in page.body
    assert f'action="{BASE_URL}/courses/{COURSE_ID}/applications"' in page.body
    course = system.api("GET", f"/courses/{COURSE_ID}")
    assert course.headers["content-type"].startswith("application/json")
    assert course.json()["course_id"] == COURSE_ID


def test_a_wrong_method_is_405_with_allow(system: System) -> None:
    reply = system.api("DELETE", f"/courses/{COURSE_ID}/applications")
    assert reply.status == 405
    assert reply.headers["allow"] == "POST"
    assert reply.json()["error"]["code"] == "method_not_allowed"
    assert system.api("PUT", f"/courses/{COURSE_ID}").headers["allow"] == "GET, HEAD"
    assert system.api("GET", "/no/such/path").status == 404


def test_the_front_door_leads_to_the_courses_page_and_on_to_the_course(system: System) -> None:
    home = system.api("GET", "/", headers={"accept": "text/html"})
    assert home.status == 303
    assert home.headers["location"] == f"{BASE_URL}/courses"
    page = system.api("GET", "/courses", headers={"accept": "text/html"})
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f'href="{BASE_URL}/courses/{COURSE_ID}/apply"' in page.body
    # JSON clients still get the contract's list.
    listed = system.api("GET", "/courses")
    assert listed.headers["content-type"].startswith("application/json")
    [course] = listed.json()
    assert course["organisation"].startswith("Sussex Mindfulness Centre")
    assert course["location"] == "Online"
    assert course["overview"]
    assert course["audience"]
