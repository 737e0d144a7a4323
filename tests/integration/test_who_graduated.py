"""Who graduated, read where an organiser looks: the course's list of
applications and the roster CSV say, for each booking on the register, "Completed", "Did not
complete" or "Not decided yet"."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from booking.domain.wording import day_when
from tests.support.console import signed_in
from tests.support.courses import register_course, weekly_sessions
from tests.support.page_text import text_of
from tests.support.system import System

COURSE = "graduates-cohort"
REGISTER = f"/courses/{COURSE}/register"


def _definition(first: datetime) -> dict[str, Any]:
    return register_course(
        weekly_sessions(first.date(), 2, "10:00", "12:00"),
        programme="graduates-programme",
        enquiries_email="enquiries@example.org",
    )


def _completion_cells(system: System, browser: Any) -> dict[str, str]:
    roster = browser.get(f"/console/courses/{COURSE}/roster.csv")
    assert roster.status == 200
    rows = list(csv.DictReader(io.StringIO(roster.body.lstrip("\ufeff"))))
    return {row["Full name"]: row["Completion"] for row in rows}


def test_the_course_list_and_the_roster_say_who_completed(system: System) -> None:
    system.put_course(COURSE, _definition(datetime.now(UTC) + timedelta(days=3)))
    ada = system.booked(COURSE, name="Ada Present", email="ada@example.org")
    bo = system.booked(COURSE, name="Bo Absent", email="bo@example.org")
    browser = signed_in(system)
    page = f"/console/courses/{COURSE}"
    # Before closing: on the register, nothing decided yet.
    before = browser.get(page)
    assert '<th scope="col">Completion</th>' in before.body
    assert text_of(before.body).count("Not decided yet") == 2
    assert _completion_cells(system, browser) == {
        "Ada Present": "Not decided yet",
        "Bo Absent": "Not decided yet",
    }
    system.clock_offset += timedelta(days=20)
    sessions = [s["key"] for s in system.admin("GET", REGISTER).json()["sessions"]]
    for booking, mark in ((ada, "attended"), (bo, "absent")):
        for session in sessions:
            system.mark_attendance(COURSE, booking["application_id"], session, mark)
    assert system.admin("POST", f"{REGISTER}/close").status == 200
    browser.sign_in()
    after = text_of(browser.get(page).body)
    assert "Did not complete" in after
    assert "Completed" in after
    assert "Not decided yet" not in after
    assert _completion_cells(system, browser) == {
        "Ada Present": "Completed",
        "Bo Absent": "Did not complete",
    }
    # The programme's graduates: who, which cohort, when (the register's closing), invited to.
    listed = browser.get("/console/programmes/graduates-programme/follow-ups")
    assert listed.status == 200
    graduates = re.search(
        r'<section class="card" id="graduates">(.*?)</section>', listed.body, re.S
    )
    assert graduates is not None
    said = text_of(graduates.group(1))
    assert "Graduates of the programme (1)" in said
    assert "Ada Present" in said
    assert "Bo Absent" not in said
    assert "Compassionate Leadership Training" in said
    closed_at = system.admin("GET", REGISTER).json()["closed_at"]
    closed_on = day_when(datetime.fromisoformat(closed_at.replace("Z", "+00:00")), "Europe/London")
    assert closed_on in said
    assert "Not invited to any yet" in said
    # The same list to download, with what a mailing or a report needs.
    download = browser.get("/console/programmes/graduates-programme/graduates.csv")
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.body.lstrip("\ufeff"))))
    assert [(r["Full name"], r["Email address"], r["Completed"]) for r in rows] == [
        ("Ada Present", "ada@example.org", closed_on)
    ]
    assert rows[0]["Invited to"] == "Not invited to any yet"
    assert rows[0]["Cohort"].startswith("Compassionate Leadership Training, from ")


def test_a_course_without_a_register_has_no_completion_column(system: System) -> None:
    browser = signed_in(system)
    page = browser.get("/console/courses/compassionate-leadership-test")
    assert page.status == 200
    assert '<th scope="col">Completion</th>' not in page.body
