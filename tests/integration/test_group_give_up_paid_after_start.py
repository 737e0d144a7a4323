"""A group's card give-up stopped three minutes before applications close (half an hour before
the start) is completed after they close, as pressed: a new checkout for the place kept, whose
half-hour hold runs past the start. Paid once the course has begun, that payment is given back
in full as any paid after the start is (``domain.paying.completed_late``): the booking ends, its
seat back, and the manager is told in words why, never confirmed nor left waiting for a
payment made and refunded. Through the real handlers, moto and the Stripe stand-in, the clock
moved as the system's time machine moves it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER
from tests.integration.test_checkout_expired_half_done import _stopped_after_the_expiry
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    book,
    give_up,
    group_page,
    manager_view,
    places_left,
)
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


@pytest.mark.parametrize("by", ["event", "sweep"])
def test_a_give_ups_checkout_opened_after_the_close_and_paid_after_the_start_is_refunded(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    start = system.first_start()
    system.clock_offset += start - timedelta(minutes=33) - system.now()
    left = places_left(system, COURSE_ID)
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    system.deliver_emails()
    reply, held = _stopped_after_the_expiry(system, monkeypatch, lambda: give_up(system, group, 1))
    assert reply.status == 500, reply.body
    for body, headers in held:
        assert system.webhook(body, headers).status == 200
    stopped = system.stored_group(group)
    assert stopped.checkout is not None
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    assert system.course(COURSE_ID)["status"] == "closed"
    if by == "event":
        old = stopped.checkout.session_id.encode()
        for body, headers in held:
            if b"checkout.session.expired" in body and old in body:
                assert system.webhook(body, headers).status == 200
    else:
        system.scheduled_run(system.now())
    completed = system.stored_group(group).checkout
    assert completed is not None
    assert completed.session_id != stopped.checkout.session_id
    assert completed.expires_at > start  # its hold runs past the start
    assert places_left(system, COURSE_ID) == left - 1
    system.deliver_emails()

    system.clock_offset += start + timedelta(minutes=1) - system.now()
    assert system.pay_session(completed.session_id).status == 200

    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "paid_after_start"), view
    assert view["pay_url"] is None
    assert len(requests_to(system.stripe_http, "/v1/refunds")) == 1
    assert places_left(system, COURSE_ID) == left
    to_manager = [m for m in system.deliver_emails() if m.to == [MANAGER]]
    assert len(to_manager) == 1, [m.subject for m in to_manager]
    [told] = to_manager
    text = " ".join(told.text.split())
    assert "A payment of £200.00" in text
    assert "it was taken after the course had begun" in text
    assert "the booking has ended and its places were released" in text
    assert "refunded in full to the card it came from" in text
    page = " ".join(group_page(system, group).split())
    assert "Released: the payment came after the course had begun and was refunded" in page
    # The organisers read why, never that the start was brought forward: it was not moved.
    lines = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
    [line] = [g for g in lines if g["group_id"] == group["group_id"]]
    assert "after the course had begun" in line["status_said"], line["status_said"]
    assert "brought forward" not in line["status_said"], line["status_said"]
    system.scheduled_run(system.now() + timedelta(hours=1))
    assert manager_view(system, group)["status"] == "lapsed"
    assert system.deliver_emails() == []
