"""The real ``stripe.StripeClient``, talking to the Stripe stand-in without a network."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import stripe

from infra.local.stripe_standin import StripeStandIn, decode_form


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
    rate limits) without reaching the stand-in.
    """

    name = "in-process"

    def __init__(self, standin: StripeStandIn) -> None:
        super().__init__()
        self._standin = standin
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
            error = {"error": {"type": "api_error", "message": "simulated outage"}}
            return json.dumps(error), status, {}
        response = self._standin.handle(method, path, query, lowered, body)
        self.requests.append(RecordedRequest(method, path, lowered, params, response.status))
        return response.body.decode("utf-8"), response.status, response.headers

    def request_stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[Any, int, Mapping[str, str]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def requests_to(client: InProcessHTTPClient, path: str) -> list[RecordedRequest]:
    return [r for r in client.requests if r.path == path]
