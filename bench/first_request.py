"""What the first request after init adds over a warm one, for every function.

SnapStart runs a function's init when its version is published and resumes new environments
from that snapshot (infra/cdk/functions.py), so the init measured by ``coldstart`` is no longer
in anyone's way. What is: AWS restoring the snapshot (its ``Restore Duration``, which only AWS
can measure), then the first request, which also pays for whatever the snapshot does not hold
yet: modules a handler imports on first use (templates, the Stripe SDK), caches filled on first
use. The other functions start on demand, and their init leaves out what their requests may
never use (the repository's stores are built when first asked, ``booking.bootstrap``): what it
leaves out that a request does use is paid by that request, so it is no saving; this column
shows it. In a fresh process: the data the request reads is written first, then every
``booking`` module is forgotten, so the handler's init (as in Lambda, not timed) and its first
request load what they load as in Lambda; then one representative request is timed once cold
and then warm; the difference is what the init left for the first request.

Run as ``python -m bench.first_request <handler> [snap-start|on-demand]`` (by ``coldstart``,
with its environment; without the second, as the function is deployed); prints one JSON
object. moto stands in for AWS and is warmed first, so its own first-use costs are not charged
to the handler.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

WARM_RUNS = 5
ROOT = Path(__file__).resolve().parents[1]
SOURCE_IP = "198.51.100.1"


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


def _event(handler: str, course_id: str, run: int) -> dict[str, Any]:
    """The request a first visitor (or event source) of each function most likely makes, for
    the ``run``-th invocation: the mailer's each sends a job of its own (one sent already is
    only looked up again)."""
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
    if handler in _ON_DEMAND_EVENTS:
        return _ON_DEMAND_EVENTS[handler](course_id, run)
    raise ValueError(f"no first request for {handler}")


def _sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return loaded


def _confirmation_batch(course_id: str, run: int) -> dict[str, Any]:
    """An SQS batch of one job: the booking confirmation (with its calendar file) of one of
    the confirmed applications :func:`_seed` wrote."""
    event = _sample("sqs/email_job.json")
    body = event["Records"][0]["body"]
    event["Records"][0]["body"] = body.replace("APPLICATION_ID", _attendee(run)).replace(
        "COURSE_ID", course_id
    )
    return event


def _outbox_stream_batch(course_id: str, run: int) -> dict[str, Any]:
    """A stream batch of one new outbox item: the job it holds goes to the email queue."""
    job = {"job_id": f"application_received:{_attendee(run)}:", "kind": "application_received"}
    job |= {"application_id": _attendee(run), "course_id": course_id}
    image = {"pk": {"S": f"OUTBOX#{job['job_id']}"}, "job": {"S": json.dumps(job)}}
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": image, "SequenceNumber": "1"}}
    return {"Records": [record]}


def _scheduled_tick(course_id: str, run: int) -> dict[str, Any]:
    """The scheduler's event, now: the run sweeps, plans and queues as it does every tick."""
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {**_sample("scheduler/reminder_tick.json"), "time": moment}


def _permanent_bounce(course_id: str, run: int) -> dict[str, Any]:
    return _sample("sns/ses_bounce.json")


_ON_DEMAND_EVENTS: dict[str, Callable[[str, int], dict[str, Any]]] = {
    "mailer": _confirmation_batch,
    "relay": _outbox_stream_batch,
    "reminders": _scheduled_tick,
    "ses_events": _permanent_bounce,
}


def _attendee(run: int) -> str:
    return f"bench-first-request-{run}"


def _succeeded(answer: dict[str, Any]) -> bool:
    """What each kind of function answers when it did the whole request: 200 over HTTP, no
    failed record in a batch, a reminder run's time, one address suppressed."""
    if "statusCode" in answer:
        return int(answer["statusCode"]) == 200
    if "batchItemFailures" in answer:
        return not answer["batchItemFailures"]
    return "time" in answer or answer.get("suppressed") == 1


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


def _seed(handler: str, now: datetime) -> str:
    """Writes what the request reads (the sample course; the mailer's confirmed applicants);
    returns the course's id."""
    from booking.bootstrap import ports
    from booking.domain.application import ApplicationStatus
    from booking.services.courses import put_course
    from infra.local.sample import sample_courses
    from tests.support.applications import an_application, answers_of

    course_id, definition = sample_courses(now)[0]
    put_course(ports(), course_id, definition)
    if handler == "mailer":
        for run in range(WARM_RUNS + 1):
            confirmed = an_application(
                ApplicationStatus.CONFIRMED,
                at=now,
                app_id=_attendee(run),
                course_id=course_id,
                answers=answers_of(email=f"attendee{run}@example.org"),
            )
            ports().repository.save(confirmed, None)
    return course_id


def _forget_booking() -> None:
    """Unload every ``booking`` module that writing the data loaded: the handler's init and
    its first request then load theirs as they would in Lambda."""
    for name in [m for m in sys.modules if m == "booking" or m.startswith("booking.")]:
        del sys.modules[name]


def measure(handler: str, initialization_type: str) -> dict[str, float]:
    """``initialization_type``: what Lambda says during the function's init (``snap-start``
    when SnapStart makes its snapshot, else ``on-demand``)."""
    from moto import mock_aws

    from infra.local.aws import SENDER_EMAIL, provision
    from infra.local.server import lambda_context

    with mock_aws():
        resources = provision()
        os.environ["TABLE_NAME"] = resources.table_name
        os.environ["EMAIL_QUEUE_URL"] = resources.email_queue_url
        # The address moto's SES was told is verified (it refuses to send from any other).
        os.environ["SENDER_EMAIL"] = SENDER_EMAIL
        course_id = _seed(handler, datetime.now(UTC))
        _forget_booking()
        os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = initialization_type
        module = importlib.import_module(f"booking.handlers.{handler}")  # the init

        def invoke(run: int) -> float:
            event = _event(handler, course_id, run)
            started = time.perf_counter()
            answer = module.handler(event, lambda_context(f"booking-{handler}"))
            elapsed = (time.perf_counter() - started) * 1e3
            # Any other answer (a redirect to sign in, a refusal) would time the wrong work.
            if not _succeeded(answer):
                raise RuntimeError(f"{handler} answered {answer}")
            return elapsed

        loaded_by_init = set(sys.modules)
        first = invoke(0)
        # What the first request imported: the part of the extra that is the init's to load,
        # counted exactly where the milliseconds are noisy.
        imported = sorted(set(sys.modules) - loaded_by_init)
        warm = statistics.median(invoke(run) for run in range(1, WARM_RUNS + 1))
        _check_mail_sent(handler)
    ours = [m for m in imported if m.startswith("booking.")]
    print(f"the first request imported {len(imported)} modules, of ours: {ours}", file=sys.stderr)
    return {
        "first_ms": first,
        "warm_ms": warm,
        "extra_ms": max(first - warm, 0.0),
        "modules_imported": len(imported),
        "our_modules_imported": len(ours),
    }


def _check_mail_sent(handler: str) -> None:
    """The mailer's requests each sent their confirmation (not skipped it: too cheap)."""
    if handler != "mailer":
        return
    from booking.bootstrap import ports

    for run in range(WARM_RUNS + 1):
        state = ports().repository.email_state(f"booking_confirmed:{_attendee(run)}")
        if state != "sent":
            raise RuntimeError(f"the mailer's job {run} is {state}, not sent")


def _initialization_type(handler: str) -> str:
    from bench.coldstart import snap_started

    return "snap-start" if handler in snap_started() else "on-demand"


if __name__ == "__main__":
    name = sys.argv[1]
    initialization_type = sys.argv[2] if len(sys.argv) > 2 else _initialization_type(name)
    print(json.dumps(measure(name, initialization_type)))
