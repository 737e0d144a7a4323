"""A manager's group is held to the rule single bookings are (review16 F6, ``domain.paying``):
no new checkout for the places kept opens once the course's applications close (409
``course_closed`` in words, nothing changed), and a group's card payment Stripe takes after
the course has begun is given back at once, never confirmed, the manager told why. Through
the real handlers, the clock frozen (time-machine) either side of the start."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from tests.support.groups import COLLEAGUES, MANAGER, book, give_up, manager_view
from tests.support.system import COURSE_ID, System


def _start(system: System) -> datetime:
    return datetime.fromisoformat(system.course(COURSE_ID)["sessions"][0]["start"])


def _session_of(pay_url: object) -> str:
    return str(pay_url).rsplit("/", 1)[-1]


def test_no_new_checkout_for_the_places_kept_opens_once_applications_close(
    system: System,
) -> None:
    start = _start(system)
    with time_machine.travel(start - timedelta(minutes=45), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
        left = int(system.course(COURSE_ID)["places_left"])
    with time_machine.travel(start - timedelta(minutes=25), tick=False):
        opened = len([r for r in system.stripe_http.requests if r.path == "/v1/checkout/sessions"])
        refused = give_up(system, group, 2)
        assert refused.status == 409, refused.body
        error = refused.json()["error"]
        assert error["code"] == "course_closed"
        assert "a new payment for the places kept can no longer be opened" in error["message"]
        assert "nothing was changed" in error["message"]
        view = manager_view(system, group)
        assert (view["status"], view["pay_url"]) == ("awaiting_payment", group["pay_url"])
        assert view["total"] == group["total"]
        assert int(system.course(COURSE_ID)["places_left"]) == left
        assert system.checkout_session(str(group["pay_url"]))["status"] == "open"
        asked = [r for r in system.stripe_http.requests if r.path == "/v1/checkout/sessions"]
        assert len(asked) == opened


def test_a_groups_card_payment_taken_after_the_start_is_refunded_not_confirmed(
    system: System,
) -> None:
    start = _start(system)
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:1]).json()
        system.stripe_local(
            "POST",
            f"/checkout/{_session_of(group['pay_url'])}/pay",
            b"async=true",
            {"content-type": "application/x-www-form-urlencoded"},
        )
        system.deliver_emails()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        system.stripe_local(
            "POST",
            f"/checkout/{_session_of(group['pay_url'])}/async",
            b"result=succeeded",
            {"content-type": "application/x-www-form-urlencoded"},
        )
        assert system.webhook_replies[-1].status == 200
        view = manager_view(system, group)
        assert view["status"] != "paid"
        assert all(place["apply_url"] is None for place in view["places"])
        refunds = [r for r in system.stripe_http.requests if r.path == "/v1/refunds"]
        assert len(refunds) == 1
        sent = system.deliver_emails()
    to_manager = [m for m in sent if m.to == [MANAGER]]
    assert any("after the course had begun" in m.text for m in to_manager), [
        m.subject for m in sent
    ]
    assert not any(m.subject.startswith("Please apply for your place") for m in sent)
