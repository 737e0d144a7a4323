"""A group booking's places nobody applied for are released at the apply-by date while the
payer's bank holds the group's payment in a dispute: nothing is refunded (Stripe cannot refund
a disputed payment, and the payer would be paid twice), so the manager's email and page say
the payer's bank took the payment back, never that their share "had already been refunded at
Stripe" or "is refunded"; Stripe is not asked for a refund it would refuse. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_disputes import _events
from tests.integration.test_disputes_groups_invoices import _close, _group_invoice, _opened
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    manager_view,
    paid_group_with_an_apply_by,
    the_apply_by_passes,
)
from tests.support.stripe_client import posts_fail
from tests.support.stripe_requests import refunds_asked
from tests.support.system import System


@pytest.mark.usefixtures("invoiced")
def test_places_released_unfilled_under_a_dispute_say_the_bank_took_the_payment_back(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:2])
    _opened(system, _group_invoice(system, group))
    system.deliver_emails()
    asked = refunds_asked(system, monkeypatch)

    the_apply_by_passes(system, group)

    stored = system.stored_group(group)
    assert [place.released for place in stored.places] == [True, True]  # seats back
    assert stored.amount_refunded == 0
    assert asked == []  # a refund Stripe would refuse is not asked for
    [told] = [e for e in system.deliver_emails() if list(e.to) == [MANAGER]]
    for words in (told.text, told.html):
        assert "refunded at Stripe" not in words
        assert "is being refunded" not in words
        assert "taken back" in words
        assert "in a dispute" in words
        assert "£400.00" in words
    assert "so nothing is refunded from here" in " ".join(told.text.split())
    assert ".  " not in told.text  # one space between sentences
    assert manager_view(system, group)["status_said"] == (
        "Every place was released at the apply-by date, nobody having applied: what was paid "
        "for them was taken back by the payer's bank in a dispute, so nothing is refunded "
        "from here"
    )


@pytest.mark.usefixtures("invoiced")
def test_once_the_dispute_is_won_the_places_released_under_it_are_refunded(
    system: System,
) -> None:
    """The dispute won, the money back with the course: the shares of the places released at
    the apply-by date while it held the payment are refunded then, as the sweep would have
    refunded them, and the manager told so; once, however often Stripe's events come."""
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:2])
    dispute = _opened(system, _group_invoice(system, group))
    the_apply_by_passes(system, group)
    system.deliver_emails()
    assert system.stored_group(group).amount_refunded == 0

    assert _close(system, dispute["id"], "won").status == 200
    for event in _events(system, dispute["id"]):  # each delivered again: nothing more
        assert system.signed_webhook(json.dumps(event).encode()).status == 200

    stored = system.stored_group(group)
    assert stored.amount_refunded == 40000
    assert all(place.refund_id for place in stored.places)
    sent = system.deliver_emails()
    [told] = [e for e in sent if list(e.to) == [MANAGER]]
    words = " ".join(told.text.split())
    assert "£400.00 is being refunded" in words
    assert "dispute of the payment was decided for the course" in words
    assert "  " not in told.text
    assert manager_view(system, group)["status_said"] == (
        "Every place was released at the apply-by date, nobody having applied: what was paid "
        "for them is refunded"
    )


@pytest.mark.usefixtures("invoiced")
def test_a_refund_stripe_failed_once_the_dispute_was_won_is_made_on_its_redelivery(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:2])
    dispute = _opened(system, _group_invoice(system, group))
    the_apply_by_passes(system, group)
    with monkeypatch.context() as patched:
        posts_fail(system.stripe_http, patched, "/v1/refunds")
        assert _close(system, dispute["id"], "won").status == 200
    assert system.stored_group(group).amount_refunded == 0  # Stripe down: 503, redelivered

    for event in _events(system, dispute["id"]):
        assert system.signed_webhook(json.dumps(event).encode()).status == 200

    assert system.stored_group(group).amount_refunded == 40000
