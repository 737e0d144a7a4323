"""Stripe hanging: every request waits until its client's timeout. The system under test is
given a gateway whose main client (in AWS: 80 s timeout, two retries) fails the test on its
first request, as Lambda's timeout would end the run waiting on it, and whose short-timeout
reader times out on each (the requests it was sent are recorded)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import pytest
import stripe

from booking import bootstrap
from booking.adapters.stripe_calls import UntilSilent
from booking.adapters.stripe_gateway import StripeGateway
from tests.support.stripe_client import Answer, InProcessHTTPClient, RecordedRequest, stripe_client
from tests.support.system import System


def stripe_hangs(system: System) -> InProcessHTTPClient:
    """From now on Stripe hangs for ``system`` (undone by :func:`stripe_answers`): the
    reader's HTTP client, whose ``requests`` are those that timed out."""
    waits = InProcessHTTPClient(system.standin)
    reader = InProcessHTTPClient(system.standin)

    def held(method: str, url: str, headers: Mapping[str, str] | None, post_data: Any) -> Answer:
        pytest.fail(f"{method.upper()} {url} waited on a Stripe that hangs: Lambda ends the run")

    def timed_out(
        method: str, url: str, headers: Mapping[str, str] | None, post_data: Any
    ) -> Answer:
        path = urlsplit(url).path.removeprefix("/_local/stripe")
        reader.requests.append(RecordedRequest(method, path, {}, {}, 0))
        raise stripe.APIConnectionError("simulated: Stripe did not answer in time")  # type: ignore[no-untyped-call]

    waits._answer = held  # type: ignore[method-assign]
    reader._answer = timed_out  # type: ignore[method-assign]
    gateway = StripeGateway(
        stripe_client(waits), stripe_client(reader), lambda: stripe_client(UntilSilent(reader))
    )
    _use(system, lambda: gateway)
    return reader


def stripe_answers(system: System) -> None:
    """Stripe answers ``system`` again, as the stand-in (the gateway the system was built
    with)."""
    _use(system, system._gateway)


def _use(system: System, gateway: Any) -> None:
    system.ports = dataclasses.replace(system.ports, payment_gateway_factory=gateway)
    bootstrap.use(system.ports)
