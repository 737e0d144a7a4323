"""A meeting's attendance export on the console's register: the course's own
people (a facilitator by address or by name, the enquiries address hosting the meeting) are set
apart and named, not offered as rows to resolve; resolving one unmatched row keeps the others
in view, down to the last. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

COURSE = "import-facilitators-cohort"
REGISTER = f"/courses/{COURSE}/register"
PAGE = f"/console{REGISTER}"


def _definition(first: datetime) -> dict[str, Any]:
    return {
        "title": "Compassionate Leadership Training",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 10,
        "facilitators": [
            {"name": "Ruth Sequeira", "email": "ruth@example.org"},
            {"name": "Catherine Cameron", "email": "catherine@example.org"},
        ],
        "enquiries_email": "spft.smc@nhs.net",
        "completion_min_sessions": 1,
        "sessions": [
            {
                "date": (first + timedelta(days=7 * n)).date().isoformat(),
                "start_time": "10:00",
                "end_time": "12:00",
            }
            for n in range(2)
        ],
    }


EXPORT = (
    "Name (Original Name),User Email,Duration (Minutes)\n"
    "Ruth Sequeira,spft.smc@nhs.net,120\n"  # line 2: the host, at the enquiries address
    "Liam Moore,liam@example.org,118\n"  # line 3: on the register
    "Kate (iPad),kate.lewis@nhs.example,117\n"  # line 4: Kate, at another address
    "Catherine Cameron (Co-host),cath@home.example,119\n"  # line 5: a facilitator by name
    "Dial-in caller,,90\n"  # line 6: nobody known
)


def test_facilitators_are_set_apart_and_resolving_keeps_the_rest(system: System) -> None:
    system.put_course(COURSE, _definition(datetime.now(UTC) + timedelta(days=3)))
    system.booked(COURSE, name="Liam Moore", email="liam@example.org")
    kate = system.booked(COURSE, name="Kate Lewis", email="kate@example.org")
    system.clock_offset += timedelta(days=4)  # the first session held, the second to come
    session = system.admin("GET", REGISTER).json()["sessions"][0]["key"]
    browser = signed_in(system)
    token = browser.csrf(PAGE)
    imported = browser.post(f"{PAGE}/import", csrf_token=token, session=session, export=EXPORT)
    assert imported.status == 200, imported.body
    said = text_of(imported.body)
    assert "1 person was marked attended: Liam Moore" in said
    assert (
        "Left out as the course's own people (its facilitators or its enquiries address): "
        "Ruth Sequeira (line 2), Catherine Cameron (Co-host) (line 5)." in said
    )
    offered = re.findall(r'name="line" value="(\d+)"', imported.body)
    assert sorted(set(offered)) == ["4", "6"]  # only Kate's row and the caller's to resolve
    carried = re.search(r'name="unmatched" value="([^"]*)"', imported.body)
    assert carried is not None
    unmatched = html.unescape(carried.group(1))

    resolved = browser.post(
        f"{PAGE}/marks",
        csrf_token=token,
        session=session,
        mark="attended",
        line="4",
        unmatched=unmatched,
        application_id=kate["application_id"],
    )
    assert resolved.status == 200, resolved.body
    still = text_of(resolved.body)
    assert "Kate Lewis: attended session 1 of 2." in still
    # The row still to resolve stays in view, with its form carrying what is left.
    assert "Dial-in caller" in still
    assert "kate.lewis@nhs.example" not in still
    assert re.findall(r'name="line" value="(\d+)"', resolved.body) == ["6"]


def test_the_api_names_the_facilitators_rows_apart(system: System) -> None:
    system.put_course(COURSE, _definition(datetime.now(UTC) + timedelta(days=3)))
    system.booked(COURSE, name="Liam Moore", email="liam@example.org")
    system.clock_offset += timedelta(days=4)
    session = system.admin("GET", REGISTER).json()["sessions"][0]["key"]
    reply = system.admin(
        "POST", f"{REGISTER}/import", json_body={"session": session, "export": EXPORT}
    )
    assert reply.status == 200, reply.body
    answer = reply.json()
    assert [r["line"] for r in answer["facilitators"]] == [2, 5]
    assert [r["line"] for r in answer["unmatched"]] == [4, 6]
