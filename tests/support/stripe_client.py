"""The real ``stripe.StripeClient``, talking to the Stripe stand-in without a network."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
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


class QueuedFailures:
    """The failures the next requests meet, in order: an HTTP status, or "timeout" for a
    dropped connection. Each queueing (``append``, ``extend``, or assigning the client's
    ``fail_next``) is armed (``tests.support.fired``): the test fails if no request met any of
    what it queued, since the failure it was to show was never shown. Where a request may not
    come at all (a property machine's step, on whatever state it drew), :meth:`may_fire`
    queues without that check; where none must, :func:`never_asked` says so."""

    def __init__(self) -> None:
        # Each failure with its queueing's counter (None: queued by ``may_fire``).
        self._queued: list[tuple[int | str, list[int] | None]] = []

    def append(self, failure: int | str) -> None:
        self.extend([failure])

    def extend(self, failures: Iterable[int | str]) -> None:
        queued = list(failures)
        if queued:
            what = ", ".join(sorted(set(map(str, queued))))
            self._queue(queued, armed(f"Stripe failing as queued ({what})"))

    def may_fire(self, failures: Iterable[int | str]) -> None:
        self._queue(list(failures), None)

    def _queue(self, failures: list[int | str], counter: list[int] | None) -> None:
        self._queued.extend((failure, counter) for failure in failures)

    def met(self) -> int | str:
        """The next failure, met by a request now."""
        failure, counter = self._queued.pop(0)
        if counter is not None:
            counter[0] += 1
        return failure

    def clear(self) -> None:
        self._queued.clear()

    def __len__(self) -> int:
        return len(self._queued)


class InProcessHTTPClient(stripe.HTTPClient):
    """Hands the SDK's requests straight to ``StripeStandIn.handle``, recording each one.

    ``fail_next`` makes the next requests answer with the given HTTP status (Stripe outages,
    rate limits) without reaching the stand-in (:class:`QueuedFailures`: each must be met).
    ``observe`` is told of each request when it has been answered: its method, path and
    seconds taken by ``clock`` (the bench's meter).
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
        self._failures = QueuedFailures()

    @property
    def fail_next(self) -> QueuedFailures:
        return self._failures

    @fail_next.setter
    def fail_next(self, failures: Iterable[int | str]) -> None:
        """``fail_next = [503]``: these failures, in place of any still queued."""
        self._failures.clear()
        self._failures.extend(failures)

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
            status = self.fail_next.met()
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


@contextmanager
def never_asked(client: InProcessHTTPClient) -> Iterator[None]:
    """Within it, Stripe must not be asked: a request answers 503 (an outage, so the code
    cannot go on as if it had been answered) and fails the test at the block's end."""
    answer = client._answer
    asked: list[str] = []

    def down(method: str, url: str, headers: Any, post_data: Any) -> Answer:
        asked.append(f"{method.upper()} {url}")
        return OUTAGE, 503, {}

    client._answer = down  # type: ignore[method-assign]
    try:
        yield
    finally:
        client._answer = answer  # type: ignore[method-assign]
    assert not asked, f"Stripe was asked: {asked}"


def requests_to(client: InProcessHTTPClient, path: str) -> list[RecordedRequest]:
    return [r for r in client.requests if r.path == path]


def stripe_client(
    http_client: stripe.HTTPClient, api_key: str = "sk_test_local"
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
