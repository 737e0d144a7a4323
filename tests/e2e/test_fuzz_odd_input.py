"""Odd input everywhere, against the real local stack: never a 5xx, every error in its shape.

The OpenAPI fuzzing (``test_fuzz_openapi_*.py``) generates what the document describes. This file
goes where the document does not: non-ASCII, empty, huge and extreme values in every header,
query string and path segment, on the public API, the organiser API, the Stripe webhook and the
local extras (``/_local/stripe/...``, ``/_local/outbox``, ``/_local/scheduler/tick``), plus
methods nobody routes and requests too large for the server to read. Requests go out through
``http.client`` so header values can carry raw UTF-8 bytes, as a careless client sends them.

Every answer must be below 500; every JSON error must be the contract's
``{"error": {"code", "message", "fields"}}`` (Stripe's own shape under ``/_local/stripe/``, which
the ``stripe`` SDK parses). Nothing may be written by a refused request: the sample course's
seats and roster are the same after the fuzzing as before.
"""

from __future__ import annotations

import http.client
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.e2e.conftest import RunningStack
from tests.support.contract import error_shape_problems, stripe_error_problems
from tests.support.exploration import fuzzing

pytestmark = pytest.mark.e2e

EXAMPLES = 400

# Values that broke, or could break, something: non-ASCII (two-byte, four-byte, right-to-left),
# percent-escapes that decode to bytes that are not UTF-8, numbers beyond every integer type,
# dates at the ends of what datetime holds, and text far longer than any field.
EXTREMES = [
    "",
    " ",
    "é",
    "%C3%A9",
    "%FF",
    "%",
    "%%",
    "\u202eabc",
    "😀" * 40,
    "\x00",
    "\t",
    "..",
    "a/b",
    "0",
    "-1",
    "9" * 400,
    "1e309",
    "NaN",
    "null",
    "[]",
    "{}",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-23:59",
    "t=1,v1=é",
    "t=99999999999999999999999999,v1=ab",
    "Bearer é",
    "Bearer ",
    "x" * 3_000,
    "é" * 2_000,
]

odd_text = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(max_size=30),  # any code point but surrogates, controls included
    st.text(st.characters(codec="latin-1"), max_size=30),
)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {name} marks a path segment to fill
    area: str  # public, admin, webhook, local, stripe


ROUTES = [
    Route("GET", "/courses", "public"),
    Route("GET", "/courses/{course}", "public"),
    Route("GET", "/courses/{course}/apply", "public"),
    Route("POST", "/courses/{course}/applications", "public"),
    Route("GET", "/applications/{application}", "public"),
    Route("POST", "/applications/{application}/checkout", "public"),
    Route("GET", "/openapi.json", "public"),
    Route("GET", "/{anything}", "public"),
    Route("PUT", "/admin/courses/{course}", "admin"),
    Route("GET", "/admin/courses/{course}/applications", "admin"),
    Route("POST", "/admin/applications/{anything}/approve", "admin"),
    Route("POST", "/admin/applications/{anything}/decline", "admin"),
    Route("POST", "/admin/applications/{anything}/cancel", "admin"),
    Route("POST", "/admin/applications/{anything}/resend-confirmation", "admin"),
    Route("GET", "/admin/people/{anything}", "admin"),
    Route("DELETE", "/admin/people/{anything}", "admin"),
    Route("GET", "/admin/{anything}", "admin"),
    Route("POST", "/webhooks/stripe", "webhook"),
    Route("GET", "/_local/outbox", "local"),
    Route("POST", "/_local/scheduler/tick", "local"),
    Route("GET", "/_local/stripe/checkout/{anything}", "stripe"),
    Route("POST", "/_local/stripe/checkout/{anything}/pay", "stripe"),
    Route("POST", "/_local/stripe/checkout/{anything}/expire", "stripe"),
    Route("POST", "/_local/stripe/checkout/{anything}/refund", "stripe"),
    Route("POST", "/_local/stripe/checkout/{anything}/dispute", "stripe"),
    Route("POST", "/_local/stripe/invoices/{anything}/dispute", "stripe"),
    Route("POST", "/_local/stripe/disputes/{anything}/close", "stripe"),
    Route("POST", "/_local/stripe/disputes/{anything}/escalate", "stripe"),
    Route("GET", "/_local/stripe/v1/disputes/{anything}", "stripe"),
    Route("GET", "/_local/stripe/events", "stripe"),
    Route("POST", "/_local/stripe/events/{anything}/resend", "stripe"),
    Route("GET", "/_local/stripe/v1/events", "stripe"),
    Route("GET", "/_local/stripe/v1/checkout/sessions/{anything}", "stripe"),
    Route("POST", "/_local/stripe/v1/checkout/sessions", "stripe"),
    Route("POST", "/_local/stripe/v1/refunds", "stripe"),
]

# Form keys in Stripe's bracket notation, for the stand-in's API, and the public form's names.
FORM_KEYS = [
    "mode",
    "success_url",
    "line_items[0][price_data][unit_amount]",
    "line_items[0][price_data][currency]",
    "line_items[0][quantity]",
    "expires_at",
    "metadata[application_id]",
    "payment_intent",
    "amount",
    "a[]",
    "[x]",
    "a[0][1][2][3]",
    "name",
    "email",
    "consent",
]

HEADER_NAMES = [
    "Accept",
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "Stripe-Signature",
    "Cookie",
    "User-Agent",
    "X-Forwarded-For",
    "Origin",
    "Accept-Language",
    "Host",
]


@dataclass(frozen=True)
class Known:
    """Real values to put in the path, so odd tokens and bodies meet real records."""

    course_id: str
    application_id: str


@dataclass(frozen=True)
class OddRequest:
    route: Route
    target: str
    headers: tuple[tuple[str, bytes], ...]
    body: bytes


def _header_value(text: str) -> bytes:
    # Raw UTF-8, as a careless client sends it; only CR and LF cannot travel in a header.
    return text.replace("\r", "").replace("\n", "").encode("utf-8")


@st.composite
def odd_requests(draw: st.DrawFn, known: Known, admin_token: str) -> OddRequest:
    # The area first, then a route in it: every area is reached whatever the routes' count.
    area = draw(st.sampled_from(sorted({r.area for r in ROUTES})))
    route = draw(st.sampled_from([r for r in ROUTES if r.area == area]))
    path = route.path
    for name, real in (("{course}", known.course_id), ("{application}", known.application_id)):
        if name in path:
            # Half the time the real record, so the odd part is the token, header or body.
            value = real if draw(st.booleans()) else draw(odd_text)
            path = path.replace(name, quote(value, safe=""))
    path = path.replace("{anything}", quote(draw(odd_text), safe=""))

    query_pairs = draw(st.lists(st.tuples(odd_text, odd_text), max_size=3))
    if "/applications/" in path and not path.startswith("/admin") and draw(st.booleans()):
        query_pairs.append(("token", draw(odd_text)))
    if path.endswith("/applications") and path.startswith("/admin"):
        query_pairs.append(("format", draw(st.sampled_from(["csv", "json", *EXTREMES[:8]]))))
    query = urlencode(query_pairs, quote_via=quote)
    # Escapes that decode to nothing valid, sent as they are.
    raw_tail = draw(st.sampled_from(["", "%", "%ZZ", "&&", "=", "a=%FF%FE", "token"]))
    query = "&".join(part for part in (query, raw_tail) if part)
    target = f"{path}?{query}" if query else path

    headers: dict[str, bytes] = {}
    for name in draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=4, unique=True)):
        headers[name] = _header_value(draw(odd_text))
    extra_name = draw(st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True))
    if draw(st.booleans()):
        headers[extra_name] = _header_value(draw(odd_text))
    # Half the time past the organiser's (or Stripe's) key check, so the odd parts reach the
    # routes themselves.
    if route.area == "admin" and draw(st.booleans()):
        headers["Authorization"] = f"Bearer {admin_token}".encode()
    if route.path.startswith("/_local/stripe/v1/") and draw(st.booleans()):
        headers["Authorization"] = b"Bearer sk_test_local"

    body = b""
    if route.method in ("POST", "PUT"):
        body = draw(
            st.one_of(
                st.just(b""),
                st.dictionaries(odd_text, odd_text, max_size=4).map(
                    lambda d: json.dumps(d).encode()
                ),
                st.builds(lambda t: json.dumps({"time": t}).encode(), odd_text),
                odd_text.map(lambda t: t.encode("utf-8")),
                st.binary(max_size=64),
                st.lists(
                    st.tuples(st.sampled_from(FORM_KEYS) | odd_text, odd_text), max_size=5
                ).map(lambda pairs: urlencode(pairs, quote_via=quote).encode()),
            )
        )
        if "Content-Type" not in headers:
            headers["Content-Type"] = draw(
                st.sampled_from(
                    [b"application/json", b"application/x-www-form-urlencoded", b"text/plain"]
                )
            )
    return OddRequest(route, target, tuple(headers.items()), body)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def send(stack: RunningStack, method: str, target: str, headers: Any, body: bytes) -> Answer:
    parts = urlsplit(stack.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        own_host = any(name.lower() == "host" for name, _ in headers)
        connection.putrequest(method, target, skip_host=own_host, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("Connection", "close")
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("Content-Type") or "", response.read())
    finally:
        connection.close()


def problems_with(area: str, answer: Answer) -> list[str]:
    if answer.status >= 500:
        return [f"{answer.status}: {answer.body[:300]!r}"]
    check = stripe_error_problems if area == "stripe" else error_shape_problems
    return check(answer.status, answer.content_type, answer.body)


@pytest.fixture(scope="module")
def known(stack: RunningStack) -> Known:
    course_id = str(stack.sample()["course_id"])
    applied = stack.applied(
        course_id, name="Odd Input", email=f"odd-{uuid.uuid4().hex[:8]}@example.org"
    )
    return Known(course_id, str(applied["application_id"]))


def _state(stack: RunningStack, known: Known) -> tuple[int, int]:
    places = stack.get(f"/courses/{known.course_id}").json()["places_left"]
    roster = stack.get(
        f"/admin/courses/{known.course_id}/applications",
        headers=stack.admin_headers,
    ).json()
    return int(places), len(roster)


def test_odd_headers_query_strings_and_paths_never_make_a_server_error(
    stack: RunningStack, known: Known
) -> None:
    before = _state(stack, known)
    failures: list[str] = []
    sent: dict[str, int] = {}

    @fuzzing(EXAMPLES)
    @given(request=odd_requests(known, stack.admin_token))
    def run(request: OddRequest) -> None:
        route = request.route
        sent[route.area] = sent.get(route.area, 0) + 1
        answer = send(stack, route.method, request.target, request.headers, request.body)
        for problem in problems_with(route.area, answer):
            failures.append(
                f"{route.method} {request.target[:200]} {request.headers!r:.300}: {problem}"
            )

    run()
    assert not failures, "\n".join(failures[:20])
    # Every area was reached, and a refused request wrote nothing.
    assert set(sent) == {"public", "admin", "webhook", "local", "stripe"}, sent
    assert sum(sent.values()) == EXAMPLES
    assert _state(stack, known) == before


# The issue's own reproductions, and the limits of the local HTTP server, one by one.
def _cases(known: Known, admin_token: str) -> list[tuple[str, str, dict[str, bytes], bytes, int]]:
    app = known.application_id
    tick = "/_local/scheduler/tick"
    return [
        ("GET", f"/applications/{app}?token=%C3%A9", {}, b"", 404),
        ("POST", f"/applications/{app}/checkout?token=%C3%A9", {}, b"", 404),
        ("GET", f"/applications/{app}?token=%FF", {"Accept": b"text/html"}, b"", 404),
        ("GET", "/admin/courses/x/applications", {"Authorization": "Bearer é".encode()}, b"", 401),
        ("POST", tick, {}, b'{"time": "0001-01-01T00:00:00Z"}', 422),
        ("POST", tick, {}, b'{"time": "9999-12-31T23:59:59Z"}', 422),
        ("POST", tick, {}, b'{"time": "0001-01-01T00:00:00+01:00"}', 422),
        ("POST", tick, {}, b'{"time": "1999-12-31T23:59:59Z"}', 422),
        ("POST", tick, {}, b"[1]", 400),
        ("POST", tick, {}, b"\xff", 400),
        (
            "POST",
            "/webhooks/stripe",
            {"Stripe-Signature": "t=1,v1=é".encode(), "Content-Type": b"application/json"},
            b"{}",
            400,
        ),
        ("FOO", "/courses", {}, b"", 405),
        ("FOO", "/nowhere", {}, b"", 404),
        ("GET", "/courses/" + "a" * 3_000, {}, b"", 404),
        (
            "GET",
            "/admin/courses/" + "a" * 3_000 + "/applications",
            {"Authorization": f"Bearer {admin_token}".encode()},
            b"",
            404,
        ),
        ("GET", "/courses/" + "a" * 70_000, {}, b"", 414),
        ("GET", "/courses", {"X-Big": b"a" * 70_000}, b"", 431),
    ]


def test_each_reported_odd_input_gets_a_clear_4xx(stack: RunningStack, known: Known) -> None:
    failures = []
    for method, target, headers, body, expected in _cases(known, stack.admin_token):
        answer = send(stack, method, target, list(headers.items()), body)
        problems = problems_with("public", answer)
        if "Accept" not in headers and not answer.content_type.startswith("application/json"):
            problems.append(f"a {answer.content_type or 'typeless'} answer to an API client")
        if answer.status != expected or problems:
            failures.append(f"{method} {target[:80]}: {answer.status} {problems or ''}")
    assert not failures, "\n".join(failures)


def test_a_length_that_is_not_a_number_is_a_clear_400(stack: RunningStack) -> None:
    parts = urlsplit(stack.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.putrequest("POST", "/courses")
        connection.putheader("Content-Length", "twelve")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 400
    assert not error_shape_problems(400, response.getheader("Content-Type") or "", body)
