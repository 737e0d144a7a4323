"""A newcomer's path over HTTP against `make run`'s stack: apply, pay, confirmed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from tests.e2e.conftest import RunningStack
from tests.support.applications import application_body

APPLICANT = application_body(name="Mary Seacole", email="mary@example.org")


def _apply(stack: RunningStack, **overrides: Any) -> requests.Response:
    course = stack.sample()
    return stack.post(
        f"/courses/{course['course_id']}/applications", json={**APPLICANT, **overrides}
    )


def test_sample_course_is_the_real_shape(stack: RunningStack) -> None:
    course = stack.sample()
    assert course["price"] == {"amount": 20000, "currency": "gbp"}
    assert course["capacity"] == 20
    assert course["timezone"] == "Europe/London"
    kinds = [s["kind"] for s in course["sessions"]]
    assert kinds == ["core"] * 6 + ["follow_up"] * 4
    assert all(s["start"].endswith("+01:00") for s in course["sessions"][:6])
    assert course["sessions"][-1]["start"].endswith("+00:00")  # December: GMT


def test_apply_pay_confirmed_and_replay_counts_once(stack: RunningStack) -> None:
    course_id = stack.sample()["course_id"]
    places_before = stack.sample()["places_left"]
    reply = _apply(stack, email="apply-pay@example.org")
    assert reply.status_code == 201, reply.text
    application = reply.json()
    assert application["status"] == "awaiting_payment"
    checkout_page = requests.get(application["checkout_url"], timeout=30)
    assert checkout_page.status_code == 200
    assert "£200.00" in checkout_page.text

    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    paid = stack.post(f"/_local/stripe/checkout/{session_id}/pay")
    assert paid.status_code == 200, paid.text
    assert paid.json()["webhook_status"] == 200
    status = requests.get(application["status_url"], timeout=30).json()
    assert status["status"] == "confirmed"
    assert stack.sample()["places_left"] == places_before - 1

    events = stack.get("/_local/stripe/events").json()
    completed = next(
        e
        for e in events
        if e["type"] == "checkout.session.completed" and e["data"]["object"]["id"] == session_id
    )
    for _ in range(3):
        resent = stack.post(f"/_local/stripe/events/{completed['id']}/resend")
        assert resent.json()["webhook_status"] == 200
    assert requests.get(application["status_url"], timeout=30).json()["status"] == "confirmed"
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == places_before - 1


# Far below the 30 s a delivery waits for its endpoint: a stand-in that waited on itself
# would fail this bound, not pass slowly.
PROMPT_SECONDS = 10


def test_a_duplicate_payment_is_refunded_without_the_stack_waiting_on_itself(
    stack: RunningStack,
) -> None:
    """The webhook refunds a second payment through the stand-in, whose refund events go to
    that same webhook function: the pay action answers promptly, every delivery received."""
    application = _apply(stack, email="pays-twice@example.org").json()
    first = application["checkout_url"].rsplit("/", 1)[-1]
    paid = stack.post(f"/_local/stripe/checkout/{first}/pay")
    assert paid.json()["webhook_status"] == 200
    # A second Checkout Session for the same application, opened at Stripe, not by us.
    opened = stack.post(
        "/_local/stripe/v1/checkout/sessions",
        headers={"Authorization": "Bearer sk_test_local"},
        data={
            "mode": "payment",
            "success_url": "https://example.org/paid",
            "client_reference_id": application["application_id"],
            "line_items[0][price_data][currency]": "gbp",
            "line_items[0][price_data][unit_amount]": "20000",
            "line_items[0][price_data][product_data][name]": "Second payment",
            "line_items[0][quantity]": "1",
        },
    )
    assert opened.status_code == 200, opened.text
    second = opened.json()["id"]

    again = requests.post(
        f"{stack.url}/_local/stripe/checkout/{second}/pay", timeout=PROMPT_SECONDS
    )

    assert again.status_code == 200, again.text
    assert again.json()["webhook_status"] == 200
    intent = again.json()["session"]["payment_intent"]
    about_it = [
        e
        for e in stack.get("/_local/stripe/events").json()
        if intent in (e["data"]["object"].get("payment_intent"), e["data"]["object"].get("id"))
    ]
    assert {e["type"] for e in about_it} >= {"charge.refunded", "refund.created"}
    assert all(e["pending_webhooks"] == 0 for e in about_it), "an event was never received"
    assert requests.get(application["status_url"], timeout=30).json()["status"] == "confirmed"


def test_browser_form_post_goes_to_checkout_then_status_page(stack: RunningStack) -> None:
    course_id = stack.sample()["course_id"]
    form = {
        **{k: str(v) for k, v in APPLICANT.items() if k != "consent"},
        "consent": "on",
        "email": "browser@example.org",
    }
    reply = stack.post(
        f"/courses/{course_id}/applications",
        data=form,
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )
    assert reply.status_code == 303
    checkout_url = reply.headers["Location"]
    session_id = checkout_url.rsplit("/", 1)[-1]
    paid = stack.post(
        f"/_local/stripe/checkout/{session_id}/pay",
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )
    assert paid.status_code == 303
    page = requests.get(paid.headers["Location"], headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "Your place is confirmed" in page.text


def test_tampered_signature_is_refused_and_changes_nothing(stack: RunningStack) -> None:
    application = _apply(stack, email="tamper@example.org").json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    places = stack.sample()["places_left"]
    event = {
        "id": "evt_forged",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "client_reference_id": application["application_id"],
                "payment_status": "paid",
                "amount_total": 20000,
            }
        },
    }
    body = json.dumps(event).encode()
    timestamp = int(time.time())
    good = hmac.new(b"whsec_local", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    forged = hmac.new(b"whsec_wrong", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    # One hex digit changed, always to a different digit: it can never equal the good one.
    tampered = good[:-1] + ("1" if good[-1] == "0" else "0")
    for signature in (f"t={timestamp},v1={forged}", f"t={timestamp},v1={tampered}", ""):
        reply = stack.post(
            "/webhooks/stripe",
            data=body,
            headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        )
        assert reply.status_code == 400
        assert reply.json()["error"]["code"] == "invalid_webhook"
    assert requests.get(application["status_url"], timeout=30).json()["status"] == (
        "awaiting_payment"
    )
    assert stack.sample()["places_left"] == places


def test_bad_forms_get_422_and_nothing_is_stored(stack: RunningStack) -> None:
    places = stack.sample()["places_left"]
    for bad in (
        {"email": "not-an-email"},
        {"consent": False},
        {"website": "spam"},
        {"name": ""},
        {"motivation": "x" * 5000},
    ):
        reply = _apply(stack, **bad)
        assert reply.status_code == 422, reply.text
        error = reply.json()["error"]
        assert error["code"] == "validation_failed"
        assert set(bad) <= set(error["fields"])
    course_id = stack.sample()["course_id"]
    assert (
        stack.post(
            f"/courses/{course_id}/applications",
            data=b"{oops",
            headers={"Content-Type": "application/json"},
        ).status_code
        == 400
    )
    assert stack.sample()["places_left"] == places
