"""The register tests' cohort: three weekly core sessions ten days on and a follow-up
``FOLLOW_UP_AFTER`` days after the first, completed by attending two; people booked on it,
its register read, the clock moved past it, and a PDF fetched through the local front."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

from tests.support.courses import register_course, weekly_sessions
from tests.support.system import System

COURSE = "register-cohort"
REGISTER = f"/courses/{COURSE}/register"
FOLLOW_UP_AFTER = 60  # days after the first session


def register_cohort_file(first: date) -> dict[str, Any]:
    follow_up = {
        "date": (first + timedelta(days=FOLLOW_UP_AFTER)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "kind": "follow_up",
    }
    return register_course(
        [*weekly_sessions(first, 3, "10:00", "12:30"), follow_up],
        programme="register-programme",
        enquiries_email="enquiries@example.org",
    )


def booked_on_it(system: System, name: str, email: str) -> dict[str, Any]:
    return system.booked(COURSE, name=name, email=email)


def register_read(system: System) -> dict[str, Any]:
    reply = system.admin("GET", REGISTER)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def after_the_course(system: System) -> None:
    system.clock_offset += timedelta(days=40)


def while_the_course_runs(system: System) -> None:
    system.clock_offset += timedelta(days=11)  # the first session held, the last to come


def pdf_got(system: System, path: str) -> tuple[int, bytes]:
    answer = system.front.handle("GET", path, {}, b"", "198.51.100.7")
    body = answer.get("body") or ""
    content = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    return int(answer["statusCode"]), content
