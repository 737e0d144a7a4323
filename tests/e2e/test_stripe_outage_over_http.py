"""Stripe down under `make run`: the stand-in's API made to hang or fail on demand
(``/_local/stripe/outage``), and what an applicant, the scheduler and the stand-in's own pages
meet meanwhile."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from infra.cdk.function_specs import API_TIMEOUT
from tests.e2e.conftest import RunningStack
from tests.support.applications import application_body

OUTAGE = "/_local/stripe/outage"
HELD_SECONDS = 6


@pytest.fixture
def outage(stack: RunningStack) -> Iterator[str]:
    """The control's path; Stripe answers as usual again afterwards, whatever the test did
    (the stack is shared by the worker's other end-to-end files)."""
    yield OUTAGE
    assert stack.post(OUTAGE, json={"mode": "none"}).status_code == 200


def _submitted(
    stack: RunningStack, course_id: str, email: str, key: str
) -> tuple[requests.Response, float]:
    """An applicant's submission (with its ``Idempotency-Key``, as a careful client retries)
    and the seconds it took to answer."""
    started = time.monotonic()
    reply = stack.post(
        f"/courses/{course_id}/applications",
        json=application_body(name="Florence Nightingale", email=email),
        headers={"Idempotency-Key": key},
    )
    return reply, time.monotonic() - started


def _their_applications(stack: RunningStack, course_id: str, email: str) -> list[dict[str, Any]]:
    listed = stack.get(
        f"/admin/courses/{course_id}/applications", headers=stack.admin_headers
    ).json()
    return [row for row in listed if email in json.dumps(row)]


def _kept_whole_without_a_place(
    stack: RunningStack, answer: requests.Response, places: int
) -> None:
    """``answer`` is a 503 in words, and nothing is half-written: the application is kept as
    it says (to pay once Stripe is back, from its status page or by the same request again),
    with no place held and no checkout, and the course's places as they were."""
    assert answer.status_code == 503, answer.text
    error = answer.json()["error"]
    assert error["code"] == "payment_provider_unavailable"
    assert "payment provider is unavailable" in error["message"]
    kept = error["application"]
    assert (kept["status"], kept.get("checkout_url")) == ("awaiting_payment", None)
    status = requests.get(kept["status_url"], timeout=30)
    assert status.status_code == 200
    assert status.json()["status"] == "awaiting_payment"
    course = stack.get(f"/courses/{kept['course_id']}").json()
    assert course["places_left"] == places


def _submitted_while_held(
    stack: RunningStack, booked: dict[str, Any], course_id: str, email: str
) -> tuple[requests.Response, float]:
    """:func:`_submitted` as Stripe hangs; while the applicant's call is held, the stand-in's
    checkout page, its event log and the control answer at once."""
    with ThreadPoolExecutor(1) as applicant:
        submitting = applicant.submit(_submitted, stack, course_id, email, "outage-retry-1")
        time.sleep(1)
        started = time.monotonic()
        assert requests.get(booked["checkout_url"], timeout=30).status_code == 200
        assert stack.get("/_local/stripe/events").status_code == 200
        assert stack.get(OUTAGE).json()["mode"] == "hang"
        assert time.monotonic() - started < HELD_SECONDS / 2  # never held themselves
        assert not submitting.done()
        refused: tuple[requests.Response, float] = submitting.result()
    return refused


def _reminders_queued(stack: RunningStack, course_id: str) -> int:
    """The scheduler's run as of 23 hours 50 minutes before the course's first session: how
    many reminders it queued."""
    first = datetime.fromisoformat(
        stack.get(f"/courses/{course_id}").json()["sessions"][0]["start"]
    )
    tick = stack.post(
        "/_local/scheduler/tick",
        json={"time": (first - timedelta(hours=23, minutes=50)).isoformat()},
    )
    assert tick.status_code == 200, tick.text
    return int(tick.json()["queued"])


def test_a_hanging_stripe_is_a_503_in_words_and_the_schedule_goes_on(
    stack: RunningStack, outage: str
) -> None:
    course_id = stack.course_of_its_own("outage")
    booked = stack.applied(course_id, email="booked-before@example.org")
    stack.pay(booked)
    places = stack.get(f"/courses/{course_id}").json()["places_left"]

    # Held longer than the functions wait for each answer: Stripe silent, as they meet it.
    held = stack.post(outage, json={"mode": "hang", "seconds": HELD_SECONDS})
    assert held.status_code == 200, held.text
    assert held.json()["mode"] == "hang"
    email = "during-outage@example.org"
    refused, took = _submitted_while_held(stack, booked, course_id, email)
    assert took < API_TIMEOUT.to_seconds(), f"answered after {took:.1f} s"
    _kept_whole_without_a_place(stack, refused, places)
    # The scheduler's run still queues the reminder due for the booking made before.
    assert _reminders_queued(stack, course_id) >= 1

    assert stack.post(outage, json={"mode": "none"}).json()["mode"] == "none"
    retried, _ = _submitted(stack, course_id, email, "outage-retry-1")
    assert retried.status_code == 201, retried.text
    assert retried.json()["checkout_url"]
    assert stack.get(f"/courses/{course_id}").json()["places_left"] == places - 1
    assert len(_their_applications(stack, course_id, email)) == 1


def test_a_failing_stripe_is_a_503_in_words(stack: RunningStack, outage: str) -> None:
    course_id = stack.course_of_its_own("stripe500")
    places = stack.get(f"/courses/{course_id}").json()["places_left"]
    assert stack.post(outage, json={"mode": "error"}).status_code == 200
    email = "while-failing@example.org"
    refused, _ = _submitted(stack, course_id, email, "failing-retry-1")
    _kept_whole_without_a_place(stack, refused, places)
    assert stack.post(outage, json={"mode": "none"}).status_code == 200
    retried, _ = _submitted(stack, course_id, email, "failing-retry-1")
    assert retried.status_code == 201, retried.text
    assert len(_their_applications(stack, course_id, email)) == 1


def test_the_control_refuses_what_it_cannot_take_in_words(stack: RunningStack, outage: str) -> None:
    for body, field in (
        ({"mode": "slow"}, "mode"),
        ({"mode": "hang"}, "seconds"),
        ({"mode": "hang", "seconds": 61}, "seconds"),
        ({"mode": "error", "seconds": 5}, "seconds"),
        ({"mode": "none", "for": 5}, "for"),
    ):
        refused = stack.post(outage, json=body)
        assert refused.status_code == 422, body
        assert field in refused.json()["error"]["fields"], body
    assert stack.get(outage).json()["mode"] == "none"
