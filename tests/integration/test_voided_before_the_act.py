"""An organiser's act that ends or replaces one person's open invoice (their cancel of the
booking, a part or full bursary) voids it at Stripe before the act is saved, and so does a
group's last place given up: a payment of the invoice begun between the act's read
at Stripe and its void has Stripe refuse the void, and the act is refused in the words of the
read's refusal (409 ``payment_settling`` / ``payment_being_recorded``), nothing written, the
mark taken back; the payment then confirms the booking and nothing is given back (before,
the act was saved, the invoice voided after it under the payment, and the payment given back
whole when it arrived).

The invoice is marked before its void (``InvoiceRef.voiding``), so Stripe's own
``invoice.voided`` of it (the stand-in sends it during the void) ends nothing; Stripe not
answering is a 503, the mark kept for a retry or the sweep; an act stopped between the void
and its save is completed by the sweep once Stripe holds the invoice void, or its mark taken
back when Stripe never voided it.

Through the real handlers, moto and the Stripe stand-in; each race made exact by a hook at the
in-process Stripe client, just as the system's void reaches the stand-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from booking.services.lifecycle import sweep
from tests.support.applications import invoice_id_of
from tests.support.groups import (
    COLLEAGUES,
    at_the_void,
    give_up,
    invoiced_group,
    manager_view,
    pay_link_id,
)
from tests.support.held_events import deliver, held
from tests.support.invoiced import (
    INVOICED,
    confirmed_paid_whole,
    invoiced_cohort,
    one_on_an_invoice,
    stopped_after_the_void,
)
from tests.support.system import Reply, System


def _debit_begins(system: System, invoice_id: str) -> Callable[[], int]:
    """The employer's bank debit of ``invoice_id`` begun: processing at the bank."""
    return lambda: system.debit_invoice(invoice_id).status


def _paid(system: System, invoice_id: str) -> Callable[[], int]:
    """The employer's payment of ``invoice_id``, at once."""
    return lambda: system.stripe_local("POST", f"/invoices/{invoice_id}/pay").status


def _bank_confirms(system: System, invoice_id: str) -> None:
    said = system.settle_invoice(invoice_id)
    assert said.status == 200, said.body


def _kept(system: System, application: dict[str, Any], invoice_id: str) -> None:
    """Nothing written: the booking on its open invoice, unmarked, no bursary, nobody told."""
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    stored = system.stored(application)
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.voiding, stored.bursary) == (
        invoice_id,
        None,
        0,
    )
    assert system.course(INVOICED)["places_left"] == 1
    assert system.deliver_emails() == []


def _marked(system: System, application: dict[str, Any]) -> bool:
    """Whether the booking's invoice is marked as being voided for an act."""
    invoice = system.stored(application).invoice
    assert invoice is not None
    return invoice.voiding is not None


def _confirmed_whole(system: System, application: dict[str, Any]) -> None:
    assert all(reply.status == 200 for reply in system.webhook_replies)
    confirmed_paid_whole(system, application)
    subjects = [e.subject for e in system.deliver_emails()]
    assert not [s for s in subjects if "refunded" in s or "ancel" in s], subjects


def _bursary(application: dict[str, Any], amount: int) -> Callable[[System], Reply]:
    return lambda system: system.grant_bursary(application, amount)


def _cancel(application: dict[str, Any], refund: bool) -> Callable[[System], Reply]:
    return lambda system: system.cancel(application["application_id"], refund=refund)


def _voids_unanswered(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stripe does not answer a void (until ``monkeypatch.undo()``): it may or may not have
    happened."""

    def unanswered(invoice: str) -> str:
        raise DependencyUnavailable("timed out", code="payment_provider_unavailable")

    monkeypatch.setattr(system.ports.payments, "void_invoice", unanswered)


@pytest.mark.parametrize(
    ("act", "then"),
    [
        (lambda a: _bursary(a, 5000), "Grant a bursary only if the bank says the debit failed"),
        (lambda a: _bursary(a, 20000), "Grant a bursary only if the bank says the debit failed"),
        (lambda a: _cancel(a, False), "Once the bank confirms it, cancel the booking"),
        (lambda a: _cancel(a, True), "Once the bank confirms it, cancel the booking"),
    ],
    ids=["part-bursary", "full-bursary", "cancel", "cancel-refund"],
)
def test_an_act_under_a_debit_begun_between_its_read_and_its_void_is_refused_the_debit_kept(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    act: Callable[[dict[str, Any]], Callable[[System], Reply]],
    then: str,
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    begun = at_the_void(system, monkeypatch, invoice_id, _debit_begins(system, invoice_id))

    answer = act(application)(system)
    monkeypatch.undo()

    assert begun == [200]
    error = answer.refused(409, "payment_settling")
    assert "bank is confirming a payment of £200.00 of this invoice" in error["message"]
    assert "nothing was changed" in error["message"]
    assert then in error["message"]
    _kept(system, application, invoice_id)
    _bank_confirms(system, invoice_id)
    _confirmed_whole(system, application)


@pytest.mark.parametrize(
    "act",
    [lambda a: _bursary(a, 5000), lambda a: _cancel(a, False)],
    ids=["part-bursary", "cancel"],
)
def test_an_act_paid_between_its_read_and_its_void_is_refused_the_payment_kept(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    act: Callable[[dict[str, Any]], Callable[[System], Reply]],
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    paid = at_the_void(system, monkeypatch, invoice_id, _paid(system, invoice_id))

    # The payment's event comes after the act.
    answer, caused = held(system, lambda: act(application)(system))
    monkeypatch.undo()

    assert paid == [200]
    answer.refused(409, "payment_being_recorded")
    assert system.stored(application).status.value == "awaiting_invoice_payment"
    assert not _marked(system, application)
    deliver(system, caused)
    _confirmed_whole(system, application)


def test_stripes_own_voided_event_during_the_cancel_ends_nothing_the_cancel_is_told(
    system: System,
) -> None:
    """The stand-in sends ``invoice.voided`` while the cancel voids the invoice, before the
    cancel is saved: the marked invoice's void ends nothing, and the booking ends as the
    organiser's cancel, in its words, not as an invoice voided."""
    application, invoice_id = one_on_an_invoice(system)

    cancelled = system.cancel(application["application_id"], refund=False)

    assert cancelled.status == 200, cancelled.body
    assert all(reply.status == 200 for reply in system.webhook_replies)
    stored = system.stored(application)
    assert (stored.status.value, stored.status_reason) == ("cancelled", None)
    assert stored.invoice is not None
    assert (stored.invoice.status, stored.invoice.voiding) == ("void", None)
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    subjects = [e.subject for e in system.deliver_emails()]
    assert not [s for s in subjects if "voided" in s.lower()], subjects


def test_a_part_bursary_replaces_the_invoice_once_stripe_voided_it(system: System) -> None:
    application, invoice_id = one_on_an_invoice(system)

    granted = system.grant_bursary(application, 5000)

    assert granted.status == 200, granted.body
    assert all(reply.status == 200 for reply in system.webhook_replies)
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("awaiting_invoice_payment", 15000)
    new = invoice_id_of(seen)
    assert new != invoice_id
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert system.stripe_invoice(new)["status"] == "open"
    assert not _marked(system, application)


@pytest.mark.parametrize("act", [lambda a: _cancel(a, False), lambda a: _bursary(a, 5000)])
def test_the_invoice_voided_first_is_not_voided_again_after_the_save(
    system: System, act: Callable[[dict[str, Any]], Callable[[System], Reply]]
) -> None:
    """Stripe is asked to void the invoice once, before the act's save, which records it void
    as Stripe holds it (the clean-up after the save asked a second time)."""
    application, invoice_id = one_on_an_invoice(system)
    asked = len(system.stripe_http.requests)
    assert act(application)(system).status == 200
    voids = [r.path for r in system.stripe_http.requests[asked:]].count(
        f"/v1/invoices/{invoice_id}/void"
    )
    assert voids == 1
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    stored = system.stored(application)
    assert stored.invoice is not None
    if stored.invoice.invoice_id == invoice_id:  # cancelled on it; a bursary's is the new one
        assert stored.invoice.status == "void"


def test_a_void_stripe_does_not_answer_is_a_503_and_pressing_again_completes_the_cancel(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    _voids_unanswered(system, monkeypatch)
    first = system.cancel(application["application_id"], refund=False)
    monkeypatch.undo()

    error = first.refused(503, "payment_provider_unavailable")
    assert "nothing was changed yet" in error["message"]
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.deliver_emails() == []

    again = system.cancel(application["application_id"], refund=False)

    assert again.status == 200, again.body
    assert system.status_of(application)["status"] == "cancelled"
    assert system.stripe_invoice(invoice_id)["status"] == "void"


@pytest.mark.parametrize("by", ["cancel", "bursary"])
def test_an_act_stopped_after_its_void_is_completed_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    app_id = application["application_id"]
    ports = system.ports
    if by == "cancel":
        act: Callable[[], Any] = lambda: __import__(  # noqa: E731
            "booking.services.lifecycle", fromlist=["cancel"]
        ).cancel(ports, app_id, refund=False)
    else:
        act = lambda: __import__(  # noqa: E731
            "booking.services.bursaries", fromlist=["grant_bursary"]
        ).grant_bursary(ports, app_id, 5000)

    stopped_after_the_void(system, monkeypatch, act)

    assert system.stripe_invoice(invoice_id)["status"] == "void"
    left = system.stored(application)
    assert left.status.value == "awaiting_invoice_payment"
    assert left.invoice is not None
    assert left.invoice.voiding is not None
    # Not before five minutes: the organiser's retry may be on its way.
    assert sweep(ports, system.now() + timedelta(minutes=4)).skipped == []
    assert _marked(system, application)

    sweep(ports, system.now() + timedelta(minutes=6))
    system.relay()

    seen = system.status_of(application)
    if by == "cancel":
        assert seen["status"] == "cancelled"
    else:
        assert (seen["status"], seen["left_to_pay"]) == ("awaiting_invoice_payment", 15000)
        assert system.stripe_invoice(invoice_id_of(seen))["status"] == "open"
    assert not _marked(system, application)


def test_a_mark_whose_void_never_reached_stripe_is_taken_back_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    _voids_unanswered(system, monkeypatch)
    assert system.grant_bursary(application, 5000).status == 503
    monkeypatch.undo()
    assert _marked(system, application)

    sweep(system.ports, system.now() + timedelta(minutes=6))

    _kept(system, application, invoice_id)


# -- a group's last place ----------------------------------------------------------------------


def _group_down_to_its_last_place(system: System) -> tuple[dict[str, Any], str]:
    """A group of three by invoice, places 1 and 2 given up: its last place on a £200 invoice."""
    invoiced_cohort(system)
    group = invoiced_group(system, colleagues=COLLEAGUES)
    for place in (1, 2):
        assert give_up(system, group, place).status == 200
    system.deliver_emails()
    view = manager_view(system, group)
    assert view["places_kept"] == 1
    return group, pay_link_id(view)


@pytest.mark.parametrize(
    ("pays", "code"),
    [(_debit_begins, "payment_settling"), (_paid, "payment_being_recorded")],
    ids=["debit", "paid"],
)
def test_the_last_place_given_up_under_a_payment_begun_at_its_void_is_refused_the_money_kept(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    pays: Callable[[System, str], Callable[[], int]],
    code: str,
) -> None:
    group, invoice_id = _group_down_to_its_last_place(system)
    begun = at_the_void(system, monkeypatch, invoice_id, pays(system, invoice_id))

    answer, caused = held(system, lambda: give_up(system, group, 3))
    monkeypatch.undo()

    assert begun == [200]
    answer.refused(409, code)
    stored = system.stored_group(group)
    assert (stored.status.value, stored.seats_held, stored.replacing_invoice) == (
        "awaiting_invoice_payment",
        1,
        None,
    )
    deliver(system, caused)
    if code == "payment_settling":
        _bank_confirms(system, invoice_id)
    assert all(reply.status == 200 for reply in system.webhook_replies)
    paid = manager_view(system, group)
    assert (paid["status"], paid["places_kept"]) == ("paid", 1)
    assert system.standin.money_moved()[group["group_id"]] == (20000, 0)


def test_the_last_place_given_up_voids_first_and_stripes_event_ends_it_as_given_up(
    system: System,
) -> None:
    group, invoice_id = _group_down_to_its_last_place(system)

    answer = give_up(system, group, 3)

    assert answer.status == 200, answer.body
    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    ended = system.stored_group(group)
    assert (ended.status.value, ended.replacing_invoice) == ("lapsed", None)
    view = manager_view(system, group)
    assert view["ended_because"] == "every_place_given_up", view


def test_a_last_place_whose_void_stripe_does_not_answer_is_said_in_words(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bare "timed out" 503; now the one-person void's sentence.
    group, invoice_id = _group_down_to_its_last_place(system)
    _voids_unanswered(system, monkeypatch)
    first = give_up(system, group, 3)
    monkeypatch.undo()

    error = first.refused(503, "payment_provider_unavailable")
    assert "nothing was changed yet. Please try again in a few minutes" in error["message"]
    assert manager_view(system, group)["places_kept"] == 1
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert give_up(system, group, 3).status == 200  # pressing again completes it
    assert system.stripe_invoice(invoice_id)["status"] == "void"
