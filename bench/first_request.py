"""What a person waits for on a SnapStart cold start, beyond AWS's own restore.

SnapStart runs a function's init when its version is published and resumes new environments
from that snapshot (infra/cdk/functions.py), so the init measured by ``coldstart`` is no longer
in anyone's way. What is: AWS restoring the snapshot (its ``Restore Duration``, which only AWS
can measure), then the first request, which also pays for whatever the snapshot does not hold
yet: modules a handler imports on first use (templates, the Stripe SDK), caches filled on first
use. This measures that second part: in a fresh process, the handler's init (as in the
snapshot, not timed), then one representative request timed once cold and then warm; the
difference is what the snapshot leaves for the first person.

Run as ``python -m bench.first_request <handler>`` (by ``coldstart``, with its environment);
prints one JSON object. moto stands in for AWS and is warmed first, so its own first-use costs
are not charged to the handler.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

WARM_RUNS = 5
SOURCE_IP = "198.51.100.1"
Request = Callable[[str], dict[str, Any]]


def _signed_webhook(secret: str) -> dict[str, Any]:
    from infra.local.server import http_api_event

    body = json.dumps(
        {
            "id": "evt_bench_first_request",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "cs_bench_unknown",
                    "object": "checkout.session",
                    "client_reference_id": "no-such-application",
                    "payment_status": "paid",
                    "status": "complete",
                    "amount_total": 20000,
                    "currency": "gbp",
                    "metadata": {},
                }
            },
        }
    ).encode()
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "stripe-signature": f"t={stamp},v1={digest}"}
    return http_api_event("POST", "/webhooks/stripe", headers, body, SOURCE_IP)


def _event(handler: str, course_id: str) -> dict[str, Any]:
    """The request a first visitor of each function most likely makes."""
    from infra.local.server import http_api_event

    if handler == "webhook":
        return _signed_webhook(os.environ["STRIPE_WEBHOOK_SECRET"])
    if handler == "api":
        return http_api_event(
            "GET", f"/courses/{course_id}/apply", {"accept": "text/html"}, b"", SOURCE_IP
        )
    if handler == "console":
        return http_api_event("GET", "/console", _signed_in_to_the_console(), b"", SOURCE_IP)
    if handler == "admin":
        return _as_organiser(
            http_api_event("GET", f"/admin/courses/{course_id}/applications", {}, b"", SOURCE_IP)
        )
    raise ValueError(f"no first request for {handler}")


def _as_organiser(event: dict[str, Any]) -> dict[str, Any]:
    """What API Gateway's JWT authorizer passes on for an organiser's bearer token (the
    function checks the scope again; infra/local/front.py stands in the same way)."""
    from booking.domain.organisers import ORGANISER_SCOPE

    claims = {"sub": "bench-organiser", "scope": ORGANISER_SCOPE}
    event["requestContext"]["authorizer"] = {"jwt": {"claims": claims}}
    return event


def _signed_in_to_the_console() -> dict[str, str]:
    """The headers of a browser signed in to the console: a session kept in the table, as
    signing in leaves it, and its signed cookie (the home page, not the sign-in redirect)."""
    import secrets

    from booking.bootstrap import ports
    from booking.domain.organisers import new_session
    from booking.handlers.console_access import signer

    now = ports().clock()
    session = new_session("bench-organiser", secrets.token_urlsafe(18), now)
    ports().console_sessions.put_session(session)
    cookie = signer().session_cookie(session, now)
    return {"accept": "text/html", "cookie": f"{cookie.name}={cookie.value}"}


def measure(handler: str) -> dict[str, float]:
    from moto import mock_aws

    from infra.local.aws import provision

    with mock_aws():
        resources = provision()
        os.environ["TABLE_NAME"] = resources.table_name
        os.environ["EMAIL_QUEUE_URL"] = resources.email_queue_url
        # Lambda says so during a SnapStart init: what the handler loads then is in the snapshot.
        os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
        module = importlib.import_module(f"booking.handlers.{handler}")  # init: the snapshot
        from datetime import UTC, datetime

        from booking.bootstrap import ports
        from booking.services.courses import put_course
        from infra.local.sample import sample_courses
        from infra.local.server import lambda_context

        course_id, definition = sample_courses(datetime.now(UTC))[0]
        put_course(ports(), course_id, definition)
        event = _event(handler, course_id)

        def invoke() -> float:
            started = time.perf_counter()
            answer = module.handler(event, lambda_context(f"booking-{handler}"))
            elapsed = (time.perf_counter() - started) * 1e3
            # Any other answer (a redirect to sign in, a refusal) would time the wrong page.
            if int(answer.get("statusCode", 500)) != 200:
                raise RuntimeError(f"{handler} answered {answer.get('statusCode')}")
            return elapsed

        first = invoke()
        warm = statistics.median(invoke() for _ in range(WARM_RUNS))
    return {"first_ms": first, "warm_ms": warm, "extra_ms": max(first - warm, 0.0)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
