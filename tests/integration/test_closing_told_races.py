"""The sweep's runs at once, as applications close, on a moto server (in-process moto is not
thread-safe for transactions): each application still in review, and each person waiting, is
marked told by exactly one run (the mark and its email are one conditional write,
and the email's job id, naming the closing, is claimed by the mailer before sending)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from booking.domain.course import CHECKOUT_HOLD, CourseDefinition
from booking.domain.offer_ends import REVIEW_ENDED
from booking.services.applications import submit_application
from booking.services.courses import put_course
from booking.services.lifecycle import sweep
from booking.services.ports import Ports
from tests.integration.test_concurrency import ports_on_moto_server  # noqa: F401 - the fixture
from tests.support.system import application_body

IN_REVIEW = 4
RUNS = 8


def test_runs_at_once_at_the_closing_tell_each_application_in_review_once(
    ports_on_moto_server: Ports,  # noqa: F811 - the fixture imported above
) -> None:
    ports = ports_on_moto_server
    first_day = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    definition = {
        "title": "Reviewed",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 5,
        "approval_required": True,
        "sessions": [{"date": first_day, "start_time": "15:00", "end_time": "17:00"}],
    }
    put_course(ports, "reviewed", CourseDefinition.model_validate(definition))
    for n in range(IN_REVIEW):
        view = submit_application(
            ports, "reviewed", application_body(email=f"r{n}@example.org"), f"key-{n}"
        )
        assert view.status == "pending_review"
    course = ports.repository.get_course("reviewed")
    assert course is not None
    closes = course.applications_close_at()
    moments = [closes + timedelta(seconds=n % 3) for n in range(RUNS)]

    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        told = list(pool.map(lambda moment: sweep(ports, moment).waits_ended, moments))

    assert sum(told) == IN_REVIEW, told
    stored = ports.repository.list_applications("reviewed")
    assert [a.status_reason for a in stored] == [REVIEW_ENDED] * IN_REVIEW
    assert all(a.status.value == "pending_review" for a in stored)
    # A run after them tells nobody again.
    assert sweep(ports, closes + CHECKOUT_HOLD / 2).waits_ended == 0
