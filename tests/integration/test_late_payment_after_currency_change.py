"""A payment that lands after its booking ended (cancelled by an organiser while Stripe's
event was delayed), on a cohort whose currency changed since (allowed: the ended booking held
nothing): given back and recorded, the person told; never a webhook failing on every
redelivery (the refund's save was refused as newly pricing the cohort in the old
currency). The cancel expires the checkout at Stripe first and is refused when it was paid,
so here Stripe's answer to that expiry is "expired" without closing it: only
such an answer lets a payment land after the cancel now."""

from __future__ import annotations

import pytest

from tests.support.stripe_events import heard_late_and_refunded, paid_unheard
from tests.support.system import COURSE_ID, System


def test_a_late_payment_on_a_cohort_now_in_another_currency_is_given_back(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = system.apply().json()
    completed = paid_unheard(system, late)
    with monkeypatch.context() as patched:
        patched.setattr(system.ports.payments, "expire_checkout", lambda session_id: "expired")
        cancelled = system.admin(
            "POST", f"/applications/{late['application_id']}/cancel", json_body={}
        )
    assert cancelled.status == 200, cancelled.body
    assert system.status_of(late)["status"] == "cancelled"
    in_dollars = system.course_file()
    in_dollars["price"] = {"amount": 25000, "currency": "usd"}
    changed = system.admin("PUT", f"/courses/{COURSE_ID}", json_body=in_dollars)
    assert changed.status == 200, changed.body
    system.deliver_emails()

    heard_late_and_refunded(system, late, completed)
    told = [m.subject for m in system.deliver_emails()]
    assert any("refund" in subject.lower() for subject in told), told
