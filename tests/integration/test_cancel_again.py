"""A cancel asking for a refund on a booking cancelled already without one:
nothing is refunded, and the answer says so (409) with how to refund it now, rather than a
200 an organiser's script reads as the money gone back."""

from __future__ import annotations

from typing import Any

from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def _cancel(system: System, application_id: str, *, refund: bool) -> Any:
    return system.cancel(application_id, refund=refund)


def test_a_refund_asked_of_a_booking_cancelled_without_one_is_refused_in_words(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert _cancel(system, app_id, refund=False).status == 200
    cohorts.emails()

    again = _cancel(system, app_id, refund=True)

    error = again.refused(409, "cancelled_without_refund")
    assert "cancelled already, without a refund: nothing has been refunded" in error["message"]
    assert "use Refund on its page (or POST its /refund)" in error["message"]
    assert cohorts.refunded_at_stripe() == []
    assert cohorts.emails() == []


def test_a_cancel_with_refund_sent_twice_stays_a_quiet_repeat(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert _cancel(system, app_id, refund=True).status == 200

    again = _cancel(system, app_id, refund=True)

    assert again.status == 200, again.body
    assert cohorts.refunded_at_stripe() == [20000]
