"""A paid group's places released by what the manager did not do, said as what happened:
every place released at the apply-by date leaves the manager's page
without "your colleagues can apply" or links to send, and the organisers' count says those
places were released, not given up; places released when the booking's payment was refunded
at Stripe are not "given up" either, and the ending says what was refunded from here. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.groups import (
    give_up,
    group_page,
    manager_view,
    paid_by_card,
    paid_group_with_an_apply_by,
    the_apply_by_passes,
)
from tests.support.invoiced import INVOICED
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def _line(system: System, course: str, group: dict[str, Any]) -> dict[str, Any]:
    lines = system.admin("GET", f"/courses/{course}/group-bookings").json()["groups"]
    return next(line for line in lines if line["group_id"] == group["group_id"])


@pytest.mark.usefixtures("invoiced")
def test_every_place_released_at_the_apply_by_date_is_said_so(system: System) -> None:
    group = paid_group_with_an_apply_by(system)
    the_apply_by_passes(system, group)

    view = manager_view(system, group)
    assert view["status_said"] == (
        "Every place was released at the apply-by date, nobody having applied: what was paid "
        "for them is refunded"
    )
    page = text_of(group_page(system, group))
    assert "your colleagues can apply" not in page
    assert "Send each colleague their own link" not in page
    line = _line(system, INVOICED, group)
    assert line["places_said"] == "0 kept, 3 released at the apply-by date, of 3 booked"
    assert "given up" not in line["places_said"]


def test_places_released_by_a_refund_at_stripe_are_not_given_up(system: System) -> None:
    group = paid_by_card(system)
    stored = system.stored_group(group)
    assert give_up(system, group, 1).status == 200  # £200 refunded from here
    system.refund_at_stripe(stored.payment_intent)  # the £400 left, from the dashboard

    line = _line(system, COURSE_ID, group)
    assert line["places_said"] == (
        "0 kept, 1 given up, 2 released when its payment was refunded, of 3 booked"
    )
    assert line["status_said"] == (
        "Ended: the rest of its payment was refunded at Stripe (not from here), after £200.00 "
        "was refunded from here for places given up, so its places nobody had taken were "
        "released"
    )
    states = [place["state"] for place in line["places"]]
    assert states == ["given_up", "released_refunded", "released_refunded"]
    console = signed_in(system).words(f"/console/courses/{COURSE_ID}/group-bookings")
    assert "Released: the booking's payment was refunded at Stripe" in console
    assert "after £200.00 was refunded from here" in console
    page = text_of(group_page(system, group))
    assert page.count("Released: the booking's payment was refunded at Stripe") == 2
    assert page.count("Cancelled") == 1  # place 1, which the manager gave up
    assert "Colleagues apply by" not in page  # no place left to apply for
