"""A manager whose payment went back whole because it paid a checkout replaced when a place was
given up is told what is now owed, where to pay it and until when the places are held; the
manager's page shows how long an unpaid card booking's places are held. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import book, given_up_over_a_payment, group_page, manager_view
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

MANAGER = "florence@example.org"


def test_a_payment_on_a_replaced_checkout_given_back_says_what_is_owed(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group: dict[str, Any] = book(system, course=COURSE_ID).json()  # 3 places, £600, by card
    system.deliver_emails()
    system.hold_webhooks = True
    assert system.pay(str(group["pay_url"])).status == 200  # its events not heard yet
    late_payment = list(system.pending)
    system.pending.clear()
    system.hold_webhooks = False
    # A new checkout for the 2 places kept.
    assert given_up_over_a_payment(system, group, 1, monkeypatch).status == 200
    for body, headers in late_payment:
        assert system.webhook(body, headers).status == 200

    view = manager_view(system, group)
    assert view["status"] == "awaiting_payment"
    stored = system.stored_group(group)
    assert stored.hold_expires_at is not None
    assert stored.checkout is not None
    [told] = [m for m in system.deliver_emails() if MANAGER in m.to]
    assert told.subject.startswith("A payment given back")
    said = " ".join(told.text.split())
    assert "could not be kept" in said
    assert (
        "Your booking now holds 2 places and waits for a payment of £400.00 for them: please "
        "pay it by " in said
    )
    assert f"{stored.checkout.url}\n\nYour page shows" in told.text  # a line of its own
    assert stored.checkout.url in told.html
    assert "or the places are released then" in " ".join(told.html.split())

    page = text_of(group_page(system, group))
    assert "Places held until" in page
    console_says = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()
    [line] = [g for g in console_says["groups"] if g["group_id"] == group["group_id"]]
    until = line["status_said"].removeprefix("Awaiting payment by card, until ")
    assert until in page  # the same moment as the organisers are shown
    assert until in said
