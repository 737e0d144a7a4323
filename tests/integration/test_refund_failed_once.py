"""A refund made here that Stripe says failed: the organisers hear of it once
per refund, whatever number of Stripe's events tell it, and *Refund* (or a cancel with a
refund) of that booking afterwards is refused in words, 409 ``refund_failed_at_stripe``, never
a 200 for nothing done; a new refund of the payment on Stripe's dashboard is recorded as any
other, and the booking ends refunded."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.integration.test_refunds_pending import (
    _anomalies,
    _cancelled_with_a_pending_refund,
    _refund_failed,
    _refund_of,
    _settled_at_stripe,
)
from tests.support.cli import connect
from tests.support.console import signed_in
from tests.support.stripe_events import paid, sent, shown
from tests.support.system import COURSE_ID, System


def _refunds_at_stripe(system: System, payment_intent: str) -> list[tuple[int, str]]:
    store = system.standin._store
    with store.lock:
        return sorted(
            (r["amount"], r["status"])
            for r in store.refunds.values()
            if r["payment_intent"] == payment_intent
        )


def _failed(system: System) -> tuple[dict[str, Any], str, str]:
    """A booking cancelled with a refund Stripe held pending, then sent back (failed), its
    ``refund.updated`` delivered: the booking, its payment and the failed refund."""
    application = _cancelled_with_a_pending_refund(system)
    payment = system.payment_of(application)
    refund_id = _refund_of(system, payment)
    sent(system, _settled_at_stripe(system, refund_id, "failed"))
    assert shown(system, application) == ("cancelled", 20000, 0)
    return application, payment, refund_id


def test_a_failed_refund_told_by_a_second_event_is_one_anomaly(system: System) -> None:
    application, payment, refund_id = _failed(system)
    [first] = system.ports.repository.anomalies()
    told = _settled_at_stripe(system, refund_id, "failed")
    again = copy.deepcopy(told)
    again["id"] = f"evt_again_{refund_id}"  # the same failure, under another event's id

    assert sent(system, again)["action"] == "ignore"

    assert system.ports.repository.anomalies() == [first]
    assert _anomalies(system) == [_refund_failed(application, payment, refund_id, 0, told)]
    assert system.stored(application).refunds_failed == (refund_id,)


def test_a_failure_said_of_a_refund_stripe_holds_pending_is_not_believed(system: System) -> None:
    """A ``refund.updated`` saying failed is read at Stripe before the failure is kept: a
    refund Stripe still holds pending makes no anomaly, and Refund is not refused for it."""
    application = _cancelled_with_a_pending_refund(system)
    payment = system.payment_of(application)
    refund_id = _refund_of(system, payment)
    made_up = _settled_at_stripe(system, refund_id, "pending")
    made_up["data"]["object"]["status"] = "failed"

    sent(system, made_up)

    assert system.ports.repository.anomalies() == []
    assert system.stored(application).refunds_failed == ()
    refund = system.admin("POST", f"/applications/{application['application_id']}/refund")
    assert refund.status == 200, refund.body
    assert _refunds_at_stripe(system, payment) == [(20000, "pending")]


def test_refund_after_the_refund_failed_is_refused_in_words(system: System) -> None:
    application, payment, _refund_id = _failed(system)
    app_id = application["application_id"]
    stored = system.stored(application)

    refund = system.admin("POST", f"/applications/{app_id}/refund")
    cancel = system.cancel(app_id, refund=True)

    for reply in (refund, cancel):
        error = reply.refused(409, "refund_failed_at_stripe")
        assert "the refund of this booking's payment failed at Stripe" in error["message"]
        assert "£200.00 is still held and nothing was refunded now" in error["message"]
        assert "give the money back by hand" in error["message"]
    assert _refunds_at_stripe(system, payment) == [(20000, "failed")]
    assert system.stored(application) == stored


def test_refund_after_a_card_refund_failed_since_it_succeeded_is_refused(system: System) -> None:
    """A card refund that failed after it succeeded (the card closed) leaves the booking
    ended refunded, nothing counted as given back: Refund says so, never 200."""
    application = paid(system, "x@example.org")
    assert system.cancel(application["application_id"]).status == 200
    payment = system.payment_of(application)
    sent(system, _settled_at_stripe(system, _refund_of(system, payment), "failed"))
    assert shown(system, application) == ("refunded", 20000, 0)

    refund = system.admin("POST", f"/applications/{application['application_id']}/refund")

    refund.refused(409, "refund_failed_at_stripe")
    assert _refunds_at_stripe(system, payment) == [(20000, "failed")]


def test_a_new_refund_on_the_dashboard_after_the_failure_ends_the_booking(system: System) -> None:
    """What docs/features/refunds.md tells the organiser to do: a new refund of the payment on
    Stripe's dashboard is recorded as any dashboard refund (the booking ends refunded), and Refund
    is then a quiet repeat again, nothing left to give back."""
    application, payment, _refund_id = _failed(system)

    system.refund_at_stripe(payment)

    assert shown(system, application) == ("refunded", 20000, 20000)
    refund = system.admin("POST", f"/applications/{application['application_id']}/refund")
    assert refund.status == 200, refund.body
    assert _refunds_at_stripe(system, payment) == [(20000, "failed"), (20000, "succeeded")]


@pytest.mark.parametrize("pending", [True, False], ids=["bank_refund_sent_back", "card_closed"])
def test_the_console_says_the_refund_failed_never_refunded(system: System, pending: bool) -> None:
    """The person's page, the course's roster, its CSV and its money page say the refund
    failed and what is still to give back by hand, never "Refunded" or "refund on its way"
    for money Stripe did not give back; once the dashboard gives it back, "Refunded" again."""
    if pending:
        application, payment, _refund_id = _failed(system)
    else:
        application = paid(system, "x@example.org")
        assert system.cancel(application["application_id"]).status == 200
        payment = system.payment_of(application)
        sent(system, _settled_at_stripe(system, _refund_of(system, payment), "failed"))
    browser = signed_in(system)
    page = f"/console/applications/{application['application_id']}"
    roster = f"/console/courses/{COURSE_ID}"
    failed = "Refund failed at Stripe: £200.00 is still to give back by hand"

    said = browser.words(page)
    # Its tag and its status fact (the timeline keeps what was said then: "refund on its way").
    assert "Ada Lovelace Refund failed Compassionate" in said
    assert f"Status {failed} Applied" in said
    assert "Refund failed" in browser.words(roster)
    assert "Refund failed" in browser.words(f"{roster}/money")
    assert failed in browser.get(f"{roster}/roster.csv").body

    system.refund_at_stripe(payment)

    said = browser.words(page)
    assert "Status Refunded" in said
    assert "Refund failed" not in said
    assert "Refund failed" not in browser.words(roster)
    assert "Refund failed" not in browser.words(f"{roster}/money")


def test_the_api_record_and_the_terminal_say_the_refund_failed(system: System, run: Any) -> None:
    """``GET /admin/applications/{id}`` says the status in words (``status_said``), the
    course's rows say ``refund_failed``, and the CLI's ``application`` and ``roster`` say
    so, never "refund on its way" or "Cancelled" alone for a refund that failed."""
    application, _payment, _refund_id = _failed(system)
    failed = "Refund failed at Stripe: £200.00 is still to give back by hand"

    record = system.admin("GET", f"/applications/{application['application_id']}").json()
    code, said = run("application", record["reference"])

    assert (record["status"], record["status_reason"]) == ("cancelled", "refund_requested")
    assert record["status_said"] == failed
    assert code == 0
    assert f"Status: {failed}\n" in said
    assert "refund on its way" not in said
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert (row["status"], row["refund_failed"]) == ("cancelled", True)
    assert "  Refund failed  paid £200.00" in run("roster", COURSE_ID)[1]


def test_a_failure_kept_before_bookings_held_it_is_backfilled_from_its_anomaly(
    system: System, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    """A booking whose refund failed before the failure was kept on it (its
    anomaly kept, its ``refunds_failed`` empty) answered *Refund* 200 for nothing done until
    Stripe told the failure again. The backfill writes it from the anomaly; run twice, the
    second run writes nothing; *Refund* is then refused in words."""
    application, _payment, refund_id = _failed(system)
    stored = system.stored(application)
    before = stored.model_copy(update={"refunds_failed": ()})
    system.ports.repository.save(before, stored)  # as a booking saved before that kept it holds it
    assert system.stored(application).refunds_failed == ()

    # It takes no fields: a dry run asked is refused by its name, nothing written.
    dry = system.admin("POST", "/refunds-failed/backfill", json_body={"dry_run": True})
    assert dry.refused(422, "validation_failed")["fields"].keys() == {"dry_run"}
    assert system.stored(application).refunds_failed == ()
    first = system.admin("POST", "/refunds-failed/backfill")
    assert first.status == 200, first.body
    assert first.json() == {"written": 1, "already_held": 0, "not_found": 0}
    assert system.stored(application).refunds_failed == (refund_id,)
    system.admin("POST", f"/applications/{application['application_id']}/refund").refused(
        409, "refund_failed_at_stripe"
    )
    connect(system, monkeypatch)
    code, said = run("backfill-refunds-failed")
    assert code == 0, said
    assert "0 written onto their booking, 1 held already" in said
