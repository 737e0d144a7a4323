"""The local Stripe stand-in, driven through the real ``stripe.StripeClient`` without a network."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from infra.local.stripe_standin import StripeStandIn, decode_form
from infra.local.stripe_standin.events import Deliver
from tests.support.standin import (
    API_KEY,
    BASE,
    FIXTURES,
    SECRET,
    WEBHOOK_URL,
    Clock,
    Recorder,
    local,
    local_json,
)
from tests.support.stripe_client import InProcessHTTPClient, stripe_client


def session_params(clock: Clock, **overrides: Any) -> dict[str, Any]:
    """The parameters our app sends when it opens a checkout."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 20000,
                    "product_data": {"name": "Wheel-throwing weekend"},
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": "app_123",
        "metadata": {"application_id": "app_123", "course_id": "course_9"},
        "customer_email": "ada@example.com",
        "expires_at": int(clock.now) + 1800,
        "success_url": "https://courses.example/paid?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://courses.example/cancelled",
    }
    params.update(overrides)
    return params


def create(
    client: stripe.StripeClient, clock: Clock, key: str = "idem-1", **overrides: Any
) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        session_params(clock, **overrides),  # type: ignore[arg-type]
        options={"idempotency_key": key},
    )


def pay(standin: StripeStandIn, session_id: str, **fields: str) -> dict[str, Any]:
    response = local(
        standin,
        "POST",
        f"/checkout/{session_id}/pay",
        json.dumps(fields).encode(),
        {"accept": "application/json", "content-type": "application/json"},
    )
    assert response.status == 200, response.body
    result: dict[str, Any] = json.loads(response.body)
    return result


# ---------------------------------------------------------------- sessions


def test_create_session_has_stripes_full_shape_and_our_values(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    session = create(client, clock)

    assert session.id.startswith("cs_test_")
    assert len(session.id) >= len("cs_test_") + 24
    assert session.object == "checkout.session"
    assert session.status == "open"
    assert session.payment_status == "unpaid"
    assert session.mode == "payment"
    assert session.amount_total == 20000
    assert session.amount_subtotal == 20000
    assert session.currency == "gbp"
    assert session.client_reference_id == "app_123"
    assert session.customer_email == "ada@example.com"
    assert session.customer_details is not None
    assert session.customer_details.email == "ada@example.com"
    assert session.metadata is not None
    assert session.metadata.to_dict() == {"application_id": "app_123", "course_id": "course_9"}
    assert session.expires_at == int(clock.now) + 1800
    assert session.created == int(clock.now)
    assert session.livemode is False
    assert session.payment_intent is None
    assert session.url == f"{BASE}/_local/stripe/checkout/{session.id}"
    fixture = json.loads((FIXTURES / "checkout_session.json").read_text())
    assert set(session.to_dict()) == set(fixture)

    fetched = client.v1.checkout.sessions.retrieve(session.id)
    assert fetched.to_dict() == session.to_dict()


def test_idempotent_replay_returns_the_same_session_and_mismatch_is_refused(
    client: stripe.StripeClient, clock: Clock
) -> None:
    first = create(client, clock, key="same-key")
    replay = create(client, clock, key="same-key")
    assert replay.id == first.id

    with pytest.raises(stripe.IdempotencyError):
        create(client, clock, key="same-key", client_reference_id="someone_else")

    other = create(client, clock, key="other-key")
    assert other.id != first.id


@pytest.mark.parametrize("offset", [1800 - 60, 24 * 3600 + 60])
def test_expires_at_outside_30_minutes_to_24_hours_is_refused(
    client: stripe.StripeClient, clock: Clock, offset: int
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(client, clock, expires_at=int(clock.now) + offset)
    assert caught.value.param == "expires_at"
    assert caught.value.http_status == 400


def test_missing_line_items_and_success_url_and_unknown_params_are_refused(
    client: stripe.StripeClient, clock: Clock
) -> None:
    params = session_params(clock)
    del params["line_items"]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    assert caught.value.param == "line_items"

    params = session_params(clock)
    del params["success_url"]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(params)  # type: ignore[arg-type]
    assert caught.value.param == "success_url"

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(
            session_params(clock, custmer_email="typo@example.com")  # type: ignore[arg-type]
        )
    assert caught.value.param == "custmer_email"


def test_unknown_ids_are_404_resource_missing(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.events.retrieve("evt_nope")
    assert caught.value.code == "resource_missing"


def test_missing_or_bad_api_key_is_401(standin: StripeStandIn) -> None:
    response = standin.handle("GET", "/v1/events", {}, {}, b"")
    assert response.status == 401
    error = json.loads(response.body)["error"]
    assert error["type"] == "invalid_request_error"
    assert "API key" in error["message"]

    bad = stripe.StripeClient(
        "pk_test_publishable",
        base_addresses={"api": f"{BASE}/_local/stripe"},
        http_client=InProcessHTTPClient(standin),
    )
    with pytest.raises(stripe.AuthenticationError):
        bad.v1.events.list()


# ---------------------------------------------------------------- pay / expire


def test_pay_completes_the_session_and_sends_a_verified_completed_event(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)

    result = pay(standin, session.id)

    assert result["webhook_status"] == 200
    assert webhooks.types == ["checkout.session.completed"]
    event = webhooks.events[0]
    assert event.id == result["event_id"]
    assert event["api_version"] == stripe.api_version
    assert event["livemode"] is False
    assert event["pending_webhooks"] == 1
    assert event["request"].to_dict() == {"id": None, "idempotency_key": None}
    paid = event["data"]["object"]
    assert paid["id"] == session.id
    assert paid["status"] == "complete"
    assert paid["payment_status"] == "paid"
    assert paid["payment_intent"].startswith("pi_")
    assert paid["metadata"]["application_id"] == "app_123"
    assert paid["amount_total"] == 20000
    assert result["session"]["payment_intent"] == paid["payment_intent"]

    fetched = client.v1.checkout.sessions.retrieve(session.id)
    assert fetched.status == "complete"
    intent = client.v1.payment_intents.retrieve(paid["payment_intent"])
    assert intent.status == "succeeded"
    assert intent.amount == 20000
    assert isinstance(intent.latest_charge, str)
    assert intent.latest_charge.startswith("ch_")


def test_pay_from_a_browser_redirects_to_the_success_url(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    response = local(
        standin,
        "POST",
        f"/checkout/{session.id}/pay",
        b"",
        {
            "accept": "text/html,application/xhtml+xml",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status == 303
    assert response.headers["Location"] == (f"https://courses.example/paid?session_id={session.id}")
    assert webhooks.types == ["checkout.session.completed"]


def test_paying_twice_is_409(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    pay(standin, session.id)
    response = local(standin, "POST", f"/checkout/{session.id}/pay")
    assert response.status == 409
    assert "error" in json.loads(response.body)
    assert webhooks.types == ["checkout.session.completed"]


def test_paying_twice_from_a_browser_answers_a_page_in_words(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    """Back, then Pay again: Stripe's hosted page says the checkout is paid; the JSON error
    stays for API clients (above)."""
    session = create(client, clock)
    pay(standin, session.id)
    browser = {
        "accept": "text/html,application/xhtml+xml",
        "content-type": "application/x-www-form-urlencoded",
    }
    for action in ("pay", "expire"):
        response = local(standin, "POST", f"/checkout/{session.id}/{action}", b"", browser)
        page = response.body.decode()
        assert response.status == 409
        assert response.headers["Content-Type"].startswith("text/html")
        assert "This checkout session has been paid. Nothing was done" in page
        assert f'href="/_local/stripe/checkout/{session.id}"' in page
        assert '"error"' not in page
    assert webhooks.types == ["checkout.session.completed"]


def test_api_expire_sends_expired_event_and_refuses_a_second_time(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    expired = client.v1.checkout.sessions.expire(
        session.id, options={"idempotency_key": "expire-1"}
    )
    assert expired.status == "expired"
    assert expired.url is None
    assert webhooks.types == ["checkout.session.expired"]
    assert webhooks.events[0]["request"]["idempotency_key"] == "expire-1"
    assert webhooks.events[0]["request"]["id"].startswith("req_")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.expire(session.id)
    assert caught.value.http_status == 400

    assert local(standin, "POST", f"/checkout/{session.id}/pay").status == 409


def test_webhooks_of_api_calls_wait_while_held_and_local_actions_do_not(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    """A scheduled run holds the webhooks its calls cause until it has finished deciding."""
    paid_now = create(client, clock, key="paid")
    expiring = create(client, clock, key="expiring")
    with standin.webhooks_held():
        with standin.webhooks_held():  # runs may overlap: the last one out delivers
            client.v1.checkout.sessions.expire(expiring.id)
        assert webhooks.types == []
        pay(standin, paid_now.id)  # a person's action on a page: delivered at once
        assert webhooks.types == ["checkout.session.completed"]
    assert webhooks.types == ["checkout.session.completed", "checkout.session.expired"]
    client.v1.checkout.sessions.expire(create(client, clock, key="after").id)
    assert webhooks.types[-1] == "checkout.session.expired"
    assert len(webhooks.types) == 3


def test_local_expire_and_lapsed_sessions(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    first = create(client, clock, key="a")
    result = local_json(standin, "POST", f"/checkout/{first.id}/expire")
    assert result["session"]["status"] == "expired"
    assert result["webhook_status"] == 200
    assert local(standin, "POST", f"/checkout/{first.id}/expire").status == 409

    second = create(client, clock, key="b")
    clock.now += 1801
    assert standin.expire_due() == [second.id]
    assert webhooks.types == ["checkout.session.expired", "checkout.session.expired"]
    assert client.v1.checkout.sessions.retrieve(second.id).status == "expired"


def test_webhook_handler_may_call_back_into_the_standin(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    """The lock is not held while delivering, so a handler can retrieve and refund."""
    refunded: list[str] = []

    def handler(event: stripe.Event) -> None:
        if event["type"] == "checkout.session.completed":
            session_id = event["data"]["object"]["id"]
            fetched = client.v1.checkout.sessions.retrieve(session_id)
            assert isinstance(fetched.payment_intent, str)
            refund = client.v1.refunds.create({"payment_intent": fetched.payment_intent})
            refunded.append(refund.id)

    webhooks.on_event = handler
    session = create(client, clock)
    pay(standin, session.id)
    assert len(refunded) == 1
    assert webhooks.types == ["checkout.session.completed", "refund.created", "charge.refunded"]


# ---------------------------------------------------------------- refunds


def test_refund_via_api_updates_the_charge_and_sends_events(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    intent_id = pay(standin, session.id)["session"]["payment_intent"]

    partial = client.v1.refunds.create(
        {"payment_intent": intent_id, "amount": 5000, "reason": "requested_by_customer"},
        options={"idempotency_key": "refund-1"},
    )
    assert partial.id.startswith("re_")
    assert partial.amount == 5000
    assert partial.status == "succeeded"
    assert partial.payment_intent == intent_id
    assert webhooks.types[-2:] == ["refund.created", "charge.refunded"]
    charge = webhooks.events[-1]["data"]["object"]
    assert charge["amount_refunded"] == 5000
    assert charge["refunded"] is False
    assert [r["id"] for r in charge["refunds"]["data"]] == [partial.id]

    replay = client.v1.refunds.create(
        {"payment_intent": intent_id, "amount": 5000, "reason": "requested_by_customer"},
        options={"idempotency_key": "refund-1"},
    )
    assert replay.id == partial.id
    assert len(webhooks.events) == 3

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create({"payment_intent": intent_id, "amount": 15001})
    assert caught.value.param == "amount"

    rest = client.v1.refunds.create({"charge": charge["id"]})
    assert rest.amount == 15000
    charge = webhooks.events[-1]["data"]["object"]
    assert charge["amount_refunded"] == 20000
    assert charge["refunded"] is True
    assert [r["id"] for r in charge["refunds"]["data"]] == [rest.id, partial.id]

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create({"payment_intent": intent_id})
    assert caught.value.code == "charge_already_refunded"


def test_a_refund_refused_as_it_ran_is_saved_under_its_key_and_validation_is_not(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    """As Stripe: a refusal of the charge's state (more than is left) is the
    request's saved answer, given again to a retry and an idempotency_error to other
    parameters under the key; a refusal of the parameters themselves saves nothing."""
    session = create(client, clock)
    intent_id = pay(standin, session.id)["session"]["payment_intent"]
    too_much = {"payment_intent": intent_id, "amount": 20001}
    with pytest.raises(stripe.InvalidRequestError) as first:
        client.v1.refunds.create(too_much, options={"idempotency_key": "above"})  # type: ignore[arg-type]
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create(too_much, options={"idempotency_key": "above"})  # type: ignore[arg-type]
    assert (again.value.param, again.value.user_message) == (
        first.value.param,
        first.value.user_message,
    )
    with pytest.raises(stripe.IdempotencyError):
        client.v1.refunds.create(
            {"payment_intent": intent_id, "amount": 100}, options={"idempotency_key": "above"}
        )

    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(
            {"payment_intent": intent_id, "reason": "bored"}, options={"idempotency_key": "bad"}
        )
    made = client.v1.refunds.create(
        {"payment_intent": intent_id, "amount": 100}, options={"idempotency_key": "bad"}
    )
    assert made.amount == 100


def test_local_refund_refunds_in_full_and_requires_payment(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    assert local(standin, "POST", f"/checkout/{session.id}/refund").status == 409

    pay(standin, session.id)
    result = local_json(standin, "POST", f"/checkout/{session.id}/refund")
    assert result["refund"]["amount"] == 20000
    assert result["charge"]["refunded"] is True
    assert result["webhook_status"] == 200
    assert webhooks.types[-1] == "charge.refunded"
    assert result["event_id"] == webhooks.events[-1].id


# ---------------------------------------------------------------- async payments


@pytest.mark.parametrize(
    ("result", "payment_status", "intent_status"),
    [("succeeded", "paid", "succeeded"), ("failed", "unpaid", "requires_payment_method")],
)
def test_delayed_payment_settles_later(
    client: stripe.StripeClient,
    clock: Clock,
    standin: StripeStandIn,
    webhooks: Recorder,
    result: str,
    payment_status: str,
    intent_status: str,
) -> None:
    session = create(client, clock)
    paid = pay(standin, session.id, **{"async": "true"})
    assert paid["session"]["status"] == "complete"
    assert paid["session"]["payment_status"] == "unpaid"
    assert webhooks.types == ["checkout.session.completed"]

    # A refund before the money arrives is refused, as Stripe refuses it.
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create({"payment_intent": paid["session"]["payment_intent"]})

    response = local(
        standin,
        "POST",
        f"/checkout/{session.id}/async",
        urllib.parse.urlencode({"result": result}).encode(),
        {"accept": "application/json", "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert webhooks.types[-1] == f"checkout.session.async_payment_{result}"
    settled = webhooks.events[-1]["data"]["object"]
    assert settled["payment_status"] == payment_status
    intent = client.v1.payment_intents.retrieve(settled["payment_intent"])
    assert intent.status == intent_status

    assert local(standin, "POST", f"/checkout/{session.id}/async").status in (400, 409)


# ---------------------------------------------------------------- events


def test_events_are_listed_newest_first_and_can_be_filtered_and_resent(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    paid_session = create(client, clock, key="a")
    pay(standin, paid_session.id)
    clock.now += 1
    expired_session = create(client, clock, key="b")
    client.v1.checkout.sessions.expire(expired_session.id)

    listed = client.v1.events.list()
    assert [e.type for e in listed.data] == [
        "checkout.session.expired",
        "checkout.session.completed",
    ]
    assert listed.has_more is False
    assert [e["id"] for e in standin.events()] == [e.id for e in listed.data]
    assert local_json(standin, "GET", "/events") == standin.events()

    only = client.v1.events.list({"type": "checkout.session.completed", "limit": 1})
    assert [e.type for e in only.data] == ["checkout.session.completed"]
    first = client.v1.events.list({"limit": 1})
    assert first.has_more is True

    event = client.v1.events.retrieve(listed.data[1].id)
    assert event.data.object["id"] == paid_session.id

    before = len(webhooks.payloads)
    resent = local_json(standin, "POST", f"/events/{event.id}/resend")
    assert resent == {"event_id": event.id, "webhook_status": 200}
    assert len(webhooks.payloads) == before + 1
    assert webhooks.events[-1].id == event.id
    assert local(standin, "POST", "/events/evt_nope/resend").status == 404


def test_signature_matches_stripes_scheme_on_the_exact_bytes(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    session = create(client, clock)
    pay(standin, session.id)
    payload = webhooks.payloads[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            payload + b" ",
            stripe.WebhookSignature.generate_signature_header(payload.decode(), "whsec_other"),
            SECRET,
        )
    via_client = stripe.StripeClient("sk_test").construct_event(
        payload,
        stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET),
        SECRET,
    )
    assert via_client.id == webhooks.events[0].id


# ---------------------------------------------------------------- hosted page


def test_checkout_page_shows_the_item_amount_and_escapes_the_email(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    session = create(client, clock, customer_email="<script>alert(1)</script>@example.com")
    response = local(standin, "GET", f"/checkout/{session.id}", headers={"accept": "text/html"})
    page = response.body.decode()

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Wheel-throwing weekend" in page
    assert "£200.00" in page
    assert "Pay £200.00" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@example.com" in page
    assert f'action="/_local/stripe/checkout/{session.id}/pay"' in page
    assert 'href="https://courses.example/cancelled"' in page
    assert '<html lang="en">' in page


def test_checkout_page_for_a_closed_session_says_so(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    session = create(client, clock)
    pay(standin, session.id)
    page = local(standin, "GET", f"/checkout/{session.id}").body.decode()
    assert "has been paid" in page
    assert f"https://courses.example/paid?session_id={session.id}" in page

    other = create(client, clock, key="other")
    local(standin, "POST", f"/checkout/{other.id}/expire")
    assert "has expired" in local(standin, "GET", f"/checkout/{other.id}").body.decode()
    assert local(standin, "GET", "/checkout/cs_test_nope").status == 404


# ---------------------------------------------------------------- form decoding


def test_decode_form_builds_nested_dicts_and_lists() -> None:
    pairs = urllib.parse.parse_qsl(
        "line_items[0][price_data][currency]=gbp&line_items[0][quantity]=1"
        "&line_items[1][quantity]=2&metadata[0]=zero&expand[]=a&expand[]=b&mode=payment"
    )
    assert decode_form(pairs) == {
        "line_items": [{"price_data": {"currency": "gbp"}, "quantity": "1"}, {"quantity": "2"}],
        "metadata": {"0": "zero"},
        "expand": ["a", "b"],
        "mode": "payment",
    }


# ---------------------------------------------------------------- default delivery


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    """A real HTTP endpoint on loopback that records what it is sent."""
    received: list[tuple[bytes, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["Content-Type"]))
            try:
                stripe.Webhook.construct_event(body, self.headers["Stripe-Signature"], SECRET)
            except stripe.SignatureVerificationError:
                self.send_response(400)
            else:
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe", received
    finally:
        server.shutdown()
        server.server_close()


def test_default_delivery_posts_signed_json_over_http(
    receiver: tuple[str, list[tuple[bytes, str]]],
) -> None:
    url, received = receiver
    standin = StripeStandIn(webhook_url=url, webhook_secret=SECRET, public_base_url=BASE)
    client = stripe_client(InProcessHTTPClient(standin))
    session = client.v1.checkout.sessions.create(
        session_params(Clock())  # type: ignore[arg-type]
    )
    result = pay(standin, session.id)
    assert result["webhook_status"] == 204
    assert len(received) == 1
    assert received[0][1] == "application/json; charset=utf-8"
    assert json.loads(received[0][0])["id"] == result["event_id"]


def test_unreachable_webhook_is_status_0_not_an_error() -> None:
    standin = StripeStandIn(
        webhook_url="http://127.0.0.1:9/unreachable", webhook_secret=SECRET, public_base_url=BASE
    )
    client = stripe_client(InProcessHTTPClient(standin))
    session = client.v1.checkout.sessions.create(
        session_params(Clock())  # type: ignore[arg-type]
    )
    assert pay(standin, session.id)["webhook_status"] == 0
    assert len(standin.events()) == 1


class OneAtATimeWebhook:
    """A webhook function as the local server runs it: one invocation at a time. On a completed
    checkout it refunds the payment through the API and waits for the answer, as our webhook
    does for a duplicate payment. A delivery that cannot get in within ``patience`` seconds
    gets no status (0), as a delivery that times out."""

    def __init__(self, patience: float = 2.0) -> None:
        self.invocation = threading.Lock()
        self.patience = patience
        self.client: stripe.StripeClient | None = None
        self.answered: list[tuple[str, int]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], SECRET)
        if not self.invocation.acquire(timeout=self.patience):
            self.answered.append((event["type"], 0))
            return 0
        try:
            if event["type"] == "checkout.session.completed":
                assert self.client is not None
                intent = event["data"]["object"]["payment_intent"]
                self.client.v1.refunds.create({"payment_intent": intent})
            self.answered.append((event["type"], 200))
            return 200
        finally:
            self.invocation.release()


def delivering_in_background(clock: Clock, deliver: Deliver) -> StripeStandIn:
    """The stand-in as the local stack runs it: an API call's events go to a delivery thread
    once it has answered."""
    return StripeStandIn(
        webhook_url=WEBHOOK_URL,
        webhook_secret=SECRET,
        public_base_url=BASE,
        clock=clock,
        deliver=deliver,
        background_delivery=True,
    )


def test_a_webhook_that_calls_the_api_back_never_waits_on_its_own_events(clock: Clock) -> None:
    receiver = OneAtATimeWebhook()
    standin = delivering_in_background(clock, receiver)
    receiver.client = stripe_client(InProcessHTTPClient(standin))
    session = create(receiver.client, clock)

    result = pay(standin, session.id)

    # The pay action answered once the refund's own events had been delivered, each received.
    assert result["webhook_status"] == 200
    assert sorted(receiver.answered) == [
        ("charge.refunded", 200),
        ("checkout.session.completed", 200),
        ("refund.created", 200),
    ]
    assert [event["pending_webhooks"] for event in standin.events()] == [0, 0, 0]


def test_an_api_call_answers_before_the_events_it_caused_are_delivered(clock: Clock) -> None:
    delivering = threading.Event()
    release = threading.Event()

    def slow_endpoint(url: str, body: bytes, headers: dict[str, str]) -> int:
        delivering.set()
        release.wait(timeout=10)
        return 200

    standin = delivering_in_background(clock, slow_endpoint)
    client = stripe_client(InProcessHTTPClient(standin))
    session = create(client, clock)
    client.v1.checkout.sessions.expire(session.id)  # answered while its event waits

    assert delivering.wait(timeout=10)
    (expired,) = standin.events()
    assert expired["type"] == "checkout.session.expired"
    assert expired["pending_webhooks"] == 1
    release.set()
    assert standin.settle(timeout=10)
    assert standin.events()[0]["pending_webhooks"] == 0


def test_a_scheduled_runs_hold_keeps_background_delivery_back_until_it_ends(clock: Clock) -> None:
    """Both ways of the local stack at once: events an API call causes go to the delivery
    thread after it answers, but not while a scheduled run holds them (it would decide the
    run's business by the wall clock); they go when the run ends, in order."""
    delivered: list[str] = []

    def endpoint(url: str, body: bytes, headers: dict[str, str]) -> int:
        delivered.append(json.loads(body)["type"])
        return 200

    standin = delivering_in_background(clock, endpoint)
    client = stripe_client(InProcessHTTPClient(standin))
    first, second = create(client, clock, key="first"), create(client, clock, key="second")
    with standin.webhooks_held():
        client.v1.checkout.sessions.expire(first.id)
        client.v1.checkout.sessions.expire(second.id)
        assert standin.settle(timeout=1)  # nothing was handed to the thread
        assert delivered == []
    assert standin.settle(timeout=10)
    assert delivered == ["checkout.session.expired", "checkout.session.expired"]
    assert [event["pending_webhooks"] for event in standin.events()] == [0, 0]


def test_a_line_item_is_named_by_its_product_data_or_its_product_and_refused_unnamed(
    client: stripe.StripeClient, clock: Clock
) -> None:
    def item(price_data: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"price_data": {"currency": "gbp", "unit_amount": 20000, **price_data}, "quantity": 1}
        ]

    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(client, clock, key="unnamed", line_items=item({}))
    assert caught.value.param == "line_items[0][price_data][product_data][name]"
    assert caught.value.http_status == 400

    named_by_id = create(client, clock, key="by-id", line_items=item({"product": "prod_1"}))
    assert named_by_id.amount_total == 20000


@pytest.mark.parametrize(
    "path", ["events", "refunds", "invoices", "invoice_payments", "promotion_codes"]
)
def test_every_list_takes_a_limit_of_1_to_100_as_stripe_does(
    standin: StripeStandIn, path: str
) -> None:
    def listed(limit: str) -> tuple[int, dict[str, Any]]:
        response = standin.handle(
            "GET", f"/v1/{path}", {"limit": [limit]}, {"authorization": f"Bearer {API_KEY}"}, b""
        )
        return response.status, json.loads(response.body)

    assert listed("100") == (
        200,
        {"object": "list", "data": [], "has_more": False, "url": f"/v1/{path}"},
    )
    for refused, message in (
        ("101", "less than or equal to 100"),
        ("0", "greater than or equal to 1"),
    ):
        status, body = listed(refused)
        assert status == 400
        assert body["error"]["param"] == "limit"
        assert message in body["error"]["message"]
