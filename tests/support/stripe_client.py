"""The real ``stripe.StripeClient``, talking to the Stripe stand-in without a network."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import stripe

from booking.adapters.stripe_calls import sdk_lines_kept_to_warnings
from infra.local.stripe_standin import StripeStandIn, decode_form
from tests.support.fired import armed

Answer = tuple[str, int, Mapping[str, str]]  # the body, the status and the headers
OUTAGE = json.dumps({"error": {"type": "api_error", "message": "simulated outage"}})


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]
    status: int


class InProcessHTTPClient(stripe.HTTPClient):
    """Hands the SDK's requests straight to ``StripeStandIn.handle``, recording each one.

    ``fail_next`` makes the next requests answer with the given HTTP status (Stripe outages,
    rate limits) without reaching the stand-in. ``observe`` is told of each request when it has
    been answered: its method, path and seconds taken by ``clock`` (the bench's meter).
    """

    name = "in-process"

    def __init__(
        self,
        standin: StripeStandIn,
        observe: Callable[[str, str, float], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        super().__init__()
        self._standin = standin
        self._observe = observe
        self._clock = clock  # the bench meter's (wall-clock or CPU time)
        self.requests: list[RecordedRequest] = []
        # Each entry fails one request: an HTTP status, or "timeout" for a dropped connection.
        self.fail_next: list[int | str] = []

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        started = self._clock()
        try:
            return self._answer(method, url, headers, post_data)
        finally:
            if self._observe is not None:
                path = self.requests[-1].path if self.requests else url
                self._observe(method, path, self._clock() - started)

    def _answer(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any
    ) -> Answer:
        parts = urllib.parse.urlsplit(url)
        path = parts.path.removeprefix("/_local/stripe")
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        body = post_data.encode() if isinstance(post_data, str) else (post_data or b"")
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        params = decode_form(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        if self.fail_next:
            status = self.fail_next.pop(0)
            if status == "timeout":
                self.requests.append(RecordedRequest(method, path, lowered, params, 0))
                raise stripe.APIConnectionError("simulated timeout talking to Stripe")  # type: ignore[no-untyped-call]
            assert isinstance(status, int)
            self.requests.append(RecordedRequest(method, path, lowered, params, status))
            return OUTAGE, status, {}
        response = self._standin.handle(method, path, query, lowered, body)
        self.requests.append(RecordedRequest(method, path, lowered, params, response.status))
        return response.body.decode("utf-8"), response.status, response.headers

    def close(self) -> None:
        pass


def posts_fail(client: InProcessHTTPClient, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """From now on, until ``monkeypatch`` is undone, Stripe answers 500 (an outage) to each POST
    whose URL ends with ``path`` (``"/v1/invoices"``: a new invoice), and as itself to the rest.
    The test fails if no such POST was made (``tests.support.fired``)."""
    answer = client._answer
    refused = armed(f"Stripe down for POST {path}")

    def down(method: str, url: str, headers: Any, post_data: Any) -> Answer:
        if method == "post" and url.endswith(path):
            refused[0] += 1
            return OUTAGE, 500, {}
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(client, "_answer", down)


def requests_to(client: InProcessHTTPClient, path: str) -> list[RecordedRequest]:
    return [r for r in client.requests if r.path == path]


def stripe_client(
    http_client: InProcessHTTPClient, api_key: str = "sk_test_local"
) -> stripe.StripeClient:
    """The real SDK's client on ``http_client``: every request goes to its stand-in, none is
    retried (a test decides what fails); its logging as the system keeps it."""
    sdk_lines_kept_to_warnings()
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": "http://stripe.test/_local/stripe"},
        http_client=http_client,
        max_network_retries=0,
    )
