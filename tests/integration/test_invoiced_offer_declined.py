"""An offered place its person chose to have their employer invoiced for can still be turned
down: the invoice is voided at Stripe first, then the place goes back in the
save that records it void and on at once to the next in line; the person and the billing
contact are told that nothing is owed on it, and the code's use, if any, comes back (a turned
down offer holds none). While the employer's bank debit of the invoice is processing, Stripe
refuses the void and the decline is refused in the person's words, nothing changed. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from booking.services.offer_declines import decline_offer
from tests.support.applications import invoice_id_of, session_id_of
from tests.support.groups import at_the_void
from tests.support.invoiced import ACCOUNTS, BILLING, debit_begun, stopped_after_the_void
from tests.support.system import System

COURSE = "small-invoiced"


def _offered_then_invoiced(system: System) -> tuple[dict[str, Any], dict[str, Any]]:
    """A one-place course paid by invoice or card: its holder's checkout expires, the first
    waiting (by invoice) is offered the place and has their employer invoiced; the second
    waits on. The first as invoiced, and the second as applied."""
    definition = system.one_session_file(
        programme="compassionate-leadership",
        offer_valid_hours=48,
        invoice_allowed=True,
        facilitators=["facilitator@example.org"],
    )
    assert system.admin("PUT", f"/courses/{COURSE}", json_body=definition).status == 201
    holder = system.apply(course_id=COURSE).json()
    first = system.apply(course_id=COURSE, email="first@example.org", **BILLING).json()
    second = system.apply(course_id=COURSE, email="second@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(first)["status"] == "offered"
    path = f"/applications/{first['application_id']}"
    invoiced = system.api("POST", f"{path}/invoice?token={first['token']}")
    assert invoiced.status == 201, invoiced.body
    answer = system.status_of(first)
    assert answer["status"] == "awaiting_invoice_payment"
    system.deliver_emails()
    return {**first, **answer}, second


def _decline(system: System, application: dict[str, Any]) -> Any:
    path = f"/applications/{application['application_id']}/decline-offer"
    return system.api("POST", f"{path}?token={application['token']}")


def test_an_invoiced_offer_is_turned_down_its_invoice_voided_first(system: System) -> None:
    first, second = _offered_then_invoiced(system)
    assert "Turn down this place" in system.status_page(first)

    reply = _decline(system, first)

    _declined_and_offered_on(system, first, second, reply)
    assert (reply.json()["status"], reply.json()["already_declined"]) == ("expired", False)
    emails = system.deliver_emails()
    [accounts] = [e for e in emails if ACCOUNTS in e.to]
    [person] = [e for e in emails if "first@example.org" in e.to]
    assert "has turned down the place we offered them" in " ".join(accounts.text.split())
    assert "nothing is owed on that invoice" in " ".join(accounts.text.split())
    said = " ".join(person.text.split())
    assert "You have turned down the place we offered you" in said
    # A turned-down offer cannot be paid again: neither message says it can.
    assert "If you change your mind, just reply to this email" in said
    assert "pay by card" not in said
    assert "pay by card" not in " ".join(accounts.text.split())
    assert _decline(system, first).json()["already_declined"] is True


def test_an_invoiced_offer_being_paid_by_bank_debit_is_not_turned_down(system: System) -> None:
    first, second = _offered_then_invoiced(system)
    debit_begun(system, invoice_id_of(first))
    version = system.stored(first).version

    error = _decline(system, first).refused(409, "payment_pending")

    assert "employer's payment of the invoice for this place is going through" in error["message"]
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "open"
    stored = system.stored(first)
    assert stored.status.value == "awaiting_invoice_payment"
    assert stored.invoice is not None
    assert stored.invoice.voiding is None  # the mark taken back
    assert stored.version == version + 2  # marked, then unmarked: nothing else
    assert system.status_of(second)["status"] == "waitlisted"


def test_a_decline_stopped_after_its_void_is_completed_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The function out of time at the save after Stripe's void: the mark stays, and the sweep
    completes the decline (the place on to the next in line), as it completes an organiser's
    act left half done."""
    first, second = _offered_then_invoiced(system)
    stopped_after_the_void(
        system,
        monkeypatch,
        lambda: decline_offer(system.ports, first["application_id"], first["token"]),
    )
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "void"
    assert system.stored(first).status.value == "awaiting_invoice_payment"

    sweep(system.ports, system.now() + timedelta(minutes=6))
    system.relay()

    assert system.stored(first).status_reason == "offer_declined"
    assert system.status_of(second)["status"] == "offered"


def _email_recorded(system: System, application: dict[str, Any]) -> None:
    """A write changing nothing the decline decides (as the mailer's record of an email)."""
    repo = system.ports.repository
    current = repo.get_application(application["application_id"])
    assert current is not None
    repo.save(current.model_copy(update={"updated_at": system.now()}), current)


def _declined_and_offered_on(
    system: System, first: dict[str, Any], second: dict[str, Any], reply: Any
) -> None:
    assert reply.status == 200, reply.body
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "void"
    stored = system.stored(first)
    assert (stored.status_reason, stored.seat_held) == ("offer_declined", False)
    assert stored.invoice is not None
    assert (stored.invoice.status, stored.invoice.voiding) == ("void", None)
    assert system.status_of(second)["status"] == "offered"  # at once, no sweep run


def test_a_write_between_the_read_and_the_mark_still_turns_the_offer_down(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application written after the decline read it, before its mark: the
    mark is decided again on a fresh read, never a 500 with nothing changed."""
    first, second = _offered_then_invoiced(system)
    repo = system.ports.repository
    courses_read = repo.get_course
    written: list[bool] = []

    def written_as_the_course_is_read(course_id: str) -> Any:  # after the decline's read
        if not written:
            written.append(True)
            _email_recorded(system, first)
        return courses_read(course_id)

    monkeypatch.setattr(repo, "get_course", written_as_the_course_is_read)
    reply = _decline(system, first)
    monkeypatch.undo()

    assert written == [True]
    _declined_and_offered_on(system, first, second, reply)


def test_a_write_while_stripe_voids_still_turns_the_offer_down(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application written while Stripe voids the invoice: the void stands, the decline
    goes on to its end at once (not left to the sweep half an hour later)."""
    first, second = _offered_then_invoiced(system)
    invoice_id = invoice_id_of(first)
    at_the_void(system, monkeypatch, invoice_id, lambda: _email_recorded(system, first))

    reply = _decline(system, first)
    monkeypatch.undo()

    _declined_and_offered_on(system, first, second, reply)
