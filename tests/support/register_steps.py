"""The register's course on the fakes, as the unit and property tests of the register build
it: three weekly core sessions in June 2027 (and a follow-up in September), completed by
attending two; a person booked and paid on it; its sessions' keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.attendance import Mark
from booking.domain.course import CourseDefinition
from booking.services import applications, register
from booking.services.ports import Ports
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.use_case_steps import paid

CORE_DAYS = ("2027-06-07", "2027-06-14", "2027-06-21")
AFTER_THE_LAST = datetime(2027, 6, 21, 16, 1, tzinfo=UTC)  # 17:01 in London


def definition(
    min_sessions: int | None = 2, follow_up: str | None = None, days: tuple[str, ...] = CORE_DAYS
) -> CourseDefinition:
    sessions: list[dict[str, object]] = [
        {"date": day, "start_time": "15:00", "end_time": "17:00"} for day in days
    ]
    if follow_up:
        sessions.append(
            {"date": follow_up, "start_time": "15:00", "end_time": "16:00", "kind": "follow_up"}
        )
    body: dict[str, object] = {
        "programme": "compassionate-leadership",
        "title": "Compassionate Leadership",
        "price": {"amount": 20000},
        "capacity": 10,
        "facilitators": [{"name": "Ann Facilitator", "email": "ann@example.org"}],
        "sessions": sessions,
    }
    if min_sessions is not None:
        body["completion_min_sessions"] = min_sessions
    return CourseDefinition.model_validate(body)


def answers(email: str, name: str = "Ada Lovelace") -> dict[str, object]:
    return {
        "name": name,
        "email": email,
        "job_title": "Ward manager",
        "organisation": "St Elsewhere",
        "leadership_role": "A ward",
        "motivation": "To lead with compassion",
        "consent": True,
    }


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 5, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def ports(clock: Clock) -> Ports:
    return fake_ports(clock, course=definition(follow_up="2027-09-20"))


def book(ports: Ports, email: str, name: str = "Ada Lovelace", course_id: str = "c1") -> str:
    view = applications.submit_application(ports, course_id, answers(email, name))
    paid(ports, view.application_id, f"evt_{view.application_id}")
    assert repo(ports).applications[view.application_id].status is S.CONFIRMED
    return view.application_id


def keys(ports: Ports) -> list[str]:
    return [s.key for s in register.register_of(ports, "c1").sessions]


def wang_completed(ports: Ports, clock: Clock) -> str:
    """王小明 (a name the certificate's font cannot print) booked, then marked present at the
    first two sessions once the last was held: their application's id. Not closed yet."""
    wang = book(ports, "wang@example.org", "王小明")
    clock.now = AFTER_THE_LAST
    for key in keys(ports)[:2]:
        register.mark(ports, "c1", wang, key, Mark.ATTENDED)
    return wang
