"""The stand-in's outage control: a held request is let go the moment Stripe is restored, and
answered then as usual; ``error`` is Stripe's own 500; the hosted pages are never held."""

from __future__ import annotations

import json
import threading
import time

from infra.local.stripe_standin import StripeStandIn, Unanswered
from infra.local.stripe_standin.wire import LocalResponse

KEY = {"authorization": "Bearer sk_test_local"}


def _standin() -> StripeStandIn:
    return StripeStandIn(
        webhook_url="http://127.0.0.1:9/webhooks/stripe",
        webhook_secret="whsec_local",
        public_base_url="http://127.0.0.1:9",
    )


def _set(standin: StripeStandIn, **mode: object) -> LocalResponse:
    return standin.handle("POST", "/outage", {}, {}, json.dumps(mode).encode())


def test_a_held_request_is_let_go_and_answered_once_stripe_is_restored() -> None:
    standin = _standin()
    assert _set(standin, mode="hang", seconds=60).status == 200
    answers: list[LocalResponse] = []
    held = threading.Thread(
        target=lambda: answers.append(standin.handle("GET", "/v1/events", {}, KEY, b""))
    )
    held.start()
    time.sleep(0.2)
    started = time.monotonic()
    # Its pages and the control answer while the API request is held.
    assert standin.handle("GET", "/events", {}, {}, b"").status == 200
    assert json.loads(standin.handle("GET", "/outage", {}, {}, b"").body)["mode"] == "hang"
    assert _set(standin, mode="none").status == 200
    held.join(timeout=5)
    assert time.monotonic() - started < 2
    [answer] = answers
    assert answer.status == 200


def test_a_hang_that_runs_its_course_is_never_answered() -> None:
    standin = _standin()
    assert _set(standin, mode="hang", seconds=1).status == 200
    assert isinstance(standin.handle("GET", "/v1/events", {}, KEY, b""), Unanswered)


def test_an_error_is_stripes_own_500() -> None:
    standin = _standin()
    assert _set(standin, mode="error").status == 200
    answer = standin.handle("POST", "/v1/checkout/sessions", {}, KEY, b"")
    assert answer.status == 500
    assert json.loads(answer.body)["error"]["type"] == "api_error"
