"""A refund racing a move, the case left open: the mailer has read the booking as moved
(confirmed on the dearer cohort) and composed the move's email, but not yet claimed it, when a
refund at Stripe made in the move's second reaches the webhook, which finds the email unclaimed
and undoes the move.
Under its send's lease the mailer reads the booking again: a move undone since is not told,
so the person never hears of a move the record says never stood. And the other way round: the
mailer claiming and sending it after the webhook read it unclaimed makes the undo's save lose
(it holds on the claim as read), and the move stands, told. Through the real handlers, moto
and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.application import Application
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from tests.integration.test_refund_moment import _cancelled_uids, _move_asked, _paid_then_refunded
from tests.support.another_invocation import in_another_invocation
from tests.support.cohorts import ADA, Cohorts, calendars_of, uids_of
from tests.support.held_events import deliver, held
from tests.support.system import System


def test_a_move_undone_while_its_email_was_being_composed_is_not_told(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohorts = Cohorts(system)
    asked = _move_asked(system, cohorts)
    app_id = asked.app_id
    payment_events, refund_events = _paid_then_refunded(system, asked)
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


def test_a_move_told_while_the_refund_was_being_decided_stands(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race's last window: the refund's webhook reads the move's email as
    unclaimed, and before it saves the undo the mailer claims the email, reads the booking
    again (still moved) and sends it. The undo's save holds on the claim as read, so it loses:
    the webhook decides again from a fresh read, finds the email sent, and the move stands,
    told, then cancelled and both payments refunded."""
    cohorts = Cohorts(system)
    asked = _move_asked(system, cohorts)
    app_id = asked.app_id
    payment_events, refund_events = _paid_then_refunded(system, asked)
    deliver(system, payment_events)  # moved: the booking stands on winter, its email queued

    repository = system.ports.repository
    real_save = repository.save
    told: list[OutgoingEmail] = []

    def mailer_before_the_undo_is_saved(new: Application, *args: Any, **kwargs: Any) -> Any:
        # The webhook read the move's email unclaimed and undid the move; before its save
        # lands, the mailer claims the email, reads the booking (still moved) and sends.
        if new.transfers and new.transfers[-1].undone_at is not None and not told:
            # As the mailer's Lambda runs: its queue's polling is not the webhook's (the
            # recorded calls are held to each function's grants).
            told.extend(in_another_invocation(cohorts.emails))
        return real_save(new, *args, **kwargs)

    monkeypatch.setattr(repository, "save", mailer_before_the_undo_is_saved)
    # The events of the refunds the webhook asks for wait, so only the mailer comes between.
    _, caused = held(system, lambda: deliver(system, refund_events))
    monkeypatch.undo()
    deliver(system, caused)
    sent = told + cohorts.emails()

    assert told, "the move was never undone, so the window was never played"
    moved_job = EmailJob.transferred(app_id, "move-spring", "move-winter", 1, 0).job_id
    assert repository.email_state(moved_job) == "sent"
    record = cohorts.record(app_id)
    assert (record["status"], record["course_id"]) == ("refunded", "move-winter")
    assert [t["undone_at"] for t in record["transfers"]] == [None]
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    # Told of the move (with its facilitators' copies), then of its end: what the record says.
    to_ada = [m for m in sent if m.to == [ADA]]
    [moved] = [m for m in told if m.to == [ADA] and "moved" in m.subject.lower()]
    assert len([m for m in told if m.to != [ADA] and "Booking moved" in m.subject]) == 2
    [ended] = [m for m in to_ada if "cancelled, and your payment refunded in full" in m.text]
    assert ended in sent[len(told) :]
    assert len([m for m in to_ada if "refunded" in m.subject]) == 2
    # Its cancel.ics takes out the sessions the move's email put in: winter's.
    winter = uids_of(calendars_of(moved)["invite.ics"])
    assert winter
    assert all(uid.startswith("move-winter-") for uid in winter)
    assert _cancelled_uids(calendars_of(ended)["cancel.ics"]) == winter
