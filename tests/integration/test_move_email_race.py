"""The G4 race (move12, left): the mailer has read the booking as moved (confirmed on the dearer
cohort) and composed the move's email, but not yet claimed it, when a refund at Stripe made in
the move's second reaches the webhook, which finds the email unclaimed and undoes the move.
Under its send's lease the mailer reads the booking again: a move undone since is not told,
so the person never hears of a move the record says never stood. Through the real handlers,
moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.emails import EmailJob, EmailKind
from tests.integration.test_dearer_moves import _ask
from tests.integration.test_refund_moment import _invite_uids
from tests.integration.test_transfers import ADA, Cohorts
from tests.support.held_events import deliver, held_at
from tests.support.system import System


def test_a_move_undone_while_its_email_was_being_composed_is_not_told(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohorts = Cohorts(system)
    app_id, first_payment, _ = _invite_uids(system, cohorts)
    pending = _ask(cohorts, app_id)["pending_move"]
    cohorts.emails()
    system.clock_offset += timedelta(minutes=1)
    payment_events, refund_events = held_at(
        system,
        system.now(),
        lambda: system.pay(pending["pay_url"]),
        lambda: system.refund_at_stripe(first_payment),
    )
    deliver(system, payment_events)  # moved: the booking stands on winter, its email queued
    assert cohorts.record(app_id)["course_id"] == "move-winter"

    repository = system.ports.repository
    real_claim = repository.claim_email
    heard: list[str] = []

    def refund_heard_first(job_id: str, *args: Any, **kwargs: Any) -> Any:
        # The move's email composed from the booking as moved; the refund's webhook runs
        # before the mailer claims it, finds it unclaimed, and undoes the move.
        if job_id.startswith(f"{EmailKind.BOOKING_TRANSFERRED.value}:") and not heard:
            heard.append(job_id)
            deliver(system, refund_events)
        return real_claim(job_id, *args, **kwargs)

    monkeypatch.setattr(repository, "claim_email", refund_heard_first)
    sent = cohorts.emails_to(ADA)
    monkeypatch.undo()

    assert heard, "the move's email was never reached"
    record = cohorts.record(app_id)
    assert (record["status"], record["course_id"]) == ("refunded", "move-spring")
    assert record["transfers"][0]["undone_at"] is not None
    assert not [m for m in sent if "moved" in m.subject.lower()]
    assert [m for m in sent if "cancelled, and your payment refunded in full" in m.text]
    [job_id] = heard
    assert job_id == EmailJob.transferred(app_id, "move-spring", "move-winter", 1, 0).job_id
    assert repository.email_state(job_id) == "skipped_not_confirmed"
