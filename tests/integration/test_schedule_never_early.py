"""Newcomer 11, finding 1: `run-reminders --at` a day after a group's apply-by date, against a
deployed reminders function, released the places nobody applied for and refunded them months
early. A deployed function now refuses a time ahead of its clock before anything is done; the
same run at that time, once it has come (the local stack's tick moves its clock), releases
and refunds as the schedule should."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.domain.run_time import RunAheadOfClock
from booking.handlers import reminders
from infra.local.front import lambda_context
from infra.local.mail import scheduled_event
from tests.support.groups import (
    colleague_applies,
    manager_view,
    paid_group_with_an_apply_by,
    places_left,
)
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # the groups' cohort (tests/support/invoiced.py)


def test_a_run_ahead_of_the_clock_releases_and_refunds_no_group_place(system: System) -> None:
    group = paid_group_with_an_apply_by(system)
    colleague_applies(system, group)
    before, left = manager_view(system, group), places_left(system)
    events = len(system.stripe_local("GET", "/events").json())
    after_apply_by = datetime.fromisoformat(group["apply_by"]) + timedelta(minutes=10)
    assert after_apply_by > system.now() + timedelta(days=1)
    # As a deployed function is invoked by `run-reminders --function ... --at <that day>`:
    # its clock (the system's) is today.
    with pytest.raises(RunAheadOfClock, match="ahead of this function's clock"):
        reminders.handler(scheduled_event(after_apply_by), lambda_context("booking-reminders"))
    system.relay()
    assert manager_view(system, group) == before
    assert before["amount_refunded"] == 0
    assert places_left(system) == left
    assert len(system.stripe_local("GET", "/events").json()) == events  # no refund
    # The same time with the functions' clock at it (the local tick): the schedule runs.
    system.scheduled_run(after_apply_by)
    after = manager_view(system, group)
    assert [p["state"] for p in after["places"]] == ["confirmed", "released", "released"]
    assert after["amount_refunded"] == 40000
