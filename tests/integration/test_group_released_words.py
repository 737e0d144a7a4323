"""The manager's own group page names a place released at the apply-by date for what happened
("Released at the apply-by date: nobody applied", the overview's wording), not "Cancelled",
which it says of a place the manager gave up (issue 21)."""

from __future__ import annotations

import html
import re
from datetime import datetime

from tests.integration.test_group_bookings import (
    COLLEAGUES,
    HTML,
    INVOICED,
    apply_through,
    invoiced,
    paid_group,
)
from tests.support.system import System

__all__ = ["invoiced"]  # the fixture, shared with the group bookings' tests


def test_a_place_released_at_the_apply_by_date_is_said_so_on_the_managers_page(
    invoiced: System,
) -> None:
    system = invoiced
    course = system.ports.repository.get_course(INVOICED)
    assert course is not None
    system.put_course(
        INVOICED, course.definition.model_dump(mode="json") | {"group_apply_by_days": 10}
    )
    group = paid_group(system)
    assert apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0]).status == 201
    given_up = system.api(
        "POST", f"/groups/{group['group_id']}/places/2/cancel?token={group['token']}"
    )
    assert given_up.status in (200, 303), given_up.body

    system.clock_offset += datetime.fromisoformat(group["apply_by"]) - system.now()
    system.scheduled_run(system.now())

    body = system.api(
        "GET", f"/groups/{group['group_id']}?token={group['token']}", headers=HTML
    ).body
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    assert page.count("Released at the apply-by date: nobody applied") == 1, page
    assert page.count("Cancelled") == 1, page  # the place the manager gave up
