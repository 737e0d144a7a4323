"""Each email about a place booked by a manager describes the event it is about, rendered from
what its job recorded, not from the state when it is sent."""

from __future__ import annotations

from tests.integration.test_group_bookings import (
    COLLEAGUES,
    OTHERS,
    apply_through,
    invoiced,  # noqa: F401 (the fixture)
    paid_group,
)
from tests.support.system import System


def test_the_facilitators_copy_says_the_status_the_application_had_when_it_was_made(
    invoiced: System,  # noqa: F811
) -> None:
    system = invoiced
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    assert apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0]).status == 201
    # The colleague is substituted before the facilitators' copy of their application goes.
    swapped = system.api(
        "POST",
        f"/groups/{group['group_id']}/places/1/substitute?token={group['token']}",
        json_body=OTHERS[0],
    )
    assert swapped.status == 200, swapped.body
    sent = system.deliver_emails()
    [copy] = [e for e in sent if e.subject.startswith("New booking")]
    assert "Status when this was sent: Confirmed" in copy.text
    assert "Cancelled" not in copy.text
