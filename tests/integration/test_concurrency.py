"""200 applicants at once for 20 places, against a threaded moto server (real concurrency:
in-process moto is not safe for concurrent transactions, a server is)."""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.request import Request, urlopen

import boto3
import pytest

from booking import bootstrap
from booking.adapters.stripe_gateway import StripeGateway
from booking.config import Settings
from booking.domain.billing import DiscountCodeDefinition
from booking.domain.course import CourseDefinition
from booking.domain.errors import BookingError, DependencyUnavailable, InvalidInput
from booking.services.applications import submit_application
from booking.services.courses import put_course
from booking.services.discounts import REFUSALS, create_discount_code
from booking.services.ports import Ports
from infra.local.aws import SerialMotoServer, provision
from infra.local.server import free_port
from infra.local.stripe_standin import StripeStandIn
from tests.support.stripe_client import InProcessHTTPClient, stripe_client
from tests.support.system import BASE_URL, application_body

APPLICANTS, CAPACITY = 200, 20
# A crowd on a busy machine may see "busy, retry" (503 with Retry-After); people retry.
RETRIES = 5


@pytest.fixture
def ports_on_moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ports]:
    port = free_port()
    server = SerialMotoServer(port)
    server.start()
    endpoint = server.endpoint
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    # moto's backends live in the process, whichever server answers: start from nothing.
    urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    try:
        resources = provision(endpoint)
        standin = StripeStandIn(
            webhook_url=f"{BASE_URL}/webhooks/stripe",
            webhook_secret="whsec_test",
            public_base_url=BASE_URL,
            deliver=lambda url, body, headers: 200,
        )
        client = stripe_client(InProcessHTTPClient(standin))
        gateway = StripeGateway(client)
        config = boto3.session.Config(max_pool_connections=64)  # type: ignore[attr-defined]
        settings = Settings(
            table_name=resources.table_name,
            email_queue_url=resources.email_queue_url,
            public_base_url=BASE_URL,
            stripe_secret_key="sk_test_local",
        )
        ports = bootstrap.build(
            settings,
            dynamodb=boto3.client("dynamodb", endpoint_url=endpoint, config=config),
            sqs=boto3.client("sqs", endpoint_url=endpoint, config=config),
        )
        yield dataclasses.replace(ports, payment_gateway_factory=lambda: gateway)
    finally:
        server.stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)


def _a_course_in_two_months(ports: Ports, course_id: str, title: str, capacity: int) -> None:
    """A one-session £200 course, put as an organiser would (the races are over its seats)."""
    first_day = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    put_course(
        ports,
        course_id,
        CourseDefinition.model_validate(
            {
                "title": title,
                "price": {"amount": 20000, "currency": "gbp"},
                "capacity": capacity,
                "sessions": [{"date": first_day, "start_time": "15:00", "end_time": "17:00"}],
            }
        ),
    )


def test_200_concurrent_applicants_for_20_places(ports_on_moto_server: Ports) -> None:
    ports = ports_on_moto_server
    _a_course_in_two_months(ports, "rush", "Rush", CAPACITY)
    ports.payments  # noqa: B018 - create the shared gateway before the threads race for it
    busy: list[int] = []

    def one(n: int) -> str:
        """One applicant, retrying a 503 (the service is busy) as Retry-After asks, with the
        same Idempotency-Key, so a retry whose first try went through gets the first answer."""
        for _ in range(RETRIES):
            try:
                view = submit_application(
                    ports, "rush", application_body(email=f"p{n}@example.org"), f"key-{n}"
                )
            except DependencyUnavailable:
                busy.append(n)
                continue
            except BookingError as exc:  # a client-visible refusal would be a 4xx, not a crash
                return f"error:{exc.code}"
            return view.status
        return "error:still_busy"

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = Counter(pool.map(one, range(APPLICANTS)))

    expected = {"awaiting_payment": CAPACITY, "waitlisted": APPLICANTS - CAPACITY}
    assert outcomes == expected, f"{len(busy)} busy answers were retried"
    course = ports.repository.get_course("rush")
    assert course is not None
    assert (course.seats_taken, course.waiting) == (CAPACITY, APPLICANTS - CAPACITY)
    stored = ports.repository.list_applications("rush")
    assert len(stored) == APPLICANTS
    assert sum(a.seat_held for a in stored) == CAPACITY


def test_six_applicants_at_once_with_a_one_use_code_get_one_discount(
    ports_on_moto_server: Ports,
) -> None:
    """The code's use is claimed in the transaction that records each application: however
    the six race, one holds it and five are refused on the field."""
    ports = ports_on_moto_server
    _a_course_in_two_months(ports, "coded", "Coded", 10)
    create_discount_code(
        ports, "coded", DiscountCodeDefinition(code="ONCE-ONLY", percent_off=50, max_uses=1)
    )
    ports.payments  # noqa: B018 - create the shared gateway before the threads race for it

    def one(n: int) -> str:
        body = application_body(email=f"c{n}@example.org", discount_code="once-only")
        for _ in range(RETRIES):
            try:
                view = submit_application(ports, "coded", body, f"coded-{n}")
            except DependencyUnavailable:
                continue
            except InvalidInput as exc:
                return f"refused:{exc.fields.get('discount_code', '')[:30]}"
            return f"{view.status}:{view.amount_due}"
        return "error:still_busy"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = Counter(pool.map(one, range(6)))

    refused = "refused:" + REFUSALS["spent"][:30]
    assert outcomes == {"awaiting_payment:10000": 1, refused: 5}
    stored = ports.repository.list_applications("coded")
    assert [a.discount is not None for a in stored] == [True]
    code = ports.repository.get_discount_code("coded", "ONCE-ONLY")
    assert code is not None
    assert code.uses == 1
