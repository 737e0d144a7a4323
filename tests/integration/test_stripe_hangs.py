"""A Stripe that hangs never holds the reminders' run: the run asks it briefly (a short
timeout, no retries) and nothing more once it did not answer, so the run's reminders are
queued, and what Stripe was to do (an owed customer's deletion, a lapsed hold's checkout
expired) waits for the next run. Through the real handlers, moto and the Stripe stand-in,
made to hang (``tests.support.stripe_hangs``). Nor an erasure's answer, which asks it the same
way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import stripe

from tests.integration.test_erasure_at_stripe import deleted
from tests.support.applications import invoice_id_of
from tests.support.groups import (
    COLLEAGUES,
    book,
    paid_group_with_an_apply_by,
    pay_link_id,
    places_left,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.stripe_client import Answer
from tests.support.stripe_hangs import stripe_answers, stripe_hangs
from tests.support.system import COURSE_ID, System

pytestmark = pytest.mark.usefixtures("invoiced")  # the sample cohort, invoices allowed


def _invoiced(system: System, email: str) -> str:
    applied = system.apply(INVOICED, email=email, **{**BILLING, "billing_email": email})
    assert applied.status == 201, applied.body
    return invoice_id_of(applied.json())


def _run_as_stripe_hangs(system: System, session_id: str) -> datetime:
    """The run a day before the first session, as Stripe hangs, with Ada's reminder due and
    the checkout ``session_id``'s hold lapsed: the reminder is queued, nothing released, and
    Stripe asked that checkout's expiry alone (nothing more once it was silent). When it
    ran."""
    reminded_at = system.first_start() - timedelta(hours=23)
    reader = stripe_hangs(system)

    ran = system.scheduled_run(reminded_at)

    assert (ran["queued"], ran["holds_released"]) == (1, 0)
    assert [r.path for r in reader.requests] == [f"/v1/checkout/sessions/{session_id}/expire"]
    return reminded_at


def test_owed_customer_deletions_stop_at_stripes_first_silence_and_wait_for_the_next_run(
    system: System,
) -> None:
    owed = [_invoiced(system, f"person{n}@example.org") for n in range(3)]
    repository = system.ports.repository
    repository.owe_customer_deletions(owed, system.now())
    reader = stripe_hangs(system)

    system.scheduled_run(system.now() + timedelta(minutes=15))

    assert len(reader.requests) == 1  # one short timeout, not one (or three) for each
    assert sorted(repository.owed_customer_deletions()) == sorted(owed)
    stripe_answers(system)
    system.scheduled_run(system.now() + timedelta(minutes=30))
    assert repository.owed_customer_deletions() == []
    assert all(deleted(system, invoice_id) for invoice_id in owed)


def test_a_stripe_that_hangs_as_holds_lapse_holds_no_reminder_due(system: System) -> None:
    """After its reminders, the run releases the holds that lapsed, expiring each checkout at
    Stripe first: hanging there, it held the run until Lambda's timeout, every run while Stripe
    hung. Asked briefly, the hold waits for the next run, the reminder is queued, and the
    deletion owed after it is not asked of a Stripe found silent."""
    system.booked(email="ada@example.org")
    unpaid = system.apply(email="bea@example.org")
    assert unpaid.status == 201, unpaid.body
    owed = _invoiced(system, "person@example.org")
    system.ports.repository.owe_customer_deletions([owed], system.now())
    reminded_at = _run_as_stripe_hangs(system, unpaid.json()["checkout_url"].rsplit("/", 1)[-1])
    assert system.ports.repository.owed_customer_deletions() == [owed]
    stripe_answers(system)
    again = system.scheduled_run(reminded_at + timedelta(minutes=15))
    # Bea's hold, and the invoice's left unpaid so near the start.
    assert (again.get("queued", 0), again["holds_released"]) == (0, 2)
    assert deleted(system, owed)
    assert [m.to[0] for m in system.deliver_emails() if "reminder" in m.subject.lower()] == [
        "ada@example.org"
    ]


def test_a_deletion_stripe_made_whose_answer_was_lost_counts_as_done_on_the_next_run(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked once, a deletion may be made at Stripe and its answer lost (the short timeout):
    it stays owed, and the next run's delete, answered that the customer is gone, is done."""
    owed = _invoiced(system, "person@example.org")
    system.ports.repository.owe_customer_deletions([owed], system.now())
    answer = system.stripe_http._answer
    lost: list[str] = []

    def answer_lost(method: str, url: str, headers: Any, post_data: Any) -> Answer:
        answered = answer(method, url, headers, post_data)
        if method == "delete" and not lost:
            lost.append(url)
            raise stripe.APIConnectionError("simulated: the answer was lost")  # type: ignore[no-untyped-call]
        return answered

    monkeypatch.setattr(system.stripe_http, "_answer", answer_lost)

    system.scheduled_run(system.now() + timedelta(minutes=15))
    assert lost
    assert deleted(system, owed)  # made at Stripe
    assert system.ports.repository.owed_customer_deletions() == [owed]  # unknown here

    system.scheduled_run(system.now() + timedelta(minutes=30))
    assert system.ports.repository.owed_customer_deletions() == []


def test_a_stripe_that_hangs_as_a_groups_hold_lapses_ends_no_run(system: System) -> None:
    """A manager's group left unpaid at its Checkout: once its hold lapsed, the run's sweep
    expires that checkout at Stripe before the places go. Stripe silent there, the run ended
    with its error: the rest of the sweep (free places offered, emails relayed) and what
    erasures owe at Stripe were never reached, every run while Stripe hung. The group is kept
    for the next run, as one person's lapsed hold is, and the run goes on."""
    system.booked(email="ada@example.org")
    booked = book(system, course=COURSE_ID)
    assert booked.status == 201, booked.body
    left = places_left(system, COURSE_ID)
    reminded_at = _run_as_stripe_hangs(system, pay_link_id(booked.json()))
    assert places_left(system, COURSE_ID) == left  # kept, never guessed unpaid
    stripe_answers(system)
    again = system.scheduled_run(reminded_at + timedelta(minutes=15))
    assert again["holds_released"] == 1
    assert places_left(system, COURSE_ID) == left + len(COLLEAGUES)


def test_a_stripe_that_hangs_past_a_groups_apply_by_ends_no_run(system: System) -> None:
    """Past a paid group's apply-by date, each place nobody filled is given up, its share
    refunded at Stripe first. Stripe silent there, the run ended with its error, the rest of
    the sweep never reached. The places are kept for the next run, which gives them up."""
    group = paid_group_with_an_apply_by(system)
    left = places_left(system)
    system.clock_offset += datetime.fromisoformat(group["apply_by"]) - system.now()
    stripe_hangs(system)

    system.scheduled_run(system.now())

    assert places_left(system) == left
    stripe_answers(system)
    system.scheduled_run(system.now() + timedelta(minutes=15))
    assert places_left(system) == left + len(COLLEAGUES)


def test_an_erasure_as_stripe_hangs_answers_and_the_run_finishes_what_it_owed(
    system: System,
) -> None:
    """An erasure asked Stripe to void the person's open invoice, and afterwards to delete its
    customer, through the main client (in AWS 80 s and two retries): past API Gateway's 29 s,
    the organiser saw a timeout as the function went on. Asked briefly, nothing more once
    silent: the erasure answers, says what is pending at Stripe, and the next run, Stripe
    back, voids the invoice and deletes its customer, once."""
    invoice_id = _invoiced(system, "person@example.org")
    reader = stripe_hangs(system)

    erased = system.admin("DELETE", "/people/person@example.org")

    assert erased.status == 200, erased.body
    assert erased.json()["stripe_pending"] is True
    assert len(reader.requests) == 1  # one short timeout, nothing more asked of it
    assert system.admin("GET", "/people/person@example.org").status == 404
    assert system.ports.repository.owed_customer_deletions() == [invoice_id]
    stripe_answers(system)
    system.scheduled_run(system.now() + timedelta(minutes=15))
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert deleted(system, invoice_id)
    assert system.ports.repository.owed_customer_deletions() == []
    assert system.ports.repository.provider_search_owed_for("person@example.org") is False


def test_an_erasure_as_stripe_hangs_over_an_open_checkout_answers(system: System) -> None:
    """A card applicant's open checkout is expired at Stripe before their booking is
    erased (paid meanwhile, the booking stands): Stripe silent there, the erasure waited on
    the main client past API Gateway's 29 s. Asked briefly, the organiser is told in words
    within seconds that nothing was changed yet, and the erasure is made once Stripe
    answers."""
    applied = system.apply(email="bea@example.org")
    assert applied.status == 201, applied.body
    reader = stripe_hangs(system)

    refused = system.admin("DELETE", "/people/bea@example.org")

    assert refused.status == 503, refused.body
    assert "did not answer" in refused.json()["error"]["message"], refused.body
    assert len(reader.requests) == 1  # the expiry, once: nothing more asked of it
    stripe_answers(system)
    assert system.admin("DELETE", "/people/bea@example.org").status == 200
