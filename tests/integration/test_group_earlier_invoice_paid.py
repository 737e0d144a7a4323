"""A group's correction stopped after Stripe sent the corrected invoice (recorded ahead, never
saved as the group's invoice), which the employer then pays: the invoice is the group's, so its
payment pays the group's places, never refunded as nobody's, and no second invoice is sent.
Its event, the sweep or the organiser pressing again completes the correction with it
(pressing again answered 409 ``invoice_paid``). A place's give-up alike: the invoice for the
places kept that a stopped try sent, paid, completes the give-up as the group's invoice (its
event, the sweep, or the manager giving the place up again), and pays the places kept.
Through the real handlers, moto and the Stripe stand-in; the stop made exact by a hook at the
groups' save, the function dying there (nothing after it runs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.groups import GroupBooking
from tests.support.groups import give_up, manager_view, places_left, three_on_an_invoice
from tests.support.held_events import paid_then_completed
from tests.support.invoiced import CORRECTED, INVOICED, group_invoice_corrected
from tests.support.system import Reply, System


def _stopped_after_sending(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    group: dict[str, Any],
    act: Callable[[], Reply],
    no_clean_up: tuple[object, str, Any],
) -> str:
    """``act`` on ``group`` stopped at the save that records the new invoice it sent, after
    Stripe sent it: that invoice's id (recorded ahead). ``no_clean_up`` is the attribute set
    (owner, name, value) so that nothing after the save runs: the function dies there."""
    groups = system.ports.groups
    real_save = groups.save_group

    def stopped(new: Any, previous: Any, **options: Any) -> Any:
        old, now = previous.invoice, new.invoice
        if old is not None and now is not None and now.invoice_id != old.invoice_id:
            raise TimeoutError("the function ran out of time")
        return real_save(new, previous, **options)

    with monkeypatch.context() as patched:
        patched.setattr(groups, "save_group", stopped)
        patched.setattr(*no_clean_up)
        reply = act()
    assert reply.status == 500, reply.body
    [sent_first] = system.stored_group(group).replacing_with
    assert system.stripe_invoice(sent_first)["status"] == "open"
    return sent_first


def _paid_by(system: System, group: dict[str, Any], old: str, sent_first: str) -> GroupBooking:
    """``group`` paid by ``sent_first``, the invoice sent before the stop, as its own: nothing
    refunded, no second invoice sent, the ``old`` one void. The stored group."""
    stored = system.stored_group(group)
    assert stored.status.value == "paid", stored.status
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (sent_first, "paid")
    assert stored.payment_intent is not None
    assert not stored.given_back  # nothing refunded
    assert stored.replacing_invoice is None
    assert stored.invoices_issued == (old, sent_first)  # no second invoice sent
    assert system.stripe_invoice(old)["status"] == "void"
    return stored


def _three_on_an_invoice(
    system: System, before_due: timedelta | None
) -> tuple[dict[str, Any], str, int]:
    """:func:`three_on_an_invoice`, the clock then moved to ``before_due`` its invoice's due
    time if given."""
    group, old, left = three_on_an_invoice(system)
    if before_due is not None:
        invoice = system.stored_group(group).invoice
        assert invoice is not None
        system.clock_offset += invoice.due_at - before_due - system.now()
    return group, old, left


def _correction_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch, *, before_due: timedelta | None = None
) -> tuple[dict[str, Any], str, str]:
    """A group of three on an invoice whose correction stopped at the save that records the
    corrected invoice, after Stripe sent it (no clean-up of the invoice after it), ``before_due``
    the invoice's due time if given: the group's answer, its old invoice's id and the
    corrected invoice's."""
    import booking.services.group_invoice_correction as correction

    group, old, _ = _three_on_an_invoice(system, before_due)
    no_disowning = (correction, "disown_invoice", lambda ports, invoice_id: None)
    sent_first = _stopped_after_sending(
        system, monkeypatch, group, lambda: group_invoice_corrected(system, group), no_disowning
    )
    return group, old, sent_first


def _corrected_paid_by(
    system: System, stopped: tuple[dict[str, Any], str, str], by: str, refused_saying: str = ""
) -> GroupBooking:
    """The corrected invoice, sent before the correction ``stopped``, paid, and the correction
    completed ``by`` its event, the sweep or the correction pressed again (refused: the invoice
    is paid, saying ``refused_saying``): the group paid by it. The stored group."""
    group, old, sent_first = stopped

    def press_again() -> None:
        error = group_invoice_corrected(system, group).refused(409, "invoice_paid")
        assert refused_saying in error["message"]

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), press_again)

    return _paid_by(system, group, old, sent_first)


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
def test_a_group_invoice_paid_before_the_save_pays_the_group(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    stopped = _correction_stopped_after_sending(system, monkeypatch)

    stored = _corrected_paid_by(
        system, stopped, by, refused_saying="employer has paid the corrected invoice sent when"
    )
    assert stored.billing is not None
    assert stored.billing.model_dump() == CORRECTED


def _give_up_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch, *, before_due: timedelta | None = None
) -> tuple[dict[str, Any], str, int, str]:
    """A group of three on an invoice whose give-up of place 2 stopped at the save that records
    the new invoice for the places kept, after Stripe sent it (no undoing of the invoice after
    it), ``before_due`` the invoice's due time if given: the group's answer, its old invoice's
    id, the course's places left once it was booked and the new invoice's id."""
    import booking.services.group_unpaid_give_up as give_ups

    group, old, left = _three_on_an_invoice(system, before_due)
    no_undo = (give_ups._ByInvoice, "undo", lambda self, new: None)
    sent_first = _stopped_after_sending(
        system, monkeypatch, group, lambda: give_up(system, group, 2), no_undo
    )
    return group, old, left, sent_first


def _places_kept_paid_by(
    system: System, stopped: tuple[dict[str, Any], str, int, str], by: str
) -> None:
    """The invoice for the places kept, sent before the give-up ``stopped``, paid, and the
    give-up completed ``by`` its event, the sweep or the give-up pressed again (answered as
    done): the group paid by it, place 2 released and its seat back on the course."""
    group, old, left, sent_first = stopped

    def give_up_again() -> None:
        again = give_up(system, group, 2)
        assert again.status == 200, again.body
        assert (again.json()["status"], again.json()["places_kept"]) == ("paid", 2)

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), give_up_again)

    stored = _paid_by(system, group, old, sent_first)
    assert stored.place(2).released
    assert places_left(system) == left + 1


@pytest.mark.parametrize("by", ["event", "sweep", "give_up_again"])
def test_a_give_ups_invoice_paid_before_the_save_pays_the_places_kept(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    stopped = _give_up_stopped_after_sending(system, monkeypatch)
    group, _, _, sent_first = stopped
    assert system.stripe_invoice(sent_first)["amount_due"] == 40000  # the two places kept

    _places_kept_paid_by(system, stopped, by)
    assert manager_view(system, group)["places_kept"] == 2


@pytest.mark.parametrize("past_due", [False, True], ids=["before_due", "past_due"])
@pytest.mark.parametrize("act", ["correction", "give_up"])
def test_one_being_paid_by_bank_debit_is_the_groups_through_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str, past_due: bool
) -> None:
    """The employer starts a bank debit of the invoice sent before the stop: the sweep passed
    it over (only a paid one was the group's), sent a third invoice and could not void the
    one being debited, so the debit paid for places the group lost at the third one's due
    day. It is the group's invoice, nothing more sent, and its payment pays the group; so
    too when the stop came three minutes before the old invoice's due time and the debit
    just after it (being paid, it is read as a paid one is, and the due time refuses
    nothing)."""
    before_due = timedelta(minutes=3) if past_due else None
    if act == "correction":
        group, old, sent_first = _correction_stopped_after_sending(
            system, monkeypatch, before_due=before_due
        )
    else:
        group, old, _, sent_first = _give_up_stopped_after_sending(
            system, monkeypatch, before_due=before_due
        )
    if past_due:
        system.clock_offset += timedelta(minutes=4)
    debited = system.debit_invoice(sent_first)
    assert debited.status == 200, debited.body

    system.scheduled_run(system.now() + timedelta(minutes=6))

    stored = system.stored_group(group)
    assert stored.status.value == "awaiting_invoice_payment", stored.status
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == sent_first
    assert stored.invoices_issued == (old, sent_first)  # no third invoice sent
    assert system.stripe_invoice(sent_first)["status"] == "open"  # never voided under it

    settled = system.settle_invoice(sent_first)
    assert settled.status == 200, settled.body
    _paid_by(system, group, old, sent_first)


# Each act stopped after Stripe sent its invoice, with each way its completion comes: the
# invoice's event, the sweep, or the act done again.
EACH_ACT_COMPLETED_BY = [
    pytest.param(act, by, id=f"{act}-{by}")
    for act, again in (("give_up", "give_up_again"), ("correction", "press_again"))
    for by in ("event", "sweep", again)
]


@pytest.mark.parametrize("late", ["after_applications_closed", "after_the_old_ones_due_time"])
@pytest.mark.parametrize(("act", "by"), EACH_ACT_COMPLETED_BY)
def test_an_invoice_a_stopped_try_sent_paid_late_still_pays_the_group(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str, by: str, late: str
) -> None:
    """A place's give-up (decided while applications were open) or an organiser's correction
    stopped after Stripe sent its new invoice (for the places kept, or the corrected one), and
    the employer pays that invoice late. After applications closed (the organisers' close): the
    completion is no new booking, so the close refuses none (the webhook answered 503 and the
    sweep ended the booking by the void, the payment then refunded). Just after the old
    invoice's due time, the stop three minutes before it: no invoice is made due in the past,
    but none is made here (the paid one is recorded as the group's), so the due time refuses
    nothing (the webhook answered 503, pressing again 409 ``too_late_for_invoice``, and the
    sweep ended the booking by the void). Either way it completes with that invoice, and the
    group (its places kept) is paid."""
    before_due = timedelta(minutes=3) if late == "after_the_old_ones_due_time" else None

    def made_late() -> None:
        if before_due is None:
            system.put_course(INVOICED, {**system.course_file(INVOICED), "closed": True})
        else:
            system.clock_offset += timedelta(minutes=4)

    if act == "correction":
        corrected = _correction_stopped_after_sending(system, monkeypatch, before_due=before_due)
        made_late()
        _corrected_paid_by(system, corrected, by)
    else:
        given_up = _give_up_stopped_after_sending(system, monkeypatch, before_due=before_due)
        made_late()
        _places_kept_paid_by(system, given_up, by)
    assert all(reply.status == 200 for reply in system.webhook_replies)
