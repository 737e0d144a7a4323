"""The Stripe stand-in under test: a webhook recorder that checks every signature with Stripe's
own verifier, a clock a test moves, and the real ``stripe.StripeClient`` talking to it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import stripe

from infra.local.stripe_standin import LocalResponse, StripeStandIn
from tests.support.stripe_client import InProcessHTTPClient, stripe_client

BASE = "http://127.0.0.1:8000"
WEBHOOK_URL = f"{BASE}/webhooks/stripe"
SECRET = "whsec_test_secret"
API_KEY = "sk_test_local"
FIXTURES = Path(__file__).parents[2] / "infra" / "local" / "stripe_fixtures"


class Recorder:
    """A webhook endpoint that checks every delivery with Stripe's own verifier."""

    def __init__(self) -> None:
        self.events: list[stripe.Event] = []
        self.payloads: list[bytes] = []
        self.status = 200
        self.on_event: Callable[[stripe.Event], None] | None = None

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        assert url == WEBHOOK_URL
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], SECRET)
        self.events.append(event)
        self.payloads.append(body)
        if self.on_event is not None:
            self.on_event(event)
        return self.status

    @property
    def types(self) -> list[str]:
        return [e["type"] for e in self.events]


class Clock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def webhooks() -> Recorder:
    return Recorder()


@pytest.fixture
def standin(clock: Clock, webhooks: Recorder) -> StripeStandIn:
    return StripeStandIn(
        webhook_url=WEBHOOK_URL,
        webhook_secret=SECRET,
        public_base_url=BASE,
        clock=clock,
        deliver=webhooks,
    )


@pytest.fixture
def client(standin: StripeStandIn) -> stripe.StripeClient:
    return stripe_client(InProcessHTTPClient(standin))


def local(
    standin: StripeStandIn,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, list[str]] | None = None,
) -> LocalResponse:
    return standin.handle(
        method, path, query or {}, dict(headers or {"accept": "application/json"}), body
    )


def local_json(standin: StripeStandIn, method: str, path: str, **kw: Any) -> Any:
    response = local(standin, method, path, **kw)
    return json.loads(response.body)


def fixture_keys(name: str) -> set[str]:
    return set(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))
